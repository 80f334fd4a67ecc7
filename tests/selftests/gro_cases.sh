#!/bin/bash
# GRO cases of the differential harness (18-differential.sh; issue 13,
# "GSO datagrams ... and GRO"). Source after lib.sh, nts_lab.sh and
# robust_lib.sh; gro_cases ROLE runs them for one role.
#
# How the kernel is made to aggregate: in gs a sender (gro.py) sends each
# burst of 8 plain NTP packets as one UDP_SEGMENT send (the first of a
# mode knts lets through, mode 1 to the server, mode 3 from the server:
# judged by its first datagram a merged skb would pass whole); with GSO off on
# its veth (gv0: tso, tx-udp-segmentation) the kernel cuts it into 8
# packets before the veth, which queues them to its peer back to back,
# as a NIC's ring holds a burst from the wire. The peer gv1, in gr, has
# GRO on (so veth polls it with NAPI), and either
#   udp-gro:  the receiving socket asks for GRO'd datagrams (UDP_GRO):
#             the 8 packets reach LOCAL_IN as one SKB_GSO_UDP_L4 skb
#             and, without knts, the socket as one datagram whose cmsg
#             says "48-byte segments" (the proof that GRO merged them);
#   fraglist: rx-gro-list on, a plain socket: they reach LOCAL_IN as one
#             SKB_GSO_FRAGLIST skb, which udp_rcv() splits for it.
# A lone sendto() per packet is never merged on the 6.1 kernel: each one
# is polled by its own softirq before the next is sent.
# The role is off (server) or has no association (client): every packet
# must reach the socket. Then it is on: no packet of the forbidden mode
# may (plain mode 3 to the server, plain mode 4 from the server), and
# gso_dropped must rise (the merged skbs reached knts whole and were
# dropped whole).
# Server role: mode 3 from 10.79.0.1/fd79::1 port 40000 to port 123 of
# 10.79.0.2/fd79::2. Client role: mode 4 from the protected server
# 10.79.0.1/fd79::1 port 123 to port 5123.

GRO_BURSTS=10 GRO_N=8

gro_lab() {
	new_netns gs && new_netns gr
	ip link add gv0 netns "$gs" type veth peer name gv1 netns "$gr" &&
		ip -n "$gs" link set gv0 up && ip -n "$gr" link set gv1 up
	addr_add "$gs" gv0 10.79.0.1/24; addr_add "$gs" gv0 fd79::1/64
	addr_add "$gr" gv1 10.79.0.2/24; addr_add "$gr" gv1 fd79::2/64
	ip netns exec "$gs" ethtool -K gv0 tso off tx-udp-segmentation off >/dev/null
	# GRO switched on while the link is up: veth then polls with NAPI
	ip netns exec "$gr" ethtool -K gv1 gro off >/dev/null
	ip netns exec "$gr" ethtool -K gv1 gro on >/dev/null
	ip netns exec "$gs" sysctl -qw net.ipv4.ip_unprivileged_port_start=0
}

gro_stat() { knts_ctr "$gr" "$1"; }

# gro_burst ROLE VARIANT FAMILY: send the bursts, print what the receiver got.
gro_burst() {
	local role=$1 variant=$2 src=10.79.0.1 dst=10.79.0.2 sport=40000 dport=123 first=1 mode=3
	local sock=plain
	[ "$3" = 6 ] && src=fd79::1 dst=fd79::2
	[ "$role" = client ] && sport=123 dport=5123 first=3 mode=4
	[ "$variant" = udp-gro ] && sock=udp-gro
	rm -f "$LAB/gro.ready" "$LAB/gro.done"
	ip netns exec "$gr" python3 "$SELFTEST_DIR/gro.py" recv "$dst" "$dport" \
		"$LAB/gro.ready" "$LAB/gro.done" "$sock" "$mode" > "$LAB/gro.out" &
	local rx=$!
	wait_for 60 test -e "$LAB/gro.ready"
	ip netns exec "$gs" python3 "$SELFTEST_DIR/gro.py" send "$src" "$sport" "$dst" \
		"$dport" "$first" "$mode" "$GRO_BURSTS" "$GRO_N"
	touch "$LAB/gro.done"
	wait "$rx"
	cat "$LAB/gro.out"
}

# gro_field OUTPUT NAME: one number of gro.py recv's line
gro_field() { sed -n "s/.*$2 \([0-9]*\).*/\1/p" <<<"$1"; }

# gro_cases ROLE off|on: every variant and family once.
gro_cases() {
	local role=$1 phase=$2 variant fam out d m v g0 g1 bad=0 sent=$((GRO_BURSTS * GRO_N))
	for variant in udp-gro fraglist; do
		if [ "$variant" = fraglist ]; then
			ip netns exec "$gr" ethtool -K gv1 rx-gro-list on >/dev/null
		else
			ip netns exec "$gr" ethtool -K gv1 rx-gro-list off >/dev/null
		fi
		for fam in 4 6; do
			g0=$(gro_stat gso_dropped)
			out=$(gro_burst "$role" "$variant" "$fam")
			d=$(gro_field "$out" datagrams) m=$(gro_field "$out" merged)
			v=$(gro_field "$out" bad)
			g1=$(gro_stat gso_dropped)
			echo "# $role role, knts $phase, $variant, IPv$fam: $sent sent; $out; gso_dropped +$((g1 - g0))"
			if [ "$phase" = off ]; then
				# deliverable, and (where the socket can tell) merged
				[ "${d:-0}" -eq "$sent" ] && [ "${v:-0}" -eq $((sent - GRO_BURSTS)) ] || bad=1
				[ "$variant" = fraglist ] || [ "${m:-0}" -ge 1 ] || bad=1
			else
				[ "${v:-1}" -eq 0 ] && [ "$((g1 - g0))" -ge 1 ] || bad=1
			fi
		done
	done
	ip netns exec "$gr" ethtool -K gv1 rx-gro-list off >/dev/null
	return "$bad"
}
