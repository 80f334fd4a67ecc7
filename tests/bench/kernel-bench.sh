#!/bin/bash
# make bench-kernel (run inside the VM by tests/vm/run): load knts.ko with
# bench=N several times, take the median of every figure per AES backend
# over the loads, and print them as a table with ratios against the api
# backend (the crypto API templates, what knts ran before the fast path).
# The userspace figures of build/siv_bench run in the same VM for
# reference.
#
# Arguments: MODE (wall: guest clock; icount: qemu runs with -icount
# shift=0, so guest nanoseconds count instructions), iterations per figure
# (default 4096), loads (default 5), and optionally an older knts.ko that
# has bench=N: it is loaded in turn with ours in every round, and the
# figures of its api backend make a "before" column. The backends run one
# after the other in every load, so the loads interleave them.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-wall}
n=${2:-4096}
rounds=${3:-5}
base=${4:-}
ko=build/debug/kmod/knts.ko	# bench= is test code (make module-debug)
log=$(mktemp)
trap 'rm -f "$log" "$log.final"' EXIT

[ -e "$ko" ] || { echo "bench-kernel: $ko not built (make module)" >&2; exit 1; }
model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
echo "bench-kernel: $(uname -r), $model, $(nproc) CPUs, clock $(cat \
	/sys/devices/system/clocksource/clocksource0/current_clocksource)," \
	"$n iterations x $rounds loads"
if [ "$mode" = icount ]; then
	echo "bench-kernel: qemu -icount: every figure below counts guest instructions, not ns"
	echo "bench-kernel: (an emulated aesenc counts 1, one iteration of rep movs/stos counts 1)"
elif [[ $model == *"QEMU TCG"* ]]; then
	echo "bench-kernel: qemu TCG: AES-NI and everything else is emulated, absolute ns are"
	echo "bench-kernel: 10-20x native and noisy; only the ratios inside this run count"
fi

# load KO LABEL: one load; the figures go to the log (the base module's
# api figures as "before", the rest of its figures not at all).
load() {
	local out
	dmesg -C
	if ! insmod "$1" bench="$n"; then
		dmesg | grep 'knts' >&2
		echo "bench-kernel: the load of $1 with bench=$n failed" >&2
		exit 1
	fi
	out=$(dmesg)
	rmmod knts
	grep -q "knts: bench: .*server-request" <<<"$out" ||
		{ echo "bench-kernel: no figures from $1 in dmesg" >&2; exit 1; }
	if [ "$2" = before ]; then
		sed -n 's/^.*knts: bench: \(\S*\) *api /\1 before /p' <<<"$out" |
			grep -v primitive >> "$log"
		return
	fi
	if [ "$r" -eq 1 ]; then
		grep -E 'knts: (AES-SIV|self-tests)' <<<"$out" | sed 's/^\[[^]]*\] /# /'
	fi
	sed -n 's/^.*knts: bench: //p' <<<"$out" >> "$log"
}

rmmod knts 2>/dev/null || true
[ -z "$base" ] || echo "bench-kernel: before = the api backend of $base ($(modinfo -F version "$base"))"
for r in $(seq "$rounds"); do
	[ -z "$base" ] || load "$base" before
	load "$ko" ours
done

python3 - "$log" "$mode" <<'EOF'
import re, statistics, sys
rows, cols, fig, notes = [], [], {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'(\S+)\s+(\S+)\s+(\d+) ns/op, median \d+(.*)', line)
    if not m:
        continue
    op, impl, ns, rest = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    if op not in rows:
        rows.append(op)
    if impl not in cols:
        cols.append(impl)
    fig.setdefault((op, impl), []).append(ns)
    if rest.strip():
        notes[op] = rest.strip()
med = {k: statistics.median(v) for k, v in fig.items()}
# Ratios against the older module when there is one, else against api.
ref = 'before' if 'before' in cols else 'api'
cols.sort(key=lambda c: (c != ref, c != 'api'))
print('fastest chunk of each load, median over the loads; ratios to ' + ref)
print('%-18s' % 'ns/op' + ''.join('%10s' % c for c in cols) +
      ''.join('%12s' % (c + '/' + ref) for c in cols if c != ref))
for op in rows:
    line = '%-18s' % op + ''.join(
        '%10d' % med[(op, c)] if (op, c) in med else '%10s' % '-' for c in cols)
    for c in cols:
        if c == ref:
            continue
        if (op, c) in med and (op, ref) in med and med[(op, ref)]:
            line += '%12.2f' % (med[(op, c)] / med[(op, ref)])
        else:
            line += '%12s' % '-'
    print(line)
spread = max((max(v) - min(v)) / statistics.median(v) for v in fig.values())
print('worst spread (max-min)/median over the loads: %.0f%%' % (100 * spread))
if 'server-request' in notes:
    print('server-request:', notes['server-request'])
for c in cols:
    if c != ref and ('server-request', c) in med:
        print('server-request %s/%s = %.2f' %
              (c, ref, med[('server-request', c)] / med[('server-request', ref)]))
# The contract lines (issue 15): the backend knts picks by default, in
# instructions, last in the icount pass (make bench-kernel runs it last).
if sys.argv[2] == 'icount':
    with open(sys.argv[1] + '.final', 'w') as f:
        for op in ('server-request', 'client-request'):
            if (op, 'auto') in med:
                f.write('bench-kernel: %s %d instructions\n' % (op, med[(op, 'auto')]))
EOF

# The same request crypto in userspace (kmod/cookie.c over OpenSSL), in
# this VM, as the reference the kernel figures sit next to.
if [ -x build/siv_bench ]; then
	echo "userspace reference (build/siv_bench in this VM):"
	build/siv_bench "$n" | sed 's/^/  /'
fi
if [ "$mode" = icount ]; then
	[ -s "$log.final" ] || { echo "bench-kernel: no server-request/client-request figures for auto" >&2; exit 1; }
	cat "$log.final"
	rm -f "$log.final"
fi
