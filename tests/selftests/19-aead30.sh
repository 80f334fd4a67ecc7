#!/bin/bash
# AES-128-GCM-SIV (AEAD 30) through knts, and keys from `ntsctl keygen`:
#
#   A  srv -- cli     plain chronyd behind the knts server role, whose
#                     master keys are GCM-SIV keys (NKS1, algorithm 30, as
#                     chrony >= 4.4 makes them) from `ntsctl keygen --aead
#                     30`; a plain chronyd behind the knts client role with
#                     an AEAD 30 session (64-byte cookies) to one address
#                     and an AEAD 15 session (96-byte cookies under the same
#                     GCM-SIV master key) to the other.
#   B  ke -- ntp      "knts generates, chrony loads": `ntsctl keygen` writes
#                     the keys; chrony 4.3 (ntsrotate 0, ntsdumpdir) serves
#                     NTS-KE with them and points its clients at the NTP
#                     host, whose knts server role loaded the same file in
#                     front of a plain chronyd. A chrony NTS client gets
#                     authenticated time.
#   C  chrony 4.6.1 (Debian 13, from the minimal trixie root that make
#                     deps makes in .cache/trixie-peers, scripts/trixie-peers;
#                     failed, not skipped, without it): as an NTS client
#                     of ntskd + knts (AEAD 30 with chrony's record 1024),
#                     and as an NTS server with its own, default key
#                     rotation (GCM-SIV master keys) for ntskd's client role
#                     + knts; `ntsctl load-keys` takes the ntskeys it writes.
# The cookies are made by tests/tools/knts-assoc (no NTS-KE) in A, by
# chrony in B and C2, by ntskd in C1; knts opens all of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
command -v chronyd >/dev/null || skip_all "chrony not installed"

ktap_plan 22
knts_load
# AEAD 30 operations per backend since here (debugfs, make module-debug).
gcm_ops() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/knts/siv_ops; }
gni0=$(gcm_ops gcm_aesni); glib0=$(gcm_ops gcm_lib)
make_pki knts-test 10.74.0.2 10.73.0.1 10.72.0.1
field() { assoc_field "$cli" "$1" "$2"; }

