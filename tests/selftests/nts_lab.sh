#!/bin/bash
# Building blocks for selftests with real NTP peers: a test PKI, chrony
# key files, chronyd instances in namespaces, and waiting on chronyc.
# Source after lib.sh. Daemons never touch the clock (-x, no CAP_SYS_TIME).

LAB=$(mktemp -d /tmp/knts-lab.XXXXXX)
at_exit "rm -rf '$LAB'"
# Last at exit, before the lab goes: stop every process still running
# from it. ntskd_start and the other *_start register their own stop, but
# not when they run under check (a subshell, whose at_exit is lost), and a
# daemon left running outlives its test: ntskd then re-pushes its role and
# keys into the next test's module, whose leak counters see them.
lab_sweep() {
	local i
	pkill -f -- "$LAB/" || return 0
	for i in $(seq 50); do
		pgrep -f -- "$LAB/" >/dev/null || return 0
		sleep 0.1
	done
	pkill -9 -f -- "$LAB/"
}
at_exit lab_sweep

# make_pki CN IP...: CA and a server certificate with these IP SANs
# (an argument DNS:NAME adds a DNS SAN instead).
make_pki() {
	local cn=$1 san="" ip
	shift
	for ip in "$@"; do
		case $ip in
		DNS:*) san+="${san:+,}$ip" ;;
		*) san+="${san:+,}IP:$ip" ;;
		esac
	done
	mkdir -p "$LAB/pki" && (
		cd "$LAB/pki" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout ca.key -out ca.crt -days 30 -subj "/CN=knts test CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout server.key -out server.csr -subj "/CN=$cn" &&
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
			"$san" > ext.cnf &&
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out server.crt -days 30 -extfile ext.cnf
	) >/dev/null 2>&1
}

# make_nks0 FILE: a chrony 4.3 master key file with 4 fresh keys.
make_nks0() {
	python3 - "$1" <<'PY'
import os, sys
base = int.from_bytes(os.urandom(4), "big") & ~3
first = os.urandom(1)[0] % 4
lines = ["NKS0", "15 0.0"]
for i in range(4):
    lines.append("%08X %s" % ((base | (first + i) % 4) & 0xffffffff, os.urandom(32).hex().upper()))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
os.chmod(sys.argv[1], 0o600)
PY
}

# chronyd_start NS NAME CONF-LINES...: run chronyd NAME in NS with a private
# pidfile, command socket and log; the config gets CONF-LINES appended.
chronyd_start() {
	local ns=$1 name=$2 dir=$LAB/$2
	shift 2
	mkdir -p "$dir" && chmod 700 "$dir"
	{
		echo "pidfile $dir/chronyd.pid"
		echo "bindcmdaddress $dir/chronyd.sock"
		echo "cmdport 0"
		echo "driftfile $dir/drift"
		printf '%s\n' "$@"
	} > "$dir/chrony.conf"
	ip netns exec "$ns" capsh --drop=cap_sys_time -- -c \
		"chronyd -x -u root -f '$dir/chrony.conf' -l '$dir/chronyd.log'" || return 1
	at_exit "chronyd_stop $name"
}

chronyd_stop() {
	local pidf=$LAB/$1/chronyd.pid
	[ -e "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
}

# chronyc_in NAME ARGS...: chronyc against instance NAME.
chronyc_in() {
	local name=$1
	shift
	chronyc -h "$LAB/$name/chronyd.sock" -n "$@"
}

# wait_for SECONDS CMD...: poll CMD every 0.5 s until it succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	"$@"
}

# veth_pair NS1 ADDR1 NS2 ADDR2...: join two namespaces; extra
# "ns addr" pairs add addresses (IPv4 /24, IPv6 /64 with nodad).
veth_pair() {
	local a=$1 b=$2
	modprobe -q veth
	ip link add kv0 netns "$a" type veth peer name kv1 netns "$b" &&
	ip -n "$a" link set kv0 up && ip -n "$b" link set kv1 up
}

addr_add() { # NS DEV ADDR/PREFIX
	case $3 in
	*:*) ip -n "$1" addr add "$3" dev "$2" nodad ;;
	*) ip -n "$1" addr add "$3" dev "$2" ;;
	esac
}

