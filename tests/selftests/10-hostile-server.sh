#!/bin/bash
# Hostile packets against the server role (issue 8, part 1): every kind
# of broken NTS request, over IPv4 and IPv6, whole and fragmented, under
# both policies. build/tools/hostile sends them from the client namespace
# and checks, case by case, that knts counted each packet exactly once,
# that the stand-in daemon (ntp_sink) received none of the bad ones, and
# that every reply is right. The VM runs with panic_on_warn=1 oops=panic.
# KNTS_STRESS=1: >= 10^6 packets; otherwise a short run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/hostile" ] || skip_all "build/tools not built (make tools)"

rounds=${HOSTILE_ROUNDS:-1}
[ "$STRESS" = 1 ] && rounds=${HOSTILE_ROUNDS:-40}

ktap_plan 9
knts_load
robust_lab
make_nks0 "$LAB/ntskeys"
check "server role on, chrony key file loaded" sh -c \
	"ip netns exec '$srv' '$NTSCTL' server enable port 123 policy nts-only &&
	 ip netns exec '$srv' '$NTSCTL' load-keys '$LAB/ntskeys'"
slab0=$(slab_kb)

ip netns exec "$srv" "$TOOLS/ntp_sink" --state "$LAB/sink" > "$LAB/sink.log" 2>&1 &
sink_pid=$!
at_exit "kill $sink_pid"
wait_for 10 test -s "$LAB/sink.log"

hostile() { # POLICY SRC DST
	ip netns exec "$cli" "$TOOLS/hostile" --keys "$LAB/ntskeys" \
		--srv-netns "/run/netns/$srv" --sink-state "$LAB/sink" \
		--policy "$1" --src "$2" --dst "$3" --rounds "$rounds"
}
start=$SECONDS
run_show "IPv4, nts-only: every hostile case counted, none reached the daemon" \
	hostile nts-only 10.77.0.2 10.77.0.1
run_show "IPv6, nts-only: every hostile case counted, none reached the daemon" \
	hostile nts-only fd77::2 fd77::1
run_show "IPv4, mixed: only plain NTP passes, no NTS request unverified" \
	hostile mixed 10.77.0.2 10.77.0.1
run_show "IPv6, mixed: only plain NTP passes, no NTS request unverified" \
	hostile mixed fd77::2 fd77::1

kill "$sink_pid"; wait "$sink_pid"; rc=$?
diag "$(cat "$LAB/sink.log")"
ok "$rc" "ntp_sink: no datagram knts should have stopped reached the daemon"
total=$(knts_stats_json "$srv" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(sum(v for k, v in s.items() if not k.startswith("srv_malformed_") and k not in
    ("srv_nak_sent", "srv_nak_ratelimited", "srv_reply_signed", "srv_reply_dropped", "srv_error")))')
diag "knts counted $total packets in $((SECONDS - start)) s"
[ "$STRESS" != 1 ] || [ "$total" -ge 1000000 ]
ok $? "stress runs count >= 10^6 packets (this run: $total, stress=$STRESS)"
[ "$(knts_stat "$srv" srv_error)" -eq 0 ]
ok $? "srv_error stayed 0"
check "server disable" ip netns exec "$srv" "$NTSCTL" server disable
slab1=$(slab_kb)
diag "slab (unreclaimable): $slab0 kB before, $slab1 kB after"
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
