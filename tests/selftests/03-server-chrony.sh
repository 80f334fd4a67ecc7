#!/bin/bash
# Server role with real peers: a plain chronyd (no NTS configured) behind
# knts serves a chrony 4.3 NTS client. The cookies come from chrony's own
# NTS-KE (ntsrotate 0) sharing one ntskeys file with knts (load-keys):
# key interop and the kernel fast path in one go, over IPv4 and IPv6.
# Then hostile requests from a raw sender never reach the daemon.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
command -v chronyd >/dev/null || skip_all "chrony not installed"
PKT=$SELFTEST_DIR/ntspkt.py

ktap_plan 22
knts_load
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
for a in 10.77.0.1/24 10.77.0.3/24 10.77.0.4/24 fd77::1/64 fd77::3/64 fd77::4/64; do
	addr_add "$srv" kv0 "$a"
done
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64
make_pki knts-test 10.77.0.3 fd77::4
make_nks0 "$LAB/ntskeys"

# chrony as the NTS-KE half only: shared keys, no rotation, and clients
# sent to the plain daemon's address for NTP.
ke_conf() { # NAME V4 V6 NTPSERVER
	mkdir -p "$LAB/$1-dump" && chmod 700 "$LAB/$1-dump"
	cp "$LAB/ntskeys" "$LAB/$1-dump/ntskeys"
	printf '%s\n' "bindaddress $2" "bindaddress $3" "port 123" "ntsport 4460" \
		"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
		"ntsrotate 0" "ntsdumpdir $LAB/$1-dump" "ntsntpserver $4" \
		"ntsprocesses 0" "allow"
}
mapfile -t conf < <(ke_conf ke4 10.77.0.3 fd77::3 10.77.0.1)
chronyd_start "$srv" ke4 "${conf[@]}"
mapfile -t conf < <(ke_conf ke6 10.77.0.4 fd77::4 fd77::1)
chronyd_start "$srv" ke6 "${conf[@]}"
chronyd_start "$srv" plain "bindaddress 10.77.0.1" "bindaddress fd77::1" \
	"port 123" "allow" "local stratum 10"

check "knts server role enabled (port 123, mixed)" \
	ip netns exec "$srv" "$NTSCTL" server enable port 123 policy mixed
check "ntsctl load-keys takes chrony's NKS0 file" \
	ip netns exec "$srv" "$NTSCTL" load-keys "$LAB/ntskeys"
check "ntsctl show lists 4 key IDs, no key bytes" sh -c \
	"ip netns exec '$srv' '$NTSCTL' show | grep -c '^    [0-9A-F]\{8\}  loaded' | grep -qx 4"

ip netns exec "$cli" dumpcap -q -i kv1 -f "udp port 123" -w "$LAB/ntp.pcap" 2>/dev/null &
tshark_pid=$!
at_exit "kill $tshark_pid"
wait_for 30 test -s "$LAB/ntp.pcap"
chronyd_start "$cli" client "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.77.0.3 nts iburst minpoll 0 maxpoll 0" \
	"server fd77::4 nts iburst minpoll 0 maxpoll 0"

authenticated() { chronyc_in client ntpdata "$1" | grep -q 'Authenticated *: Yes'; }
check "chrony client: 10.77.0.1 authenticated (NTS through knts)" wait_for 60 authenticated 10.77.0.1
interop_last "$(peer_chrony) NTS client" server 15 IPv4 "NTS-KE: chrony (shared key file)"
check "chrony client: fd77::1 authenticated over IPv6" wait_for 30 authenticated fd77::1
interop_last "$(peer_chrony) NTS client" server 15 IPv6 "NTS-KE: chrony (shared key file)"
full_jar() { chronyc_in client authdata | awk '$2 == "NTS" && $9 == 8' | grep -q .; }
check "chrony client holds 8 cookies (knts refills the jar)" wait_for 20 full_jar
selected() { chronyc_in client sources | grep -qE '^\^\*'; }
check "a knts-protected source is selected" wait_for 30 selected
diag "$(chronyc_in client authdata)"
verified=$(knts_stat "$srv" srv_req_verified)
signed=$(knts_stat "$srv" srv_reply_signed)
[ "$verified" -gt 2 ] && [ "$signed" -gt 2 ]
ok $? "knts counters: $verified requests verified, $signed replies signed"
chronyd_stop client
sleep 1
kill "$tshark_pid" 2>/dev/null; wait "$tshark_pid" 2>/dev/null