# knts_stat NS NAME: one counter's value in NS.
knts_stat() {
	ip netns exec "$1" "$NTSCTL" --json stats |
		python3 -c "import json,sys; print(json.load(sys.stdin)['stats'].get('$2', 0))"
}

# veth_link NS1 DEV1 NS2 DEV2: one more veth pair, with names of its own.
veth_link() {
	modprobe -q veth
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# ntskd_start NS NAME CONF-LINES...: run ntskd in the foreground (-f -d)
# in NS with $LAB/NAME/ntskd.conf; log in $LAB/NAME/ntskd.log, pid in
# $LAB/NAME/ntskd.pid. Returns once it serves, fails if it exits.
ntskd_start() {
	local ns=$1 name=$2 dir=$LAB/$2 pid
	shift 2
	mkdir -p "$dir" && chmod 700 "$dir"
	printf '%s\n' "$@" > "$dir/ntskd.conf"
	ip netns exec "$ns" "$NTSKD" -f -d -c "$dir/ntskd.conf" > "$dir/ntskd.log" 2>&1 &
	pid=$!
	echo "$pid" > "$dir/ntskd.pid"
	at_exit "ntskd_stop $name"
	wait_for 30 grep -q 'running (config' "$dir/ntskd.log" && kill -0 "$pid" 2>/dev/null
}

ntskd_stop() {
	local pidf=$LAB/$1/ntskd.pid
	[ -e "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
}

ntskd_pid() { cat "$LAB/$1/ntskd.pid"; }

# ntskd_logged NAME TEXT: the instance's log has a line with TEXT.
ntskd_logged() { grep -qF -- "$2" "$LAB/$1/ntskd.log"; }

# ntpsec_start NS NAME CONF-LINES...: NTPsec 1.2.2's ntpd from .deps (it
# conflicts with chrony as a package) in the foreground in NS, without
# CAP_SYS_TIME; log in $LAB/NAME/ntpd.log. It tries to discipline the clock
# and is refused, which still lets it call itself synchronised and serve.
ntpsec_start() {
	local ns=$1 name=$2 dir=$LAB/$2
	shift 2
	mkdir -p "$dir"
	{
		printf '%s\n' "$@"
		echo "logfile $dir/ntpd.log"
	} > "$dir/ntp.conf"
	echo "$ns" > "$dir/ns"
	ip netns exec "$ns" capsh --drop=cap_sys_time -- -c \
		"LD_LIBRARY_PATH='$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp' exec '$NTPSEC_ROOT/usr/sbin/ntpd' -n -c '$dir/ntp.conf'" \
		>/dev/null 2>&1 &
	echo $! > "$dir/ntpd.pid"
	at_exit "ntpsec_stop $name"
	# An NTS server: return once its NTS-KE port listens, or an NTS-KE
	# client started next may be refused (seen on a loaded host).
	local line port=4460
	for line in "$@"; do
		case $line in ntsport\ *) port=${line#ntsport } ;; esac
	done
	if printf '%s\n' "$@" | grep -qx 'nts enable'; then
		wait_for 20 tcp_listening "$ns" "$port" ||
			echo "# ntpsec_start: $name does not listen on port $port" >&2
	fi
}

# tcp_listening NS PORT: does a TCP socket listen on PORT in NS?
tcp_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

ntpsec_stop() {
	local pidf=$LAB/$1/ntpd.pid
	[ -e "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
}

# ntpq_in NAME ARGS...: ntpq against instance NAME (127.0.0.1 in its NS).
ntpq_in() {
	local name=$1
	shift
	ip netns exec "$(cat "$LAB/$name/ns")" \
		env LD_LIBRARY_PATH="$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp" \
		PYTHONPATH="$NTPSEC_ROOT/usr/lib/python3/dist-packages" \
		"$NTPSEC_ROOT/usr/bin/ntpq" -n "$@" 127.0.0.1
}

# knts_stat_text NS NAME: one counter from `ntsctl stats` (no python: fast).
knts_stat_text() {
	ip netns exec "$1" "$NTSCTL" stats | awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }'
}

# --- client role (05) ---
KNTS_ASSOC=$PROJECT/build/tests/tools/knts-assoc

# nts_server_conf NAME KEYFILE ADDR...: config lines for a chrony NTS
# server on port 123 whose master keys are KEYFILE (no rotation), with the
# certificate from make_pki; it serves time from its own clock.
nts_server_conf() {
	local name=$1 keys=$2 a
	shift 2
	mkdir -p "$LAB/$name-dump" && chmod 700 "$LAB/$name-dump"
	cp "$keys" "$LAB/$name-dump/ntskeys"
	for a in "$@"; do echo "bindaddress $a"; done
	printf '%s\n' "port 123" "ntsport 4460" "ntsrotate 0" \
		"ntsservercert $LAB/pki/server.crt" "ntsserverkey $LAB/pki/server.key" \
		"ntsdumpdir $LAB/$name-dump" "ntsprocesses 0" "allow" "local stratum 10"
}

# assoc_field NS SERVER FIELD: one number of an association in `ntsctl
# show --json` (one association per line there), -1 if there is none.
assoc_field() {
	local v
	v=$(ip netns exec "$1" "$NTSCTL" --json show |
		grep -F "{\"server\": \"$2\"," | sed -n "s/.*\"$3\": \([0-9]*\).*/\1/p")
	echo "${v:--1}"
}

# knts_ctr NS NAME: one counter, like knts_stat but without python (it
# runs in tight polling loops under TCG).
knts_ctr() {
	local v
	v=$(ip netns exec "$1" "$NTSCTL" --json stats | sed -n "s/^ *\"$2\": \([0-9]*\).*/\1/p")
	echo "${v:-0}"
}

# chrony_rx NAME SERVER: packets chronyd NAME received from SERVER.
chrony_rx() {
	chronyc_in "$1" ntpdata "$2" | awk -F: '/^Total RX/ { print $2 + 0 }'
}

# replies_tc NS DEV drop|flip|duplicate|clear [SPORT]: in NS, drop, corrupt
# (one bit of the authenticator tag) or send twice the UDP packets leaving
# DEV from SPORT (duplicate: every packet leaving DEV).
replies_tc() {
	local ns=$1 dev=$2 what=$3 sport=${4:-123}
	ip netns exec "$ns" tc qdisc del dev "$dev" clsact 2>/dev/null
	ip netns exec "$ns" tc qdisc del dev "$dev" root 2>/dev/null
	case $what in
	clear) return 0 ;;
	duplicate)
		ip netns exec "$ns" tc qdisc add dev "$dev" root netem duplicate 100%
		return ;;
	drop) set -- action drop ;;
	# IPv4 20 + UDP 8 + NTP 48 + UID EF 36 + auth EF 24: the tag's first byte.
	flip) set -- action pedit munge offset 136 u8 invert retain 0x01 ;;
	*) return 1 ;;
	esac
	ip netns exec "$ns" tc qdisc add dev "$dev" clsact &&
	ip netns exec "$ns" tc filter add dev "$dev" egress protocol ip prio 1 \
		u32 match ip protocol 17 0xff match ip sport "$sport" 0xffff "$@"
}

