#!/bin/bash
# ntskd's NTS-KE client role with real peers: plain NTP clients (chronyd,
# NTPsec ntpd, ntpdig, none with any NTS configuration) get authenticated
# time because ntskd runs NTS-KE and installs the knts associations.
#
# Three labs run side by side to keep the wall time down:
#   A  srv -- cli (+ evil)   chrony 4.3 NTS server, by name over IPv4 and by
#                            address over IPv6; attacks, loss, an empty jar,
#                            NAKs, ntskd restarted with kill -9, refresh
#   B  srv2 -- cli2          NTPsec 1.2.2 NTS server; NTPsec ntpd and ntpdig;
#                            a failing server line backs off, alone
#   D  up -- mid -- down     one ntskd with both roles and one chronyd on
#           mid -- down2     port 123 in mid: NTS client of up, NTS server
#                            of down (chrony NTS) and of down2 (knts client)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"
[ -x "$NTPSEC_ROOT/usr/sbin/ntpd" ] || skip_all "NTPsec not in .deps (make deps)"
NTPLIB=$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp

ktap_plan 71
knts_load
make_pki knts-test 10.77.0.1 fd77::1 10.76.0.1 10.78.0.1 10.79.0.2 10.80.0.2 DNS:ntsa4.test
CA=$LAB/pki/ca.crt
# chrony_nts NS NAME ADDR... [-- LINE...]: chrony 4.3 as an NTS server on
# port 123 with its own NTS-KE; no ntsdumpdir, so each start makes fresh
# master keys. LINEs after -- are added to its configuration.
chrony_nts() {
	local ns=$1 name=$2 a
	shift 2
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do echo "bindaddress $1"; shift; done
		[ $# -gt 0 ] && shift && printf '%s\n' "$@"
		printf '%s\n' "port 123" "ntsport 4460" "ntsprocesses 0" "allow" \
			"local stratum 10" "ntsservercert $LAB/pki/server.crt" \
			"ntsserverkey $LAB/pki/server.key"
	} > "$LAB/$name.lines"
	mapfile -t conf < "$LAB/$name.lines"
	chronyd_start "$ns" "$name" "${conf[@]}"
}
phase() { diag "--- $* (t=${SECONDS}s)"; }
# has_assoc NS ADDR: the association exists and holds cookies
has_assoc() { [ "$(assoc_field "$1" "$2" cookies)" -ge 1 ]; }
logged() { ntskd_logged "$@"; }
nlogged() { grep -cF -- "$2" "$LAB/$1/ntskd.log"; }
selected() { chronyc_in "$1" sources | grep -qE "^\^\* $2"; }
# notify_listen NAME: a stand-in for systemd's $NOTIFY_SOCKET; what ntskd
# sends there lands in $LAB/NAME.notify. Start ntskd with
# NOTIFY_SOCKET=$LAB/NAME.sock.
notify_listen() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    with open(sys.argv[2], "ab") as f:
        f.write(s.recv(256) + b"\n")' "$LAB/$1.sock" "$LAB/$1.notify" &
	at_exit "kill $!"
	wait_for 10 test -S "$LAB/$1.sock"
}
# ready_after NAME N M TEXT...: ntskd NAME told "systemd" READY=1, and
# logged its first round (N of M protected) after every line with a TEXT.
ready_after() {
	local name=$1 log=$LAB/$1/ntskd.log at t n
	local want="first NTS-KE round done, $2 of $3 servers protected"
	shift 3
	wait_for 20 grep -qx READY=1 "$LAB/$name.notify" || return 1
	at=$(grep -nF -- "$want" "$log" | head -1 | cut -d: -f1)
	[ -n "$at" ] || { diag "$name: no '$want'"; grep -E "NTS-KE round|NTS-KE failed|now protects|closed until" "$log" | sed 's/^/# /'; return 1; }
	for t in "$@"; do
		n=$(grep -nF -- "$t" "$log" | head -1 | cut -d: -f1)
		[ -n "$n" ] && [ "$n" -lt "$at" ] || { diag "$name: '$t' not before the ready line"; return 1; }
	done
}

