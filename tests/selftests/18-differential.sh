#!/bin/bash
# Differential hostile harness (issue 13, "fail closed"): every packet
# shape is sent once without knts, where it must reach the UDP socket
# (proof that the kernel delivers that shape), and once with knts, where
# nothing unverified may reach it. Shapes (diffpkt.py): IPv4 options
# (source routes too), IPv6 extension header chains of every type and
# length, fragments split at every 8-byte boundary and overlapping, UDP
# length 0, short and long, checksum 0, partial and bad, GSO from an
# unprivileged user, bursts that a veth's GRO merges (gro_cases.sh);
# server role (plain mode 3 to the port under nts-only) and client role
# (a forged mode 4 from the protected server), IPv4 and IPv6; then
# randomly mutated copies. Also: the daemon's reply built from
# page fragments (MSG_MORE) is signed, not a BUG; NAKs answer only unicast
# to this host, and a flood from one source leaves NAKs for the others.
# The VM runs with panic_on_warn=1 oops=panic.
# KNTS_STRESS=1: every extension header length, >= 10^6 mutated packets
# per role; otherwise a sample.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"
. "$(dirname "$0")/robust_lib.sh"
. "$(dirname "$0")/gro_cases.sh"

[ -e "$KNTS_KO" ] || skip_all "kmod/knts.ko not built"
[ -x "$KNTS_ASSOC" ] || skip_all "build/tests/tools/knts-assoc not built (make test-tools)"
[ -x "$TOOLS/hostile" ] || skip_all "build/tools not built (make tools)"

full= mutate=${DIFF_MUTATE:-300} mutate_off=${DIFF_MUTATE_OFF:-300}
# Per role: half over IPv4, half over IPv6. Without knts, a prefix of the
# same stream (same seed) shows it carries hostile datagrams the kernel
# delivers; with knts, all of it must be stopped.
[ "$STRESS" = 1 ] && full=--full mutate=${DIFF_MUTATE:-500000} mutate_off=${DIFF_MUTATE_OFF:-20000}
seed=${DIFF_SEED:-$RANDOM}

ktap_plan 26
knts_unload
knts_load
diag "seed $seed, $mutate mutated packets per role and family with knts ($mutate_off without)${full:+, every header length}"
new_netns ns
ip -n "$ns" addr add 10.77.0.1/32 dev lo
ip -n "$ns" addr add 10.77.0.2/32 dev lo
ip -n "$ns" addr add 10.77.1.1/24 brd + dev lo
ip -n "$ns" addr add fd77::1/128 dev lo nodad
ip -n "$ns" addr add fd77::2/128 dev lo nodad
# Source-routed IPv4 is delivered only where accepted; a local user may
# bind the server's port (the client role's GSO sender).
ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.accept_source_route=1 \
	net.ipv4.conf.lo.accept_source_route=1 net.ipv4.ip_unprivileged_port_start=0
make_nks0 "$LAB/ntskeys"

diff_run() { # ROLE PHASE: both families
	local t0=$SECONDS n=$mutate
	[ "$2" = on ] || n=$mutate_off
	ip netns exec "$ns" python3 "$SELFTEST_DIR/diffpkt.py" --role "$1" \
		--phase "$2" $full --mutate "$n" --seed "$seed" > "$LAB/$1-$2.json"
	diag "$1 role, knts ${2}: $((SECONDS - t0)) s"
}

# diff_check ROLE FAMILY: compare the two runs.
diff_check() {
	python3 - "$LAB/$1-off.json" "$LAB/$1-on.json" "$2" <<'PY'
import json, sys
off, on = ([r for r in json.load(open(p)) if r["family"] == sys.argv[3]][0]
           for p in sys.argv[1:3])
bad = 0
for a, b in zip(off["shapes"], on["shapes"]):
    want = 2 if a["name"].startswith("gso 2") else 4 if a["name"].startswith("gso 4") else 1
    if a["deliverable"] and a["delivered"] < want:
        print("# not delivered without knts: %s (%d)" % (a["name"], a["delivered"]))
        bad += 1
    if not a["deliverable"] and a["delivered"]:
        print("# delivered without knts, not expected: %s" % a["name"])
for b in on["shapes"]:
    if b["violations"]:
        print("# with knts, unverified and delivered: %s (%d)" % (b["name"], b["violations"]))
n = len(off["shapes"])
d = sum(1 for a in off["shapes"] if a["deliverable"])
print("# %s IPv%s: %d shapes, %d deliverable; without knts %d violating "
      "deliveries (+%d of %d mutated), with knts %d (+%d of %d mutated)" % (
      on["role"], on["family"], n, d, off["violations"],
      off.get("mutated_violations", 0), off.get("mutated_sent", 0),
      on["violations"], on.get("mutated_violations", 0), on.get("mutated_sent", 0)))
if on.get("mutated_sent"):
    print("# mutated packets with knts: %d in %.1f s" % (on["mutated_sent"], on["mutated_secs"]))
if on["violations"] or on.get("mutated_violations"):
    print("# first violation: %s %s" % (on["first_violation"], on.get("mutated_first_violation")))
    bad += 1
if on.get("rcvbuf_errors"):
    print("# %d datagrams lost to a full receive buffer: deliveries may be missed" % on["rcvbuf_errors"])
    bad += 1
if off.get("mutated_sent") and not off.get("mutated_violations"):
    print("# the mutated stream delivered nothing hostile without knts")
    bad += 1
sys.exit(1 if bad else 0)
PY
}

