#!/bin/bash
# Client role, fail closed, at the kernel level (issue 13): plain NTP
# responders stand in for a protected server, and every packet is counted
# where it lands.
#  - a closed association (what ntskd installs before any NTS-KE) lets no
#    plain request out and no plain reply in; an unprotected address next
#    to it shows the same packets are deliverable;
#  - keys replace it; cookies cannot be added to it;
#  - an association bound to a socket owner (uid 0): an unprivileged user's
#    flood to the server is dropped (cli_req_not_owner), spends no cookie
#    and sends nothing; without the binding the same flood drains the jar;
#  - a link-local server is one per link: fe80::1 on two links, each with
#    its own association (or none), in both directions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"

ktap_plan 25
knts_load
make_nks0 "$LAB/keys"
PNTP="python3 $SELFTEST_DIR/plain_ntp.py"

new_netns srv && new_netns cli && new_netns srv2
veth_pair "$srv" "$cli"			# srv:kv0 -- cli:kv1
veth_link "$cli" kv5 "$srv2" kv6	# a second link, with the same fe80::1
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 10.77.0.8/24
addr_add "$cli" kv1 10.77.0.2/24
addr_add "$srv" kv0 fe80::1/64; addr_add "$srv2" kv6 fe80::1/64
addr_add "$cli" kv1 fe80::2/64; addr_add "$cli" kv5 fe80::2/64
for a in 10.77.0.1 10.77.0.8 fe80::1%kv0; do
	ip netns exec "$srv" $PNTP serve "$a" "$LAB/count.${a%%%*}" &
	at_exit "kill $!"
done
ip netns exec "$srv2" $PNTP serve fe80::1%kv6 "$LAB/count.srv2" &
at_exit "kill $!"
wait_for 20 test -e "$LAB/count.10.77.0.1" -a -e "$LAB/count.10.77.0.8" \
	-a -e "$LAB/count.fe80::1" -a -e "$LAB/count.srv2" || diag "responders not up"