# --- set up A: chrony NTS server; ntskd and a plain chronyd in cli ---
phase "set up A"
new_netns srv && new_netns cli && new_netns evil
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64
# evil: off path, one link to cli, forges the server's address
veth_link "$cli" kv2 "$evil" kv3
addr_add "$cli" kv2 10.75.0.2/24; addr_add "$evil" kv3 10.75.0.1/24
ip -n "$evil" route add 10.77.0.2/32 dev kv3
ip netns exec "$cli" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.kv2.rp_filter=0
# The NTS-KE server by name (ntsa4.test, IPv4 only): /etc/netns/NS/hosts is
# cli's /etc/hosts. The server names its NTP server ntsa.test (record 6),
# which has both families: ntskd takes the address of the family it reached
# NTS-KE over, so the two server lines get two associations.
mkdir -p "/etc/netns/$cli" &&
	printf '%s\n' "10.77.0.1 ntsa.test ntsa4.test" "fd77::1 ntsa.test" > "/etc/netns/$cli/hosts"
at_exit "rm -rf '/etc/netns/$cli'"
chrony_nts "$srv" upA 10.77.0.1 fd77::1 -- "ntsntpserver ntsa.test"
ip netns exec "$cli" dumpcap -q -i kv1 -f "udp port 123" -w "$LAB/cli.pcap" 2>/dev/null &
cap_pid=$!
at_exit "kill $cap_pid"
# The NTP clients of these labs run as root (chronyd -u root): owner root,
# or knts would drop their requests as another user's (auto = _chrony).
KDA_CONF=("server ntsa4.test ca $CA" "server fd77::1 ca $CA" "ke-retry 2 8"
	"client-state $LAB/kda/client-state" "owner root")
notify_listen kda
NOTIFY_SOCKET=$LAB/kda.sock check "A: ntskd starts with two server lines (a name, an IPv6 address)" \
	ntskd_start "$cli" kda "${KDA_CONF[@]}"

# --- set up B: NTPsec as the NTS server, synchronised to a chronyd ---
phase "set up B"
new_netns srv2 && new_netns cli2
veth_pair "$srv2" "$cli2"
addr_add "$srv2" kv0 10.76.0.1/24; addr_add "$srv2" kv0 10.76.0.9/24
addr_add "$cli2" kv1 10.76.0.2/24
chronyd_start "$srv2" ref2 "bindaddress 10.76.0.9" "port 123" "allow" "local stratum 8"
mkdir -p "$LAB/ntpsec-srv" && chmod 700 "$LAB/ntpsec-srv"
cat "$LAB/pki/server.crt" "$CA" > "$LAB/ntpsec-srv/chain.crt"
ntpsec_start "$srv2" ntpsec-srv "server 10.76.0.9 minpoll 0 maxpoll 0 iburst" \
	"interface ignore wildcard" "interface ignore all" \
	"interface listen 10.76.0.1" "interface listen 127.0.0.1" \
	"nts enable" "nts cert $LAB/ntpsec-srv/chain.crt" "nts key $LAB/pki/server.key" \
	"nts cookie $LAB/ntpsec-srv/nts-keys" \
	"restrict default nomodify noquery" "restrict 127.0.0.1"
notify_listen kdb
NOTIFY_SOCKET=$LAB/kdb.sock check "B: ntskd starts; one good server line and one that cannot work" \
	ntskd_start "$cli2" kdb "server 10.76.0.1 ca $CA" \
	"server 10.76.0.1 ke-port 4999 noverify" "ke-retry 2 8" \
	"client-state $LAB/kdb/client-state" "owner root"

