#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install into a DESTDIR: every file where Debian expects it with the
# right mode, the unit naming the installed paths and passing
# systemd-analyze verify, its exposure score within the budget (2.5), and
# the sysusers/tmpfiles snippets producing the _ntskd user and a 0700 state
# directory in a scratch root.
. "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
D=$TMP/root
EXPOSURE_MAX=2.5
cd "$REPO" || exit 1

mk() { make -s --no-print-directory "$@"; }
check "make install DESTDIR=... succeeds" mk install DESTDIR="$D"
unitdir=$(mk print-UNITDIR)
sysusersdir=$(mk print-SYSUSERSDIR)
tmpfilesdir=$(mk print-TMPFILESDIR)
mlddir=$(mk print-MODULESLOADDIR)

# mode path: everything make install must produce.
want=(
	"755 /usr/sbin/ntskd" "755 /usr/sbin/ntsctl"
	"644 $unitdir/ntskd.service"
	"644 $mlddir/knts.conf"
	"644 $sysusersdir/knts.conf" "644 $tmpfilesdir/knts.conf"
	"755 /etc/knts" "644 /etc/knts/ntskd.conf" "700 /var/lib/knts"
	"644 /usr/share/man/man8/ntskd.8" "644 /usr/share/man/man5/ntskd.conf.5"
	"644 /usr/share/man/man8/ntsctl.8"
	"644 /usr/share/bash-completion/completions/ntsctl"
)
for w in "${want[@]}"; do
	m=${w%% *} p=${w#* }
	got=$(stat -c %a "$D$p" 2>/dev/null)
	[ "$got" = "$m" ]
	ok $? "installed $p mode $m${got:+ (is $got)}"
done
cmp -s packaging/knts.conf "$D$mlddir/knts.conf" && grep -qx knts "$D$mlddir/knts.conf"
ok $? "modules-load.d/knts.conf loads knts"
cmp -s packaging/ntskd.conf "$D/etc/knts/ntskd.conf"
ok $? "/etc/knts/ntskd.conf is the commented example"

# An edited configuration survives a reinstall.
echo "ke-listen 192.0.2.1" >>"$D/etc/knts/ntskd.conf"
out=$(mk install-data DESTDIR="$D" 2>&1)
tail -n 1 "$D/etc/knts/ntskd.conf" | grep -qx "ke-listen 192.0.2.1" && grep -q "keeping" <<<"$out"
ok $? "reinstall keeps an edited ntskd.conf and says so"

# PREFIX moves binaries and man pages, and the unit follows.
mk install-data DESTDIR="$TMP/local" PREFIX=/usr/local SBINDIR=/usr/local/sbin >/dev/null 2>&1
grep -qx "ExecStart=/usr/local/sbin/ntskd -f -c /etc/knts/ntskd.conf" "$TMP/local$unitdir/ntskd.service" &&
	[ -e "$TMP/local/usr/local/share/man/man8/ntskd.8" ]
ok $? "PREFIX=/usr/local: unit's ExecStart and man pages follow"

# systemd-analyze verify on the unit as installed; the binary and man pages
# are looked up in DESTDIR (verify checks both exist). Any output = finding.
sed "s|^ExecStart=/usr/sbin/ntskd|ExecStart=$D/usr/sbin/ntskd|" "$D$unitdir/ntskd.service" \
	>"$TMP/ntskd.service"
out=$(MANPATH=$D/usr/share/man systemd-analyze verify "$TMP/ntskd.service" 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ -z "$out" ]
ok $? "systemd-analyze verify ntskd.service: clean"
[ -z "$out" ] || diag "$out"

score=$(systemd-analyze security --offline=true "$D$unitdir/ntskd.service" 2>&1 |
	sed -n 's/.*Overall exposure level for ntskd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] && awk -v s="$score" -v m="$EXPOSURE_MAX" 'BEGIN { exit !(s <= m) }'
ok $? "systemd-analyze security exposure ${score:-?} <= $EXPOSURE_MAX"

# sysusers + tmpfiles in a scratch root: the user, then the directories.
S=$TMP/sysroot
mkdir -p "$S/etc"
systemd-sysusers --root="$S" "$D$sysusersdir/knts.conf" >/dev/null 2>&1
pw=$(grep '^_ntskd:' "$S/etc/passwd" 2>/dev/null)
[ "$(cut -d: -f6,7 <<<"$pw")" = "/var/lib/knts:/usr/sbin/nologin" ]
ok $? "sysusers.d/knts.conf creates _ntskd (home /var/lib/knts, no login)"
if [ "$(id -u)" -eq 0 ]; then
	systemd-tmpfiles --root="$S" --create "$D$tmpfilesdir/knts.conf" >/dev/null 2>&1
	uid=$(cut -d: -f3 <<<"$pw")
	[ "$(stat -c '%a %u' "$S/var/lib/knts" 2>/dev/null)" = "700 $uid" ] &&
		[ "$(stat -c '%a %u' "$S/etc/knts" 2>/dev/null)" = "755 0" ]
	ok $? "tmpfiles.d/knts.conf: /var/lib/knts 0700 _ntskd, /etc/knts 0755 root"
else
	diag "not root: tmpfiles ownership not checked (not counted)"
fi

done_testing
