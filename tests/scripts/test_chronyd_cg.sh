#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-kernel's host part, tests/bench/chronyd-cachegrind.sh, without
# valgrind or chronyd: its --report reads fake cachegrind out files, fake
# ntsload --json reports and a fake icount log, and must print the per
# request arithmetic and the two contract lines last; broken inputs and
# missing tools fail with a message. The Makefile runs it after the
# icount pass, on that pass's log.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
S=tests/bench/chronyd-cachegrind.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cg() { # FILE IR [EVENTS SUMMARY]: a cachegrind out file
	printf 'desc: I1 cache: 32768 B, 64 B, 8-way associative\ncmd: /usr/sbin/chronyd -d\n' > "$1"
	printf 'events: %s\nfl=x.c\nfn=f\n1 2\nsummary: %s\n' "${3:-Ir}" "${4:-$2}" >> "$1"
}
js() { # FILE SENT VALID [DROPS [INVALID]]: an ntsload --json report (the
	# fields read) and FILE's .drops (chronyd's socket drops, /proc/net/udp)
	printf '{"mode": "x", "sent": %s, "received": %s, "answered": %s, "valid": %s, "invalid": %s, "lost": 0}\n' \
		"$2" "$3" "$3" "$3" "${5:-0}" > "$1"
	echo "${4:-0}" > "${1%.json}.drops"
}
# The icount pass as the serial console gives it: \r\n, the lines of the
# wall pass are not in it, other output around.
printf 'bench-kernel: 6.1.0, QEMU, 1 CPUs\r\nserver-request aesni/api = 0.37\r\nbench-kernel: server-request 10920 instructions\r\nbench-kernel: client-request 11579 instructions\r\n' > "$T/icount.log"

# plain: 3,000 per request over 5,400 requests; nts: 18,000 per request
# over 5,300 (the large run answered 5,900 of 5,950, chronyd's socket
# dropped the 50 others: the count divides by what was answered, not by
# what was asked).
mkdir "$T/run"
cg "$T/run/plain-600.cg" 9000000
cg "$T/run/plain-6000.cg" $((9000000 + 5400 * 3000))
cg "$T/run/nts-600.cg" 20000000 "Ir Dr Dw" "20000000 7 9"
cg "$T/run/nts-6000.cg" $((20000000 + 5300 * 18000))
js "$T/run/plain-600.json" 600 600
js "$T/run/plain-6000.json" 6000 6000
js "$T/run/nts-600.json" 600 600
js "$T/run/nts-6000.json" 5950 5900 50

