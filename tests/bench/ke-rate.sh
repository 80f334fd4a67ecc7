#!/bin/bash
# NTS-KE exchanges per second on 127.0.0.1 (docs/performance.md, "NTS-KE
# handshakes"): ke_serve (ntskd's NTS-KE server code, no kernel) with
# WORKERS workers, loaded by `ke_abuse rate` with PROCS client processes
# for SECONDS; prints the rate, the server's CPU time per exchange and
# its average CPU use (100% = one core).
#   tests/bench/ke-rate.sh [-s SERVE_BIN] [-k rsa|rsa4096] WORKERS [SECONDS [PROCS]]
# WORKERS 0: one ke_server alone, the code before ke-workers. -k rsa or
# -k rsa4096: an RSA-2048 or RSA-4096 certificate (ke_serve.c says why).
set -eu
serve=build/ke_serve
keytype=
if [ "${1:-}" = -s ]; then serve=$2; shift 2; fi
if [ "${1:-}" = -k ]; then keytype=$2; shift 2; fi
workers=${1:?usage: ke-rate.sh [-s SERVE_BIN] WORKERS [SECONDS [PROCS]]}
secs=${2:-10} procs=${3:-4}
port=$((20000 + RANDOM % 20000))
out=$(mktemp)
"$serve" "$port" "$workers" $keytype >"$out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q ready "$out" && break; sleep 0.1; done
grep -q ready "$out" || { echo "ke_serve did not start" >&2; exit 1; }
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
c0=$(cpu) t0=$(date +%s.%N)
# the clients 10 nice levels below the server: where both want the CPU,
# the server gets it, so the rate is what the server can do, not how the
# scheduler splits two cores between one server thread and PROCS clients
res=$(nice -n 10 build/tools/ke_abuse 127.0.0.1 "$port" rate "$secs" "$procs")
c1=$(cpu) t1=$(date +%s.%N)
kill -INT $pid; wait $pid || true
n=$(awk '/^(sum|alone):/ {print $2}' "$out")
per=$(grep '^worker' "$out" | awk '{printf "%s%s", sep, $3; sep="/"}')
awk -v r="$res" -v c="$((c1 - c0))" -v hz="$hz" -v n="$n" -v t0="$t0" -v t1="$t1" \
    -v w="$workers" -v k="$keytype" -v per="$per" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "workers %s%s: %s; server %.0f us CPU/exchange, %.0f%% CPU%s; loadavg %s\n",
	       w, k != "" ? " (" k ")" : "", r, n ? c / hz / n * 1e6 : 0, c / hz / (t1 - t0) * 100,
	       per != "" ? ", per worker " per : "", load }'
