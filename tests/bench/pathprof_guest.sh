#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-pathprof, guest side (booted by tests/bench/pathprof.py with
# nokaslr and qemu's gdb stub): load the debug module once to learn where
# its functions are, unload it, wait until the host's gdb has set its
# breakpoints, then load it with bench=N so that the benchmark's packet
# legs run under the debugger. The symbol tables go to DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$1 n=$2
ko=build/debug/kmod/knts.ko

rmmod knts 2>/dev/null || true
insmod "$ko"
cat /proc/kallsyms > "$dir/kallsyms.before"
rmmod knts
: > "$dir/ready"
for _ in $(seq 600); do
	[ -e "$dir/go" ] && break
	sleep 0.2
done
[ -e "$dir/go" ] || { echo "pathprof: the host's gdb never said go" >&2; exit 1; }
insmod "$ko" bench="$n"
cat /proc/kallsyms > "$dir/kallsyms.after"
rmmod knts
