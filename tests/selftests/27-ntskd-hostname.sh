#!/bin/bash
# ntskd fails closed for a server given by name (issue 13): before its
# first NTS-KE, with no `ntp ADDR` and no client-state, every address the
# name resolves to (IPv4 and IPv6) is closed at port 123 from the start;
# while the name does not resolve (DNS down at boot) ntskd tries again.
# The name is in the VM's /etc/hosts (its /etc is an overlay; the file is
# restored at exit). In srv, 10.77.0.1 and fd77::1 are ntp.knts.test.
#   1 the name does not resolve yet: ntskd says so and retries
#   2 it resolves: both addresses closed; the NTS-KE server is down, a
#     plain responder answers: a plain chronyd's requests to the name, a
#     plain request to fd77::1 and forged replies from both are dropped
#     and counted, and reach nobody
#   3 chrony's NTS server comes up: NTS-KE (no record 6: NTP to the
#     address NTS-KE reached); if chronyd uses the other address of the
#     name, its requests are still dropped there, and NTS-KE follows it
#     (the policy of docs/security.md); chronyd authenticates, the
#     address it does not use stays closed
# Without the resolution at start, 2 fails: nothing is closed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"
[ "${KNTS_IN_VM:-}" = 1 ] || skip_all "edits /etc/hosts: only in the VM"

NAME=ntp.knts.test
ktap_plan 15
knts_load
make_pki knts-test "DNS:$NAME"
CA=$LAB/pki/ca.crt
PNTP="python3 $SELFTEST_DIR/plain_ntp.py"
phase() { diag "--- $* (t=${SECONDS}s)"; }
# /etc/hosts may be a mount point: rewritten in place, never renamed
cp /etc/hosts "$LAB/hosts.orig"
at_exit "cat '$LAB/hosts.orig' > /etc/hosts"
grep -v " $NAME\$" "$LAB/hosts.orig" > /etc/hosts

new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64

ip netns exec "$srv" $PNTP serve 10.77.0.1 "$LAB/count.4" &
echo $! > "$LAB/plain.pid"
at_exit 'kill $(cat "$LAB/plain.pid")'
ip netns exec "$srv" $PNTP serve fd77::1 "$LAB/count.6" &
p6=$!
at_exit "kill $p6"
wait_for 20 test -e "$LAB/count.4" && wait_for 20 test -e "$LAB/count.6"

ctr() { knts_ctr "$cli" "$1"; }
ctr_ge() { [ "$(ctr "$1")" -ge "$2" ]; }
field() { assoc_field "$cli" "$1" "$2"; }
field_gt() { [ "$(field "$1" "$2")" -gt "$3" ]; }
closed() { ip netns exec "$cli" "$NTSCTL" show | grep -A1 "^  $1 port 123" | grep -q 'closed: no NTS-KE yet'; }
both_closed() { closed 10.77.0.1 && closed fd77::1; }
plain() { sed -n 's/^plain \([0-9]*\).*/\1/p' "$LAB/count.$1"; }
unresolved() { [ "$(grep -c "server $NAME: cannot resolve its name" "$LAB/kd/ntskd.log")" -ge "$1" ]; }

phase "1: the name does not resolve"
check "ntskd starts with 'server $NAME' (no ntp, no client-state entry)" \
	ntskd_start "$cli" kd "server $NAME ca $CA" "ke-retry 1 2" "owner root" \
	"client-state $LAB/kd/client-state"
check "it cannot resolve the name, says so and tries again" wait_for 20 unresolved 2
[ "$(field 10.77.0.1 aead)" = -1 ] && [ "$(field fd77::1 aead)" = -1 ]
ok $? "no association yet"

phase "2: the name resolves, the NTS-KE server is down"
printf '10.77.0.1 %s\nfd77::1 %s\n' "$NAME" "$NAME" >> /etc/hosts
check "both addresses of $NAME are closed at port 123" wait_for 40 both_closed
ntskd_logged kd "server $NAME: resolved to 2 addresses; 2 closed until NTS-KE says where NTP goes" &&
	[ "$(field 10.77.0.1 owner_uid)" = 0 ]