# snap: read the counters of $ns once; stat NAME: one of them (0 if absent).
snap() {
	ip netns exec "$ns" "$NTSCTL" --json stats | python3 -c '
import json, sys
for k, v in json.load(sys.stdin)["stats"].items():
    print(k, v)' > "$LAB/stats"
}
stat() { awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$LAB/stats"; }

# mutated_total ROLE: mutated packets sent with knts, both families.
mutated_total() {
	python3 -c 'import json, sys; print(sum(r.get("mutated_sent", 0) for r in json.load(open(sys.argv[1]))))' \
		"$LAB/$1-on.json"
}
stress_count() { # ROLE
	local n
	n=$(mutated_total "$1")
	[ "$STRESS" != 1 ] || [ "$n" -ge 1000000 ]
	ok $? "$1 role: $n mutated packets with knts (stress=$STRESS: >= 10^6)"
}

# --- server role: plain mode 3 under nts-only -------------------------
diff_run server off
check "server role on (nts-only, keys loaded)" sh -c \
	"ip netns exec '$ns' '$NTSCTL' server enable port 123 policy nts-only &&
	 ip netns exec '$ns' '$NTSCTL' load-keys '$LAB/ntskeys'"
diff_run server on
for fam in 4 6; do
	run_show "server role IPv$fam: every deliverable shape delivered without knts, none with it" \
		diff_check server $fam
done
stress_count server
snap
diag "server role counters: bad_exthdr=$(stat bad_exthdr) bad_udp=$(stat bad_udp)" \
	"gso_dropped=$(stat gso_dropped) srv_plain_dropped=$(stat srv_plain_dropped)" \
	"srv_fragment_dropped=$(stat srv_fragment_dropped)"
[ "$(stat bad_exthdr)" -gt 0 ] && [ "$(stat bad_udp)" -gt 0 ] && [ "$(stat gso_dropped)" -gt 0 ]
ok $? "server role: cut-off header chains, bad UDP headers and GSO were dropped and counted"

# NAKs: a bad-cookie request sent to a broadcast address gets none.
req=$(python3 "$SELFTEST_DIR/ntspkt.py" request "$(head -c 100 /dev/urandom | od -An -tx1 | tr -d ' \n')")
snap
nak0=$(stat srv_nak_sent) err0=$(stat srv_error)
ip netns exec "$ns" python3 - "$req" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("10.77.1.1", 0))
s.sendto(bytes.fromhex(sys.argv[1]), ("10.77.1.255", 123))
PY
sleep 0.3
snap
[ "$(stat srv_nak_not_host)" -ge 1 ] && [ "$(stat srv_nak_sent)" -eq "$nak0" ] &&
	[ "$(stat srv_error)" -eq "$err0" ]
ok $? "a request to a broadcast address gets no NAK (srv_nak_not_host=$(stat srv_nak_not_host))"

# One source floods bad cookies past the namespace's NAK budget (set to
# 20 per second for this); another source still gets its NAK.
check "the namespace's NAK rate set to 20 per second" \
	ip netns exec "$ns" "$NTSCTL" server set nak-rate 20
# a fresh one-second window, and counts from here on
sleep 1
snap
src0=$(stat srv_nak_src_limited)
ip netns exec "$ns" python3 - "$req" <<'PY'
import socket, sys
pkt = bytes.fromhex(sys.argv[1])
flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flood.bind(("10.77.0.2", 0))
for _ in range(200):
    flood.sendto(pkt, ("10.77.0.1", 123))
good = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
good.bind(("10.77.1.1", 0))
good.settimeout(3)
good.sendto(pkt, ("10.77.0.1", 123))
try:
    data = good.recv(2048)
except socket.timeout:
    sys.exit("no NAK for the second source")
sys.exit(0 if data[12:16] == b"NTSN" else "not a NAK")
PY
ok $? "after a 200-request flood from one source, another source still gets its NAK"
snap
diag "NAKs: sent $(stat srv_nak_sent), over the source's budget $(stat srv_nak_src_limited)," \
	"over the namespace's $(stat srv_nak_ratelimited)"
