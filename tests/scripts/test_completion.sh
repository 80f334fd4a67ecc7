#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bash completion for ntsctl: source it as bash-completion would and ask
# for completions of partial command lines.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
NTSCTL=$REPO/${NTSCTL:-build/ntsctl}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=/dev/null
. packaging/bash-completion/ntsctl
complete -p ntsctl 2>/dev/null | grep -q -- '-F _ntsctl'
ok $? "sourcing registers _ntsctl for ntsctl"

# comp EXPECTED WORD...: complete the last WORD (may be ""); compare the
# sorted replies with EXPECTED (space-separated, sorted).
comp() {
	local want=$1 got
	shift
	COMP_WORDS=("$NTSCTL" "$@")
	COMP_CWORD=$(($# ))
	COMPREPLY=()
	_ntsctl
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	if [ "$got" = "$want" ]; then
		ok 0 "${LABEL:-ntsctl $* <TAB>} -> '$want'"
	else
		ok 1 "${LABEL:-ntsctl $* <TAB>} -> '$want' (got '$got')"
	fi
}

subs=$("$NTSCTL" help | awk '/^  [a-z]/ { print $1 }' | sort | tr '\n' ' ')
comp "${subs% }" ""
comp "server show stats" s
comp "--json" --j
comp "stats" --json st
comp "--help disable enable set" server ""
comp "nak-rate pending-slots policy port" server enable ""
comp "mixed nts-only" server enable policy ""
comp "nak-rate pending-slots policy" server enable port 123 ""
comp "nak-rate pending-slots" server enable port 123 policy nts-only ""
comp "" server enable port 123 policy nts-only pending-slots 8 nak-rate 5 ""
comp "nak-rate pending-slots" server set ""
comp "pending-slots" server set nak-rate 20 ""
comp "" server disable ""
comp "--help set" client ""
comp "idle" client set ""
comp "load-keys" help lo
comp "--help --json" stats ""
comp "--help" refresh --h
touch "$TMP/ntskeys"
comp "$TMP/ntskeys" load-keys "$TMP/ntsk"
# Subcommands come from the ntsctl being completed: a newer one's show up.
printf '#!/bin/sh\nprintf "Usage: ntsctl\\n\\n  show [--json]  x\\n  monitor  y\\n  --version  z\\n"\n' >"$TMP/ntsctl"
chmod +x "$TMP/ntsctl"
NTSCTL=$TMP/ntsctl LABEL="subcommands of a newer ntsctl (from its help)" comp "monitor show" ""
# Without a runnable ntsctl, the built-in list.
NTSCTL=/nonexistent/ntsctl LABEL="no runnable ntsctl: built-in list" \
	comp "client help keygen load-keys monitor refresh server show stats" ""

done_testing