# --- A ---
check "keygen --aead 30 writes an NKS1 file of GCM-SIV keys, mode 0600" sh -c \
	"'$NTSCTL' keygen '$LAB/k30' --aead 30 >/dev/null &&
	 [ \"\$(stat -c %a '$LAB/k30')\" = 600 ] && head -1 '$LAB/k30' | grep -qx NKS1 &&
	 [ \"\$(grep -cE '^[0-9A-F]{8} [0-9A-F]{32} 30\$' '$LAB/k30')\" = 4 ]"
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.75.0.1/24; addr_add "$srv" kv0 10.75.0.3/24
addr_add "$cli" kv1 10.75.0.2/24
chronyd_start "$srv" plain "port 123" "allow" "local stratum 10"
check "load-keys takes the GCM-SIV keys (server role, nts-only)" sh -c \
	"ip netns exec '$srv' '$NTSCTL' server enable port 123 policy nts-only >/dev/null &&
	 ip netns exec '$srv' '$NTSCTL' load-keys '$LAB/k30' >/dev/null"
check "an AEAD 30 association: 64-byte cookies under the GCM-SIV master key" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' set 10.75.0.1 keyfile '$LAB/k30' aead 30 >/dev/null &&
	 ip netns exec '$cli' '$NTSCTL' show | grep -A1 '^  10.75.0.1 port 123' |
	 grep -q 'aead 30, cookies 8/8 (64 bytes)'"
check "an AEAD 15 association: 96-byte cookies under the GCM-SIV master key" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' set 10.75.0.3 keyfile '$LAB/k30' aead 15 >/dev/null &&
	 ip netns exec '$cli' '$NTSCTL' show | grep -A1 '^  10.75.0.3 port 123' |
	 grep -q 'aead 15, cookies 8/8 (96 bytes)'"
chronyd_start "$cli" client "port 0" \
	"server 10.75.0.1 iburst minpoll 0 maxpoll 0" \
	"server 10.75.0.3 iburst minpoll 0 maxpoll 0"

# --- B ---
new_netns ntp && new_netns ke
veth_pair "$ntp" "$ke"
addr_add "$ntp" kv0 10.74.0.1/24; addr_add "$ke" kv1 10.74.0.2/24
check "keygen (AEAD 15, NKS0) for a chrony 4.3 NTS-KE server" \
	"$NTSCTL" keygen "$LAB/k15"
chronyd_start "$ntp" ntp "port 123" "allow" "local stratum 10"
check "the NTP host's knts loads the same file" sh -c \
	"ip netns exec '$ntp' '$NTSCTL' server enable port 123 policy nts-only >/dev/null &&
	 ip netns exec '$ntp' '$NTSCTL' load-keys '$LAB/k15' >/dev/null"
mkdir -p "$LAB/ke-dump" && chmod 700 "$LAB/ke-dump" && cp "$LAB/k15" "$LAB/ke-dump/ntskeys"
chronyd_start "$ke" ke "bindaddress 10.74.0.2" "port 123" "ntsport 4460" \
	"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
	"ntsrotate 0" "ntsdumpdir $LAB/ke-dump" "ntsntpserver 10.74.0.1" \
	"ntsprocesses 0" "allow"
chronyd_start "$ke" nts-client "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.74.0.2 nts iburst minpoll 0 maxpoll 0"

# --- A: results ---
good_over() { [ "$(field "$1" good)" -gt "$2" ]; }
check "AEAD 30: replies verify under the S2C key (12-byte nonces, C || tag)" \
	wait_for 60 good_over 10.75.0.1 3
check "AEAD 15 with GCM-SIV master keys: replies verify" wait_for 30 good_over 10.75.0.3 3
selected() { chronyc_in client sources | grep -qE '^\^\* '; }
check "the plain chronyd client selects a source protected with AEAD 30 or 15" \
	wait_for 30 selected
srv_ok() {
	[ "$(knts_ctr "$srv" srv_req_verified)" -gt 6 ] &&
	[ "$(knts_ctr "$srv" srv_reply_signed)" -gt 6 ] &&
	[ "$(knts_ctr "$srv" srv_nak_sent)" -eq 0 ]
}
check "the server role verified the requests and signed every reply, no NAK" srv_ok
check "the jar stays full: every reply brought a fresh 64-byte cookie" \
	test "$(field 10.75.0.1 cookies)" -ge 7
cli_clean() {
	[ "$(knts_ctr "$cli" cli_reply_bad_mac)" -eq 0 ] &&
	[ "$(knts_ctr "$cli" cli_reply_malformed)" -eq 0 ]
}
check "no reply failed to verify" cli_clean
# Server: cookie open and seal under the GCM-SIV master key, plus the
# request MAC and reply seal of the AEAD 30 session; client: its request
# seal and reply open. At least 2 operations per verified request.
gcm_on_core() {
	local n ni lib
	n=$(knts_ctr "$srv" srv_req_verified)
	ni=$(( $(gcm_ops gcm_aesni) - gni0 )); lib=$(( $(gcm_ops gcm_lib) - glib0 ))
	echo "$n requests verified: $ni AEAD 30 operations on aesni, $lib on lib" > "$LAB/gcm-ops"
	[ "$n" -gt 6 ] && [ "$ni" -ge $((2 * n)) ] && [ "$lib" -le $((n / 10)) ]
}
if grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo &&
   [ "$(uname -m)" = x86_64 ]; then
	check "AEAD 30 ran on knts's AES-NI + PCLMULQDQ core (lib only as a rare fallback)" \
		gcm_on_core
	diag "$(cat "$LAB/gcm-ops" 2>/dev/null)"
else
	skip "AEAD 30 ran on knts's AES-NI + PCLMULQDQ core" "no AES-NI or PCLMULQDQ"
fi

# --- B: results ---
# 8 cookies held: NTS-KE worked and the NTP replies carried new cookies.
full_jar() { chronyc_in nts-client authdata | awk '$2 == "NTS" && $9 == 8' | grep -q .; }
check "B: chrony's NTS-KE hands out cookies sealed with the keygen keys" wait_for 60 full_jar
ntp_ok() {
	[ "$(knts_ctr "$ntp" srv_req_verified)" -gt 3 ] &&
	[ "$(knts_ctr "$ntp" srv_nak_sent)" -eq 0 ]
}
check "B: knts at the NTP host opens them and verifies chrony's requests" \
	wait_for 60 ntp_ok

# --- C: chrony 4.6.1 from the trixie root ---
C46=${CHRONY46_ROOT:-$PROJECT/.cache/trixie-peers}
C_TESTS=7
if [ ! -x "$C46/usr/sbin/chronyd" ] || [ ! -x "$NTSKD" ]; then
	for i in $(seq $C_TESTS); do
		ok 1 "C$i: chrony 4.6.1 interop: no chrony 4.6 root in $C46 (make deps) or no ntskd"
	done
	ktap_finish
	exit
fi
mkdir -p "$C46/lab" && mount --bind "$LAB" "$C46/lab" &&
	mount --bind /dev "$C46/dev" && mount -t proc proc "$C46/proc"
at_exit "umount '$C46/proc' '$C46/dev' '$C46/lab'"
# c46_start NS NAME LINES...: chronyd 4.6.1 in NS, its files in $LAB/NAME
# (/lab/NAME inside the root); chronyd_stop NAME stops it.
c46_start() {
	local ns=$1 name=$2 dir=$LAB/$2
	shift 2
	mkdir -p "$dir" && chmod 700 "$dir"
	printf '%s\n' "pidfile /lab/$name/chronyd.pid" \
		"bindcmdaddress /lab/$name/chronyd.sock" "cmdport 0" \
		"driftfile /lab/$name/drift" "$@" > "$dir/chrony.conf"
	ip netns exec "$ns" capsh --drop=cap_sys_time -- -c \
		"chroot '$C46' chronyd -x -u root -f /lab/$name/chrony.conf -l /lab/$name/chronyd.log" ||
		return 1
	at_exit "chronyd_stop $name"
}
c46c() { local n=$1; shift; chroot "$C46" chronyc -h "/lab/$n/chronyd.sock" -n "$@"; }
diag "$(chroot "$C46" chronyd -v)"

# C1: chrony 4.6.1 NTS client -> ntskd (NTS-KE) + knts (NTP) + plain chronyd
new_netns srv3 && new_netns cli3
veth_pair "$srv3" "$cli3"
addr_add "$srv3" kv0 10.73.0.1/24; addr_add "$cli3" kv1 10.73.0.2/24
chronyd_start "$srv3" plain3 "port 123" "allow" "local stratum 10"
check "C1: ntskd serves NTS-KE in front of knts (nts-only)" ntskd_start "$srv3" kd3 \
	"ke-listen 10.73.0.1" "cert $LAB/pki/server.crt" "key $LAB/pki/server.key" \
	"keyfile $LAB/kd3/ntskeys" "policy nts-only"
c46_start "$cli3" c46cli "port 0" "ntstrustedcerts /lab/pki/ca.crt" \
	"server 10.73.0.1 nts iburst minpoll 0 maxpoll 0"
# authdata: Name Mode KeyID Type KLen Last Atmp NAK Cook CLen
c46_jar() { c46c c46cli authdata | awk '$2 == "NTS" && $4 == 30 && $9 == 8' | grep -q .; }
check "C1: chrony 4.6.1 negotiates AEAD 30 with ntskd and holds 8 cookies" wait_for 90 c46_jar
diag "$(c46c c46cli authdata)"
check "C1: ntskd chose 30 and echoed chrony's record 1024" \
	ntskd_logged kd3 "AEAD 30, 8 cookies"
c46_auth() {
	c46c c46cli ntpdata 10.73.0.1 | grep -q 'Authenticated *: Yes' &&
	[ "$(knts_ctr "$srv3" srv_req_verified)" -gt 3 ] &&
	[ "$(knts_ctr "$srv3" srv_nak_sent)" -eq 0 ]
}
check "C1: chrony 4.6.1 authenticates the replies knts signs (RFC exporter context)" \
	wait_for 60 c46_auth
interop_last "$(peer_chrony "$C46") NTS client" server 30 IPv4 "NTS-KE: ntskd (record 1024)"

# C2: chrony 4.6.1 NTS server with its own key rotation -> ntskd's client
# role + knts -> plain chronyd 4.3
new_netns up3 && new_netns down3
veth_pair "$up3" "$down3"
addr_add "$up3" kv0 10.72.0.1/24; addr_add "$down3" kv1 10.72.0.2/24
mkdir -p "$LAB/c46dump" && chmod 700 "$LAB/c46dump"
c46_start "$up3" c46srv "port 123" "ntsport 4460" "allow" "local stratum 10" \
	"ntsservercert /lab/pki/server.crt" "ntsserverkey /lab/pki/server.key" \
	"ntsdumpdir /lab/c46dump" "ntsprocesses 0"
check "C2: chrony 4.6.1 writes its own ntskeys: NKS1, GCM-SIV keys (algorithm 30)" \
	wait_for 30 sh -c "head -1 '$LAB/c46dump/ntskeys' | grep -qx NKS1 &&
	 [ \"\$(grep -cE '^[0-9A-F]{8} [0-9A-F]{32} 30\$' '$LAB/c46dump/ntskeys')\" = 4 ]"
check "C2: ntsctl load-keys accepts that file" \
	ip netns exec "$down3" "$NTSCTL" load-keys "$LAB/c46dump/ntskeys"
# The NTP client runs as root (chronyd -u root): NTS for root's sockets.
ntskd_start "$down3" kd4 "server 10.72.0.1 ca $LAB/pki/ca.crt" \
	"client-state $LAB/kd4/client-state" "owner root"
chronyd_start "$down3" plain4 "port 0" "server 10.72.0.1 iburst minpoll 0 maxpoll 0"
c2_ok() {
	[ "$(assoc_field "$down3" 10.72.0.1 aead)" -eq 30 ] &&
	[ "$(assoc_field "$down3" 10.72.0.1 cookie_len)" -eq 64 ] &&
	[ "$(assoc_field "$down3" 10.72.0.1 good)" -gt 3 ]
}
check "C2: knts client role with chrony 4.6.1's server: AEAD 30, 64-byte cookies, replies verify" \
	wait_for 90 c2_ok
interop_last "$(peer_chrony "$C46") NTS server" client 30 IPv4 "own key rotation; NTS-KE: ntskd; plain chronyd behind knts"
ktap_finish