# --- the interop table (docs/interop.md, scripts/interop-table) ---
# Each interop selftest writes its rows into build/interop/FILE.rows in
# the project (the VM writes the project folder); the file is started
# afresh here, so rows never outlive the run that made them. A test that
# dies before a row leaves that row out, and the rendered table then
# differs from the committed one (make check compares them).
INTEROP_DIR=$PROJECT/build/interop
INTEROP_ROWS=$INTEROP_DIR/$(basename "$0" .sh).rows
rm -f "$INTEROP_ROWS"

# interop_row PEER ROLE AEAD FAMILY RESULT [NOTE]: one row. PEER names the
# peer program, its version and what it does ("chrony 4.6.1 NTS client");
# ROLE is knts's role (server, client); AEAD the number (15, 30); FAMILY
# IPv4 or IPv6; RESULT pass or fail; NOTE e.g. "interleaved".
interop_row() {
	local res=$5
	# An AEAD the test could not tell (no association, no log line) is no pass.
	[[ $3 =~ ^[0-9]+$ ]] && [ "$3" -gt 0 ] || res=fail
	mkdir -p "$INTEROP_DIR"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${3:-?}" "$4" "$res" "${6:--}" \
		"$(basename "$0" .sh)" >> "$INTEROP_ROWS"
}

