#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bursts of plain NTP that the receiving veth's GRO aggregates (18).

  gro.py send SRC SPORT DST DPORT FIRST MODE BURSTS N
      BURSTS bursts of N plain 48-byte NTP packets, the first of mode
      FIRST (one knts lets through in the role: a parser that judged a
      merged skb by its first datagram would pass all of them), the others
      of MODE (3: requests, 4: replies), each burst one sendto() with
      UDP_SEGMENT: with GSO off
      on the sending veth the kernel cuts it into N packets before the
      veth, which hands them to its peer back to back, as a NIC's ring
      holds a burst from the wire; the peer's GRO may merge them again.
  gro.py recv ADDR PORT READY DONE plain|udp-gro BAD
      create the file READY once bound, then count what reaches
      ADDR:PORT until the file DONE exists and 1 s more (the sender may
      take seconds to start on a loaded TCG host); with udp-gro the socket asks for GRO'd
      datagrams whole (UDP_GRO) and reads their segment size from the
      cmsg. Prints "datagrams D recvs R merged M max_segs S": segments
      received, recvmsg() calls, calls that returned more than one
      segment (the kernel merged them), the most segments in one; then
      "bad B": segments of mode BAD (what knts must never deliver).
"""
import os
import select
import socket
import struct
import sys
import time

SOL_UDP, UDP_SEGMENT, UDP_GRO = 17, 103, 104


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def ntp(mode, i):
    # LI 0, VN 4; a transmit timestamp that tells the packets apart
    return bytes([0x20 | mode]) + bytes(39) + struct.pack("!II", 0x47524f00, i)


def send(src, sport, dst, dport, first, mode, bursts, n):
    s = socket.socket(fam(src), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.setsockopt(SOL_UDP, UDP_SEGMENT, 48)
    for b in range(bursts):
        s.sendto(b"".join(ntp(first if j == 0 else mode, b * n + j)
                          for j in range(n)), (dst, dport))
        time.sleep(0.02)


def recv(addr, port, ready, done, udp_gro, bad):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    if udp_gro:
        s.setsockopt(SOL_UDP, UDP_GRO, 1)
    s.bind((addr, port))
    open(ready, "w").close()
    out = {"datagrams": 0, "recvs": 0, "merged": 0, "max_segs": 0, "bad": 0}
    end = None
    while True:
        if end is None and os.path.exists(done):
            end = time.monotonic() + 1.0
        if end is not None and time.monotonic() >= end:
            break
        if not select.select([s], [], [], 0.2)[0]:
            continue
        data, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(4))
        seg = len(data)
        for level, kind, val in anc:
            if level == SOL_UDP and kind == UDP_GRO:
                seg = struct.unpack("i", val[:4])[0]
        seg = seg or len(data) or 1
        segs = max(1, -(-len(data) // seg))
        out["bad"] += sum(1 for i in range(0, len(data), seg)
                          if data[i] & 7 == bad)
        out["recvs"] += 1
        out["datagrams"] += segs
        out["merged"] += segs > 1
        out["max_segs"] = max(out["max_segs"], segs)
    print(" ".join("%s %d" % kv for kv in out.items()), flush=True)


def main():
    a = sys.argv[1:]
    if a and a[0] == "send" and len(a) == 9:
        send(a[1], int(a[2]), a[3], int(a[4]), *map(int, a[5:9]))
    elif a and a[0] == "recv" and len(a) == 7:
        recv(a[1], int(a[2]), a[3], a[4], a[5] == "udp-gro", int(a[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
