#!/bin/bash
# Debian 13's NTP peers with knts, both roles, IPv4 and IPv6. The peers
# run by chroot from the minimal trixie root that make deps makes
# (scripts/trixie-peers: chrony 4.6.1, NTPsec 1.2.3, ntpd-rs 1.4,
# systemd-timesyncd 257); the protected daemons are bookworm's chronyd.
#
#   S  server role: plain chronyd behind knts, ntskd for NTS-KE; NTS
#      clients chrony 4.6.1 (AEAD 30, its default, and 15 with ntsaeads
#      15), NTPsec 1.2.3 (ntpd `server ... nts`) and ntpd-rs 1.4, each in
#      its own namespace (ntskd logs the AEAD per client address).
#          c46 --\
#          n123 --- srv (chronyd 4.3 + knts + ntskd)
#          rsc --/
#   C  client role: ntskd's client role + knts in front of plain clients
#      (chronyd 4.3 as root, systemd-timesyncd as nobody: it has no NTS
#      and cannot be told not to set the clock, so it runs without the
#      privilege to); NTS servers chrony 4.6.1 with its default key
#      rotation (AEAD 30 and 15), NTPsec 1.2.3 and ntpd-rs 1.4.
#          uc (chrony 4.6.1) --\
#          un (NTPsec 1.2.3) --- dn (ntskd client + knts + chronyd 4.3,
#          ur (ntpd-rs 1.4)  --/      systemd-timesyncd)
# Every peer x role x AEAD x family goes into the interop table
# (interop_row). Without the trixie root the file fails (make deps makes
# it), it never skips: a missing peer must not pass as a green row.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"
[ -x "$NTPSEC_ROOT/usr/bin/ntpq" ] || skip_all "NTPsec not in .deps (make deps)"

ktap_plan 27
if ! trixie_ready; then
	ok 1 "the Debian 13 peer root $TRIXIE_ROOT is ready (make deps: scripts/trixie-peers)"
	ktap_finish
fi
ok 0 "the Debian 13 peer root is ready: $(tr '\n' ',' < "$TRIXIE_ROOT/.knts-peers-versions")"
knts_load
trixie_mount	# not under check: its subshell would lose the unmount at exit
ok $? "the lab is mounted into the root (/lab, /dev, /proc, /run)"
make_pki knts-test 10.71.1.1 fd71:1::1 10.71.2.1 fd71:2::1 10.71.3.1 fd71:3::1 DNS:n123-v6.test DNS:rs-v6.test \
	10.72.1.1 10.72.1.5 10.72.1.9 fd72:1::1 fd72:1::5 fd72:1::9 \
	10.72.2.1 fd72:2::1 10.72.3.1 fd72:3::1
cat "$LAB/pki/server.crt" "$LAB/pki/ca.crt" > "$LAB/pki/chain.crt"
CHRONY46="chrony $(trixie_version chrony)"
NTPSEC123="NTPsec $(trixie_version ntpsec)"
NTPDRS="ntpd-rs $(trixie_version ntpd-rs)"
TIMESYNCD="systemd-timesyncd $(trixie_version systemd-timesyncd)"
C43=$(peer_chrony)
in_root() { chroot "$TRIXIE_ROOT" "$@"; }
c46c() { local n=$1; shift; in_root chronyc -h "/lab/$n/chronyd.sock" -n "$@"; }
fam() { case $1 in *:*) echo IPv6 ;; *) echo IPv4 ;; esac; }
# ke_aead KD ADDR: the AEAD ntskd KD last agreed with the client at ADDR.
ke_aead() {
	local a=$2
	case $a in *:*) a="\\[$a\\]" ;; esac
	sed -n "s/.*NTS-KE with $a:[0-9]*: AEAD \([0-9]*\),.*/\1/p" "$LAB/$1/ntskd.log" | tail -n 1
}

# --- S: set up ---
new_netns srv && new_netns c46 && new_netns n123 && new_netns rsc
veth_link "$srv" ks1 "$c46" kc1
veth_link "$srv" ks2 "$n123" kn1
veth_link "$srv" ks3 "$rsc" kr1
for i in 1 2 3; do
	addr_add "$srv" ks$i 10.71.$i.1/24; addr_add "$srv" ks$i fd71:$i::1/64