# interop_last PEER ROLE AEAD FAMILY [NOTE]: a row whose result is that of
# the check (or ok) just before it.
interop_last() {
	local r=fail
	[ "$_ktap_last" -eq 0 ] && r=pass
	interop_row "$1" "$2" "$3" "$4" "$r" "${5:-}"
}

# Peer names with the versions that ran: "chrony 4.3", "NTPsec 1.2.2".
peer_chrony() { echo "chrony $(${1:+chroot "$1"} chronyd -v | awk '{ print $4 }')"; }
peer_ntpsec_bookworm() {
	echo "NTPsec $(LD_LIBRARY_PATH="$NTPSEC_ROOT/usr/lib/x86_64-linux-gnu/ntp" "$NTPSEC_ROOT/usr/sbin/ntpd" --version 2>&1 | sed -n 's/.*ntpsec-\([0-9.]*\).*/\1/p' | head -n 1)"
}

# --- Debian 13 peers from the trixie root (make deps: scripts/trixie-peers) ---
TRIXIE_ROOT=${TRIXIE_PEERS_ROOT:-$PROJECT/.cache/trixie-peers}

# trixie_ready: the root holds all four peers (scripts/trixie-peers marks it).
trixie_ready() {
	[ -s "$TRIXIE_ROOT/.knts-peers" ] && [ -s "$TRIXIE_ROOT/.knts-peers-versions" ] &&
	[ -e "$TRIXIE_ROOT/etc/hosts" ]
}

# trixie_mount: the lab at /lab inside the root, with /dev, /proc and a
# private /run (timesyncd's drop-in config); unmounted at exit.
trixie_mount() {
	mkdir -p "$TRIXIE_ROOT/lab" &&
	mount --bind "$LAB" "$TRIXIE_ROOT/lab" &&
	mount --bind /dev "$TRIXIE_ROOT/dev" &&
	mount -t proc proc "$TRIXIE_ROOT/proc" &&
	mount -t tmpfs -o mode=0755 run "$TRIXIE_ROOT/run" || return 1
	at_exit "umount -l '$TRIXIE_ROOT/run' '$TRIXIE_ROOT/proc' '$TRIXIE_ROOT/dev' '$TRIXIE_ROOT/lab'"
}

# trixie_version PKG: "1.4.0" of "ntpd-rs 1.4.0-6+b3" (Debian revision and
# epoch dropped; NTPsec's "+dfsg1" too).
trixie_version() {
	awk -v p="$1" '$1 == p { v = $2; sub(/^[0-9]+:/, "", v); sub(/[-+~].*/, "", v); print v }' \
		"$TRIXIE_ROOT/.knts-peers-versions"
}

# trixie_start NS NAME CMD...: CMD in the root, in NS, without
# CAP_SYS_TIME, in the foreground of a background job; its output in
# $LAB/NAME/out (/lab/NAME/out inside), its pid in $LAB/NAME/pid.
# TRIXIE_KEEP_CLOCK=1 keeps CAP_SYS_TIME, for ntpd-rs's client, which
# exits without it ("Could not control clock"); it then must be kept from
# steering by its own configuration (and it is the VM's clock only).
trixie_start() {
	local ns=$1 name=$2 dir=$LAB/$2 cmd drop=--drop=cap_sys_time
	shift 2
	mkdir -p "$dir"
	printf -v cmd '%q ' "$@"
	[ -n "${TRIXIE_KEEP_CLOCK:-}" ] && drop=
	ip netns exec "$ns" capsh $drop -- -c \
		"exec chroot '$TRIXIE_ROOT' $cmd" > "$dir/out" 2>&1 &
	echo $! > "$dir/pid"
	at_exit "trixie_stop $name"
}

trixie_stop() {
	local pidf=$LAB/$1/pid
	[ -e "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
}

# c46_conf NAME LINES...: a chrony 4.6 config in $LAB/NAME/chrony.conf
# with private pid, socket and drift files (paths as seen in the root).
c46_conf() {
	local name=$1
	shift
	mkdir -p "$LAB/$name" && chmod 700 "$LAB/$name"
	printf '%s\n' "pidfile /lab/$name/chronyd.pid" \
		"bindcmdaddress /lab/$name/chronyd.sock" "cmdport 0" \
		"driftfile /lab/$name/drift" "$@" > "$LAB/$name/chrony.conf"
}
