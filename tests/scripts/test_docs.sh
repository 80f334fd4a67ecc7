#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation says what the code does: every counter ntsctl can
# print is explained in the operator guide, the Raspberry Pi guide's
# transcripts are what scripts/rpi-setup prints, links resolve, and the
# README points at the guides.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
GUIDE=docs/operator-guide.md

names=$(sed -n 's/^[[:space:]]*\[KNTS_STAT_[A-Z0-9_]*\] = "\([a-z0-9_]*\)",.*/\1/p' userspace/lib/stat_names.c)
[ "$(wc -w <<<"$names")" -ge 14 ]
ok $? "stat_names.c lists the counters ($(wc -w <<<"$names"))"
for n in $names; do
	grep -qE "^\| \`$n\` \|" "$GUIDE"
	ok $? "operator guide explains counter $n"
done
# ntskd's NTS-KE counters (ntsctl ke-stats), as server_role.c names them.
kenames=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9_]*\)", .*/\1/p' userspace/ntskd/server_role.c)
[ "$(wc -w <<<"$kenames")" -ge 20 ]
ok $? "server_role.c lists the NTS-KE counters ($(wc -w <<<"$kenames"))"
missing=""
for n in $kenames; do
	grep -qE "^\| \`$n\` \|" "$GUIDE" || missing+=" $n"
done
[ -z "$missing" ]
ok $? "operator guide explains every ke-stats counter${missing:+ (missing:$missing)}"
reasons=$(sed -n 's/^[[:space:]]*\[KNTS_EF_E_[A-Z0-9_]*\][[:space:]]*= "\([a-z0-9_]*\)",.*/\1/p' kmod/ef.c)
[ "$(wc -w <<<"$reasons")" -ge 28 ]
ok $? "ef.c names the malformed reasons ($(wc -w <<<"$reasons"))"
missing=""
for r in $reasons; do
	grep -qE "^\| \`srv_malformed_$r\` \|" "$GUIDE" || missing+=" $r"
done
[ -z "$missing" ]
ok $? "operator guide explains every srv_malformed_<reason>${missing:+ (missing:$missing)}"

for d in design.md operator-guide.md raspberry-pi.md; do
	grep -qF "(docs/$d)" README.md
	ok $? "README links docs/$d"
done

# Relative links in the docs and the README point at files that exist.
bad=""
for f in README.md docs/*.md; do
	dir=$(dirname "$f")
	for l in $(grep -oE '\]\([^)#]+\)' "$f" | sed -E 's/^\]\((.*)\)$/\1/' | grep -v '://'); do
		[ -e "$dir/$l" ] || bad+=" $f:$l"
	done
done
[ -z "$bad" ]
ok $? "relative links resolve${bad:+ (broken:$bad)}"

# The rpi-check transcripts in docs/raspberry-pi.md, replayed.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$REPO/tests/scripts/fakeroot.sh"
transcript() { # N: the Nth rpi-setup output block of the guide
	awk -v want="$1" '
		$0 == "scripts/rpi-setup" { n++; on = (n == want); next }
		on && ($0 == "```" || /^make: \*\*\*/) { on = 0 }
		on' docs/raspberry-pi.md
}
newroot pi4; bookworm64; model "Raspberry Pi 4 Model B Rev 1.4"
kernel 6.12.25+rpt-rpi-v8 linux-image-6.12.25+rpt-rpi-v8
pkg linux-image-rpi-v8 1:6.12.25-1+rpt1; pkg pkg-config 1.8.1-1; bin gcc make
got=$(KNTS_ROOT=$R KNTS_UNAME_R=6.12.25+rpt-rpi-v8 KNTS_UNAME_M=aarch64 KNTS_DPKG_ARCH=arm64 \
	scripts/rpi-setup)
[ "$got" = "$(transcript 1)" ]
ok $? "raspberry-pi.md step 2 transcript is what rpi-setup prints"
[ "$got" = "$(transcript 1)" ] || diag "$(diff <(transcript 1) <(echo "$got"))"
tools; headers 6.12.25+rpt-rpi-v8; pkg linux-headers-rpi-v8 1:6.12.25-1+rpt1
got=$(KNTS_ROOT=$R KNTS_UNAME_R=6.12.25+rpt-rpi-v8 KNTS_UNAME_M=aarch64 KNTS_DPKG_ARCH=arm64 \
	scripts/rpi-setup)
[ "$got" = "$(transcript 2)" ]
ok $? "raspberry-pi.md step 3 transcript is what rpi-setup prints"
[ "$got" = "$(transcript 2)" ] || diag "$(diff <(transcript 2) <(echo "$got"))"

# The uapi's counters are generated from docs/netlink/knts.yaml
# (test_netlink_gen.sh checks that); each needs a name ntsctl prints,
# which the guide explains (above): a counter appended to the spec's
# stats set must get one in userspace/lib/stat_names.c.
uapi=$(sed -n '/^enum knts_stat {/,/^};/s/^[[:space:]]*KNTS_STAT_\([A-Z0-9_]*\),.*/\1/p' \
	include/uapi/linux/knts.h | grep -vx 'UNSPEC\|PAD')
named=$(sed -n 's/^[[:space:]]*\[KNTS_STAT_\([A-Z0-9_]*\)\] = .*/\1/p' userspace/lib/stat_names.c)
[ "$(wc -w <<<"$uapi")" -ge 30 ] && [ "$(sort <<<"$uapi")" = "$(sort <<<"$named")" ]
ok $? "every counter of enum knts_stat has a name in stat_names.c ($(wc -w <<<"$uapi") counters)"
[ "$(sort <<<"$uapi")" = "$(sort <<<"$named")" ] || diag "$(diff <(sort <<<"$uapi") <(sort <<<"$named"))"

done_testing
