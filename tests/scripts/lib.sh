# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the shell tests in tests/scripts (sourced).
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_n=0 _fail=0

ok() { # STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_fail=$((_fail + 1))
	fi
}

# check DESCRIPTION CMD...: ok if CMD succeeds; its output goes to TAP comments.
check() {
	local d=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out"
	ok "$rc" "$d"
}

diag() { sed 's/^/# /' <<<"$*"; }

done_testing() {
	echo "1..$_n"
	[ "$_fail" -eq 0 ]
}
