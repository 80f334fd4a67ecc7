#!/bin/bash
# make demo (runs inside the VM, see tests/vm/run): a stock chronyd with no
# NTS configuration serves NTS-authenticated time because knts sits at its
# socket edge and ntskd hands out the cookies. Two network namespaces
# joined by a veth pair:
#
#   knts-srv: chronyd (plain NTP, port 123) + knts.ko + ntskd (NTS-KE, 4460)
#   knts-cli: chronyd as an NTS client ("server 10.77.0.1 nts")
#
# Prints the client's view (authdata, ntpdata, sources) and the server's
# (ntsctl show, stats); exits 0 only if the client is authenticated.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/lib.sh"
. "$here/../selftests/nts_lab.sh"
KNTS_KO=$KNTS_KO_SHIPPED	# the demo runs what make install ships

step() { printf '\n==> %s\n' "$*"; }
die() {
	printf '\ndemo: FAILED: %s\n' "$*"
	for f in "$LAB"/ntskd/ntskd.log "$LAB"/client/chronyd.log; do
		[ -e "$f" ] && { echo "--- tail of $f"; tail -n 20 "$f"; }
	done
	exit 1
}

step "knts.ko: load the module (AES-SIV self-tests run at load)"
knts_load || die "cannot load $KNTS_KO"
new_netns srv && new_netns cli || die "cannot create network namespaces"
veth_pair "$srv" "$cli" || die "cannot create the veth pair"
addr_add "$srv" kv0 10.77.0.1/24 && addr_add "$cli" kv1 10.77.0.2/24 ||
	die "cannot set addresses"
make_pki knts-demo 10.77.0.1 || die "cannot make the test certificates"
echo "server namespace $srv (10.77.0.1), client namespace $cli (10.77.0.2)"

step "server: a plain chronyd on 10.77.0.1:123 (no NTS lines in its config)"
chronyd_start "$srv" plain "bindaddress 10.77.0.1" "port 123" "allow" \
	"local stratum 10" || die "chronyd did not start"
sed 's/^/    /' "$LAB/plain/chrony.conf"

step "server: ntskd (NTS-KE on 10.77.0.1:4460; pushes master keys to knts)"
ntskd_start "$srv" ntskd "ke-listen 10.77.0.1" "cert $LAB/pki/server.crt" \
	"key $LAB/pki/server.key" "keyfile $LAB/ntskd/ntskeys" ||
	die "ntskd did not start"
sed 's/^/    /' "$LAB/ntskd/ntskd.conf"

step "client: chronyd with 'server 10.77.0.1 nts', trusting the test CA"
chronyd_start "$cli" client "port 0" "ntstrustedcerts $LAB/pki/ca.crt" \
	"server 10.77.0.1 nts iburst minpoll 0 maxpoll 0" || die "client chronyd did not start"

step "waiting for the client to authenticate the server (NTS-KE, then NTS NTP)"
authenticated() {
	chronyc_in client ntpdata 10.77.0.1 | grep -q 'Authenticated *: Yes' &&
	chronyc_in client sources | grep -qE '^\^\*'
}
wait_for 120 authenticated >/dev/null 2>&1
rc=$?

step "client: chronyc -n authdata"
chronyc_in client authdata
step "client: chronyc -n sources"
chronyc_in client sources
step "client: chronyc -n ntpdata 10.77.0.1"
chronyc_in client ntpdata 10.77.0.1
step "server: ntsctl show"
ip netns exec "$srv" "$NTSCTL" show
step "server: ntsctl stats"
ip netns exec "$srv" "$NTSCTL" stats | grep -v ' 0$'
step "server: ntskd's log"
sed 's/^/    /' "$LAB/ntskd/ntskd.log"

[ "$rc" -eq 0 ] || die "the client is not authenticated"
printf '\ndemo: OK: the client is synchronised to a plain chronyd over authenticated NTS (knts + ntskd)\n'