ctr() { knts_ctr "$cli" "$1"; }
count() { cat "$LAB/count.$1"; }
ask() { ip netns exec "$cli" $PNTP ask "$@"; }
as_nobody() { ip netns exec "$cli" setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
kassoc() { ip netns exec "$cli" "$KNTS_ASSOC" "$@"; }

# --- a closed association ---
check "knts-assoc installs a closed association for 10.77.0.1" kassoc close 10.77.0.1
ip netns exec "$cli" "$NTSCTL" show | grep -A1 '^  10.77.0.1 port 123' | grep -q 'closed: no NTS-KE yet' &&
	[ "$(assoc_field "$cli" 10.77.0.1 aead)" -eq 0 ] &&
	ip netns exec "$cli" "$NTSCTL" --json show | grep -q '"closed": true'
ok $? "ntsctl show: closed, AEAD 0"
nc0=$(ctr cli_req_no_cookie)
out=$(ask 10.77.0.1 10)
[ "$out" = "sent 0 refused 10 answered 0" ] && [ "$(count 10.77.0.1)" = "plain 0 nts 0" ] &&
	[ $(($(ctr cli_req_no_cookie) - nc0)) -eq 10 ]
ok $? "closed: 10 plain requests refused at LOCAL_OUT, 0 reached the server, cli_req_no_cookie +10 ($out)"
out=$(ask 10.77.0.8 10)
[ "$out" = "sent 10 refused 0 answered 10" ] && [ "$(count 10.77.0.8)" = "plain 10 nts 0" ]
ok $? "control: the same requests to 10.77.0.8 (no association) are answered ($out)"
# plain replies from the server: 10 from the closed 10.77.0.1, 10 from .8
ua0=$(ctr cli_reply_unauth)
ip netns exec "$cli" $PNTP listen 10.77.0.2 40123 6 > "$LAB/listen" &
lpid=$!
sleep 1.5
ip netns exec "$srv" $PNTP spray 10.77.0.1 10.77.0.2 40123 10
ip netns exec "$srv" $PNTP spray 10.77.0.8 10.77.0.2 40123 10
wait $lpid
[ "$(cat "$LAB/listen")" = "got 10" ] && [ $(($(ctr cli_reply_unauth) - ua0)) -eq 10 ]
ok $? "closed: 10 plain replies from 10.77.0.1 dropped (cli_reply_unauth +10); the 10 from .8 arrived ($(cat "$LAB/listen"))"
out=$(kassoc probe add-unknown 10.77.0.1)
grep -q 'closed' <<<"$out"
ok $? "COOKIES_ADD to a closed association is refused: $out"
out=$(kassoc probe closed-keys 10.77.0.9)
grep -q 'closed association has no AEAD' <<<"$out"
ok $? "CLOSED with keys is refused: $out"

# --- keys replace it; the owner binding ---
check "keys replace the closed association (owner uid 0, 8 cookies)" \
	kassoc set 10.77.0.1 keyfile "$LAB/keys" cookies 8 owner 0
[ "$(assoc_field "$cli" 10.77.0.1 owner_uid)" = 0 ] &&
	[ "$(assoc_field "$cli" 10.77.0.1 aead)" -eq 15 ]
ok $? "ntsctl show: AEAD 15, owner uid 0"
out=$(ask 10.77.0.1 3)
[ "$out" = "sent 3 refused 0 answered 0" ] && [ "$(count 10.77.0.1)" = "plain 0 nts 3" ]
ok $? "root's requests leave with NTS (3 NTS, 0 plain at the server); its plain replies are dropped ($out)"
check "fresh jar: 8 cookies, owner uid 0" kassoc set 10.77.0.1 keyfile "$LAB/keys" cookies 8 owner 0
no0=$(ctr cli_req_not_owner) rq0=$(assoc_field "$cli" 10.77.0.1 requests)
out=$(as_nobody $PNTP flood 10.77.0.1 300)
[ "$out" = "sent 0 refused 300" ] && [ $(($(ctr cli_req_not_owner) - no0)) -eq 300 ]
ok $? "nobody floods 300 requests: all refused, cli_req_not_owner +300 ($out)"
[ "$(assoc_field "$cli" 10.77.0.1 cookies)" -eq 8 ] &&
	[ "$(assoc_field "$cli" 10.77.0.1 requests)" -eq "$rq0" ] &&
	[ "$(count 10.77.0.1)" = "plain 0 nts 3" ]
ok $? "... no cookie spent, no request in the ring, nothing reached the server"
out=$(ask 10.77.0.1 2)
[ "$out" = "sent 2 refused 0 answered 0" ] && [ "$(count 10.77.0.1)" = "plain 0 nts 5" ]
ok $? "root (the owner) still sends with NTS ($out)"
check "control: the association without an owner" kassoc set 10.77.0.1 keyfile "$LAB/keys" cookies 8
out=$(as_nobody $PNTP flood 10.77.0.1 20)
[ "$(assoc_field "$cli" 10.77.0.1 cookies)" -eq 0 ] && [ "$(count 10.77.0.1)" = "plain 0 nts 13" ]
ok $? "control: without an owner nobody's flood drains the jar (8 NTS requests left, then none: $out)"

# --- link-local: one server per link ---
kassoc close fe80::1 2>/dev/null
ok $(( ! $? )) "a link-local address without its interface is refused"
kassoc close 10.77.0.9 dev kv1 2>/dev/null
ok $(( ! $? )) "an interface with a global address is refused"
check "closed association for fe80::1 on kv1 only" kassoc close fe80::1 dev kv1
o1=$(ask fe80::1%kv1 5) o5=$(ask fe80::1%kv5 5)
[ "$o1" = "sent 0 refused 5 answered 0" ] && [ "$o5" = "sent 5 refused 0 answered 5" ] &&
	[ "$(count fe80::1)" = "plain 0 nts 0" ] && [ "$(count srv2)" = "plain 5 nts 0" ]
ok $? "fe80::1%kv1 closed, fe80::1%kv5 answered: requests and replies keyed by link (kv1: $o1; kv5: $o5)"
check "and one for fe80::1 on kv5" kassoc close fe80::1 dev kv5
ip netns exec "$cli" "$NTSCTL" show | grep -q '^  fe80::1%kv1 port 123' &&
	ip netns exec "$cli" "$NTSCTL" show | grep -q '^  fe80::1%kv5 port 123'
ok $? "ntsctl show lists fe80::1%kv1 and fe80::1%kv5: two associations"
check "remove the one on kv1" kassoc del fe80::1 dev kv1
o1=$(ask fe80::1%kv1 5) o5=$(ask fe80::1%kv5 5)
[ "$o1" = "sent 5 refused 0 answered 5" ] && [ "$o5" = "sent 0 refused 5 answered 0" ] &&
	[ "$(count fe80::1)" = "plain 5 nts 0" ] && [ "$(count srv2)" = "plain 5 nts 0" ]
ok $? "now kv1 answered and kv5 closed (kv1: $o1; kv5: $o5)"

dmesg_clean >/dev/null
ok $? "no WARN, BUG or Oops"
ktap_finish