done
addr_add "$c46" kc1 10.71.1.2/24; addr_add "$c46" kc1 fd71:1::2/64
addr_add "$n123" kn1 10.71.2.2/24; addr_add "$n123" kn1 fd71:2::2/64
addr_add "$rsc" kr1 10.71.3.2/24; addr_add "$rsc" kr1 fd71:3::2/64
chronyd_start "$srv" plainS "port 123" "allow" "local stratum 10"
check "S: ntskd serves NTS-KE for the Debian 13 clients, knts server role on" \
	ntskd_start "$srv" kds \
	"ke-listen 10.71.1.1" "ke-listen fd71:1::1" "ke-listen 10.71.2.1" \
	"ke-listen fd71:2::1" "ke-listen 10.71.3.1" "ke-listen fd71:3::1" \
	"cert $LAB/pki/server.crt" "key $LAB/pki/server.key" "keyfile $LAB/kds/ntskeys"

# chrony 4.6.1: one client with its default AEADs ("30 15"), one with 15
for n in s46a s46b; do
	extra=()
	[ $n = s46b ] && extra=("ntsaeads 15")
	c46_conf $n "port 0" "ntstrustedcerts /lab/pki/ca.crt" "${extra[@]}" \
		"server 10.71.1.1 nts iburst minpoll 0 maxpoll 0" \
		"server fd71:1::1 nts iburst minpoll 0 maxpoll 0"
	trixie_start "$c46" $n chronyd -x -u root -d -f /lab/$n/chrony.conf
done
# NTPsec 1.2.3: ntpd with two NTS servers; ntpq (bookworm's) asks it.
# Its NTS-KE client splits "HOST:PORT" at the first colon, so an IPv6
# literal on a server line cannot work: the IPv6 server goes by a name
# that only has an AAAA record (the root's /etc/hosts, from the lab).
# ntpd-rs 1.4 cannot look up "[ADDR]:PORT" either: the same for it.
{ cat "$TRIXIE_ROOT/etc/hosts"; echo "fd71:2::1 n123-v6.test"; echo "fd71:3::1 rs-v6.test"; } > "$LAB/hosts"
mount --bind "$LAB/hosts" "$TRIXIE_ROOT/etc/hosts" &&
	at_exit "umount -l '$TRIXIE_ROOT/etc/hosts'"
ok $? "a lab /etc/hosts in the root names the IPv6 servers of NTPsec and ntpd-rs"
mkdir -p "$LAB/n123c"
printf '%s\n' "server 10.71.2.1 nts ca /lab/pki/ca.crt minpoll 0 maxpoll 1 iburst" \
	"server n123-v6.test nts ca /lab/pki/ca.crt minpoll 0 maxpoll 1 iburst" \
	"restrict default kod limited nomodify noquery" "restrict 127.0.0.1" \
	"disable ntp" "logfile /lab/n123c/ntpd.log" > "$LAB/n123c/ntp.conf"
trixie_start "$n123" n123c /opt/ntpsec/usr/sbin/ntpd -n -c /lab/n123c/ntp.conf
# ntpd-rs 1.4: two NTS sources. It exits without CAP_SYS_TIME ("Could not
# control clock"), so it keeps it, in the VM, but never steers: it has
# fewer sources than the 3 it wants to agree (minimum-agreeing-sources).
mkdir -p "$LAB/rsc"
cat > "$LAB/rsc/ntp.toml" <<EOF
[observability]
log-level = "info"
observation-path = "/lab/rsc/observe"

[source-defaults]
poll-interval-limits = { min = 0, max = 1 }
initial-poll-interval = 0

[[source]]
mode = "nts"
address = "10.71.3.1"
certificate-authority = "/lab/pki/ca.crt"

[[source]]
mode = "nts"
address = "rs-v6.test"
certificate-authority = "/lab/pki/ca.crt"

[synchronization]
minimum-agreeing-sources = 3
EOF
TRIXIE_KEEP_CLOCK=1 trixie_start "$rsc" rsc ntp-daemon -c /lab/rsc/ntp.toml

