#!/bin/bash
# Client role with real peers: a plain chronyd (no NTS configured) gets
# NTS-protected time from a chrony 4.3 NTS server through knts, over IPv4
# and IPv6, and from a plain chronyd behind knts's server role. Forged,
# corrupted, duplicated and replayed replies never reach the daemon; an
# empty jar and NAKs are counted and reported on the events group; one
# chronyd on port 123 is an NTS client upstream and an NTS server
# downstream at once. Associations come from tests/tools/knts-assoc (no
# NTS-KE): it seals cookies under the server's master key file.
#
# Three independent labs run side by side to keep the wall time down:
#   A  srv -- cli            chrony NTS server; IPv4, IPv6, attacks, jar, NAK
#   B  srv2 -- cli2          knts server role <- knts client role (AEAD 17)
#   C  up -- mid -- down     both roles in mid, one chronyd on port 123
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
command -v chronyd >/dev/null || skip_all "chrony not installed"
PKT=$SELFTEST_DIR/ntspkt.py

ktap_plan 70
knts_load
grow() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/knts/skb_grow; }
grow0=$(( $(grow tailroom) + $(grow frag) )); re0=$(grow realloc)
make_pki knts-test 10.77.0.1 fd77::1 10.78.0.1 10.79.0.4
make_nks0 "$LAB/k1"
make_nks0 "$LAB/k2"
make_nks0 "$LAB/kmid"
cstat() { knts_ctr "$cli" "$1"; }
field() { assoc_field "$cli" "$1" "$2"; }
phase() { diag "--- $* (t=${SECONDS}s)"; }

# --- set up A ---
phase "set up A"
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64
mapfile -t conf < <(nts_server_conf up "$LAB/k1" 10.77.0.1 fd77::1)
chronyd_start "$srv" up "${conf[@]}"
check "knts-assoc installs 10.77.0.1 with 4 cookies (sealed under chrony's key)" \
	ip netns exec "$cli" "$KNTS_ASSOC" set 10.77.0.1 keyfile "$LAB/k1" cookies 4 \
	state "$LAB/a4.state"
check "knts-assoc installs fd77::1 with 8 cookies" \
	ip netns exec "$cli" "$KNTS_ASSOC" set fd77::1 keyfile "$LAB/k1" \
	state "$LAB/a6.state"
check "ntsctl show lists both associations: AEAD 15, 100-byte cookies" sh -c \
	"ip netns exec '$cli' '$NTSCTL' show | grep -A1 -E '^  (10.77.0.1|fd77::1) port 123' |
	 grep -c 'aead 15, cookies [48]/8 (100 bytes)' | grep -qx 2"
ip netns exec "$cli" dumpcap -q -i kv1 -f "udp port 123" -w "$LAB/cli.pcap" 2>/dev/null &
cap_pid=$!
at_exit "kill $cap_pid"
wait_for 30 test -s "$LAB/cli.pcap"
chronyd_start "$cli" client "port 0" \
	"server 10.77.0.1 iburst minpoll 0 maxpoll 0" \
	"server fd77::1 iburst minpoll 0 maxpoll 0"

# --- set up B: plain chronyd behind the knts server role ---
phase "set up B"
new_netns srv2 && new_netns cli2
veth_pair "$srv2" "$cli2"
addr_add "$srv2" kv0 10.76.0.1/24; addr_add "$cli2" kv1 10.76.0.2/24
chronyd_start "$srv2" plain2 "bindaddress 10.76.0.1" "port 123" "allow" "local stratum 10"
ip netns exec "$srv2" "$NTSCTL" server enable port 123 policy nts-only >/dev/null &&
	ip netns exec "$srv2" "$NTSCTL" load-keys "$LAB/k2" >/dev/null
ok $? "B: plain chronyd behind the knts server role (nts-only)"
check "B: client association with AEAD 17 (164-byte cookies)" \
	ip netns exec "$cli2" "$KNTS_ASSOC" set 10.76.0.1 keyfile "$LAB/k2" aead 17
chronyd_start "$cli2" client2 "port 0" "server 10.76.0.1 iburst minpoll 0 maxpoll 0"

