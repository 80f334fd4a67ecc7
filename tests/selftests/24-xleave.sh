#!/bin/bash
# Interleaved mode (chrony's xleave) through knts, both roles.
#
# In interleaved mode chronyd answers with the request's receive timestamp
# as the reply's origin, not its transmit timestamp (the reply carries the
# transmit timestamp of the previous exchange). knts must match such a
# reply to its request without loosening the match: server role, the
# reply to a verified request must still be sealed (else the client drops
# it and falls back to basic mode); client role, the reply must still echo
# the UID of a request in the ring and authenticate.
#
# A: chrony 4.3 NTS client with xleave -> plain chronyd behind knts's
#    server role (cookies from ntskd): "Interleaved : Yes".
# B: plain chronyd with xleave behind knts's client role (ntskd) -> chrony
#    4.3's own NTS server: "Interleaved : Yes".
# Both over IPv4 and IPv6. Without interleaved support, chrony reports
# "Interleaved : No" in both (A: the interleaved reply leaves unsealed and
# the client drops it; B: knts drops the reply as unmatched).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"

ktap_plan 12
knts_load
make_pki knts-test 10.77.0.1 fd77::1 10.78.0.1 fd78::1

interleaved() { chronyc_in "$1" ntpdata "$2" | grep -q 'Interleaved *: Yes'; }
authenticated() { chronyc_in "$1" ntpdata "$2" | grep -q 'Authenticated *: Yes'; }

# --- A: server role ---
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64
chronyd_start "$srv" plain "bindaddress 10.77.0.1" "bindaddress fd77::1" \
	"port 123" "allow" "local stratum 10"
check "A: ntskd serves NTS-KE, knts server role on" \
	ntskd_start "$srv" kd "ke-listen 10.77.0.1" "ke-listen fd77::1" \
	"cert $LAB/pki/server.crt" "key $LAB/pki/server.key" "keyfile $LAB/kd/ntskeys"
chronyd_start "$cli" xc "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.77.0.1 nts iburst xleave minpoll 0 maxpoll 0" \
	"server fd77::1 nts iburst xleave minpoll 0 maxpoll 0"
check "A: chrony NTS client authenticated over IPv4" wait_for 60 authenticated xc 10.77.0.1
check "A: chrony NTS client authenticated over IPv6" wait_for 30 authenticated xc fd77::1
check "A: IPv4 exchanges are interleaved (xleave through the server role)" \
	wait_for 30 interleaved xc 10.77.0.1
interop_last "$(peer_chrony) NTS client" server 15 IPv4 "interleaved (xleave); NTS-KE: ntskd"
check "A: IPv6 exchanges are interleaved" wait_for 30 interleaved xc fd77::1
interop_last "$(peer_chrony) NTS client" server 15 IPv6 "interleaved (xleave); NTS-KE: ntskd"
diag "$(chronyc_in xc ntpdata 10.77.0.1 | grep -E 'Interleaved|Authenticated|Total' | tr -s ' \n' ' ')"
signed=$(knts_stat_text "$srv" srv_reply_signed)
diag "server role: $signed replies signed"
[ "$signed" -gt 6 ]
ok $? "A: knts signed the replies ($signed)"
chronyd_stop xc
ntskd_stop kd
chronyd_stop plain

# --- B: client role ---
new_netns srv2 && new_netns cli2
veth_link "$srv2" kw0 "$cli2" kw1
addr_add "$srv2" kw0 10.78.0.1/24; addr_add "$srv2" kw0 fd78::1/64
addr_add "$cli2" kw1 10.78.0.2/24; addr_add "$cli2" kw1 fd78::2/64
make_nks0 "$LAB/ntskeys"
mapfile -t conf < <(nts_server_conf ntssrv "$LAB/ntskeys" 10.78.0.1 fd78::1)
chronyd_start "$srv2" ntssrv "${conf[@]}"
check "B: ntskd client role with two server lines" \
	ntskd_start "$cli2" kc "server 10.78.0.1 ca $LAB/pki/ca.crt" \
	"server fd78::1 ca $LAB/pki/ca.crt" "owner root" \
	"client-state $LAB/kc/client-state"
keyed() { [ "$(assoc_field "$cli2" "$1" cookies)" -gt 0 ]; }
wait_for 60 keyed 10.78.0.1; wait_for 30 keyed fd78::1
chronyd_start "$cli2" xp "port 0" \
	"server 10.78.0.1 iburst xleave minpoll 0 maxpoll 0" \
	"server fd78::1 iburst xleave minpoll 0 maxpoll 0"
both_rx() { [ "$(chrony_rx xp 10.78.0.1)" -ge 3 ] && [ "$(chrony_rx xp fd78::1)" -ge 3 ]; }
check "B: plain chronyd gets replies through the client role (IPv4, IPv6)" \
	wait_for 60 both_rx
check "B: IPv4 exchanges are interleaved (xleave through the client role)" \
	wait_for 30 interleaved xp 10.78.0.1
interop_last "$(peer_chrony) NTS server" client "$(assoc_field "$cli2" 10.78.0.1 aead)" IPv4 "interleaved (plain chronyd xleave behind knts); NTS-KE: ntskd"
check "B: IPv6 exchanges are interleaved" wait_for 30 interleaved xp fd78::1
interop_last "$(peer_chrony) NTS server" client "$(assoc_field "$cli2" fd78::1 aead)" IPv6 "interleaved (plain chronyd xleave behind knts); NTS-KE: ntskd"
diag "$(chronyc_in xp ntpdata 10.78.0.1 | grep -E 'Interleaved|Total' | tr -s ' \n' ' ')"
unmatched=$(knts_stat_text "$cli2" cli_reply_unmatched)
good=$(knts_stat_text "$cli2" cli_reply_verified)
diag "client role: cli_reply_verified=$good cli_reply_unmatched=$unmatched"
[ "$good" -gt 6 ]
ok $? "B: knts verified the replies ($good)"

check "kernel log: no WARN, BUG or Oops" dmesg_clean
ktap_finish