# --- C: set up ---
new_netns dn && new_netns uc && new_netns un && new_netns ur
veth_link "$uc" ku1 "$dn" kd1
veth_link "$un" ku2 "$dn" kd2
veth_link "$ur" ku3 "$dn" kd3
for a in 10.72.1.1/24 10.72.1.5/24 10.72.1.9/24 fd72:1::1/64 fd72:1::5/64 fd72:1::9/64; do
	addr_add "$uc" ku1 $a
done
addr_add "$un" ku2 10.72.2.1/24; addr_add "$un" ku2 10.72.2.9/24; addr_add "$un" ku2 fd72:2::1/64
addr_add "$ur" ku3 10.72.3.1/24; addr_add "$ur" ku3 fd72:3::1/64
for i in 1 2 3; do
	addr_add "$dn" kd$i 10.72.$i.2/24; addr_add "$dn" kd$i fd72:$i::2/64
done
# chrony 4.6.1 NTS server with its own key rotation (defaults)
mkdir -p "$LAB/c46dump" && chmod 700 "$LAB/c46dump"
c46_conf c46srv "port 123" "ntsport 4460" "allow" "local stratum 10" \
	"ntsservercert /lab/pki/server.crt" "ntsserverkey /lab/pki/server.key" \
	"ntsdumpdir /lab/c46dump" "ntsprocesses 0"
trixie_start "$uc" c46srv chronyd -x -u root -d -f /lab/c46srv/chrony.conf
# NTPsec 1.2.3 NTS server, itself synchronised to a chronyd next to it
chronyd_start "$un" refN "bindaddress 10.72.2.9" "port 123" "allow" "local stratum 8"
mkdir -p "$LAB/n123s" && chmod 700 "$LAB/n123s"
printf '%s\n' "server 10.72.2.9 minpoll 0 maxpoll 0 iburst" \
	"interface ignore wildcard" "interface ignore all" \
	"interface listen 10.72.2.1" "interface listen fd72:2::1" "interface listen 127.0.0.1" \
	"nts enable" "nts cert /lab/pki/chain.crt" "nts key /lab/pki/server.key" \
	"nts cookie /lab/n123s/nts-keys" \
	"restrict default nomodify noquery" "restrict 127.0.0.1" \
	"logfile /lab/n123s/ntpd.log" > "$LAB/n123s/ntp.conf"
trixie_start "$un" n123s /opt/ntpsec/usr/sbin/ntpd -n -c /lab/n123s/ntp.conf
# ntpd-rs 1.4 NTS server (NTP and NTS-KE on both addresses)
mkdir -p "$LAB/rss" && chmod 700 "$LAB/rss"
cat > "$LAB/rss/ntp.toml" <<EOF
[observability]
log-level = "info"
observation-path = "/lab/rss/observe"

[[server]]
listen = "10.72.3.1:123"

[[server]]
listen = "[fd72:3::1]:123"

[[nts-ke-server]]
listen = "10.72.3.1:4460"
certificate-chain-path = "/lab/pki/chain.crt"
private-key-path = "/lab/pki/server.key"

[[nts-ke-server]]
listen = "[fd72:3::1]:4460"
certificate-chain-path = "/lab/pki/chain.crt"
private-key-path = "/lab/pki/server.key"

[keyset]
key-storage-path = "/lab/rss/keys"

[synchronization]
local-stratum = 10
minimum-agreeing-sources = 3
EOF
trixie_start "$ur" rss ntp-daemon -c /lab/rss/ntp.toml
# the client role: chronyd (root) uses .1 (AEAD 30) and .5 (AEAD 15) of
# chrony 4.6.1, NTPsec and ntpd-rs; timesyncd (nobody) uses .9
CA=$LAB/pki/ca.crt
check "C: ntskd's client role with ten server lines" ntskd_start "$dn" kdc \
	"server 10.72.1.1 ca $CA aead 30 owner root" "server fd72:1::1 ca $CA aead 30 owner root" \
	"server 10.72.1.5 ca $CA aead 15 owner root" "server fd72:1::5 ca $CA aead 15 owner root" \
	"server 10.72.1.9 ca $CA owner 65534" "server fd72:1::9 ca $CA owner 65534" \
	"server 10.72.2.1 ca $CA owner root" "server fd72:2::1 ca $CA owner root" \
	"server 10.72.3.1 ca $CA owner root" "server fd72:3::1 ca $CA owner root" \
	"client-state $LAB/kdc/client-state"