out=$("$S" --report "$T/icount.log" "$T/run" 2>&1); rc=$?
ok "$rc" "--report succeeds on a complete run"
[ "$(tail -n 2 <<<"$out")" = "bench-kernel: chronyd-nts 15000 instructions
bench-kernel: server-request/chronyd-nts = 0.73" ]
ok $? "ends with the two contract lines: 18000 - 3000 = 15000, 10920/15000 = 0.73"
[ -z "$out" ] || diag "$out"
grep -qx 'chronyd-cachegrind: plain requests 600: Ir 9000000; 6000: Ir 25200000; per request 3000' <<<"$out"
ok $? "plain per request from the summary lines and the answered counts"
grep -qx 'chronyd-cachegrind: nts   requests 600: Ir 20000000; 5900: Ir 115400000; per request 18000 (0 and 50 more dropped at its socket)' <<<"$out"
ok $? "nts: Ir taken from the Ir column of a multi-event summary, divided by answered requests"

# Rounding: 10920 / 14400 = 0.7583 prints as 0.76; 14,400.6 rounds up.
cg "$T/run/nts-6000.cg" $((20000000 + 5300 * 17400 + 3180))
out=$("$S" --report "$T/icount.log" "$T/run" 2>&1)
[ "$(tail -n 2 <<<"$out")" = "bench-kernel: chronyd-nts 14401 instructions
bench-kernel: server-request/chronyd-nts = 0.76" ]
ok $? "rounds the overhead to an instruction and the ratio to two decimals"
cg "$T/run/nts-6000.cg" $((20000000 + 5300 * 18000))

# The last server-request line of the log counts (a BENCH_BASE run or a
# rerun appended to it).
cp "$T/icount.log" "$T/icount2.log"
printf 'bench-kernel: server-request 4500 instructions\n' >> "$T/icount2.log"
out=$("$S" --report "$T/icount2.log" "$T/run" 2>&1)
[ "$(tail -n 1 <<<"$out")" = "bench-kernel: server-request/chronyd-nts = 0.30" ]
ok $? "the ratio follows the log's server-request figure (4500/15000 = 0.30)"

fails() { # DESCRIPTION PATTERN ARGS...: the script fails and says PATTERN
	local d=$1 pat=$2 o r
	shift 2
	o=$("$@" 2>&1); r=$?
	[ "$r" -ne 0 ] && grep -q -- "$pat" <<<"$o" && ! grep -q '^bench-kernel: chronyd-nts' <<<"$o"
	ok $? "$d"
	[ "$r" -ne 0 ] || diag "$o"
}

grep -v 'server-request' "$T/icount.log" > "$T/noserver.log"
fails "no server-request line in the icount log: fails" 'no "bench-kernel: server-request' \
	"$S" --report "$T/noserver.log" "$T/run"
fails "no icount log at all: fails" 'cannot read the icount log' \
	"$S" --report "$T/none.log" "$T/run"

cp -r "$T/run" "$T/trunc"
head -n 4 "$T/run/nts-6000.cg" > "$T/trunc/nts-6000.cg"
fails "a cachegrind file without its summary (valgrind killed): fails" 'did valgrind finish' \
	"$S" --report "$T/icount.log" "$T/trunc"

cp -r "$T/run" "$T/lossy"
js "$T/lossy/plain-6000.json" 6000 5800 150
fails "requests lost after chronyd's socket (50 of 6000): fails" \
	'6000 sent, 5800 answered, 150 dropped at chronyd.s socket: 50 lost elsewhere' \
	"$S" --report "$T/icount.log" "$T/lossy"
js "$T/lossy/plain-6000.json" 6000 2900 3100
fails "fewer than half the requests answered: fails" 'only 2900 of 6000 requests answered' \
	"$S" --report "$T/icount.log" "$T/lossy"
js "$T/lossy/plain-6000.json" 6000 6000
rm "$T/lossy/plain-6000.drops"
fails "no drop count saved: fails" 'plain-6000.drops: no drop count' \
	"$S" --report "$T/icount.log" "$T/lossy"

cp -r "$T/run" "$T/bad"
js "$T/bad/nts-600.json" 600 599 0 1
fails "an invalid reply: fails" '600 sent, 1 invalid' \
	"$S" --report "$T/icount.log" "$T/bad"

cp -r "$T/run" "$T/cheap"
cg "$T/cheap/nts-6000.cg" $((20000000 + 5300 * 2000))
fails "NTS cheaper than plain: fails, prints no figure" 'not a measurement' \
	"$S" --report "$T/icount.log" "$T/cheap"

fails "CG_COUNTS not small then large: fails" 'CG_COUNTS must be two counts' \
	env CG_COUNTS="6000 600" "$S" --report "$T/icount.log" "$T/run"

# The measuring mode refuses, with a message, when its tools are missing
# (not a silent skip); these checks come before anything runs.
fails "no valgrind: fails and says so" 'valgrind not found' \
	env VALGRIND=/nonexistent/valgrind "$S" "$T/icount.log"
fails "no chronyd: fails and says so" 'no chronyd at /nonexistent/chronyd' \
	env VALGRIND=true CHRONYD=/nonexistent/chronyd "$S" "$T/icount.log"
fails "a failed icount pass (no figure in its log): fails before measuring" \
	'the icount pass failed' "$S" "$T/noserver.log"

# make bench-kernel (its recipe only: -o, nothing built): the icount pass
# is kept in build/bench/kernel-icount.log
# and the chronyd measurement runs last, on that log.
recipe=$(make -n -s -o module-debug -o build/siv_bench -o build/ntsload bench-kernel 2>/dev/null)
grep -q 'kernel-bench.sh icount .*tee build/bench/kernel-icount.log' <<<"$(tr -d '\n' <<<"$recipe")"
ok $? "make bench-kernel tees the icount pass into build/bench/kernel-icount.log"
[ "$(grep -v '^\s*$' <<<"$recipe" | tail -n 1)" = "tests/bench/chronyd-cachegrind.sh build/bench/kernel-icount.log" ]
ok $? "make bench-kernel ends with chronyd-cachegrind.sh on that log"
grep -qE '^\s+valgrind\)?$|[( ]valgrind[ )]' scripts/deps
ok $? "make deps installs valgrind"
done_testing