# --- set up D: up (chrony NTS) -- mid (both roles) -- down, down2 ---
phase "set up D"
new_netns up && new_netns mid && new_netns down && new_netns down2
veth_pair "$up" "$mid"		# up:kv0 -- mid:kv1
veth_pair "$mid" "$down"	# mid:kv0 -- down:kv1
veth_link "$mid" kv2 "$down2" kv3
addr_add "$up" kv0 10.78.0.1/24; addr_add "$mid" kv1 10.78.0.2/24
addr_add "$mid" kv0 10.79.0.2/24; addr_add "$down" kv1 10.79.0.4/24
addr_add "$mid" kv2 10.80.0.2/24; addr_add "$down2" kv3 10.80.0.4/24
chrony_nts "$up" upD 10.78.0.1
check "D: one ntskd in mid runs both roles" ntskd_start "$mid" kdm \
	"ke-listen 10.79.0.2" "ke-listen 10.80.0.2" "cert $LAB/pki/server.crt" \
	"key $LAB/pki/server.key" "keyfile $LAB/kdm/ntskeys" \
	"server 10.78.0.1 ca $CA" "ke-retry 2 8" "client-state $LAB/kdm/client-state" \
	"owner root"
check "D: down2's ntskd (client role) starts" ntskd_start "$down2" kdd \
	"server 10.80.0.2 ca $CA" "client-state $LAB/kdd/client-state" "owner root"

# The NTP clients start once their association holds cookies: before that
# their requests would be dropped (a closed association, or none yet for
# the line given by name), and the first sync would wait for the retries.
phase "associations"
check "A: ntskd installed the association of ntsa4.test (10.77.0.1, by name)" \
	wait_for 60 has_assoc "$cli" 10.77.0.1
check "A: ... and of fd77::1 (IPv6)" wait_for 30 has_assoc "$cli" fd77::1
check "A: ntskd logged the address the NTP client must use" \
	logged kda "knts now protects NTP to 10.77.0.1; the NTP client must use 'server 10.77.0.1'"
[ "$(nlogged kda "resolving the NTP server name ntsa.test")" -ge 2 ] &&
	logged kda "server fd77::1: knts now protects NTP to fd77::1;"
ok $? "A: the Server record (6) named ntsa.test: resolved, in the family NTS-KE used"
check "A: READY=1 (systemd) only after both associations were installed" \
	ready_after kda 2 2 "knts now protects NTP to 10.77.0.1" "knts now protects NTP to fd77::1"
chronyd_start "$cli" client "port 0" \
	"server 10.77.0.1 iburst minpoll 0 maxpoll 0" \
	"server fd77::1 iburst minpoll 0 maxpoll 1"
check "B: the NTPsec server's association" wait_for 60 has_assoc "$cli2" 10.76.0.1
check "B: READY=1 after the good line's association and the bad line's first failure" \
	ready_after kdb 1 2 "knts now protects NTP to 10.76.0.1" "server 10.76.0.1 ke-port 4999: NTS-KE failed"
# peerstats instead of ntpq (Python, slow under TCG) to see its selection
mkdir -p "$LAB/ntpsec-cli-stats"
ntpsec_start "$cli2" ntpsec-cli "server 10.76.0.1 iburst minpoll 0 maxpoll 1" \
	"restrict default kod limited nomodify noquery" "restrict 127.0.0.1" "disable ntp" \
	"statsdir $LAB/ntpsec-cli-stats/" "statistics peerstats" \
	"filegen peerstats file peerstats type none enable"
check "D: mid's association with the upstream chrony NTS server" \
	wait_for 60 has_assoc "$mid" 10.78.0.1
chronyd_start "$mid" mid "port 123" "acquisitionport 123" "allow" "local stratum 12" \
	"server 10.78.0.1 iburst minpoll 0 maxpoll 1"
chronyd_start "$down" down "port 0" "ntstrustedcerts $CA" \
	"server 10.79.0.2 nts iburst minpoll 1 maxpoll 2"
check "D: down2's association with mid (knts server role)" \
	wait_for 60 has_assoc "$down2" 10.80.0.2
chronyd_start "$down2" down2 "port 0" "server 10.80.0.2 iburst minpoll 1 maxpoll 2"