# --- set up C: up (chrony NTS server) -- mid (one chronyd on 123, knts
# both roles) -- down (chrony NTS client; chrony's NTS-KE, mid's keys) ---
phase "set up C"
new_netns up && new_netns mid && new_netns down
veth_pair "$up" "$mid"		# up:kv0 -- mid:kv1
veth_pair "$mid" "$down"	# mid:kv0 -- down:kv1
addr_add "$up" kv0 10.78.0.1/24; addr_add "$mid" kv1 10.78.0.2/24
addr_add "$mid" kv0 10.79.0.2/24; addr_add "$down" kv1 10.79.0.4/24
mapfile -t conf < <(nts_server_conf upstream "$LAB/k1" 10.78.0.1)
chronyd_start "$up" upstream "${conf[@]}"
check "C: mid runs the knts server role with its own keys" sh -c \
	"ip netns exec '$mid' '$NTSCTL' server enable port 123 >/dev/null &&
	 ip netns exec '$mid' '$NTSCTL' load-keys '$LAB/kmid' >/dev/null"
check "C: mid has a client association to the upstream chrony NTS server" \
	ip netns exec "$mid" "$KNTS_ASSOC" set 10.78.0.1 keyfile "$LAB/k1"
ip netns exec "$mid" dumpcap -q -i kv1 -f "udp port 123" -w "$LAB/mid.pcap" 2>/dev/null &
mcap_pid=$!
at_exit "kill $mcap_pid"
wait_for 30 test -s "$LAB/mid.pcap"
chronyd_start "$mid" mid "port 123" "acquisitionport 123" "allow" "local stratum 12" \
	"server 10.78.0.1 iburst minpoll 0 maxpoll 0"
mkdir -p "$LAB/ke-dump" && chmod 700 "$LAB/ke-dump" && cp "$LAB/kmid" "$LAB/ke-dump/ntskeys"
chronyd_start "$down" ke "bindaddress 10.79.0.4" "port 123" "ntsport 4460" \
	"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
	"ntsrotate 0" "ntsdumpdir $LAB/ke-dump" "ntsntpserver 10.79.0.2" \
	"ntsprocesses 0" "allow"
chronyd_start "$down" down "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.79.0.4 nts iburst minpoll 0 maxpoll 0"

# --- 1, 2: A, a chrony 4.3 NTS server, IPv4 and IPv6 ---
phase "A: chrony NTS server"
selected() { chronyc_in client sources | grep -qE '^\^\* '; }
check "plain chronyd selects a source protected by the knts client role" wait_for 60 selected
good_over() { [ "$(field "$1" good)" -gt "$2" ]; }
check "replies from 10.77.0.1 verify (IPv4)" wait_for 30 good_over 10.77.0.1 3
interop_last "$(peer_chrony) NTS server" client 15 IPv4 "cookies: knts-assoc; plain chronyd behind knts"
check "replies from fd77::1 verify (IPv6)" wait_for 30 good_over fd77::1 3
interop_last "$(peer_chrony) NTS server" client 15 IPv6 "cookies: knts-assoc; plain chronyd behind knts"
full() { [ "$(field 10.77.0.1 cookies)" -ge 7 ] && [ "$(field 10.77.0.1 requests)" -gt 5 ]; }
check "placeholders refilled the jar of 10.77.0.1 from 4 to 8" wait_for 30 full
[ "$(cstat cli_reply_verified)" -gt 6 ] && [ "$(cstat cli_req_protected)" -gt 6 ]
ok $? "ntsctl stats: $(cstat cli_req_protected) requests protected, $(cstat cli_reply_verified) replies verified"
# How the daemon's requests grew (debugfs skb_grow, module-debug build,
# all namespaces, since this test began): the tailroom or a page fragment, never
# a reallocated head (issue 15).
grown=$(( $(grow tailroom) + $(grow frag) - grow0 )); re=$(( $(grow realloc) - re0 ))
diag "payloads grown: $(grow tailroom) in the tailroom, $(grow frag) in a page fragment, $re by reallocation"
[ "$grown" -ge "$(cstat cli_req_protected)" ] && [ "$re" -eq 0 ]
ok $? "every protected request grew in place or into a page fragment: no skb head reallocated"
bad=0
for c in bad_mac unauth malformed unmatched replay bad_cookies; do
	bad=$((bad + $(cstat cli_reply_$c)))