chronyd_start "$dn" plainC "port 0" \
	"server 10.72.1.1 iburst minpoll 0 maxpoll 0" "server fd72:1::1 iburst minpoll 0 maxpoll 0" \
	"server 10.72.1.5 iburst minpoll 0 maxpoll 0" "server fd72:1::5 iburst minpoll 0 maxpoll 0" \
	"server 10.72.2.1 iburst minpoll 0 maxpoll 0" "server fd72:2::1 iburst minpoll 0 maxpoll 0" \
	"server 10.72.3.1 iburst minpoll 0 maxpoll 0" "server fd72:3::1 iburst minpoll 0 maxpoll 0"

# --- S: results ---
# authdata: Name Mode KeyID Type KLen Last Atmp NAK Cook CLen
c46_ok() { # NAME ADDR AEAD
	c46c "$1" authdata | awk -v a="$2" -v t="$3" '$1 == a && $2 == "NTS" && $4 == t && $9 >= 7' | grep -q . &&
	c46c "$1" ntpdata "$2" | grep -q 'Authenticated *: Yes'
}
for n in s46a:30 s46b:15; do
	for a in 10.71.1.1 fd71:1::1; do
		check "S: $CHRONY46 NTS client ($n), $(fam $a): AEAD ${n#*:}, 8 cookies, replies authenticated" \
			wait_for 90 c46_ok "${n%:*}" $a "${n#*:}"
		interop_last "$CHRONY46 NTS client" server "${n#*:}" "$(fam $a)" "NTS-KE: ntskd"
	done
done
diag "$(c46c s46a authdata; c46c s46b authdata)"
# ntpq peers: remote refid st t when poll reach ...; t is the cookie count
n123_ok() { # ADDR
	local out
	out=$(ip netns exec "$n123" env LD_LIBRARY_PATH="$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp" \
		PYTHONPATH="$NTPSEC_ROOT/usr/lib/python3/dist-packages" \
		"$NTPSEC_ROOT/usr/bin/ntpq" -n -w -c peers 127.0.0.1 2>/dev/null) || return 1
	awk -v a="$1" 'index($1, a) && $4 == 8 && $7 != 0 && $7 != 1 { f = 1 } END { exit !f }' <<<"$out"
}
for a in 10.71.2.1 fd71:2::1; do
	check "S: $NTPSEC123 NTS client, $(fam $a): 8 cookies, replies accepted (reach)" \
		wait_for 90 n123_ok $a
	[ "$_ktap_last" -eq 0 ] || diag "$(grep -iE 'nts|error|fail' "$LAB/n123c/ntpd.log" | tail -n 12)"
	interop_last "$NTPSEC123 NTS client" server "$(ke_aead kds ${a%1}2)" "$(fam $a)" "NTS-KE: ntskd"
done
diag "$(ip netns exec "$n123" env LD_LIBRARY_PATH="$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp" \
	PYTHONPATH="$NTPSEC_ROOT/usr/lib/python3/dist-packages" \
	"$NTPSEC_ROOT/usr/bin/ntpq" -n -w -c peers 127.0.0.1 2>&1)"
