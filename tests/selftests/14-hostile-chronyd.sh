#!/bin/bash
# Hostile requests against a real daemon (issue 8, part 1): a plain
# chronyd (no NTS configured) behind knts gets the hostile cases whose
# bad packets knts must stop, mixed with valid ones. chronyd's replies to
# the valid ones must come back signed (build/tools/hostile verifies them
# under S2C), and chronyd must count exactly the requests knts verified.
# 10-hostile-server.sh runs every case against ntp_sink, which checks
# each datagram; this one checks the real thing end to end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$TOOLS/hostile" ] || skip_all "build/tools not built (make tools)"
command -v chronyd >/dev/null || skip_all "chrony not installed"

rounds=${HOSTILE_ROUNDS:-1}
[ "$STRESS" = 1 ] && rounds=${HOSTILE_ROUNDS:-10}
# Cases whose packets knts verifies or stops: none reaches chronyd as plain NTP.
cases=valid,replay,forged-copy,len-off,ef-types,duplicates,auth-not-last
cases+=,placeholders,nonce-ct-len,bad-csum,trailer

ktap_plan 6
knts_load
robust_lab
make_nks0 "$LAB/ntskeys"
check "server role on (nts-only), keys loaded" sh -c \
	"ip netns exec '$srv' '$NTSCTL' server enable port 123 policy nts-only &&
	 ip netns exec '$srv' '$NTSCTL' load-keys '$LAB/ntskeys'"
chronyd_start "$srv" plain "bindaddress 10.77.0.1" "bindaddress fd77::1" \
	"port 123" "allow" "local stratum 10"
rx() { chronyc_in plain serverstats | awk -F: '/NTP packets received/ { print $2 + 0 }'; }
wait_for 20 rx
hostile() { # SRC DST
	ip netns exec "$cli" "$TOOLS/hostile" --keys "$LAB/ntskeys" \
		--srv-netns "/run/netns/$srv" --policy nts-only --src "$1" --dst "$2" \
		--rounds "$rounds" --case "$cases"
}
rx0=$(rx) v0=$(knts_stat "$srv" srv_req_verified) p0=$(knts_stat "$srv" srv_plain_passed)
run_show "IPv4: hostile and valid requests, chronyd's replies signed" hostile 10.77.0.2 10.77.0.1
run_show "IPv6: hostile and valid requests, chronyd's replies signed" hostile fd77::2 fd77::1
sleep 1
rx1=$(rx) v1=$(knts_stat "$srv" srv_req_verified) p1=$(knts_stat "$srv" srv_plain_passed)
diag "chronyd received $((rx1 - rx0)) NTP packets; knts verified $((v1 - v0)), passed $((p1 - p0)) plain"
[ $((rx1 - rx0)) -eq $((v1 - v0)) ] && [ "$p1" -eq "$p0" ]
ok $? "chronyd received exactly the requests knts verified"
check "knts signed every chronyd reply it had an entry for (no srv_reply_dropped)" \
	test "$(knts_stat "$srv" srv_reply_dropped)" -eq 0
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
ktap_finish
