#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Man pages: lint-clean under man --warnings (groff -ww), and in step with
# the code they describe: every ntsctl subcommand, every exit code of
# ntsctl.h, every ntskd option and ntskd.conf directive of issues 4 and 5
# (also in the commented example packaging/ntskd.conf).
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
NTSCTL=${NTSCTL:-build/ntsctl}

for page in docs/man/ntskd.8 docs/man/ntskd.conf.5 docs/man/ntsctl.8; do
	warn=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 0 ] && [ -z "$warn" ]
	ok $? "man --warnings $page: no warnings"
	[ -z "$warn" ] || diag "$warn"
done

# The rendered text of SECTION in PAGE.
section() { # PAGE SECTION
	LC_ALL=C MANWIDTH=200 man -l "$1" 2>/dev/null | col -b |
		awk -v s="$2" '/^[A-Z]/ { on = ($0 == s); next } on'
}

subs=$("$NTSCTL" help | awk '/^  [a-z]/ { print $1 }')
[ -n "$subs" ]
ok $? "ntsctl help lists subcommands"
text=$(section docs/man/ntsctl.8 SUBCOMMANDS)
for s in $subs; do
	grep -qE "^       $s( |$)" <<<"$text"
	ok $? "ntsctl.8 documents subcommand '$s'"
done

# Exit codes: the enum in ntsctl.h, the man page and `ntsctl help` agree.
codes=$(sed -n 's/^[[:space:]]*NTSCTL_[A-Z]* = \([0-9]*\),.*/\1/p' userspace/ntsctl/ntsctl.h)
[ "$(wc -w <<<"$codes")" -ge 5 ]
ok $? "ntsctl.h defines the exit codes ($(echo $codes))"
text=$(section docs/man/ntsctl.8 "EXIT STATUS")
help=$("$NTSCTL" help)
for c in $codes; do
	grep -qE "^       $c( |$)" <<<"$text" && grep -qE "(codes: |, |^)$c [a-z]" <<<"$help"
	ok $? "exit code $c in ntsctl.8 and in ntsctl help"
done
n_man=$(grep -cE "^       [0-9]+( |$)" <<<"$text")
[ "$n_man" -eq "$(wc -w <<<"$codes")" ]
ok $? "ntsctl.8 documents no exit code ntsctl.h lacks"

text=$(section docs/man/ntskd.8 OPTIONS)
for o in "-c FILE" "-f" "-d" "-t" "--version" "--help"; do
	grep -qE "^       ${o}( |,|$)" <<<"$text"
	ok $? "ntskd.8 documents option $o"
done

# ntskd.conf directives as issues 4 and 5 name them.
text=$(LC_ALL=C MANWIDTH=200 man -l docs/man/ntskd.conf.5 2>/dev/null | col -b)
for d in "ke-listen ADDR [PORT]" "cert FILE" "key FILE" "keyfile FILE" "rotate SECONDS" \
	"ntp-port PORT" "ntp-server NAME" "policy mixed|nts-only" \
	"ke-rate-limit RATE [burst N] [max-conns N]" "ke-max-conns N" "ke-workers N|auto" \
	"server HOST [ke-port PORT] [ca FILE] [noverify] [aead ID,...] [ntp ADDR] [owner USER] [plain-until-nts]" \
	"owner USER|UID|auto|any" "refresh SECONDS" "keyfile-follow FILE"; do
	grep -qxF "       $d" <<<"$text"
	ok $? "ntskd.conf.5 documents '$d'"
	grep -qF "# $d" packaging/ntskd.conf
	ok $? "packaging/ntskd.conf explains '$d'"
	kw=${d%% *}
	grep -qE "^#$kw( |$)" packaging/ntskd.conf
	ok $? "packaging/ntskd.conf has a commented-out '$kw' line"
done
! grep -qE '^[^#[:space:]]' packaging/ntskd.conf
ok $? "packaging/ntskd.conf enables nothing by itself"

done_testing
