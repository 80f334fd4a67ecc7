#!/bin/bash
# Lifecycle under load, client role and ntskd (issue 8, part 3): client
# associations replaced and deleted in a loop while a plain NTP client's
# requests flow through them; namespaces deleted and the module removed
# with live associations under load; ntskd killed with -9 and restarted
# under load as NTS-KE server (the kernel's keys keep serving while it is
# dead; after the restart the cookies issued before still verify) and as
# NTS-KE client (the associations stay and keep working while it is dead;
# the new ntskd takes them over). No WARN (the VM panics on one), no
# leak: associations and key sets are counted exactly (debugfs
# knts/live_*, kmod/objcount.c), the unreclaimable slab before and after.
# KNTS_STRESS=1: more loops and cycles.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/ntp_ask" ] || skip_all "build/tools not built (make tools)"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"

cycles=${LIFECYCLE_CYCLES:-1} loops=${LIFECYCLE_ASSOC_LOOPS:-32} kills=${LIFECYCLE_KILLS:-1}
[ "$STRESS" = 1 ] && cycles=${LIFECYCLE_CYCLES:-20} loops=${LIFECYCLE_ASSOC_LOOPS:-1000} \
	kills=${LIFECYCLE_KILLS:-5}

ktap_plan 23
settle_mem() { sleep 3; sync; echo 3 > /proc/sys/vm/drop_caches; }
make_nks0 "$LAB/keys"
make_pki knts-test 10.77.0.1
knts_unload
settle_mem
slab0=$(slab_kb)
knts_load

# lab S-VAR C-VAR [ntskd]: a server namespace (knts server role, keys,
# ntp_sink answering what knts verified) and a client one. With "ntskd"
# the server role is left to ntskd.
lab() {
	local _s _c
	new_netns _s && new_netns _c || return 1
	ip link add kv0 netns "$_s" type veth peer name kv1 netns "$_c" &&
	ip -n "$_s" link set kv0 up && ip -n "$_c" link set kv1 up &&
	addr_add "$_s" kv0 10.77.0.1/24 && addr_add "$_c" kv1 10.77.0.2/24 &&
	addr_add "$_s" kv0 fd77::1/64 && addr_add "$_c" kv1 fd77::2/64 || return 1
	if [ "${3:-}" != ntskd ]; then
		ip netns exec "$_s" "$NTSCTL" server enable port 123 policy nts-only >/dev/null &&
		ip netns exec "$_s" "$NTSCTL" load-keys "$LAB/keys" >/dev/null || return 1
	fi
	ip netns exec "$_s" "$TOOLS/ntp_sink" --state "$LAB/sink.$_s" > "$LAB/sink.$_s.log" 2>&1 &
	echo $! > "$LAB/sink.$_s.pid"
	printf -v "$1" '%s' "$_s"
	printf -v "$2" '%s' "$_c"
}
# unlab S C: stop the sink, delete both namespaces.
unlab() {
	kill "$(cat "$LAB/sink.$1.pid")" 2>/dev/null
	ip netns del "$1" 2>/dev/null; ip netns del "$2" 2>/dev/null
	true
}
assoc() { ip netns exec "$1" "$KNTS_ASSOC" "${@:2}" >/dev/null; }
# ask NS ADDR NAME: a plain NTP client at 100 requests/s, in the background.
ask() {
	ip netns exec "$1" "$TOOLS/ntp_ask" --dst "$2" --rate 100 \
		--status "$LAB/$3.st" > "$LAB/$3.log" 2>&1 &
	echo $! > "$LAB/$3.pid"
	at_exit "kill $! 2>/dev/null"
}
stop_ask() { kill "$(cat "$LAB/$1.pid")" 2>/dev/null; wait "$(cat "$LAB/$1.pid")" 2>/dev/null; }
# answered NAME: replies the daemon got so far (verified by knts)
answered() { awk '{ print $3 + 0 }' "$LAB/$1.st" 2>/dev/null || echo 0; }
bad_answers() { awk '{ print $4 + 0 }' "$LAB/$1.st" 2>/dev/null || echo 0; }
# flowing NAME: answers keep coming (more than 20 within 15 s)
answered_over() { [ "$(answered "$1")" -gt "$2" ]; }
flowing() { wait_for 15 answered_over "$1" $(($(answered "$1") + 20)); }