done
[ "$bad" -eq 0 ] && [ "$(field 10.77.0.1 bad)" -eq 0 ]
ok $? "no reply of the real server was refused ($bad)"
authd=$(chronyc_in up serverstats | awk -F: '/Authenticated NTP/ { print $2 + 0 }')
[ "$authd" -gt 6 ]
ok $? "the chrony server authenticated $authd NTS requests from the plain client"
diag "$(ip netns exec "$cli" "$NTSCTL" show | sed -n '/client associations/,$p')"

kill "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null
# mode|ip.dst|ipv6.dst|udp length|EF types|payload, one packet per line.
tshark -r "$LAB/cli.pcap" -T fields -E separator='|' -e ntp.flags.mode -e ip.dst \
	-e ipv6.dst -e udp.length -e ntp.ext.type -e udp.payload > "$LAB/cli.txt" 2>/dev/null
req_has() { grep -E "^3\\|$1" "$LAB/cli.txt" | cut -d'|' -f5 | grep -q "$2"; }
check "tshark: requests carry a Unique Identifier (0x0104)" req_has 10.77.0.1 0x0104
check "tshark: requests carry an NTS Cookie (0x0204)" req_has 10.77.0.1 0x0204
check "tshark: the first requests carry Cookie Placeholders (0x0304)" req_has 10.77.0.1 0x0304
check "tshark: requests carry the Authenticator (0x0404)" req_has 10.77.0.1 '0x0204.*0x0404$'
check "tshark: IPv6 requests are NTS too" req_has '\|fd77::1' '0x0104,0x0204,0x0404'
len=$(grep -E '^3\|10.77.0.1' "$LAB/cli.txt" | cut -d'|' -f4 | sort -n | uniq | tr '\n' ' ')
# 48 + UID 36 + cookie 104 + auth 40 = 228 (+8 UDP), +104 per placeholder.
grep -qw 236 <<<"$len" && grep -qw 652 <<<"$len"
ok $? "request sizes: 236 bytes with no placeholder, 652 with 4 (seen: $len)"
check "the daemon only ever sent bare 48-byte requests" \
	test "$(cstat cli_req_unsupported)" -eq 0
# UIDs and nonces come from knts's generator (kmod/nonce.c): never one
# twice. The UID's body follows its EF header (0104 0024) at offset 48;
# the nonce is the first 16 of the authenticator's last 32 bytes.
grep -E '^3\|10.77.0.1' "$LAB/cli.txt" | cut -d'|' -f6 | tr -d ':' > "$LAB/req.hex"
nreq=$(wc -l < "$LAB/req.hex")
uids=$(cut -c97-168 "$LAB/req.hex" | grep -c '^01040024')
nuid=$(cut -c105-168 "$LAB/req.hex" | sort -u | wc -l)
nnon=$(awk '{ print substr($0, length($0) - 63, 32) }' "$LAB/req.hex" | sort -u | wc -l)
[ "$nreq" -ge 4 ] && [ "$uids" -eq "$nreq" ] && [ "$nuid" -eq "$nreq" ] &&
	[ "$nnon" -eq "$nreq" ]
ok $? "every request has a UID and a nonce of its own ($nreq requests: $nuid UIDs, $nnon nonces)"