# ntp-ctl's metrics: a source exists once NTS-KE worked; answered polls
# (unanswered 0) after at least 3 polls at 1-2 s need verified replies
rs_metrics() { in_root ntp-ctl -c "/lab/$1/ntp.toml" status -f prometheus 2>/dev/null; }
rs_ok() { # ADDR:PORT
	local m
	m=$(rs_metrics rsc) || return 1
	grep -F "address=\"$1\"" <<<"$m" | grep -q '^ntp_source_unanswered_polls{.*} 0$' &&
	grep -F "address=\"$1\"" <<<"$m" | grep -q '^ntp_source_offset_seconds{'
}
sleep 5
for a in 10.71.3.1:123 '[fd71:3::1]:123'; do
	f=IPv4
	[[ $a == \[* ]] && f=IPv6
	check "S: $NTPDRS NTS client, $f: its source answers (ntp-ctl: 0 unanswered polls)" \
		wait_for 90 rs_ok "$a"
	[ "$_ktap_last" -eq 0 ] || diag "$(tail -n 12 "$LAB/rsc/out")"
	b=${a%:123}; b=${b#\[}; b=${b%\]}
	interop_last "$NTPDRS NTS client" server "$(ke_aead kds ${b%1}2)" $f "NTS-KE: ntskd"
done
diag "$(rs_metrics rsc | grep -E '^ntp_source_(unanswered|offset)')"
srv_ok() { [ "$(knts_ctr "$srv" srv_req_verified)" -gt 20 ] && [ "$(knts_ctr "$srv" srv_nak_sent)" -eq 0 ]; }
check "S: knts verified the clients' requests, sent no NAK" wait_for 30 srv_ok
diag "ntskd: $(grep -c 'NTS-KE with' "$LAB/kds/ntskd.log") NTS-KE sessions; $(grep -o 'AEAD [0-9]*' "$LAB/kds/ntskd.log" | sort | uniq -c | tr -s ' \n' ' ')"

# --- C: results ---
c_ok() { # ADDR AEAD: the association verifies replies (and has AEAD)
	[ "$(assoc_field "$dn" "$1" good)" -gt 3 ] &&
	{ [ -z "$2" ] || [ "$(assoc_field "$dn" "$1" aead)" -eq "$2" ]; }
}
for s in "10.72.1.1 30 $CHRONY46" "fd72:1::1 30 $CHRONY46" \
	"10.72.1.5 15 $CHRONY46" "fd72:1::5 15 $CHRONY46" \
	"10.72.2.1 - $NTPSEC123" "fd72:2::1 - $NTPSEC123" \
	"10.72.3.1 - $NTPDRS" "fd72:3::1 - $NTPDRS"; do
	read -r a want peer <<<"$s"
	[ "$want" = - ] && want=
	check "C: $peer NTS server, $(fam $a)${want:+, AEAD $want}: the plain chronyd's replies verify" \
		wait_for 120 c_ok $a "$want"
	interop_last "$peer NTS server" client "$(assoc_field "$dn" $a aead)" "$(fam $a)" \
		"NTS-KE: ntskd; plain $C43 behind knts"
done
check "C: chrony 4.6.1 wrote its own key file: NKS1, GCM-SIV keys (algorithm 30)" sh -c \
	"head -1 '$LAB/c46dump/ntskeys' | grep -qx NKS1 &&
	 grep -qE '^[0-9A-F]{8} [0-9A-F]{32} 30\$' '$LAB/c46dump/ntskeys'"
diag "$(ip netns exec "$dn" "$NTSCTL" show 2>&1 | head -n 30)"

# systemd-timesyncd as nobody (no CAP_SYS_TIME: it cannot set the clock),
# first over IPv4, then over IPv6; its drop-in config lives in the lab's /run
ts_ok() { # ADDR
	[ "$(assoc_field "$dn" "$1" good)" -gt 0 ] &&
	grep -qiE "Contacted time server|NTP response|received.*response" "$LAB/ts/out"
}
for a in 10.72.1.9 fd72:1::9; do
	mkdir -p "$TRIXIE_ROOT/run/systemd/timesyncd.conf.d"
	printf '[Time]\nNTP=%s\nFallbackNTP=\n' "$a" > "$TRIXIE_ROOT/run/systemd/timesyncd.conf.d/lab.conf"
	rm -rf "$LAB/ts"
	trixie_start "$dn" ts setpriv --reuid=65534 --regid=65534 --clear-groups \
		env SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug \
		/opt/timesyncd/usr/lib/systemd/systemd-timesyncd
	check "C: $TIMESYNCD (plain client, as nobody), $(fam $a): a verified reply reached it" \
		wait_for 90 ts_ok $a
	interop_last "$TIMESYNCD plain client" client "$(assoc_field "$dn" $a aead)" "$(fam $a)" \
		"behind knts; NTS server: $CHRONY46; NTS-KE: ntskd"
	diag "$(grep -E 'Contacted|NTP response|clock_adjtime|Failed' "$LAB/ts/out" | head -n 5)"
	trixie_stop ts
	sleep 1
done
check "C: no plain (unauthenticated) reply reached the clients (cli_reply_unauth 0)" \
	test "$(knts_ctr "$dn" cli_reply_unauth)" -eq 0
check "kernel log: no WARN, BUG or Oops" dmesg_clean
ktap_finish
