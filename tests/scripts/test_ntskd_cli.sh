#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ntskd's command line and safe failure (issue 17): -t checks a
# configuration and exits; configuration errors exit 78, which the unit
# does not restart; the installed example does not start a restart loop;
# usage lists -h and -V; -c without its argument says so.
. "$(dirname "$0")/lib.sh"
cd "$REPO" || exit 1
NTSKD=${NTSKD:-build/ntskd}
NTSCTL=${NTSCTL:-build/ntsctl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

run() { OUT=$("$NTSKD" "$@" 2>&1); RC=$?; }
expect() { # DESC RC STRING...
	local d=$1 want=$2 s bad=0
	shift 2
	[ "$RC" -eq "$want" ] || { diag "exit $RC, wanted $want"; bad=1; }
	for s; do grep -qF -- "$s" <<<"$OUT" || { diag "missing: $s"; bad=1; }; done
	[ $bad -eq 0 ] || diag "$OUT"
	ok $bad "$d"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=ntskd-test -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
chmod 600 "$T/key.pem"
printf '%s\n' "ke-listen 127.0.0.1 14460" "cert $T/cert.pem" "key $T/key.pem" \
	"keyfile $T/ntskeys" > "$T/good.conf"

run -h
expect "-h: usage lists -c, -f, -d, -t, -h and -V" 0 "-c FILE" "-t " "-h, --help" "-V, --version" \
	"78 configuration error"
run -c
expect "-c without FILE: says so, exit 2" 2 "-c needs a FILE argument"
run -t -c "$T/good.conf"
expect "-t with a good configuration: OK, exit 0" 0 "configuration OK"
[ ! -e "$T/ntskeys" ]
ok $? "-t creates no keyfile"
printf 'rotate soon\n' >> "$T/good.conf"
run -t -c "$T/good.conf"
expect "-t with a syntax error: file:line, exit 78" 78 "good.conf:5: rotate 'soon'"
run -f -c "$T/good.conf"
expect "start with a syntax error: exit 78 too" 78 "good.conf:5:"
printf '%s\n' "cert $T/cert.pem" "key $T/missing.pem" > "$T/nokey.conf"
run -t -c "$T/nokey.conf"
expect "-t with a missing key: names it, exit 78" 78 "key $T/missing.pem: No such file"
run -t -c "$T/none.conf"
expect "-t with no such file: exit 78" 78 "none.conf: No such file"
chmod 644 "$T/key.pem"
printf '%s\n' "cert $T/cert.pem" "key $T/key.pem" "keyfile $T/ntskeys" > "$T/open.conf"
run -t -c "$T/open.conf"
expect "-t warns about a world-readable key (still OK)" 0 "key $T/key.pem is world-readable"
run -t -c packaging/ntskd.conf
expect "the example config (all commented out): nothing to do, exit 78" 78 "nothing to do"
grep -qx "RestartPreventExitStatus=78" packaging/systemd/ntskd.service
ok $? "ntskd.service does not restart after exit 78"

# keyfile-follow (issue 16): chrony's ntskeys, checked by -t like a keyfile
mkdir -p "$T/chrony"
fconf() { printf '%s\n' "ke-listen 127.0.0.1 14460" "cert $T/cert.pem" "key $T/key.pem" "$@" > "$T/f.conf"; }
fconf "keyfile-follow $T/chrony/ntskeys"
run -t -c "$T/f.conf"
expect "-t keyfile-follow, file not there yet: OK (the role will wait, closed)" 0 \
	"configuration OK" "$T/chrony/ntskeys does not exist yet: the server role will wait for it, closed"
printf 'NKS0\n15 0.0\n' > "$T/chrony/ntskeys"
run -t -c "$T/f.conf"
expect "-t keyfile-follow, a file chrony would not write: exit 78" 78 "$T/chrony/ntskeys"
"$NTSCTL" keygen "$T/chrony/ntskeys" >/dev/null
run -t -c "$T/f.conf"
expect "-t keyfile-follow, a good file: OK" 0 "configuration OK"
fconf "keyfile-follow $T/nodir/ntskeys"
run -t -c "$T/f.conf"
expect "-t keyfile-follow in a directory that is not there: exit 78" 78 "its directory $T/nodir is not there"
fconf "keyfile-follow $T/chrony/ntskeys" "keyfile $T/ntskeys"
run -t -c "$T/f.conf"
expect "-t keyfile-follow with keyfile: exit 78, says why" 78 "'keyfile-follow' and 'keyfile' (line 5) exclude each other"
fconf "keyfile-follow $T/chrony/ntskeys" "rotate 86400"
run -t -c "$T/f.conf"
expect "-t keyfile-follow with rotate: exit 78, says why" 78 "'keyfile-follow' and 'rotate' (line 5) exclude each other"
printf '%s\n' "keyfile-follow $T/chrony/ntskeys" > "$T/f.conf"
run -t -c "$T/f.conf"
expect "-t keyfile-follow without cert and key: exit 78" 78 "'keyfile-follow' needs 'cert' and 'key'"

done_testing