# --- 4: attacks ---
phase "A: attacks"
# Off path: forged replies from the server's address to the client.
n=$(cstat cli_reply_unauth)
ip netns exec "$srv" "$PKT" spoof 10.77.0.1 123 10.77.0.2 40000 "$("$PKT" reply plain)"
wait_for 5 test "$(cstat cli_reply_unauth)" -gt "$n"
ok $? "a spoofed plain NTP reply is dropped (cli_reply_unauth)"
n=$(cstat cli_reply_unmatched)
ip netns exec "$srv" "$PKT" spoof 10.77.0.1 123 10.77.0.2 40000 "$("$PKT" reply nts)"
wait_for 5 test "$(cstat cli_reply_unmatched)" -gt "$n"
ok $? "a spoofed NTS reply for no request of ours is dropped (cli_reply_unmatched)"
n=$(cstat cli_nak_unmatched)
ip netns exec "$srv" "$PKT" spoof 10.77.0.1 123 10.77.0.2 40000 "$("$PKT" reply nak)"
wait_for 5 test "$(cstat cli_nak_unmatched)" -gt "$n"
ok $? "a spoofed NAK for no request of ours is dropped (cli_nak_unmatched)"
old=$(grep -E '^4\|' "$LAB/cli.txt" | grep -v '|fd77' | tail -n 1 | cut -d'|' -f6 | tr -d ':')
n=$(( $(cstat cli_reply_replay) + $(cstat cli_reply_unmatched) ))
ip netns exec "$srv" "$PKT" spoof 10.77.0.1 123 10.77.0.2 40000 "$old"
wait_for 5 test $(( $(cstat cli_reply_replay) + $(cstat cli_reply_unmatched) )) -gt "$n"
ok $? "a captured real reply, sent again later, is dropped (${#old} hex digits)"
# On path: every reply twice; the copy answers an answered request.
n=$(cstat cli_reply_replay)
# Read good before RX and RX before good: a reply in between only helps.
good=$(field 10.77.0.1 good)
rxa=$(chrony_rx client 10.77.0.1)
check "netem duplicates every packet the server sends" replies_tc "$srv" kv0 duplicate
replays() { [ "$(cstat cli_reply_replay)" -ge $((n + 3)) ]; }
check "each copy is dropped as a replay (cli_reply_replay)" wait_for 20 replays
replies_tc "$srv" kv0 clear
rxb=$(chrony_rx client 10.77.0.1)
[ $((rxb - rxa)) -le $(( $(field 10.77.0.1 good) - good )) ]
ok $? "chronyd got each reply once (Total RX $rxa -> $rxb)"
# On path: one bit of every reply's tag flipped for a few polls.
n=$(cstat cli_reply_bad_mac)
check "MITM: tc pedit flips one tag bit in the server's replies" \
	replies_tc "$srv" kv0 flip
rxa=$(chrony_rx client 10.77.0.1)
bad_over() { [ "$(cstat cli_reply_bad_mac)" -ge $((n + $1)) ]; }
check "bit-flipped replies fail the authenticator (cli_reply_bad_mac)" wait_for 20 bad_over 3
rxb=$(chrony_rx client 10.77.0.1)
replies_tc "$srv" kv0 clear
[ "$rxb" -eq "$rxa" ]
ok $? "chronyd received none of them (Total RX $rxa -> $rxb)"
good=$(field 10.77.0.1 good)
check "MITM gone: service continues (good replies again)" wait_for 20 good_over 10.77.0.1 "$good"
rx_more() { [ "$(chrony_rx client 10.77.0.1)" -gt "$rxb" ]; }
check "... and chronyd hears the server again" wait_for 10 rx_more
check "placeholders refill the jar the attack drained" wait_for 30 full

# --- 5: the jar empties ---
phase "A: empty jar"
ip netns exec "$cli" "$NTSCTL" --json monitor > "$LAB/events.json" &
mon_pid=$!
at_exit "kill $mon_pid"
check "replies blocked: tc drops everything the server sends" replies_tc "$srv" kv0 drop
empty() { [ "$(field 10.77.0.1 cookies)" -eq 0 ] && [ "$(field 10.77.0.1 req_dropped)" -gt 0 ]; }
check "after 8 unanswered requests the jar is empty and requests are dropped" wait_for 40 empty
check "dropped requests are counted (cli_req_no_cookie)" test "$(cstat cli_req_no_cookie)" -gt 0
saw() { grep -q "\"event\": \"$1\", \"server\": \"$2\"" "$LAB/events.json"; }
check "a jar-empty event came on the events group" wait_for 10 saw jar-empty 10.77.0.1
check "a cookies-low event came before it" saw cookies-low 10.77.0.1
replies_tc "$srv" kv0 clear
check "a new association (as ntskd would install) brings service back" \
	ip netns exec "$cli" "$KNTS_ASSOC" set 10.77.0.1 keyfile "$LAB/k1" state "$LAB/a4.state"
good=$(field 10.77.0.1 good)
check "... replies verify again" wait_for 20 good_over 10.77.0.1 "$good"

# --- 6: NAK: the server's keys change ---
phase "A: NAK"
chronyd_stop up
sleep 1
mapfile -t conf < <(nts_server_conf up "$LAB/k2" 10.77.0.1 fd77::1)
chronyd_start "$srv" up "${conf[@]}"
wait_for 30 chronyc_in up serverstats
# The jar may have run dry while the server was down: refill it with
# cookies under the old key, as a client that kept them would hold.
check "the client holds cookies under the server's old key" \
	ip netns exec "$cli" "$KNTS_ASSOC" set 10.77.0.1 keyfile "$LAB/k1"
