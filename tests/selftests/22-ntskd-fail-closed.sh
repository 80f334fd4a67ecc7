#!/bin/bash
# ntskd fails closed (issue 13): a configured server is protected from the
# moment ntskd starts, before any NTS-KE, and a local user cannot steer it.
# A plain chronyd in cli polls 10.77.0.1 every second throughout; in srv a
# plain responder (it counts what it gets: 48-byte requests and longer
# ones) or a chrony NTS server stands at 10.77.0.1.
#   1 NTS-KE server down at start: nothing on 4460
#   2 NTS-KE failing: a listener on 4460 that closes every connection
#   3 NTS-KE works (chrony): NTS; an unprivileged user floods the server
#   4 cookies exhausted: chrony gone, the plain responder back
#   5 chrony back: NTS again
# In 1, 2 and 4 no plain request reaches the responder and no plain reply
# reaches chronyd; the opt-out (plain-until-nts, 10.77.0.9) shows plain
# NTP does pass where it is asked for.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"

ktap_plan 18
knts_load
make_pki knts-test 10.77.0.1
CA=$LAB/pki/ca.crt
PNTP="python3 $SELFTEST_DIR/plain_ntp.py"
phase() { diag "--- $* (t=${SECONDS}s)"; }

new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 10.77.0.9/24
addr_add "$cli" kv1 10.77.0.2/24

# serve_plain: the plain responder at 10.77.0.1 (count file "count.a")
serve_plain() {
	ip netns exec "$srv" $PNTP serve 10.77.0.1 "$LAB/count.a" &
	echo $! > "$LAB/plain.pid"
	wait_for 20 test -e "$LAB/count.a"
}
stop_plain() { kill "$(cat "$LAB/plain.pid")"; wait "$(cat "$LAB/plain.pid")" 2>/dev/null; true; }
at_exit 'kill $(cat "$LAB/plain.pid")'
ip netns exec "$srv" $PNTP serve 10.77.0.9 "$LAB/count.b" &
at_exit "kill $!"
# chrony_up / chrony_down: chrony 4.3 as the NTS server (NTS-KE on 4460)
chrony_up() {
	chronyd_start "$srv" up "bindaddress 10.77.0.1" "port 123" "ntsport 4460" \
		"ntsprocesses 0" "allow" "local stratum 10" \
		"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key"
}
chrony_down() { chronyd_stop up; sleep 1; }
srvstat() { chronyc_in up serverstats | awk -F: "/$1/ { print \$2 + 0 }"; }
ctr() { knts_ctr "$cli" "$1"; }
field() { assoc_field "$cli" 10.77.0.1 "$1"; }
fails() { grep -c 'server 10.77.0.1: NTS-KE failed' "$LAB/kd/ntskd.log"; }
# for wait_for, which runs its command again and again
fails_ge() { [ "$(fails)" -ge "$1" ]; }
ctr_ge() { [ "$(ctr "$1")" -ge "$2" ]; }
field_gt() { [ "$(field "$1")" -gt "$2" ]; }
plain_none() { [ "$(sed -n 's/^plain \([0-9]*\).*/\1/p' "$LAB/count.a")" = 0 ]; }
nts_seen() { sed -n 's/.* nts \([0-9]*\)$/\1/p' "$LAB/count.a"; }

phase "1: NTS-KE server down at start"
serve_plain
check "ntskd starts: 10.77.0.1 (fail closed, the default) and 10.77.0.9 (plain-until-nts)" \
	ntskd_start "$cli" kd "server 10.77.0.1 ca $CA" "server 10.77.0.9 ca $CA plain-until-nts" \
	"ke-retry 1 2" "owner root" "client-state $LAB/kd/client-state"
ip netns exec "$cli" "$NTSCTL" show | grep -A1 '^  10.77.0.1 port 123' | grep -q 'closed: no NTS-KE yet' &&
	[ "$(assoc_field "$cli" 10.77.0.9 aead)" = -1 ] &&
	ntskd_logged kd "server 10.77.0.1: NTP to 10.77.0.1 port 123 is closed until NTS-KE succeeds" &&
	ntskd_logged kd "server 10.77.0.9: plain-until-nts"
