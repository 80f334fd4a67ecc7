#!/bin/bash
# The server role and the shape of the daemon's reply skb at LOCAL_OUT
# (architecture-anchors 6.6), and how it grows: into the tailroom UDP's
# small head left, else a page fragment, never a reallocated head
# (debugfs skb_grow, the module-debug build). With TX checksum offload on the veth a UDP
# reply arrives CHECKSUM_PARTIAL, with it off the stack has already summed
# it; knts re-sums in software either way, so every signed reply must
# verify at the client. A UDP GSO reply (UDP_SEGMENT; no NTP daemon sends
# one) is refused: dropped and counted, never sent half-signed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nts_lab.sh"

LOAD=$PROJECT/build/ntsload
[ -e "$KNTS_KO" ] || skip_all "$KNTS_KO not built (make module-debug)"
[ -x "$NTSKD" ] || skip_all "build/ntskd not built"
[ -x "$LOAD" ] || skip_all "build/ntsload not built"
command -v chronyd >/dev/null || skip_all "chrony not installed"
command -v ethtool >/dev/null || skip_all "ethtool not installed (make deps)"

ktap_plan 12
knts_load
new_netns srv && new_netns cli
veth_pair "$srv" "$cli"
addr_add "$srv" kv0 10.77.0.1/24; addr_add "$srv" kv0 fd77::1/64
addr_add "$cli" kv1 10.77.0.2/24; addr_add "$cli" kv1 fd77::2/64
make_pki knts-test 10.77.0.1 fd77::1
chronyd_start "$srv" plain "bindaddress 10.77.0.1" "bindaddress fd77::1" \
	"port 123" "allow" "local stratum 10"
ntskd_start "$srv" kd "ke-listen 10.77.0.1" "ke-listen fd77::1" \
	"cert $LAB/pki/server.crt" "key $LAB/pki/server.key" "keyfile $LAB/kd/ntskeys" \
	"ke-rate-limit off"	# ntsload's pool runs NTS-KE from one address

# load KE-ADDR: 100 NTS requests through ntskd's keys; $out holds the JSON.
load() {
	out=$(ip netns exec "$cli" "$LOAD" --ke "$1" --ca "$LAB/pki/ca.crt" \
		--rate 100 --duration 1 --pool 128 --drain 3000 --json 2>"$LAB/err")
	[ -s "$LAB/err" ] && diag "$(cat "$LAB/err")"
	return 0
}
js() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if ($1) else 1)" "$out"; }
all_valid() { js 'd["sent"] >= 50 and d["valid"] == d["sent"] and d["invalid"] == 0 and d["naks"] == 0'; }
txcsum() { ip netns exec "$srv" ethtool -k kv0 | awk '/^tx-checksumming:/ { print $2 }'; }

[ "$(txcsum)" = on ]
ok $? "veth TX checksum offload is on: replies reach LOCAL_OUT as CHECKSUM_PARTIAL"
signed0=$(knts_stat_text "$srv" srv_reply_signed)
# AES-SIV operations per backend and knts's FPU sections (debugfs, the
# module-debug build): which backend the packets really took.
siv_ops() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/knts/siv_ops; }
ni0=$(siv_ops aesni); lib0=$(siv_ops lib); sec0=$(siv_ops fpu_sections)
grow() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/knts/skb_grow; }
tail0=$(grow tailroom); frag0=$(grow frag); re0=$(grow realloc)
load 10.77.0.1; all_valid
ok $? "offload on, IPv4: every signed reply verifies at the client"
tail=$(( $(grow tailroom) - tail0 )); frag=$(( $(grow frag) - frag0 ))
re=$(( $(grow realloc) - re0 ))
n=$(( $(knts_stat_text "$srv" srv_reply_signed) - signed0 ))
diag "$n replies grown: $tail in the tailroom, $frag in a page fragment, $re by reallocation"
[ "$n" -ge 50 ] && [ "$re" -eq 0 ] && [ $((tail + frag)) -eq "$n" ]
ok $? "every reply grew in place or into a page fragment: no skb head reallocated"
ni=$(( $(siv_ops aesni) - ni0 )); lib=$(( $(siv_ops lib) - lib0 ))
sec=$(( $(siv_ops fpu_sections) - sec0 ))
n=$(( $(knts_stat_text "$srv" srv_reply_signed) - signed0 ))
diag "$n replies: $ni AES-SIV operations on aesni, $lib on lib, $sec FPU sections"
if grep -qw aes /proc/cpuinfo && [ "$(uname -m)" = x86_64 ]; then
	# cookie open + request MAC + cookie seal, then the reply seal
	[ "$n" -ge 50 ] && [ "$ni" -ge $((4 * n)) ] && [ "$lib" -le $((n / 20)) ]
	ok $? "the packets ran on knts's AES-NI core (4 operations per request, lib only as a rare fallback)"
	# one section per leg: 2 per request, where 4 operations need 4 alone
	[ "$sec" -ge $((2 * n)) ] && [ "$sec" -le $((2 * n + n / 10)) ]
	ok $? "one FPU section per packet leg: 2 per request for 4 operations"