rxa=$(chrony_rx client 10.77.0.1)
nak() { [ "$(field 10.77.0.1 naks)" -gt 1 ] && [ "$(cstat cli_nak)" -gt 1 ]; }
check "old cookies earn NTS NAKs: counted (cli_nak, association naks)" wait_for 30 nak
check "a nak event came on the events group" wait_for 10 saw nak 10.77.0.1
rxb=$(chrony_rx client 10.77.0.1)
[ "$rxb" -eq "$rxa" ]
ok $? "NAKs never reach chronyd (Total RX $rxa -> $rxb)"
check "cookies under the new key bring service back" \
	ip netns exec "$cli" "$KNTS_ASSOC" set 10.77.0.1 keyfile "$LAB/k2" state "$LAB/a4.state"
good=$(field 10.77.0.1 good)
check "... replies verify again" wait_for 20 good_over 10.77.0.1 "$good"
kill "$mon_pid" 2>/dev/null

# --- 3: B, knts client role against knts server role ---
phase "B: knts to knts"
selected2() { chronyc_in client2 sources | grep -qE '^\^\* 10.76.0.1'; }
check "B: knts client -> knts server: the source is selected" wait_for 60 selected2
[ "$(assoc_field "$cli2" 10.76.0.1 good)" -gt 2 ] &&
	[ "$(knts_ctr "$srv2" srv_req_verified)" -gt 2 ] &&
	[ "$(knts_ctr "$srv2" srv_reply_signed)" -gt 2 ]
ok $? "B: the server verified and signed, the client verified"
check "B: nts-only dropped no plain request: every request was NTS" \
	test "$(knts_ctr "$srv2" srv_plain_dropped)" -eq 0

# --- 7: C, both roles in one namespace ---
phase "C: both roles"
mid_selected() { chronyc_in mid sources | grep -qE '^\^\* 10.78.0.1'; }
check "C: mid chronyd selects the upstream through the knts client role" wait_for 60 mid_selected
down_auth() { chronyc_in down ntpdata 10.79.0.2 | grep -q 'Authenticated *: Yes'; }
check "C: down's chrony NTS client authenticates mid through the knts server role" \
	wait_for 60 down_auth
mid_stat() { knts_ctr "$mid" "$1"; }
[ "$(mid_stat cli_reply_verified)" -gt 2 ] && [ "$(mid_stat srv_req_verified)" -gt 2 ] &&
	[ "$(mid_stat srv_reply_signed)" -gt 2 ]
ok $? "C: mid counts both roles: $(mid_stat cli_reply_verified) upstream replies verified, $(mid_stat srv_req_verified) downstream requests verified"
never=0
for c in cli_req_unsupported cli_reply_unmatched cli_reply_bad_mac srv_req_malformed \
	srv_nak_sent srv_reply_dropped; do
	never=$((never + $(mid_stat $c)))
done
[ "$never" -eq 0 ] && [ "$(assoc_field "$mid" 10.78.0.1 bad)" -eq 0 ]
ok $? "C: no packet went to the wrong role (refusals: $never)"
kill "$mcap_pid" 2>/dev/null; wait "$mcap_pid" 2>/dev/null
n=$(tshark -r "$LAB/mid.pcap" -T fields -e ntp.flags.mode -e ntp.ext.type \
	-Y 'udp.srcport == 123 && udp.dstport == 123' 2>/dev/null | grep -c '^3.0x0104,0x0204')
[ "$n" -gt 0 ]
ok $? "C: mid's NTS requests upstream leave from port 123 ($n seen): one port, both roles"