# --- 1, 3: A ---
phase "A: chrony NTS server"
cstat() { knts_ctr "$cli" "$1"; }
field() { assoc_field "$cli" "$1" "$2"; }
good_over() { [ "$(field "$1" good)" -gt "$2" ]; }
# sel_a SECS: chronyd in cli selects the server, over either address (both
# are the one server and both protected; chrony's choice between them
# depends on timing); chronyc sources shown on failure.
sel_a() {
	wait_for "$1" selected client '(10\.77\.0\.1|fd77::1)' && return 0
	chronyc_in client sources
	return 1
}
check "A: plain chronyd selects the server (10.77.0.1 or fd77::1), protected by knts + ntskd" \
	sel_a 90
check "A: replies from 10.77.0.1 verify (ntsctl show: good)" wait_for 30 good_over 10.77.0.1 3
interop_last "$(peer_chrony) NTS server" client "$(field 10.77.0.1 aead)" IPv4 "NTS-KE: ntskd; plain chronyd behind knts"
check "A: IPv6: replies from fd77::1 verify" wait_for 30 good_over fd77::1 3
interop_last "$(peer_chrony) NTS server" client "$(field fd77::1 aead)" IPv6 "NTS-KE: ntskd; plain chronyd behind knts"
[ "$(cstat cli_reply_verified)" -gt 6 ] && [ "$(cstat cli_req_protected)" -gt 6 ] &&
	[ "$(field 10.77.0.1 cookies)" -ge 1 ] && [ "$(field 10.77.0.1 aead)" -eq 15 ]
ok $? "A: $(cstat cli_req_protected) requests protected, $(cstat cli_reply_verified) verified; AEAD 15, $(field 10.77.0.1 cookies) cookies held"
authd=$(chronyc_in upA serverstats | awk -F: '/Authenticated NTP/ { print $2 + 0 }')
[ "$authd" -gt 6 ]
ok $? "A: the chrony server authenticated $authd NTS requests from the plain client"
ip netns exec "$cli" "$NTSCTL" show | sed -n '/client associations/,$s/^/# /p'

# --- 4: attacks ---
phase "A: attacks"
n1=$(cstat cli_reply_unauth) n2=$(cstat cli_reply_unmatched)
# one python for both forgeries (its start-up is slow under TCG)
ip netns exec "$evil" python3 -B -c "import sys; sys.path.insert(0, '$SELFTEST_DIR')
import ntspkt as p
for kind in ('plain', 'nts'):
    p.spoof('10.77.0.1', 123, '10.77.0.2', 40000, p.forge_reply(kind))"
unauth() { [ "$(cstat cli_reply_unauth)" -gt "$n1" ]; }
unmatched() { [ "$(cstat cli_reply_unmatched)" -gt "$n2" ]; }
check "A: off path (netns evil): a spoofed plain reply is dropped (cli_reply_unauth)" \
	wait_for 10 unauth
check "A: off path: a spoofed NTS-shaped reply is dropped (cli_reply_unmatched)" \
	wait_for 10 unmatched
n=$(cstat cli_reply_bad_mac)
check "A: on path: tc pedit flips one bit of every reply's tag" replies_tc "$srv" kv0 flip
bad_over() { [ "$(cstat cli_reply_bad_mac)" -ge $((n + $1)) ]; }
# counted from the first refusal on: the filter is surely in place then
wait_for 20 bad_over 1
n=$(cstat cli_reply_bad_mac)
rxa=$(chrony_rx client 10.77.0.1)
check "A: flipped replies fail the authenticator (cli_reply_bad_mac)" wait_for 20 bad_over 3
rxb=$(chrony_rx client 10.77.0.1)
replies_tc "$srv" kv0 clear
[ "$rxb" -eq "$rxa" ]
ok $? "A: chronyd received none of them (Total RX $rxa -> $rxb)"
good=$(field 10.77.0.1 good)
check "A: attack over: replies verify again" wait_for 20 good_over 10.77.0.1 "$good"
check "A: ... and the server is (still or again) selected" sel_a 30

