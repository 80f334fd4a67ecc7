#!/bin/bash
# Hostile packets against the client role (issue 8, part 1): a hostile
# NTS server answers every request knts signs for the daemon with broken
# replies built from that very request (UID, origin, cookie length,
# placeholders; sealed under S2C where the break is under the
# authenticator), then with the valid one, over IPv4 and IPv6, whole and
# fragmented. build/tools/hostile_client plays the daemon too: it counts
# what reaches its socket. Pass: knts counted every reply exactly once,
# the daemon got only the valid replies, each once, the jar never ran
# dry, no WARN (the VM runs with panic_on_warn=1 oops=panic).
# KNTS_STRESS=1: >= 10^6 replies; otherwise a short run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/hostile_client" ] || skip_all "build/tools not built (make tools)"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"

rounds=${HOSTILE_CLIENT_ROUNDS:-4}
[ "$STRESS" = 1 ] && rounds=${HOSTILE_CLIENT_ROUNDS:-100}

ktap_plan 8
knts_load
robust_lab
make_nks0 "$LAB/ntskeys"
slab0=$(slab_kb)
# IPv4 with AEAD 17 (164-byte cookies), IPv6 with AEAD 15 (100 bytes):
# a full reply of 8 cookies still fits one packet on either.
check "client associations to 10.77.0.1 (AEAD 17) and fd77::1 (AEAD 15), 8 cookies each" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' set 10.77.0.1 keyfile '$LAB/ntskeys' aead 17 \
		state '$LAB/a4.state' &&
	 ip netns exec '$cli' '$KNTS_ASSOC' set fd77::1 keyfile '$LAB/ntskeys' aead 15 \
		state '$LAB/a6.state'"

hc() { # STATE SRV CLI
	ip netns exec "$cli" "$TOOLS/hostile_client" --state "$1" \
		--srv-netns "/run/netns/$srv" --srv "$2" --cli "$3" --rounds "$rounds" \
		${HOSTILE_CLIENT_CASES:+--case "$HOSTILE_CLIENT_CASES"}
}
start=$SECONDS
run_show "IPv4: every hostile reply counted once, only valid replies reached the daemon" \
	hc "$LAB/a4.state" 10.77.0.1 10.77.0.2
run_show "IPv6: every hostile reply counted once, only valid replies reached the daemon" \
	hc "$LAB/a6.state" fd77::1 fd77::2

total=$(knts_stats_json "$cli" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(sum(v for k, v in s.items() if k.startswith(("cli_reply_", "cli_nak"))))')
diag "knts counted $total replies in $((SECONDS - start)) s"
[ "$STRESS" != 1 ] || [ "$total" -ge 1000000 ]
ok $? "stress runs count >= 10^6 replies (this run: $total, stress=$STRESS)"
[ "$(knts_stat "$cli" cli_error)" -eq 0 ] && [ "$(knts_stat "$cli" cli_req_no_cookie)" -eq 0 ]
ok $? "cli_error and cli_req_no_cookie stayed 0"
for s in 10.77.0.1 fd77::1; do
	diag "$s: $(ip netns exec "$cli" "$NTSCTL" --json show | grep -F "\"server\": \"$s\"")"
done
[ "$(assoc_field "$cli" 10.77.0.1 cookies)" -ge 7 ] && [ "$(assoc_field "$cli" fd77::1 cookies)" -ge 7 ]
ok $? "the jars are still full after the attack ($(assoc_field "$cli" 10.77.0.1 cookies), $(assoc_field "$cli" fd77::1 cookies))"
check "associations removed" sh -c \
	"ip netns exec '$cli' '$KNTS_ASSOC' del 10.77.0.1 && ip netns exec '$cli' '$KNTS_ASSOC' del fd77::1"
slab1=$(slab_kb)
diag "slab (unreclaimable): $slab0 kB before, $slab1 kB after"
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
