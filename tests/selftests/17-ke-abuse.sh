#!/bin/bash
# NTS-KE abuse against ntskd (issue 8, part 5), with tests/tools/ke_abuse
# from the client namespace:
#  1. every malformed client gets what RFC 8915 says: an Error record
#     (oversized, bad lengths, unknown critical record, garbage records), an
#     empty list (wrong next protocol, wrong AEAD), a TLS alert (TLS 1.2
#     only, wrong ALPN), a close (no ALPN, garbage before the ClientHello),
#     or the deadline (missing End of Message, slow request);
#  2. while HOLD connections (and TLS sessions, and slow senders) are held
#     from one address and reopened as ntskd closes them, a real NTS-KE
#     exchange from another address completes; ntskd's memory stays
#     bounded, its log too, and its descriptors return to the baseline;
#  3. with ke-rate-limit, a source over its rate or its max-conns is closed
#     before the handshake (IPv6: its whole /64), while another is served
#     at once even with HOLD connections coming from the first.
# KNTS_STRESS=1: 4000 connections held for 120 s, 300 slow senders.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
[ -x "$TOOLS/ke_abuse" ] || skip_all "build/tools not built (make tools)"

HOLD=1000 HOLD_TLS=100 HOLD_S=16 SLOW=50
[ "$STRESS" = 1 ] && HOLD=4000 HOLD_TLS=400 HOLD_S=120 SLOW=300
# ntskd's bound: NTSKD_KE_MAX_CONNS (128) connections of at most ~100 KiB
# each (a 16 KiB request buffer, a 2 KiB answer, OpenSSL's session with its
# 17 KiB read and write buffers and handshake state), about 13 MiB, plus
# allocator slack: 24 MiB over the baseline, whatever HOLD is.
MEM_BOUND_KB=24576

ktap_plan 40
# the tool holds thousands of sockets; ntskd itself never needs more
# than NTSKD_KE_MAX_CONNS + a few
ulimit -Hn 65536 2>/dev/null; ulimit -n 65536 2>/dev/null
knts_load
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
# .2 the attacker, .3 the legitimate client, .4 a bursty source
for a in 10.77.0.2/24 10.77.0.3/24 10.77.0.4/24 fd77::2/64 fd77::22/64 fd77:0:0:1::2/64; do
	addr_add "$cli" kv1 "$a"
done
ip -n "$srv" -6 route add fd77:0:0:1::/64 dev kv0
sysctl -qw net.core.somaxconn=4096
make_pki knts-test 10.77.0.1 fd77::1
PKI=$LAB/pki

abuse() { # SRC ADDR MODE...: ke_abuse from SRC
	local s=$1 d=$2
	shift 2
	ip netns exec "$cli" "$TOOLS/ke_abuse" --src "$s" --ca "$PKI/ca.crt" $DEADLINE "$d" 4460 "$@"
}
DEADLINE=""
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
# per-connection log lines (rate-limited by ntskd)
conn_lines() { grep -cE 'NTS-KE with .* (failed|timed out|refused: the client)|bad NTS-KE request' "$1"; }

check "ntskd serves NTS-KE on 10.77.0.1 and fd77::1" ntskd_start "$srv" kd \
	"ke-listen 10.77.0.1" "ke-listen fd77::1" "cert $PKI/server.crt" \
	"key $PKI/server.key" "keyfile $LAB/kd/keys/ntskeys" "ke-rate-limit off"
pid=$(ntskd_pid kd)
run_show "a good exchange from 10.77.0.3 (8 cookies)" abuse 10.77.0.3 10.77.0.1 good

# 1. one misbehaving client at a time
run_show "oversized request (16 KiB, no End of Message): Error 1" abuse 10.77.0.2 10.77.0.1 oversized
for c in np-odd aead-odd eom-body no-np; do
	run_show "malformed $c: Error 1 (bad request)" abuse 10.77.0.2 10.77.0.1 malformed "$c"
done
run_show "unknown critical record: Error 0" abuse 10.77.0.2 10.77.0.1 malformed unknown-critical
run_show "garbage records over IPv6: Error 0" abuse fd77::2 fd77::1 malformed garbage
run_show "wrong next protocol: an empty NP list" abuse 10.77.0.2 10.77.0.1 malformed wrong-np
run_show "wrong AEAD: an empty AEAD list" abuse 10.77.0.2 10.77.0.1 malformed wrong-aead
run_show "no End of Message: closed at the deadline, no answer" abuse 10.77.0.2 10.77.0.1 malformed no-eom
run_show "TLS 1.2 only: protocol_version alert" abuse 10.77.0.2 10.77.0.1 tls12
run_show "wrong ALPN: no_application_protocol alert" abuse 10.77.0.2 10.77.0.1 wrong-alpn
run_show "no ALPN: closed without an answer" abuse 10.77.0.2 10.77.0.1 no-alpn
run_show "garbage before the ClientHello: closed" abuse 10.77.0.2 10.77.0.1 garbage-pre
run_show "request at 2 bytes a second: closed at the deadline" abuse 10.77.0.2 10.77.0.1 slow-request
run_show "20 ClientHellos at 4 bytes a second: all closed at the deadline" abuse 10.77.0.2 10.77.0.1 slow-hello 20
ntskd_logged kd "sent Error 0 (unrecognized critical record)" &&
	ntskd_logged kd "too-large; sent Error 1 (bad request)" &&
	ntskd_logged kd "timed out after 5000 ms reading the request"
