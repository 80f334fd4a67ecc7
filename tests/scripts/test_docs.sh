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

# The netlink spec (docs/netlink/knts.yaml) lists the counters in the
# uapi's order: a counter appended to enum knts_stat must be appended there.
uapi=$(sed -n '/^enum knts_stat {/,/^};/s/^[[:space:]]*KNTS_STAT_\([A-Z0-9_]*\),.*/\1/p' \
	include/uapi/linux/knts.h | tr 'A-Z_' 'a-z-')
# the entries of "name: stat" (one "      - name" line each), no YAML library
spec=$(awk '/^    name: stat$/ { on = 1; next }
	on && /^      - [a-z0-9-]+$/ { print $2; seen = 1; next }
	on && seen { exit }' docs/netlink/knts.yaml)
[ "$(wc -w <<<"$uapi")" -ge 30 ] && [ "$uapi" = "$spec" ]
ok $? "knts.yaml's stat enum is the uapi's enum knts_stat ($(wc -w <<<"$uapi") entries)"
[ "$uapi" = "$spec" ] || diag "$(diff <(echo "$uapi") <(echo "$spec"))"

done_testing
