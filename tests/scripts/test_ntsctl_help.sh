#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ntsctl help and SUBCOMMAND --help: answered without the module (they
# must work on a host where knts is not loaded), exit codes as documented.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
NTSCTL=${NTSCTL:-build/ntsctl}

# run ARGS...: sets OUT (stdout+stderr) and RC
run() { OUT=$("$NTSCTL" "$@" 2>&1); RC=$?; }
expect() { # DESC RC STRING...
	local d=$1 want=$2 s bad=0
	shift 2
	[ "$RC" -eq "$want" ] || { diag "exit $RC, wanted $want"; bad=1; }
	for s; do grep -qF -- "$s" <<<"$OUT" || { diag "missing: $s"; bad=1; }; done
	[ $bad -eq 0 ] || diag "$OUT"
	ok $bad "$d"
}

run help
expect "ntsctl help: subcommands and exit codes" 0 "Usage: ntsctl" "load-keys FILE" \
	"Exit codes: 0 success, 1 failure, 2 usage error" "3 knts module not loaded" \
	"4 permission denied (needs CAP_NET_ADMIN)"
for s in show stats server client load-keys; do
	run help "$s"
	expect "ntsctl help $s: usage, long help, exit codes" 0 "Usage: ntsctl $s" "Exit codes:"
	help_out=$OUT
	run "$s" --help
	[ "$RC" -eq 0 ] && [ "$OUT" = "$help_out" ]
	ok $? "ntsctl $s --help = ntsctl help $s (and never touches the module)"
	run "$s" -h
	[ "$RC" -eq 0 ] && [ "$OUT" = "$help_out" ]
	ok $? "ntsctl $s -h = ntsctl help $s"
done
run help server
expect "server help explains port and both policies" 0 "port PORT" "policy mixed" "policy nts-only"
expect "server help explains the per-namespace settings" 0 "pending-slots N" "nak-rate N" \
	"8 to 1048576" "1 to 1000000" "set      change pending-slots and nak-rate"
run help client
expect "client help explains the idle time" 0 "Usage: ntsctl client set idle SECONDS" "0 to 604800"
# Values out of the kernel's range are refused before any netlink (exit 2).
for args in "server set" "server set nak-rate 0" "server set nak-rate 1000001" \
	"server set pending-slots 7" "server set pending-slots 1048577" "server set port 123" \
	"server enable nak-rate x" "client set idle 604801" "client set idle -1" "client set" \
	"client idle 5"; do
	run $args
	expect "ntsctl $args: usage error" 2 "Usage: ntsctl"
done
run help load-keys
expect "load-keys help names the accepted key files" 0 "NKS0 or NKS1" "algorithm 15"
run --json help stats
expect "--json before help is accepted" 0 "Usage: ntsctl stats"
run help no-such-thing
expect "help of an unknown subcommand: exit 2" 2 "no such subcommand"
run no-such-thing
expect "unknown subcommand: exit 2 with the list" 2 "no such subcommand" "Usage: ntsctl"
run --bogus
expect "unknown option: exit 2" 2 "unknown option"
run
expect "no subcommand: exit 2" 2 "Usage: ntsctl"
run --version
expect "--version prints the version" 0 "ntsctl "

done_testing