# --- 1. associations replaced and deleted in a loop under load ---
lab s c
assoc "$c" set 10.77.0.1 keyfile "$LAB/keys"
assoc "$c" set fd77::1 keyfile "$LAB/keys"
ask "$c" 10.77.0.1 a4
ask "$c" fd77::1 a6
both_flowing() { flowing a4 && flowing a6; }
check "plain NTP through the client role, IPv4 and IPv6, before the churn" both_flowing
n4=$(answered a4) fails=0
for i in $(seq "$loops"); do
	case $((i % 4)) in
	0) assoc "$c" set 10.77.0.1 keyfile "$LAB/keys" || fails=$((fails + 1)) ;;
	1) assoc "$c" del fd77::1 && assoc "$c" set fd77::1 keyfile "$LAB/keys" ||
		fails=$((fails + 1)) ;;
	2) assoc "$c" set 10.88.0.1 keyfile "$LAB/keys" cookies 1 count 16 || fails=$((fails + 1)) ;;
	3) assoc "$c" del 10.77.0.1 && assoc "$c" set 10.77.0.1 keyfile "$LAB/keys" ||
		fails=$((fails + 1)) ;;
	esac
done
diag "$loops replacements/deletions: IPv4 answers $n4 -> $(answered a4), $(cat "$LAB/a4.st")"
[ "$fails" -eq 0 ] && [ "$(answered a4)" -gt "$n4" ]
ok $? "$loops association replacements and deletions under load, all accepted, answers kept coming"
check "... and keep coming after the churn (IPv4, IPv6)" both_flowing
stop_ask a4; stop_ask a6
[ "$(bad_answers a4)" -eq 0 ] && [ "$(bad_answers a6)" -eq 0 ]
ok $? "the daemon got no reply that matched none of its requests ($(cat "$LAB/a4.st"); $(cat "$LAB/a6.st"))"
[ "$(knts_ctr "$c" cli_error)" -eq 0 ] && [ "$(knts_ctr "$c" cli_reply_bad_mac)" -eq 0 ]
ok $? "no client-role error, no reply failed its authenticator"
# 2 + 16 installed now; each replaced one was freed after a grace period.
live_is assocs 18
ok $? "replaced and deleted associations are freed: $(knts_live assocs) alive, 18 installed"
unlab "$s" "$c"
live_is assocs 0
ok $? "a deleted namespace frees its associations ($(knts_live assocs) alive)"

# --- 2. namespaces deleted with live associations under load ---
fails=0 seen=0
for i in $(seq "$cycles"); do
	lab s c || fails=$((fails + 1))
	assoc "$c" set 10.77.0.1 keyfile "$LAB/keys" && assoc "$c" set fd77::1 keyfile "$LAB/keys" ||
		fails=$((fails + 1))
	ask "$c" 10.77.0.1 n$i
	sleep 2
	seen=$((seen + $(answered n$i)))
	# The name goes first; the namespace itself dies with its last process.
	ip netns del "$c"
	stop_ask n$i
	unlab "$s" "$c"
done
[ "$fails" -eq 0 ] && [ "$seen" -gt 0 ]
ok $? "client namespaces deleted under load with live associations, $cycles cycles ($seen answers before)"
live_is assocs 0 && live_is keysets 0
ok $? "every deleted namespace freed its associations and keys ($(knts_live assocs), $(knts_live keysets) left)"

# --- 3. ntskd killed (-9) and restarted under load, both roles ---
lab s c ntskd
KDS=("ke-listen 10.77.0.1" "cert $LAB/pki/server.crt" "key $LAB/pki/server.key"
	"keyfile $LAB/kd-keys")
KDC=("server 10.77.0.1 ca $LAB/pki/ca.crt" "client-state $LAB/kdc-state" "owner root")
check "ntskd (NTS-KE server) enables the server role in the server namespace" \
	ntskd_start "$s" kds "${KDS[@]}"
