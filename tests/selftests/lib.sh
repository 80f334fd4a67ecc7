#!/bin/bash
# Shared helpers for the knts VM selftests: KTAP output, network
# namespaces that clean themselves up, module load/unload.
# Source it; each test file then calls ktap_plan N, runs `check`/`ok`
# lines, and ends with ktap_finish (exit 0 all passed, 1 any failed,
# 4 skipped).
set -u

KSFT_SKIP=4
SELFTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The built knts project: two folders up in the project, KNTS_DIR when
# these files run as a kselftest target of a kernel tree (Makefile).
PROJECT=${KNTS_DIR:-$(cd "$SELFTEST_DIR/../.." && pwd)}
if [ ! -e "$PROJECT/kmod/Kbuild" ]; then
	echo "selftests: no knts project at $PROJECT; set KNTS_DIR to a built knts tree" >&2
	exit 1
fi
# The selftests load the test build of the module (make module-debug:
# KNTS_DEBUG's debugfs counters, bench=, kat_inject_fault=); 01 also loads
# the one make install and DKMS ship.
KNTS_KO=$PROJECT/build/debug/kmod/knts.ko
KNTS_KO_SHIPPED=$PROJECT/kmod/knts.ko
NTSCTL=$PROJECT/build/ntsctl
NTSKD=$PROJECT/build/ntskd
NTPSEC_ROOT=$PROJECT/.deps/ntpsec/root

_ktap_n=0 _ktap_last=1 _ktap_fail=0 _ktap_pass=0 _ktap_skip=0 _ktap_plan=0
_netns=()
_cleanups=()

ktap_plan() {
	_ktap_plan=$1
	echo "TAP version 13"
	echo "1..$1"
}

# ok RESULT DESC: record one result (0 = pass)
ok() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_last=$1	# interop_last (nts_lab.sh) records it
	if [ "$1" -eq 0 ]; then
		echo "ok $_ktap_n $2"
		_ktap_pass=$((_ktap_pass + 1))
	else
		echo "not ok $_ktap_n $2"
		_ktap_fail=$((_ktap_fail + 1))
	fi
}

skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n $1 # SKIP $2"
}

# check DESC CMD...: run CMD, record its success; its output is shown as
# diagnostics only when it fails.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out" | sed 's/^/# /'
		echo "# (exit $rc: $*)"
	fi
	ok "$rc" "$desc"
}

# check_fails DESC CMD...: CMD must fail.
check_fails() {
	local desc=$1 rc=0
	shift
	"$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 0 ]
	ok $? "$desc"
}

diag() { echo "# $*"; }

ktap_finish() {
	local missing=$((_ktap_plan - _ktap_n))
	while [ "$missing" -gt 0 ]; do
		ok 1 "planned test did not run"
		missing=$((missing - 1))
	done
	echo "# Totals: pass:$_ktap_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	if [ "$_ktap_fail" -gt 0 ]; then
		exit 1
	fi
	if [ "$_ktap_pass" -eq 0 ] && [ "$_ktap_skip" -gt 0 ]; then
		exit $KSFT_SKIP
	fi
	exit 0
}

# skip_all REASON: the whole file cannot run here.
skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

# Run a command at exit (in reverse order of registration).
at_exit() { _cleanups=("$*" "${_cleanups[@]}"); }

_run_cleanups() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	for c in "${_netns[@]}"; do ip netns del "$c" >/dev/null 2>&1 || true; done
}
trap _run_cleanups EXIT

# new_netns VAR: create a namespace with a unique name, lo up.
new_netns() {
	local name
	name=knts-$1-$$-$RANDOM
	ip netns add "$name" || return 1
	ip -n "$name" link set lo up
	_netns+=("$name")
	printf -v "$1" '%s' "$name"
}

knts_load() {
	grep -q '^knts ' /proc/modules && return 0
	modprobe -q cmac 2>/dev/null; modprobe -q ctr 2>/dev/null
	insmod "$KNTS_KO"
}

knts_unload() {
	grep -q '^knts ' /proc/modules || return 0
	rmmod knts
}

# Fail if the kernel log shows a WARN, BUG or Oops since the boot.
dmesg_clean() {
	! dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|UBSAN|KASAN'
}
