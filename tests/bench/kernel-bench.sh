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
# (default 4096), loads (default 5). The backends run one after the other
# in every load, so the loads interleave them.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-wall}
n=${2:-4096}
rounds=${3:-5}
ko=kmod/knts.ko
log=$(mktemp)
trap 'rm -f "$log"' EXIT

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

rmmod knts 2>/dev/null || true
for r in $(seq "$rounds"); do
	dmesg -C
	if ! insmod "$ko" bench="$n"; then
		dmesg | grep 'knts' >&2
		echo "bench-kernel: the load with bench=$n failed" >&2
		exit 1
	fi
	out=$(dmesg)
	grep -q "knts: bench: .*server-request" <<<"$out" ||
		{ echo "bench-kernel: no figures in dmesg" >&2; exit 1; }
	if [ "$r" -eq 1 ]; then
		grep -E 'knts: (AES-SIV|self-tests)' <<<"$out" | sed 's/^\[[^]]*\] /# /'
	fi
	sed -n 's/^.*knts: bench: //p' <<<"$out" >> "$log"
	rmmod knts
done

python3 - "$log" <<'EOF'
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
print('fastest chunk of each load, median over the loads')
print('%-18s' % 'ns/op' + ''.join('%10s' % c for c in cols) +
      ''.join('%12s' % (c + '/api') for c in cols if c != 'api'))
for op in rows:
    line = '%-18s' % op + ''.join(
        '%10d' % med[(op, c)] if (op, c) in med else '%10s' % '-' for c in cols)
    for c in cols:
        if c == 'api':
            continue
        if (op, c) in med and (op, 'api') in med and med[(op, 'api')]:
            line += '%12.2f' % (med[(op, c)] / med[(op, 'api')])
        else:
            line += '%12s' % '-'
    print(line)
spread = max((max(v) - min(v)) / statistics.median(v) for v in fig.values())
print('worst spread (max-min)/median over the loads: %.0f%%' % (100 * spread))
if 'server-request' in notes:
    print('server-request:', notes['server-request'])
for c in cols:
    if c != 'api' and ('server-request', c) in med:
        print('server-request %s/api = %.2f' %
              (c, med[('server-request', c)] / med[('server-request', 'api')]))
EOF

# The same request crypto in userspace (kmod/cookie.c over OpenSSL), in
# this VM, as the reference the kernel figures sit next to.
if [ -x build/siv_bench ]; then
	echo "userspace reference (build/siv_bench in this VM):"
	build/siv_bench "$n" | sed 's/^/  /'
fi