ok $? "ntskd logged the two stand-ins (owner uid $(field 10.77.0.1 owner_uid))"
nc0=$(ctr cli_req_no_cookie) ua0=$(ctr cli_reply_unauth)
chronyd_start "$cli" client "port 0" "server $NAME iburst minpoll 0 maxpoll 0"
check "a plain chronyd's requests to $NAME are dropped (cli_req_no_cookie rises)" \
	wait_for 30 ctr_ge cli_req_no_cookie $((nc0 + 3))
out=$(ip netns exec "$cli" $PNTP ask fd77::1 5)
[ "$out" = "sent 0 refused 5 answered 0" ]
ok $? "plain requests to fd77::1 are refused ($out)"
ip netns exec "$cli" $PNTP listen 10.77.0.2 5123 6 > "$LAB/got.4" &
l4=$!
ip netns exec "$cli" $PNTP listen fd77::2 5123 6 > "$LAB/got.6" &
l6=$!
sleep 1
ip netns exec "$srv" $PNTP spray 10.77.0.1 10.77.0.2 5123 10
ip netns exec "$srv" $PNTP spray fd77::1 fd77::2 5123 10
wait "$l4" "$l6"
[ "$(cat "$LAB/got.4")" = "got 0" ] && [ "$(cat "$LAB/got.6")" = "got 0" ] &&
	[ $(($(ctr cli_reply_unauth) - ua0)) -ge 20 ]
ok $? "20 forged plain replies from both addresses' port 123: none delivered, cli_reply_unauth +$(($(ctr cli_reply_unauth) - ua0))"
[ "$(plain 4)" = 0 ] && [ "$(plain 6)" = 0 ] && [ "$(chrony_rx client 10.77.0.1)" = 0 ]
ok $? "$(ctr cli_req_no_cookie) requests dropped: the responders got none, chronyd got no reply"

phase "3: NTS-KE comes up"
kill "$(cat "$LAB/plain.pid")" "$p6"; sleep 0.5
chronyd_start "$srv" up "port 123" "ntsport 4460" "ntsprocesses 0" "allow" "local stratum 10" \
	"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key"
# NTS-KE names no NTP server: NTP goes to the address NTS-KE reached
# (glibc's order, fd77::1 first here); chronyd picked its own address of
# the name. The other addresses stay closed; if chronyd sends to one of
# them, ntskd sees its requests dropped there and NTS-KE follows it.
keyed() {
	local a
	for a in 10.77.0.1 fd77::1; do
		[ "$(field "$a" cookies)" -le 0 ] || echo "$a"
	done
}
keyed_any() { [ -n "$(keyed)" ]; }
check "NTS-KE succeeds: one address holds cookies" wait_for 60 keyed_any ||
	{ tail -n 20 "$LAB/kd/ntskd.log"; tail -n 5 "$LAB/up/chronyd.log"; } | sed 's/^/# /'
diag "NTS-KE first reached $(keyed)"
C=$(chronyc_in client sources | awk '/^\^/ { print $2 }') O=fd77::1
[ "$C" = fd77::1 ] && O=10.77.0.1
diag "chronyd sends to ${C:-?}; the other address is $O"
check "chronyd's replies from $C verify (good > 3)" wait_for 120 field_gt "${C:-none}" good 3
grep -F "the NTP client sends to" "$LAB/kd/ntskd.log" | sed 's/^/# /'
st=$(chronyc_in up serverstats)
rx=$(awk -F: '/NTP packets received/ { print $2 + 0 }' <<<"$st")
au=$(awk -F: '/Authenticated NTP/ { print $2 + 0 }' <<<"$st")
[ "$(keyed)" = "$C" ] && closed "$O" && [ "$rx" -ge 4 ] && [ "$rx" = "$au" ]
ok $? "knts protects $C, $O stays closed; the chrony server got only NTS ($au authenticated of $rx)"
done_n() { grep -c "server $NAME: NTS-KE with .* done" "$LAB/kd/ntskd.log"; }
done_ge() { [ "$(done_n)" -ge "$1" ]; }
n0=$(done_n)
kill -USR1 "$(ntskd_pid kd)"
check "a refresh (SIGUSR1): NTS-KE again" wait_for 60 done_ge $((n0 + 1))
sleep 1
[ "$(keyed)" = "$C" ] && closed "$O"
ok $? "after the refresh $C keeps the keys and $O stays closed"
dmesg_clean >/dev/null
ok $? "no WARN, BUG or Oops"
ktap_finish
