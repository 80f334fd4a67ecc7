#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/interop-table: renders the rows the interop selftests write, and
# --check (make check) fails on a failed row, on a selftest without rows
# and on a table that is not the one the rows render.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
tests="03-server-chrony 04-ntskd-server 05-client-role 08-ntskd-client 19-aead30 24-xleave 25-trixie-peers"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
for t in $tests; do
	row "chrony 4.3 NTS client" server 15 IPv4 pass - "$t" > "$T/$t.rows"
done
row "ntpd-rs 1.4.0 NTS server" client 15 IPv6 pass "NTS-KE: ntskd" 25-trixie-peers >> "$T/25-trixie-peers.rows"
scripts/interop-table "$T" > "$T/interop.md"
grep -qF '| ntpd-rs 1.4.0 NTS server | client | 15 | IPv6 | pass | NTS-KE: ntskd | 25-trixie-peers |' "$T/interop.md"
ok $? "a row renders as a table line"
[ "$(grep -c '^| chrony 4.3 NTS client | server | 15 | IPv4 | pass |' "$T/interop.md")" -eq 7 ]
ok $? "one line per row, the selftest named"
check "--check: all rows pass and the table matches" env INTEROP_DOC="$T/interop.md" \
	scripts/interop-table --check "$T"
out=$(INTEROP_DOC="$T/interop.md" scripts/interop-table --check "$T")
grep -qx 'interop: 8 passed, 0 failed' <<<"$out"
ok $? "--check counts the rows ($(tail -n 1 <<<"$out"))"

cp "$T/interop.md" "$T/stale.md"
row "NTPsec 1.2.3 NTS client" server 15 IPv6 pass - 25-trixie-peers >> "$T/25-trixie-peers.rows"
out=$(INTEROP_DOC="$T/stale.md" scripts/interop-table --check "$T"); rc=$?
[ "$rc" -ne 0 ] && grep -q 'differs from this run' <<<"$out"
ok $? "--check fails when the committed table is not this run's"

scripts/interop-table "$T" > "$T/interop.md"
row "NTPsec 1.2.3 NTS server" client 15 IPv4 fail - 25-trixie-peers >> "$T/25-trixie-peers.rows"
scripts/interop-table "$T" > "$T/interop.md"
grep -qF '| NTPsec 1.2.3 NTS server | client | 15 | IPv4 | **FAIL** |' "$T/interop.md"
ok $? "a failed row renders as FAIL"
out=$(INTEROP_DOC="$T/interop.md" scripts/interop-table --check "$T"); rc=$?
[ "$rc" -ne 0 ] && grep -q 'interop: FAIL: NTPsec 1.2.3 NTS server, knts client role, AEAD 15, IPv4' <<<"$out"
ok $? "--check fails on a failed row even when the table shows it"

rm "$T/19-aead30.rows"
scripts/interop-table "$T" > "$T/interop.md"
out=$(INTEROP_DOC="$T/interop.md" scripts/interop-table --check "$T"); rc=$?
[ "$rc" -ne 0 ] && grep -q 'selftest 19-aead30 wrote no rows' <<<"$out"
ok $? "--check fails when an interop selftest wrote no rows"
done_testing