# --- 5: loss ---
phase "A: loss"
# every second reply from the server's port 123 dropped (IPv4)
every_other() {
	ip netns exec "$srv" tc qdisc add dev kv0 clsact &&
	ip netns exec "$srv" tc filter add dev kv0 egress protocol ip prio 1 u32 \
		match ip protocol 17 0xff match ip sport 123 0xffff \
		action gact ok random determ drop 2
}
kes=$(nlogged kda "NTS-KE with")
nocookie=$(cstat cli_req_no_cookie)
req=$(field 10.77.0.1 requests)
check "A: tc drops every second reply" every_other
more_req() { [ "$(field 10.77.0.1 requests)" -ge $((req + $1)) ]; }
wait_for 40 more_req 8
good=$(field 10.77.0.1 good)
check "A: with half the replies lost, replies still verify" wait_for 20 good_over 10.77.0.1 "$good"
replies_tc "$srv" kv0 clear
full() { [ "$(field 10.77.0.1 cookies)" -ge 7 ]; }
check "A: placeholders refilled the jar (cookies held >= 7 after the loss)" wait_for 20 full
[ "$(cstat cli_req_no_cookie)" -eq "$nocookie" ] && [ "$(nlogged kda "NTS-KE with")" -eq "$kes" ]
ok $? "A: the jar never ran dry and ntskd ran no NTS-KE meanwhile"

check "A: every reply blocked" replies_tc "$srv" kv0 drop
check "A: cookies low after 6 losses in a row: ntskd re-keys at once" \
	wait_for 60 logged kda "NTS-KE (cookies low)"
ran_dry() { [ "$(cstat cli_req_no_cookie)" -gt "$nocookie" ]; }
check "A: the jar empties (requests dropped: cli_req_no_cookie)" wait_for 60 ran_dry
check "A: ntskd re-keys on the jar-empty event (after its backoff)" \
	wait_for 30 logged kda "NTS-KE (jar empty)"
logged kda "no reply verified since the last NTS-KE: waiting for the jar to empty"
ok $? "A: the second cookies-low, with no reply verified since NTS-KE, waited for the empty jar"
check "A: ntskd installed fresh cookies" wait_for 30 has_assoc "$cli" 10.77.0.1
age=$(field 10.77.0.1 age)
[ "$age" -ge 0 ] && [ "$age" -lt 30 ]
ok $? "A: the association is new (age $age s)"
replies_tc "$srv" kv0 clear
good=$(field 10.77.0.1 good)
check "A: replies unblocked: service resumes" wait_for 40 good_over 10.77.0.1 "$good"

# tshark on everything the client sent so far
kill "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null
tshark -r "$LAB/cli.pcap" -T fields -E separator='|' -e ntp.flags.mode -e ip.dst \
	-e ipv6.dst -e ntp.ext.type > "$LAB/cli.txt" 2>/dev/null
req_has() { grep -E "^3\\|$1" "$LAB/cli.txt" | cut -d'|' -f4 | grep -q "$2"; }
check "A: tshark: requests carry a Unique Identifier (0x0104)" req_has 10.77.0.1 0x0104
check "A: tshark: requests carry an NTS Cookie (0x0204)" req_has 10.77.0.1 0x0204
check "A: tshark: after losses, Cookie Placeholders (0x0304)" req_has 10.77.0.1 0x0304
check "A: tshark: requests end with the Authenticator (0x0404)" req_has 10.77.0.1 '0x0204.*0x0404$'
plain=$(grep -E '^3\|' "$LAB/cli.txt" | grep -cv '0x0404')
[ "$plain" -eq 0 ]
ok $? "A: tshark: no request left without NTS ($plain)"

# --- 6: NAK ---
phase "A: NAK"
chronyd_stop upA
sleep 1
chrony_nts "$srv" upA2 10.77.0.1 fd77::1 -- "ntsntpserver ntsa.test"
naks() { [ "$(field 10.77.0.1 naks)" -gt 0 ]; }
check "A: the server lost its keys: knts counts NAKs" wait_for 40 naks
check "A: ntskd re-keys after the NAK (no verified reply followed)" \
	wait_for 40 logged kda "NTS-KE (NTS NAK)"