# --- netlink: permissions, malformed requests, no secrets out ---
phase "netlink"
out=$(ip netns exec "$cli" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$NTSCTL" show 2>&1); rc=$?
[ "$rc" -eq 4 ]
ok $? "an unprivileged user cannot list associations (exit $rc)"
out=$(ip netns exec "$cli" capsh --drop=cap_net_admin -- -c \
	"'$KNTS_ASSOC' del 10.77.0.1" 2>&1); rc=$?
[ "$rc" -ne 0 ] && grep -q 'permission denied' <<<"$out"
ok $? "without CAP_NET_ADMIN an association cannot be removed"
out=$(ip netns exec "$cli" capsh --drop=cap_net_admin -- -c \
	"'$NTSCTL' monitor --timeout 1" 2>&1); rc=$?
[ "$rc" -eq 4 ]
ok $? "without CAP_NET_ADMIN nobody joins the events group (exit $rc)"
# One line per case from knts-assoc; the exit code counts those accepted.
probe() { ip netns exec "$cli" "$KNTS_ASSOC" probe "$@" 2>&1; }
out=$(probe no-addr,two-addr,no-port,bad-aead,short-key,key-mismatch,no-cookies,empty-cookies,nine-cookies,odd-cookie,mixed-cookies,readonly,add-wrong-len 10.77.0.1; echo "rc=$?"
	probe add-unknown,del-unknown,get-unknown 10.77.0.99; echo "rc=$?"
	probe multicast 224.0.0.1; echo "rc=$?"
	probe mapped ::ffff:10.77.0.1; echo "rc=$?")
refused=$(grep -E '\(-[0-9]+\): ' <<<"$out" | grep -vc 'no extack message')
[ "$refused" -eq 18 ] && [ "$(grep -c '^rc=0$' <<<"$out")" -eq 4 ]
ok $? "$refused of 18 malformed requests refused, each with an extack message"
[ "$refused" -eq 18 ] || diag "$out"
diag "e.g. $(ip netns exec "$cli" "$KNTS_ASSOC" probe key-mismatch 10.77.0.1)"
# Every key and cookie knts-assoc installed, in hex, one per line.
tr ' ' '\n' < "$LAB/a4.state" | grep -E '^[0-9a-f]{64,}$' > "$LAB/secrets"
tr ' ' '\n' < "$LAB/a6.state" | grep -E '^[0-9a-f]{64,}$' >> "$LAB/secrets"
leak() { grep -qiF -f "$LAB/secrets" <<<"$1"; }
dump=$(ip netns exec "$cli" "$KNTS_ASSOC" dump-hex)
# (leak must see them where they are: the state file itself.)
[ -n "$dump" ] && [ "$(wc -l < "$LAB/secrets")" -ge 18 ] && leak "$(cat "$LAB/a6.state")" &&
	! leak "$dump" &&
	! leak "$(ip netns exec "$cli" "$NTSCTL" --json show)"
ok $? "dumps and ntsctl show hold none of $(wc -l < "$LAB/secrets") key and cookie strings"
new_netns full
check "64 associations fit in one namespace" \
	ip netns exec "$full" "$KNTS_ASSOC" set 10.88.0.1 keyfile "$LAB/k1" cookies 1 count 64
out=$(ip netns exec "$full" "$KNTS_ASSOC" set 10.88.1.1 keyfile "$LAB/k1" cookies 1 2>&1)
[ $? -ne 0 ] && grep -q 'table is full' <<<"$out"
ok $? "the 65th association is refused: $out"
check "an association can be removed" ip netns exec "$full" "$KNTS_ASSOC" del 10.88.0.1
check "... and is gone" test "$(assoc_field "$full" 10.88.0.1 cookies)" -eq -1
# The slot freed above takes one more, on another port.
ip netns exec "$full" "$KNTS_ASSOC" set 10.88.1.7 port 4123 keyfile "$LAB/k1" cookies 2 \
	state "$LAB/jar.state"
jar() { assoc_field "$full" 10.88.1.7 cookies; }
ip netns exec "$full" "$KNTS_ASSOC" add 10.88.1.7 port 4123 keyfile "$LAB/k1" cookies 3 \
	state "$LAB/jar.state"
[ "$(jar)" -eq 5 ]
ok $? "ASSOC_COOKIES_ADD puts cookies in the jar (2 + 3 = $(jar))"
ip netns exec "$full" "$KNTS_ASSOC" add 10.88.1.7 port 4123 keyfile "$LAB/k1" cookies 8 \
	state "$LAB/jar.state"
[ "$(jar)" -eq 8 ]
ok $? "the jar holds at most 8 cookies (5 + 8 = $(jar))"
new_netns idle
ip netns exec "$idle" "$NTSCTL" client set idle 2
ip netns exec "$idle" "$KNTS_ASSOC" set 10.88.0.1 keyfile "$LAB/k1" cookies 1
out=$(ip netns exec "$idle" "$NTSCTL" monitor --count 1 --timeout 20)
grep -q '^idle server 10.88.0.1 port 123' <<<"$out"
ok $? "an association without requests is reported idle: $out"
phase "done"
check "no WARN/BUG in the kernel log" dmesg_clean
ktap_finish
