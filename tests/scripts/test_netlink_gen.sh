#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink code is generated from its spec (docs/netlink/knts.yaml,
# scripts/netlink-gen, the kernel's ynl-gen): the checked-in files match
# the spec, the check catches a spec changed without regenerating and a
# generated file edited by hand, and the uapi keeps every name and value
# it ever had (uapi-knts.txt).
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
files=(docs/netlink/knts.yaml include/uapi/linux/knts.h kmod/netlink-gen.h kmod/netlink-gen.c)

check "the generated files match docs/netlink/knts.yaml (netlink-gen --check)" \
	scripts/netlink-gen --check

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy() { # DIR: the spec and the generated files, as checked in
	rm -rf "$1" && mkdir -p "$1" &&
		for f in "${files[@]}"; do install -D -m 0644 "$f" "$1/$f"; done
}

# A new attribute in the spec, not regenerated: drift.
copy "$tmp/a"
sed -i 's/^      - { name: assoc-owner-uid, /      - { name: assoc-drift, type: u32 }\n&/' \
	"$tmp/a/docs/netlink/knts.yaml"
grep -q assoc-drift "$tmp/a/docs/netlink/knts.yaml"
ok $? "(setup) an attribute added to a copy of the spec"
out=$(scripts/netlink-gen --check --root "$tmp/a" 2>&1); rc=$?
[ "$rc" -ne 0 ] && grep -q '^+.*KNTS_A_ASSOC_DRIFT' <<<"$out"
ok $? "a spec changed without regenerating fails the check, with a diff (rc $rc)"
# ... and regenerating makes it pass again.
scripts/netlink-gen --root "$tmp/a" >/dev/null && scripts/netlink-gen --check --root "$tmp/a" >/dev/null
ok $? "netlink-gen regenerates the copy, then its check passes"

# A generated file edited by hand: drift.
copy "$tmp/b"
sed -i 's/NLA_POLICY_MAX(NLA_U8, 1)/NLA_POLICY_MAX(NLA_U8, 2)/' "$tmp/b/kmod/netlink-gen.c"
! cmp -s kmod/netlink-gen.c "$tmp/b/kmod/netlink-gen.c" &&
	! scripts/netlink-gen --check --root "$tmp/b" >/dev/null 2>&1
ok $? "a hand-edited kmod/netlink-gen.c fails the check"

# A spec ynl-gen's schema refuses: the generator fails, nothing written.
copy "$tmp/c"
sed -i 's/^protocol: genetlink-legacy$/protocol: genetlink-legacy\nbogus-key: 1/' \
	"$tmp/c/docs/netlink/knts.yaml"
out=$(scripts/netlink-gen --root "$tmp/c" 2>&1); rc=$?
[ "$rc" -ne 0 ] && grep -q "bogus-key" <<<"$out" &&
	cmp -s include/uapi/linux/knts.h "$tmp/c/include/uapi/linux/knts.h"
ok $? "a spec the genetlink-legacy schema refuses fails generation (rc $rc)"

# Every uapi name keeps its value: compile them against the header.
{
	echo '#include <stdio.h>'
	echo '#include <linux/knts.h>'
	echo 'int main(void) {'
	grep -v '^#' tests/scripts/uapi-knts.txt | while read -r name value; do
		case $name in
		KNTS_FAMILY_NAME|KNTS_MCGRP_EVENTS) echo "printf(\"$name %s\\n\", $name);" ;;
		*) echo "printf(\"$name %lld\\n\", (long long)$name);" ;;
		esac
	done
	echo 'return 0; }'
} > "$tmp/uapi.c"
${CC:-cc} -Iinclude/uapi -o "$tmp/uapi" "$tmp/uapi.c" 2>"$tmp/cc.log" &&
	"$tmp/uapi" > "$tmp/uapi.out"
ok $? "the uapi header defines every name of uapi-knts.txt"
diff <(grep -v '^#' tests/scripts/uapi-knts.txt) "$tmp/uapi.out" > "$tmp/uapi.diff"
rc=$?
[ "$rc" -eq 0 ] || diag "$(cat "$tmp/cc.log" "$tmp/uapi.diff")"
ok "$rc" "every uapi name keeps its value ($(grep -vc '^#' tests/scripts/uapi-knts.txt) names)"
done_testing