else
	skip "the packets ran on knts's AES-NI core" "no AES-NI"
	skip "one FPU section per packet leg" "no AES-NI"
fi
load '[fd77::1]'; all_valid
ok $? "offload on, IPv6: every signed reply verifies at the client"

ip netns exec "$srv" ethtool -K kv0 tx off >/dev/null 2>&1
[ "$(txcsum)" = off ]
ok $? "veth TX checksum offload switched off"
# And without scatter-gather (a NIC that has none; qemu's virtio-net on
# its user-mode network): a paged reply would be linearized before it is
# sent, a head copy anyway, so knts grows the head at once.
ip netns exec "$srv" ethtool -K kv0 sg off >/dev/null 2>&1
sg=$(ip netns exec "$srv" ethtool -k kv0 | awk '/^scatter-gather:/ { print $2 }')
tail0=$(grow tailroom); frag0=$(grow frag); re0=$(grow realloc)
signed2=$(knts_stat_text "$srv" srv_reply_signed)
load 10.77.0.1; v4=$?; all_valid; v4=$?
load '[fd77::1]'; all_valid
ok $((v4 | $?)) "offload and scatter-gather off, IPv4 and IPv6: every signed reply verifies"
n=$(( $(knts_stat_text "$srv" srv_reply_signed) - signed2 ))
tail=$(( $(grow tailroom) - tail0 )); frag=$(( $(grow frag) - frag0 ))
re=$(( $(grow realloc) - re0 ))
diag "scatter-gather $sg: $n replies grown: $tail in the tailroom, $frag in a page fragment, $re by reallocation"
[ "$sg" = off ] && [ "$n" -ge 100 ] && [ "$frag" -eq 0 ] && [ $((tail + re)) -eq "$n" ]
ok $? "no scatter-gather on the route's device: no page fragment, the head grown instead"
signed1=$(knts_stat_text "$srv" srv_reply_signed)
diag "replies signed: $((signed1 - signed0))"

# A stand-in daemon that answers with UDP_SEGMENT: a 48-byte reply with a
# 16-byte segment size is a GSO skb of three segments at LOCAL_OUT.
ip netns exec "$srv" ethtool -K kv0 tx on sg on >/dev/null 2>&1
chronyd_stop plain
cat > "$LAB/gso.py" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.1", 123))
s.settimeout(20)
n = 0
while n < int(sys.argv[1]):
    try:
        req, peer = s.recvfrom(2048)
    except socket.timeout:
        break
    rep = bytearray(48)
    rep[0] = 0x24                      # LI 0, VN 4, mode 4
    rep[1] = 2
    rep[24:32] = req[40:48]            # origin = the request's transmit
    rep[40:48] = req[40:48]
    try:
        s.sendmsg([bytes(rep)], [(socket.SOL_UDP, 103, struct.pack("H", 16))], 0, peer)
    except PermissionError:
        pass                           # NF_DROP at LOCAL_OUT shows as EPERM
    n += 1
print(n)
EOF
ip netns exec "$srv" python3 "$LAB/gso.py" 50 > "$LAB/gso.out" 2>&1 &
gso=$!
at_exit "kill $gso 2>/dev/null"
wait_for 20 sh -c "ip netns exec $srv ss -Hlun 'sport = :123' | grep -q ."
dropped0=$(knts_stat_text "$srv" srv_reply_dropped)
out=$(ip netns exec "$cli" "$LOAD" --ke 10.77.0.1 --ca "$LAB/pki/ca.crt" \
	--rate 50 --duration 1 --pool 64 --drain 2000 --json 2>"$LAB/err")
wait "$gso"
answered=$(cat "$LAB/gso.out")
dropped=$(( $(knts_stat_text "$srv" srv_reply_dropped) - dropped0 ))
diag "GSO stand-in answered $answered requests; knts dropped $dropped replies"
[ "$answered" -ge 40 ] && [ "$dropped" -eq "$answered" ] 2>/dev/null
ok $? "UDP GSO replies to verified requests are dropped and counted (srv_reply_dropped)"
js 'd["valid"] == 0 and d["invalid"] == 0'
ok $? "... and none reaches the client, signed or unsigned"

check "kernel log: no WARN, BUG or Oops" dmesg_clean
ktap_finish