ok $? "at start, before any NTS-KE: 10.77.0.1 closed (owner uid $(field owner_uid)); 10.77.0.9 opted out, no association"
chronyd_start "$cli" client "port 0" "server 10.77.0.1 iburst minpoll 0 maxpoll 0"
check "NTS-KE to 10.77.0.1 fails (nothing listens) and is retried" wait_for 30 fails_ge 2
nc0=$(ctr cli_req_no_cookie)
check "chronyd's requests are dropped (cli_req_no_cookie rises)" \
	wait_for 20 ctr_ge cli_req_no_cookie $((nc0 + 3))
out=$(ip netns exec "$cli" $PNTP ask 10.77.0.9 5)
[ "$out" = "sent 5 refused 0 answered 5" ] && [ "$(cat "$LAB/count.b")" = "plain 5 nts 0" ]
ok $? "control: plain-until-nts: plain NTP to 10.77.0.9 passes both ways ($out)"

phase "2: NTS-KE failing"
ip netns exec "$srv" python3 -c 'import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.1", 4460)); s.listen(16)
while True:
    s.accept()[0].close()' &
ke_pid=$!
at_exit "kill $ke_pid"
f0=$(fails)
check "NTS-KE to a listener that closes every connection fails twice more" \
	wait_for 30 fails_ge $((f0 + 2))
[ "$(field cookies)" = 0 ] && [ "$(field aead)" = 0 ]
ok $? "still closed after $(fails) failed NTS-KE attempts"
plain_none && [ "$(nts_seen)" = 0 ] && [ "$(chrony_rx client 10.77.0.1)" = 0 ]
ok $? "1 and 2: $(ctr cli_req_no_cookie) requests dropped; the responder got none (plain 0), chronyd got no reply"

phase "3: NTS-KE works"
kill "$ke_pid"; stop_plain
chrony_up
check "NTS-KE succeeds: the association holds cookies" wait_for 60 field_gt cookies 0
check "chronyd's replies verify (good > 3)" wait_for 40 field_gt good 3
rx=$(srvstat "NTP packets received") au=$(srvstat "Authenticated NTP")
[ "$rx" -ge 4 ] && [ "$rx" = "$au" ]
ok $? "the chrony server got only NTS: $au authenticated of $rx NTP packets"
g0=$(field good) um0=$(ctr cli_reply_unmatched) no0=$(ctr cli_req_not_owner) rq0=$(field requests)
out=$(ip netns exec "$cli" setpriv --reuid=nobody --regid=nogroup --clear-groups $PNTP flood 10.77.0.1 3000)
sleep 3
g1=$(field good) rq1=$(field requests)
[ "$out" = "sent 0 refused 3000" ] && [ $(($(ctr cli_req_not_owner) - no0)) -eq 3000 ]
ok $? "nobody floods 3000 requests: all dropped (cli_req_not_owner +3000)"
[ "$g1" -gt "$g0" ] && [ "$(ctr cli_reply_unmatched)" -eq "$um0" ] && [ "$(field cookies)" -ge 4 ] &&
	[ $((rq1 - rq0)) -le $((g1 - g0 + 3)) ]
ok $? "... chronyd stays authenticated: good $g0 -> $g1, 0 unmatched, requests +$((rq1 - rq0)) (chronyd's only), $(field cookies) cookies held"

phase "4: cookies exhausted"
chrony_down
serve_plain
ua0=$(ctr cli_reply_unauth) nc0=$(ctr cli_req_no_cookie)
check "the jar runs dry: chronyd's requests are dropped again" \
	wait_for 60 ctr_ge cli_req_no_cookie $((nc0 + 3))
sleep 2
n=$(nts_seen)
plain_none && [ "$n" -ge 1 ] && [ "$n" -le 8 ] && [ "$(field cookies)" = 0 ] &&
	[ $(($(ctr cli_reply_unauth) - ua0)) -eq "$n" ]
ok $? "4: the responder got $n NTS requests (the last cookies) and no plain one; its $n plain replies were dropped (cli_reply_unauth)"
rx0=$(chrony_rx client 10.77.0.1)
sleep 3
[ "$(chrony_rx client 10.77.0.1)" = "$rx0" ] && plain_none
ok $? "4: nothing more leaves for 10.77.0.1 and nothing comes back to chronyd"

phase "5: NTS-KE back"
stop_plain
chrony_up
g0=$(field good)
check "NTS-KE again, chronyd's replies verify again" wait_for 60 field_gt good $((g0 + 2))
dmesg_clean >/dev/null
ok $? "no WARN, BUG or Oops"
ktap_finish