ok $? "ntskd's log names each refusal"

# 2. held down from one address, serving another
sleep 1		# every connection above is gone (the tool waited for each close)
fd0=$(fds "$pid") rss0=$(status_kb "$pid" VmRSS) hwm0=$(status_kb "$pid" VmHWM)
lines0=$(conn_lines "$LAB/kd/ntskd.log")
diag "baseline: $fd0 fds, VmRSS $rss0 kB, VmHWM $hwm0 kB"
( while sleep 0.5; do echo "$(status_kb "$pid" VmRSS) $(fds "$pid")"; done ) > "$LAB/rss-trace" 2>/dev/null &
trace=$!
at_exit "kill $trace"
t0=$SECONDS
abuse 10.77.0.2 10.77.0.1 hold "$HOLD" "$HOLD_S" > "$LAB/hold.out" 2>&1 &
h1=$!
abuse 10.77.0.2 10.77.0.1 hold "$HOLD_TLS" "$HOLD_S" tls > "$LAB/hold-tls.out" 2>&1 &
h2=$!
# Slow senders as more load. Under the hold they may wait in the kernel's
# accept queue (or for a SYN retransmit) before ntskd's 5 s even start,
# so what they see is printed, not asserted: section 1 asserts the
# deadline, the descriptor trace below that ntskd never holds more.
( end=$((SECONDS + HOLD_S - 6))
  while [ $SECONDS -lt $end ]; do abuse 10.77.0.2 10.77.0.1 slow-hello "$SLOW"; done
  ) > "$LAB/slow.out" 2>&1 &
h3=$!
at_exit "kill $h1 $h2 $h3"
sleep 3
run_show "10.77.0.3 completes NTS-KE while $HOLD + $HOLD_TLS (TLS) connections and $SLOW slow senders hold ntskd" \
	abuse 10.77.0.3 10.77.0.1 good 60
wait "$h1" "$h2" "$h3"
diag "slow senders: $(sed 's/, the last after [0-9]* ms//' "$LAB/slow.out" | sort | uniq -c | tr '\n' ';')"
kill "$trace" 2>/dev/null
diag "$(cat "$LAB/hold.out" "$LAB/hold-tls.out")"
kill -0 "$pid" 2>/dev/null
ok $? "ntskd is still running after $((SECONDS - t0)) s of it"
closed=$(sed -n 's/.* \([0-9]*\) closed by the server.*/\1/p' "$LAB/hold.out")
[ "${closed:-0}" -ge "$HOLD" ]
ok $? "ntskd closed ${closed:-0} of the held connections (evicted at its cap, or at the deadline)"
grep -q 'TLS handshakes' "$LAB/hold-tls.out" &&
	[ "$(sed -n 's/.* \([0-9]*\) TLS handshakes.*/\1/p' "$LAB/hold-tls.out")" -gt 0 ]