# What crossed the veth: NTS on the wire both ways, as tshark reads it.
nts_both_ways() {
	tshark -r "$LAB/ntp.pcap" -Y 'ntp.flags.mode == 3' -V 2>/dev/null | grep -q 'NTS Cookie' &&
	tshark -r "$LAB/ntp.pcap" -Y 'ntp.flags.mode == 4' -V 2>/dev/null |
		grep -q 'Authenticator and Encrypted'
}
check "tshark dissects NTS requests and NTS replies on the veth" nts_both_ways
req=$(tshark -r "$LAB/ntp.pcap" -Y 'ntp.flags.mode == 3 && ip.dst == 10.77.0.1' \
	-T fields -e udp.payload 2>/dev/null | tail -n 1 | tr -d ':')
[ ${#req} -gt 400 ]
ok $? "captured a real NTS request (${#req} hex digits)"

# Hostile requests: none may reach the daemon.
rx() { chronyc_in plain serverstats | awk -F: '/NTP packets received/ { print $2 + 0 }'; }
before=$(rx)
bad_mac=$(knts_stat "$srv" srv_nak_bad_mac)
reply=$(ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$("$PKT" flip "$req" 330)")
"$PKT" nak "$reply"
ok $? "a replayed request with one flipped bit gets an NTS NAK"
[ "$(knts_stat "$srv" srv_nak_bad_mac)" -eq $((bad_mac + 1)) ]
ok $? "... counted as srv_nak_bad_mac"
cookie=${req:176:200}	# the 100-byte cookie body after UID EF + cookie EF header
unknown=$(printf '%08x' $(( 0x${cookie:0:8} ^ 0x80000000 )))${cookie:8}
reply=$(ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$("$PKT" request "$unknown")")
"$PKT" nak "$reply" && [ "$(knts_stat "$srv" srv_nak_unknown_key)" -ge 1 ]
ok $? "a cookie under an unknown key ID gets a NAK (srv_nak_unknown_key)"
forged=${cookie:0:8}$(head -c 96 /dev/urandom | od -An -tx1 | tr -d ' \n')
reply=$(ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$("$PKT" request "$forged")")
"$PKT" nak "$reply" && [ "$(knts_stat "$srv" srv_nak_bad_cookie)" -ge 1 ]
ok $? "a forged cookie under a real key ID gets a NAK (srv_nak_bad_cookie)"
trunc=${req:0:$(( ${#req} - 8 ))}
! ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$trunc" --wait 1 >/dev/null &&
	[ "$(knts_stat "$srv" srv_req_malformed)" -ge 1 ]
ok $? "a truncated request is dropped silently and counted malformed"
after=$(rx)
[ "$after" -eq "$before" ]
ok $? "the daemon received none of them (NTP packets received $before -> $after)"

# Plain NTP still passes in mixed mode, and is dropped in nts-only mode.
plain=$(printf '23%094d' 0)
ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$plain" >/dev/null
ok $? "mixed policy: a plain NTP request is answered"
mac=$plain$(printf '%040d' 7)	# key ID + 16-byte digest: a legacy MAC, no EFs
ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$mac" >/dev/null; rc=$?
# chronyd drops it for the unknown key; knts must have passed it, not dropped it.
[ "$(knts_stat "$srv" srv_plain_passed)" -ge 2 ]
ok $? "a plain request with a legacy symmetric-key MAC is passed as plain NTP"
ip netns exec "$srv" "$NTSCTL" server enable policy nts-only >/dev/null
! ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$plain" >/dev/null &&
	[ "$(knts_stat "$srv" srv_plain_dropped)" -ge 1 ]
ok $? "nts-only policy: a plain NTP request is dropped and counted"
check "server disable unhooks cleanly" ip netns exec "$srv" "$NTSCTL" server disable
ip netns exec "$cli" "$PKT" send 10.77.0.1 123 "$plain" >/dev/null
ok $? "with knts disabled, plain NTP is answered again"
check "no WARN/BUG in the kernel log" dmesg_clean
ktap_finish
