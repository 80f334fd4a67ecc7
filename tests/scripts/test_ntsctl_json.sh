#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ntsctl --json (issue 17): accepted before or after the subcommand, for
# every subcommand, and standard output is one valid JSON document also
# when the command fails (here the module is usually not loaded and no
# ntskd runs: the failures are the point). load-keys names the line and
# the reason of a bad key file.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
NTSCTL=${NTSCTL:-build/ntsctl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# json_ok DESC ARGS...: stdout parses as JSON; a failure has "error" and
# "exit" equal to the exit code.
json_ok() {
	local d=$1 out rc
	shift
	out=$(timeout 20 "$NTSCTL" "$@" 2>/dev/null); rc=$?
	python3 -c '
import json, sys
rc = int(sys.argv[2])
docs = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()] \
	if sys.argv[3] == "lines" else [json.loads(sys.argv[1])]
last = docs[-1]
if rc:
	sys.exit(0 if last.get("exit") == rc and last.get("error") else 1)
sys.exit(0 if "error" not in last else 1)' "$out" "$rc" "${JSON_MODE:-doc}"
	ok $? "$d (exit $rc)"
	[ $? -eq 0 ] || diag "$out"
}

printf 'NKS0\n15 0.0\n00000001 %064d\n00000003 %064d\n' 0 0 > "$T/order"
for where in before after; do
	for cmd in "show" "stats" "ke-stats" "refresh" "load-keys $T/order" \
		"load-keys $T/missing" "server enable" "server bogus"; do
		# shellcheck disable=SC2086
		if [ $where = before ]; then
			json_ok "--json $cmd: JSON on stdout" --json $cmd
		else
			json_ok "$cmd --json: JSON on stdout" $cmd --json
		fi
	done
done
JSON_MODE=lines json_ok "--json monitor --timeout 1: JSON lines" --json monitor --timeout 1
json_ok "--json with no subcommand: a JSON usage error" --json
json_ok "--json no-such: a JSON usage error" --json no-such
out=$("$NTSCTL" --json load-keys "$T/order" 2>/dev/null)
grep -qF "$T/order:4: key ID out of order" <<<"$out"
ok $? "the JSON error carries load-keys' message"
out=$("$NTSCTL" load-keys "$T/order" 2>&1); rc=$?
[ "$rc" -eq 1 ] &&
	grep -qF "ntsctl: $T/order:4: key ID out of order (its low two bits must be the previous line's plus one)" <<<"$out"
ok $? "load-keys names the line and the reason: $out"
printf 'NKS0\n16 0.0\n' > "$T/alg"
out=$("$NTSCTL" load-keys "$T/alg" 2>&1)
grep -qF "$T/alg:2: expected '15 AGE'" <<<"$out"
ok $? "load-keys: a bad second line: $out"

done_testing