ok $? "TLS sessions were held too (handshakes done, then silence)"
peak=$(sort -n "$LAB/rss-trace" | tail -n 1 | cut -d' ' -f1)
fdmax=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$LAB/rss-trace")
# 128 connections, plus per worker the one just accepted to be refused or
# to take an evicted one's place, plus one of ntskd's own that comes and
# goes (most likely the kernel audit's netlink socket, opened every 15 s)
workers=$(sed -n 's/.*NTS-KE: \([0-9]*\) workers.*/\1/p' "$LAB/kd/ntskd.log" | head -n 1)
[ "$fdmax" -gt "$fd0" ] && [ "$fdmax" -le $((fd0 + 128 + ${workers:-1} + 1)) ]
ok $? "ntskd held at most its 128 connections: $fdmax descriptors at the peak (baseline $fd0, ${workers:-1} worker(s))"
hwm=$(status_kb "$pid" VmHWM)
diag "ntskd memory: VmRSS peak ${peak:-?} kB, VmHWM $hwm kB (baseline $rss0 / $hwm0 kB)"
[ -n "$peak" ] && [ "$hwm" -le $((hwm0 + MEM_BOUND_KB)) ]
ok $? "ntskd's VmHWM grew by $((hwm - hwm0)) kB <= $MEM_BOUND_KB kB"
back_to_baseline() { [ "$(fds "$pid")" -le "$fd0" ]; }
wait_for 20 back_to_baseline
ok $? "ntskd's descriptors back to the baseline ($(fds "$pid") <= $fd0)"
wait_for 15 ntskd_logged kd "NTS-KE in the last 10 s: refused"
ok $? "refusals and evictions summed up in the log every 10 s"
diag "$(grep -m 2 'NTS-KE in the last 10 s' "$LAB/kd/ntskd.log")"
lines=$(( $(conn_lines "$LAB/kd/ntskd.log") - lines0 ))
# one budget over all workers (log_budget.h): 50 in a window that opens
# with its first line, so a span of T s meets at most ceil(T / 10) + 1
windows=$(( (SECONDS - t0) / 10 + 2 ))
[ "$lines" -le $((windows * 50)) ]
ok $? "per-connection log lines rate-limited: $lines in $((SECONDS - t0)) s (<= 50 per 10 s)"
run_show "and a good exchange right after" abuse 10.77.0.3 10.77.0.1 good
ntskd_stop kd
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
ntskd_logged kd "NTS-KE since start: refused"
ok $? "ntskd logs its refusal totals when it stops"

# 3. ke-rate-limit 0.1 burst 4 max-conns 4: 4 at once, then one per 10 s
check "ntskd with ke-rate-limit 0.1 burst 4 max-conns 4" ntskd_start "$srv" rl \
	"ke-listen 10.77.0.1" "ke-listen fd77::1" "cert $PKI/server.crt" \
	"key $PKI/server.key" "keyfile $LAB/kd/keys/ntskeys" "rotate 0" \
	"ke-rate-limit 0.1 burst 4 max-conns 4"
pid=$(ntskd_pid rl)
out=$(abuse 10.77.0.4 10.77.0.1 burst 20)
diag "$out"
read -r served pre <<<"$(sed -n 's/.*: \([0-9]*\) served, \([0-9]*\) closed before TLS.*/\1 \2/p' <<<"$out")"
[ "${served:-99}" -ge 4 ] && [ "${served:-99}" -le 5 ] && [ "${pre:-0}" -ge 15 ]
ok $? "a burst of 20 from 10.77.0.4: ${served:-?} served, ${pre:-?} closed before the TLS handshake"
check "ntskd logs the refusal" ntskd_logged rl "refused: over the per-address rate (ke-rate-limit)"
out=$(abuse 10.77.0.3 10.77.0.1 good)
diag "$out"
grep -q "after 1 attempt" <<<"$out"
ok $? "meanwhile 10.77.0.3 is served at the first attempt"
out=$(abuse fd77::2 fd77::1 burst 6; abuse fd77::22 fd77::1 burst 6)
diag "$out"
total=$(awk '{ s += $4 } END { print s + 0 }' <<<"$out")
[ "$total" -ge 4 ] && [ "$total" -le 5 ]
ok $? "fd77::2 and fd77::22 share one /64 bucket: $total of 12 served"
out=$(abuse fd77:0:0:1::2 fd77::1 burst 4)
diag "$out"
grep -q ": 4 served" <<<"$out"
ok $? "another /64 (fd77:0:0:1::2) has a bucket of its own: 4 of 4 served"
abuse 10.77.0.2 10.77.0.1 hold "$HOLD" 8 > "$LAB/hold-rl.out" 2>&1 &
h4=$!
at_exit "kill $h4"
sleep 3
out=$(abuse 10.77.0.3 10.77.0.1 good 30)
diag "$out"
grep -q "after 1 attempt" <<<"$out"
ok $? "$HOLD connections from 10.77.0.2: capped at 4 open, 10.77.0.3 served at the first attempt"
wait "$h4"
diag "$(cat "$LAB/hold-rl.out")"
fd1=$(fds "$pid")
kill -0 "$pid" 2>/dev/null
ok $? "ntskd (rate-limited) still running, $fd1 fds"
ntskd_stop rl
wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
read -r rate addr <<<"$(sed -n 's/.*NTS-KE since start: refused \([0-9]*\) over the rate, \([0-9]*\) at max-conns.*/\1 \2/p' "$LAB/rl/ntskd.log")"
diag "$(grep 'NTS-KE since start' "$LAB/rl/ntskd.log")"
[ "${addr:-0}" -gt 0 ] && [ $(( ${rate:-0} + ${addr:-0} )) -ge "$HOLD" ]
ok $? "refused before TLS and counted: ${rate:-0} over the rate, ${addr:-0} at max-conns"
check "no WARN/BUG in the kernel log" dmesg_clean
ktap_finish