good=$(field 10.77.0.1 good)
check "A: authenticated again with the new server keys" wait_for 40 good_over 10.77.0.1 "$good"
good6=$(field fd77::1 good)
check "A: ... over IPv6 too" wait_for 40 good_over fd77::1 "$good6"

# --- 9: ntskd killed and restarted ---
phase "A: restart"
age=$(field 10.77.0.1 age)
kill -9 "$(ntskd_pid kda)" && rm -f "$LAB/kda/ntskd.pid"
check "A: ntskd restarted after kill -9" ntskd_start "$cli" kda2 "${KDA_CONF[@]}"
check "A: it keeps both associations (cookies held)" sh -c \
	"grep -c 'keeping its association' '$LAB/kda2/ntskd.log' | grep -qx 2"
good=$(field 10.77.0.1 good)
check "A: time keeps flowing" wait_for 30 good_over 10.77.0.1 "$good"
[ "$(nlogged kda2 "NTS-KE (")" -eq 0 ] && [ "$(field 10.77.0.1 age)" -ge "$age" ]
ok $? "A: no NTS-KE after the restart; the association kept its age ($(field 10.77.0.1 age) s)"

# ntsctl refresh reaches this ntskd and no other
age4=$(field 10.77.0.1 age) age6=$(field fd77::1 age)
out=$(ip netns exec "$cli" "$NTSCTL" refresh ntsa4.test 2>&1)
[ "$out" = "ntskd: NTS-KE started for 1 server" ]
ok $? "A: ntsctl refresh ntsa4.test: $out"
check "A: ... ntskd re-keys that server" wait_for 30 logged kda2 "NTS-KE (refresh requested)"
young() { [ "$(field 10.77.0.1 age)" -lt "$age4" ] && [ "$(field fd77::1 age)" -ge "$age6" ]; }
check "A: ... its association is new, the other one untouched" wait_for 30 young
out=$(ip netns exec "$cli" "$NTSCTL" refresh nosuch.example 2>&1); rc=$?
[ "$rc" -eq 1 ] && grep -q "no server line for 'nosuch.example'" <<<"$out"
ok $? "A: ntsctl refresh of an unknown server fails (exit $rc)"
out=$(ip netns exec "$cli" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$NTSCTL" refresh 2>&1); rc=$?
[ "$rc" -eq 4 ]
ok $? "A: an unprivileged user may not ask (exit $rc)"

# --- 2: B, NTPsec ---
phase "B: NTPsec"
# peerstats: "MJD SECONDS ADDRESS STATUS ..."; the status word's bits 8-10
# are the selection, 6 = system peer (what ntpq shows as '*')
ntpsec_sync() {
	local st
	st=$(awk '$3 == "10.76.0.1" { s = $4 } END { print s }' \
		"$LAB/ntpsec-cli-stats/peerstats" 2>/dev/null)
	[ -n "$st" ] && [ $(((0x$st >> 8) & 7)) -eq 6 ]
}
check "B: plain NTPsec ntpd syncs to the NTPsec NTS server through knts (system peer)" \
	wait_for 120 ntpsec_sync
good=$(assoc_field "$cli2" 10.76.0.1 good)
[ "$good" -gt 2 ] && [ "$(assoc_field "$cli2" 10.76.0.1 cookie_len)" -eq 104 ]
ok $? "B: $good replies verified (NTPsec cookies: 104 bytes)"
interop_last "$(peer_ntpsec_bookworm) NTS server" client "$(assoc_field "$cli2" 10.76.0.1 aead)" IPv4 "NTS-KE: ntskd; plain NTPsec ntpd behind knts"
dig=$(ip netns exec "$cli2" env LD_LIBRARY_PATH="$NTPLIB" \
	PYTHONPATH="$NTPSEC_ROOT/usr/lib/python3/dist-packages" \
	"$NTPSEC_ROOT/usr/bin/ntpdig" -t 5 10.76.0.1 2>&1); rc=$?
diag "ntpdig: $dig"
[ "$rc" -eq 0 ] && grep -q '10.76.0.1' <<<"$dig" &&
	[ "$(assoc_field "$cli2" 10.76.0.1 good)" -gt "$good" ]
ok $? "B: ntpdig (one shot) gets its time through a verified reply"
[ "$(knts_ctr "$cli2" cli_req_unsupported)" -eq 0 ] &&
	[ "$(knts_ctr "$cli2" cli_reply_unauth)" -eq 0 ]
ok $? "B: every request from ntpd and ntpdig went out with NTS"
logged kdb "ke-port 4999 (line 2): WARNING: noverify"
ok $? "B: noverify is logged as a loud warning"
backoff() {
	logged kdb "next attempt in 2.0 s" && logged kdb "next attempt in 3.0 s" &&
	logged kdb "next attempt in 4.5 s" && logged kdb "next attempt in 8.0 s"
}
check "B: the failing server backs off 2, 3, 4.5 ... s up to its cap of 8 s" wait_for 30 backoff

# --- 7, 8: D ---
phase "D: both roles, knts to knts"
check "D: mid's chronyd selects the upstream through the knts client role" \
	wait_for 60 selected mid 10.78.0.1
down_auth() { chronyc_in down ntpdata 10.79.0.2 | grep -q 'Authenticated *: Yes'; }
check "D: down's chrony NTS client authenticates mid (ntskd's NTS-KE, knts server role)" \
	wait_for 60 down_auth
check "D: knts client (down2) against knts server (mid): 10.80.0.2 selected" \
	wait_for 60 selected down2 10.80.0.2
[ "$(assoc_field "$down2" 10.80.0.2 good)" -gt 2 ]
ok $? "D: down2 verified $(assoc_field "$down2" 10.80.0.2 good) replies signed by mid's kernel"
# Both ntskds have 30 and offer/choose it first, with chrony's record
# 1024 both ways (RFC exporter context): 68-byte cookies under mid's
# AES-SIV master key, replies with 12-byte nonces.
[ "$(assoc_field "$down2" 10.80.0.2 aead)" -eq 30 ] &&
	[ "$(assoc_field "$down2" 10.80.0.2 cookie_len)" -eq 68 ]
ok $? "D: knts to knts runs AEAD 30 (AES-128-GCM-SIV), 68-byte cookies"
mid_stat() { knts_ctr "$mid" "$1"; }
[ "$(mid_stat cli_reply_verified)" -gt 2 ] && [ "$(mid_stat srv_req_verified)" -gt 4 ] &&
	[ "$(mid_stat srv_reply_signed)" -gt 4 ]
ok $? "D: mid counts both roles: $(mid_stat cli_reply_verified) upstream replies verified, $(mid_stat srv_req_verified) downstream requests verified"
never=0
for c in cli_req_unsupported cli_reply_unmatched cli_reply_bad_mac srv_req_malformed \
	srv_nak_sent srv_reply_dropped; do
	never=$((never + $(mid_stat $c)))
done
[ "$never" -eq 0 ] && [ "$(assoc_field "$mid" 10.78.0.1 bad)" -eq 0 ]
ok $? "D: no packet went to the wrong role (refusals: $never)"
kill -USR1 "$(ntskd_pid kdd)"
check "D: SIGUSR1 makes down2's ntskd re-key" wait_for 30 logged kdd "NTS-KE (refresh requested)"
wait_for 30 logged kdd "NTS-KE with 10.80.0.2 done" && sleep 1
kill "$(ntskd_pid kdd)"
gone() { ! kill -0 "$(ntskd_pid kdd)" 2>/dev/null; }
wait_for 10 gone && has_assoc "$down2" 10.80.0.2
ok $? "D: SIGTERM: ntskd exits and leaves the association in the kernel"
phase "done"
check "no WARN/BUG in the kernel log" dmesg_clean
# on failure, what the daemons said (debug lines left out)
if [ "$_ktap_fail" -gt 0 ]; then
	for k in kda kda2 kdb kdm kdd; do
		diag "=== ntskd $k"
		grep -v 'debug:' "$LAB/$k/ntskd.log" 2>/dev/null | tail -n 40 | sed 's/^/#   /'
	done
fi
ktap_finish