has_assoc() { [ "$(assoc_field "$c" 10.77.0.1 cookies)" -ge 1 ]; }
kdc_up() { ntskd_start "$c" kdc "${KDC[@]}" && wait_for 60 has_assoc; }
check "ntskd (NTS-KE client) installs an association in the client namespace" kdc_up
ask "$c" 10.77.0.1 k
check "plain NTP through ntskd's association and ntskd's keys" flowing k
fails=0
for i in $(seq "$kills"); do
	kill -9 "$(ntskd_pid kds)"
	flowing k || { fails=$((fails + 1)); diag "kill $i: no answers while the NTS-KE server was dead"; }
	ntskd_start "$s" kds "${KDS[@]}" || fails=$((fails + 1))
	flowing k || { fails=$((fails + 1)); diag "kill $i: no answers after the NTS-KE server restarted"; }
done
naks=$(( $(knts_ctr "$s" srv_nak_unknown_key) + $(knts_ctr "$s" srv_nak_bad_cookie) ))
[ "$fails" -eq 0 ] && [ "$naks" -eq 0 ]
ok $? "NTS-KE server ntskd killed -9 and restarted $kills times: served throughout, cookies from before verify ($naks NAKs)"
live_is keysets 1
ok $? "the restarted ntskd's key sets replaced the old ones: $(knts_live keysets) alive"
fails=0
for i in $(seq "$kills"); do
	kill -9 "$(ntskd_pid kdc)"
	flowing k || { fails=$((fails + 1)); diag "kill $i: no answers while the NTS-KE client was dead"; }
	ntskd_start "$c" kdc "${KDC[@]}" || fails=$((fails + 1))
	wait_for 20 grep -q 'keeping its association' "$LAB/kdc/ntskd.log" ||
		{ fails=$((fails + 1)); diag "kill $i: the association was not taken over"; }
	flowing k || { fails=$((fails + 1)); diag "kill $i: no answers after the NTS-KE client restarted"; }
done
ok "$fails" "NTS-KE client ntskd killed -9 and restarted $kills times: the association stayed, worked, and was taken over"
out=$(ip netns exec "$c" "$NTSCTL" refresh 2>&1)
check "ntsctl refresh under load: ntskd re-keys ($out)" \
	wait_for 60 grep -q 'NTS-KE (refresh requested)' "$LAB/kdc/ntskd.log"
check "... answers keep coming on the new association" flowing k
live_is assocs 1
ok $? "one association alive after $kills restarts and a refresh ($(knts_live assocs))"
stop_ask k
[ "$(bad_answers k)" -eq 0 ] && [ "$(awk '{ print $5 + 0 }' "$LAB/k.st")" -eq 0 ]
ok $? "no bad or unprotected answer reached the daemon (sent dropped answered bad unprotected: $(cat "$LAB/k.st"))"
ntskd_stop kds; ntskd_stop kdc
unlab "$s" "$c"
live_is assocs 0 && live_is keysets 0
ok $? "nothing left after the namespaces: $(knts_live assocs) associations, $(knts_live keysets) key sets"

# --- 4. rmmod with live associations under load (reloaded each cycle) ---
fails=0
for i in $(seq "$cycles"); do
	knts_load || fails=$((fails + 1))
	lab s c || fails=$((fails + 1))
	assoc "$c" set 10.77.0.1 keyfile "$LAB/keys" && assoc "$c" set fd77::1 keyfile "$LAB/keys" ||
		fails=$((fails + 1))
	ask "$c" 10.77.0.1 r$i
	sleep 2
	rmmod knts || fails=$((fails + 1))
	stop_ask r$i
	unlab "$s" "$c"
done
ok "$fails" "rmmod with live associations under load, $cycles cycles"

knts_unload
settle_mem
slab1=$(slab_kb)
diag "unreclaimable slab: $slab0 kB before, $slab1 kB after"
[ "$slab1" -lt $((slab0 + 8192)) ]
ok $? "memory back to baseline after unload (slab within 8 MiB)"
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
