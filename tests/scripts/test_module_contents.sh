#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Nothing but the product in knts.ko (issue 14): the module `make` builds
# for `make install` (and DKMS builds the same way, tests/dkms/build) has
# none of the test code that KNTS_DEBUG adds -- the in-kernel benchmark
# (bench=), the debugfs object counters, kat_inject_fault= and
# kat_skip_wipe= -- by its
# parameters and its symbols; the selftests' build (make module-debug)
# has all of them, which shows the checks can fail. The load-time KATs
# are product and are in both. Neither has a tuning parameter: the table
# size, the NAK rate and the client's idle time are per-namespace netlink
# settings (KNTS_CMD_SERVER_SET, KNTS_CMD_CLIENT_SET), so the shipped
# module has no parameter at all.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
shipped=kmod/knts.ko debug=build/debug/kmod/knts.ko
test_code='^(knts_bench_run|knts_bench_client|knts_objcount_init|knts_live_(tables|keysets|assocs))$'

syms() { nm --defined-only "$1" | awk '{ print $3 }'; }
params() { modinfo -F parm "$1" | cut -d: -f1; }

if [ ! -e "$shipped" ] || [ ! -e "$debug" ]; then
	ok 1 "built modules present ($shipped: make module, $debug: make module-debug)"
	done_testing
	exit 1
fi
p=$(params "$shipped" | tr '\n' ' ')
[ -z "$p" ]
ok $? "the shipped module has no parameter at all (it has: $p)"
p=$(params "$debug" | tr '\n' ' ')
! grep -qwE 'pending_slots|nak_rate|client_idle_secs' <<<"$p"
ok $? "no build has the old tuning parameters (test build has: $p)"
s=$(syms "$shipped" | grep -E "$test_code" | tr '\n' ' ')
[ -z "$s" ]
ok $? "the shipped module has no test symbol${s:+ (found: $s)}"
! strings "$shipped" | grep -q 'live_keysets'
ok $? "the shipped module makes no debugfs counters"
syms "$shipped" | grep -qx knts_kat_run
ok $? "the shipped module has its load-time known-answer tests"
p=$(params "$debug" | tr '\n' ' ')
grep -qw bench <<<"$p" && grep -qw kat_inject_fault <<<"$p" &&
	grep -qw kat_skip_wipe <<<"$p"
ok $? "the test build has bench=, kat_inject_fault= and kat_skip_wipe= ($p)"
[ "$(syms "$debug" | grep -cE "$test_code")" -ge 3 ]
ok $? "the test build has the benchmark and the object counters"
done_testing