[ $(( $(stat srv_nak_src_limited) - src0 )) -ge 150 ]
ok $? "the flooding source was held to its own budget"
check "server role off" ip netns exec "$ns" "$NTSCTL" server disable

# --- client role: a forged mode 4 from the protected server ------------
diff_run client off
check "client associations to 10.77.0.1 and fd77::1" sh -c \
	"ip netns exec '$ns' '$KNTS_ASSOC' set 10.77.0.1 keyfile '$LAB/ntskeys' &&
	 ip netns exec '$ns' '$KNTS_ASSOC' set fd77::1 keyfile '$LAB/ntskeys'"
diff_run client on
for fam in 4 6; do
	run_show "client role IPv$fam: every deliverable shape delivered without knts, none with it" \
		diff_check client $fam
done
stress_count client
snap
diag "client role counters: bad_exthdr=$(stat bad_exthdr) bad_udp=$(stat bad_udp)" \
	"gso_dropped=$(stat gso_dropped) cli_reply_unauth=$(stat cli_reply_unauth)" \
	"cli_reply_fragment=$(stat cli_reply_fragment)"
[ "$(stat bad_exthdr)" -gt 0 ] && [ "$(stat bad_udp)" -gt 0 ] && [ "$(stat gso_dropped)" -gt 0 ] &&
	[ "$(stat cli_reply_unauth)" -gt 0 ]
ok $? "client role: cut-off header chains, bad UDP headers and GSO from the server's port were dropped and counted"
check "associations removed" sh -c \
	"ip netns exec '$ns' '$KNTS_ASSOC' del 10.77.0.1 && ip netns exec '$ns' '$KNTS_ASSOC' del fd77::1"

# --- GRO: bursts the receiving veth aggregates (gro_cases.sh) ----------
gro_lab
run_show "GRO, server role off: every packet of the bursts delivered, merged by GRO" \
	gro_cases server off
check "GRO lab: server role on (nts-only, keys loaded)" sh -c \
	"ip netns exec '$gr' '$NTSCTL' server enable port 123 policy nts-only &&
	 ip netns exec '$gr' '$NTSCTL' load-keys '$LAB/ntskeys'"
run_show "GRO, server role on: no plain request delivered, the merged skbs dropped whole (gso_dropped)" \
	gro_cases server on
ip netns exec "$gr" "$NTSCTL" server disable >/dev/null
run_show "GRO, client role without associations: every reply of the bursts delivered, merged by GRO" \
	gro_cases client off
check "GRO lab: client associations to 10.79.0.1 and fd79::1" sh -c \
	"ip netns exec '$gr' '$KNTS_ASSOC' set 10.79.0.1 keyfile '$LAB/ntskeys' &&
	 ip netns exec '$gr' '$KNTS_ASSOC' set fd79::1 keyfile '$LAB/ntskeys'"
run_show "GRO, client role: no forged reply delivered, the merged skbs dropped whole (gso_dropped)" \
	gro_cases client on

# --- server role: the daemon's reply in page fragments -----------------
robust_lab
check "server role on in a second lab" sh -c \
	"ip netns exec '$srv' '$NTSCTL' server enable port 123 policy nts-only &&
	 ip netns exec '$srv' '$NTSCTL' load-keys '$LAB/ntskeys'"
ip netns exec "$srv" "$TOOLS/ntp_sink" --state "$LAB/sink" --corked 1 > "$LAB/sink.log" 2>&1 &
sink_pid=$!
at_exit "kill $sink_pid"
wait_for 10 test -s "$LAB/sink.log"
run_show "replies sent with MSG_MORE (nonlinear skbs) are signed, IPv4 and IPv6" sh -c \
	"ip netns exec '$cli' '$TOOLS/hostile' --keys '$LAB/ntskeys' --srv-netns '/run/netns/$srv' \
		--sink-state '$LAB/sink' --policy nts-only --src 10.77.0.2 --dst 10.77.0.1 \
		--rounds 1 --case valid &&
	 ip netns exec '$cli' '$TOOLS/hostile' --keys '$LAB/ntskeys' --srv-netns '/run/netns/$srv' \
		--sink-state '$LAB/sink' --policy nts-only --src fd77::2 --dst fd77::1 \
		--rounds 1 --case valid"
kill "$sink_pid"; wait "$sink_pid" 2>/dev/null
check "server role off" ip netns exec "$srv" "$NTSCTL" server disable
check "no WARN/BUG/Oops in the kernel log" dmesg_clean
# Later tests load knts with its default parameters.
knts_unload
ktap_finish
