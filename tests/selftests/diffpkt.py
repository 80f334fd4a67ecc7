#!/usr/bin/env python3
"""Differential hostile harness (selftest 18, issue 13): packet shapes that
the kernel delivers to a UDP socket, sent once without knts and once with
it, counting what reaches the socket.

  diffpkt.py --role server|client --phase off|on [--family 4|6|46]
             [--full] [--mutate N] [--seed S]

Runs inside one namespace whose lo carries 10.77.0.1, 10.77.0.2, fd77::1
and fd77::2. The protected endpoint is 10.77.0.1 / fd77::1, port 123.

  server role: a socket on port 123 plays the daemon; every shape carries a
      plain mode 3 request from .2, which knts under nts-only must never
      let through (a delivery with mode 3, or an empty one, is a violation).
  client role: a socket on .2 port 40123 plays the daemon's client socket;
      every shape carries a plain mode 4 reply from .1 port 123, which knts
      must never let through (a delivery from .1:123 that is not mode 3).

Prints a JSON list, one object per family: per shape, whether the kernel is expected to
deliver it, and how many of its datagrams reached the socket; the number
of violations; for --mutate, the violations among N randomly mutated
copies of the shapes. The caller compares a run without knts (every
deliverable shape delivered, proving it reaches the socket) with a run
with knts (no violation at all).
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

SRV4, CLI4 = "10.77.0.1", "10.77.0.2"
SRV6, CLI6 = "fd77::1", "fd77::2"
NTP_PORT, CLI_PORT, SRC_PORT = 123, 40123, 40124
SOL_UDP, UDP_SEGMENT = 17, 103
NH_HOP, NH_ROUTING, NH_FRAG, NH_DEST, NH_UDP = 0, 43, 44, 60, 17


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Ep:
    def __init__(self, role, v6):
        self.v6 = v6
        srv, cli = (SRV6, CLI6) if v6 else (SRV4, CLI4)
        fam = socket.AF_INET6 if v6 else socket.AF_INET
        if role == "server":
            self.src, self.dst = cli, srv
            self.sport, self.dport, self.mode = SRC_PORT, NTP_PORT, 3
        else:
            self.src, self.dst = srv, cli
            self.sport, self.dport, self.mode = NTP_PORT, CLI_PORT, 4
        self.fam = fam
        self.srcb = socket.inet_pton(fam, self.src)
        self.dstb = socket.inet_pton(fam, self.dst)

    def udp(self, payload, ulen=None, check="ok"):
        """A UDP datagram; ulen overrides the length field."""
        real = 8 + len(payload)
        field = real if ulen is None else ulen
        hdr = struct.pack("!HHHH", self.sport, self.dport, field, 0)
        if check == "zero":
            return hdr + payload
        if self.v6:
            ph = self.srcb + self.dstb + struct.pack("!IxxxB", real, 17)
        else:
            ph = self.srcb + self.dstb + struct.pack("!xBH", 17, real)
        c = csum(ph + hdr + payload) or 0xFFFF
        if check == "bad":
            c ^= 0x5A5A
        return hdr[:6] + struct.pack("!H", c) + payload


def ntp(mode, shape, seg=0):
    """A 48-byte plain NTP packet; the marker names the shape."""
    return (bytes([0x20 | mode, 0, 6, 0xEC]) + bytes(35) + bytes([seg]) +
            b"DIFF" + struct.pack("!I", shape))


def ip4(ep, body, opts=b"", ident=0x4D2, frag=0, mf=False, proto=17):
    opts += b"\0" * (-len(opts) % 4)
    ihl = 5 + len(opts) // 4
    fo = (0x2000 if mf else 0) | (frag // 8)
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) +
                       len(body), ident, fo, 64, proto, 0, ep.srcb,
                       ep.dstb) + opts + body


def ip6(ep, nh, body):
    return struct.pack("!IHBB16s16s", 0x60000000, len(body), nh, 64, ep.srcb,
                       ep.dstb) + body


def opts_hdr(nh, units):
    """Hop-by-hop or destination options of 8 * (units + 1) bytes, filled
    with unknown options the kernel skips (type 0x1e), at most 8 of them
    (the kernel's default limit)."""
    rest = 8 * (units + 1) - 2
    out = bytes([nh, units])
    while rest:
        n = min(rest, 256)
        out += bytes([0x1E, n - 2]) + bytes(n - 2)
        rest -= n
    return out


def rt_hdr(nh, units, rtype=0):
    """A routing header with no segments left: the kernel skips it."""
    return bytes([nh, units, rtype, 0]) + bytes(8 * (units + 1) - 4)


def frag_hdr(nh, off, mf, ident):
    return struct.pack("!BBHI", nh, 0, off | (1 if mf else 0), ident)


def chain(kinds, last):
    """Extension headers (kind, units) ending in next header @last."""
    out = b""
    nhs = [k for k, _ in kinds[1:]] + [last]
    for (k, units), nh in zip(kinds, nhs):
        out += rt_hdr(nh, units) if k == NH_ROUTING else opts_hdr(nh, units)
    return out


def skip_exthdr(data, nh):
    """What ipv6_skip_exthdr() makes of a first fragment's fragmentable
    part: (offset, nexthdr), or None when a header is cut off."""
    off = 0
    while nh in (NH_HOP, NH_ROUTING, NH_DEST, 51, NH_FRAG):
        if off + 2 > len(data):
            return None
        if nh == NH_FRAG:
            if off + 8 > len(data):
                return None
            nh2 = data[off]
            if struct.unpack("!H", data[off + 2:off + 4])[0] & ~7:
                return off, nh2
            off, nh = off + 8, nh2
            continue
        ln = (data[off + 1] + 2) * 4 if nh == 51 else (data[off + 1] + 1) * 8
        nh, off = data[off], off + ln
    return off, nh


class Shapes:
    """Each shape: (name, deliverable, action); action sends it."""

    def __init__(self, role, v6, full, phase):
        self.ep = Ep(role, v6)
        self.role, self.v6, self.full = role, v6, full
        self.list = []
        # Fragment IDs of their own per phase: a fragment left in a
        # reassembly queue (60 s) by the run without knts must not
        # complete a datagram of the run with knts.
        self.ident = random.randrange(1, 1 << 14) | (
            0x8000 if phase == "on" else 0)

    def add(self, name, deliverable, pkts=None, local=None):
        self.list.append((name, deliverable, pkts, local))

    def next_id(self):
        self.ident += 1
        return self.ident

    def payload(self, i, seg=0):
        return ntp(self.ep.mode, i, seg)

    def build(self):
        if self.v6:
            self.build6()
        else:
            self.build4()
        self.add("local-socket (checksum partial)", True,
                 local=("plain", 1))
        self.add("gso 2 segments, unprivileged", True, local=("gso", 2))
        self.add("gso 4 segments, unprivileged", True, local=("gso", 4))
        return self.list

    def nxt(self):
        return len(self.list)

    # IPv4 -------------------------------------------------------------
    def build4(self):
        ep = self.ep
        lsrr = lambda t, ptr, addr: bytes([t, 7, ptr]) + addr
        opts = [
            ("nop", b"\x01" * 4),
            ("record route", bytes([7, 11, 4]) + bytes(8)),
            ("record route, 39 bytes", bytes([7, 39, 4]) + bytes(36)),
            ("timestamp", bytes([68, 12, 5, 0]) + bytes(8)),
            ("lsrr exhausted", lsrr(131, 8, ep.srcb)),
            ("ssrr exhausted", lsrr(137, 8, ep.srcb)),
            ("router alert", bytes([148, 4, 0, 0])),
            ("nops and eol", b"\x01\x01\x01\x00" + bytes(4)),
        ]
        for name, o in opts:
            i = self.nxt()
            self.add("v4 option " + name, True,
                     [ip4(ep, ep.udp(self.payload(i)), o)])
        i = self.nxt()
        self.add("v4 plain", True, [ip4(ep, ep.udp(self.payload(i)))])
        i = self.nxt()
        self.add("v4 udp length short (trailer)", True,
                 [ip4(ep, ep.udp(self.payload(i)) + bytes(16))])
        i = self.nxt()
        self.add("v4 udp length 0", False,
                 [ip4(ep, ep.udp(self.payload(i), ulen=0))])
        i = self.nxt()
        self.add("v4 udp length long", False,
                 [ip4(ep, ep.udp(self.payload(i), ulen=64))])
        i = self.nxt()
        self.add("v4 checksum 0", True,
                 [ip4(ep, ep.udp(self.payload(i), check="zero"))])
        i = self.nxt()
        self.add("v4 checksum bad", False,
                 [ip4(ep, ep.udp(self.payload(i), check="bad"))])
        # Fragments: reassembled before LOCAL_IN, knts sees the datagram.
        for cut in range(8, 56, 8):
            i = self.nxt()
            d = ep.udp(self.payload(i))
            k = self.next_id()
            self.add("v4 fragments split at %d" % cut, True,
                     [ip4(ep, d[:cut], ident=k, mf=True),
                      ip4(ep, d[cut:], ident=k, frag=cut)])
        i = self.nxt()
        d, k = ep.udp(self.payload(i)), self.next_id()
        self.add("v4 fragments of 8, last first", True,
                 [ip4(ep, d[o:o + 8], ident=k, frag=o, mf=o + 8 < len(d))
                  for o in reversed(range(0, len(d), 8))])
        i = self.nxt()
        d, k = ep.udp(self.payload(i)), self.next_id()
        self.add("v4 fragments, overlapping duplicate", True,
                 [ip4(ep, d[:24], ident=k, mf=True),
                  ip4(ep, bytes(8), ident=k, frag=8, mf=True),
                  ip4(ep, d[24:], ident=k, frag=24)])
        i = self.nxt()
        d, k = ep.udp(self.payload(i)), self.next_id()
        self.add("v4 fragments with options", True,
                 [ip4(ep, d[:16], bytes([7, 11, 4]) + bytes(8), ident=k,
                      mf=True),
                  ip4(ep, d[16:], ident=k, frag=16)])

    # IPv6 -------------------------------------------------------------
    def lengths(self):
        return range(256) if self.full else (0, 1, 2, 5, 31, 255)

    def build6(self):
        ep = self.ep
        i = self.nxt()
        self.add("v6 plain", True, [ip6(ep, NH_UDP, ep.udp(self.payload(i)))])
        for kind, name in ((NH_HOP, "hop-by-hop"), (NH_DEST, "dest opts"),
                           (NH_ROUTING, "routing")):
            for units in self.lengths():
                i = self.nxt()
                self.add("v6 %s of %d bytes" % (name, 8 * (units + 1)), True,
                         [ip6(ep, kind, chain([(kind, units)], NH_UDP) +
                              ep.udp(self.payload(i)))])
        chains = [
            [(NH_HOP, 0), (NH_DEST, 0)],
            [(NH_HOP, 1), (NH_ROUTING, 2), (NH_DEST, 0)],
            [(NH_DEST, 0), (NH_DEST, 3)],
            [(NH_DEST, 0), (NH_ROUTING, 0), (NH_DEST, 1)],
            [(NH_HOP, 0), (NH_DEST, 0), (NH_ROUTING, 1), (NH_DEST, 0),
             (NH_DEST, 2)],
        ]
        for c in chains:
            i = self.nxt()
            self.add("v6 chain %s" % "+".join(str(k) for k, _ in c), True,
                     [ip6(ep, c[0][0], chain(c, NH_UDP) +
                          ep.udp(self.payload(i)))])
        i = self.nxt()
        self.add("v6 udp length 0", True,
                 [ip6(ep, NH_UDP, ep.udp(self.payload(i), ulen=0))])
        i = self.nxt()
        self.add("v6 udp length short (trailer)", True,
                 [ip6(ep, NH_UDP, ep.udp(self.payload(i)) + bytes(16))])
        i = self.nxt()
        self.add("v6 udp length long", False,
                 [ip6(ep, NH_UDP, ep.udp(self.payload(i), ulen=64))])
        i = self.nxt()
        self.add("v6 checksum 0", False,
                 [ip6(ep, NH_UDP, ep.udp(self.payload(i), check="zero"))])
        i = self.nxt()
        self.add("v6 checksum bad", False,
                 [ip6(ep, NH_UDP, ep.udp(self.payload(i), check="bad"))])
        i = self.nxt()
        k = self.next_id()
        self.add("v6 atomic fragment", True,
                 [ip6(ep, NH_FRAG, frag_hdr(NH_UDP, 0, False, k) +
                      ep.udp(self.payload(i)))])
        # Fragments split at every 8-byte boundary of a fragmentable
        # part holding extension headers, before and after the fragment
        # header; the kernel's RFC 7112 check decides deliverability.
        fchains = [([], []), ([], [(NH_DEST, 0)]),
                   ([], [(NH_DEST, 0), (NH_DEST, 0)]),
                   ([(NH_HOP, 0)], [(NH_DEST, 1)]),
                   ([(NH_HOP, 0), (NH_ROUTING, 0)], [(NH_DEST, 0),
                                                     (NH_DEST, 0)])]
        for unfrag, fragable in fchains:
            self.frag6(unfrag, fragable)
        i = self.nxt()
        d, k = ep.udp(self.payload(i)), self.next_id()
        self.add("v6 fragments, overlapping duplicate", True,
                 [ip6(ep, NH_FRAG, frag_hdr(NH_UDP, 0, True, k) + d[:24]),
                  ip6(ep, NH_FRAG, frag_hdr(NH_UDP, 8, True, k) + bytes(8)),
                  ip6(ep, NH_FRAG, frag_hdr(NH_UDP, 24, False, k) + d[24:])])
        i = self.nxt()
        d, k = ep.udp(self.payload(i)), self.next_id()
        self.add("v6 fragments of 8, last first", True,
                 [ip6(ep, NH_FRAG, frag_hdr(NH_UDP, o, o + 8 < len(d), k) +
                      d[o:o + 8]) for o in reversed(range(0, len(d), 8))])

    def frag6(self, unfrag, fragable):
        ep = self.ep
        first_nh = fragable[0][0] if fragable else NH_UDP
        i0 = self.nxt()
        body0 = chain(fragable, NH_UDP) if fragable else b""
        total = len(body0) + 8 + 48
        for cut in range(8, total, 8):
            i = self.nxt()
            body = body0 + ep.udp(self.payload(i))
            k = self.next_id()
            pre = chain(unfrag, NH_FRAG) if unfrag else b""
            nh0 = unfrag[0][0] if unfrag else NH_FRAG
            first = body[:cut]
            r = skip_exthdr(first, first_nh)
            ok = r is None or (r[1] == NH_UDP and r[0] + 8 <= len(first))
            name = "v6 fragments %s|frag|%s split at %d" % (
                "+".join(str(k2) for k2, _ in unfrag) or "-",
                "+".join(str(k2) for k2, _ in fragable) or "-", cut)
            self.add(name, ok,
                     [ip6(ep, nh0, pre + frag_hdr(first_nh, 0, True, k) +
                          first),
                      ip6(ep, nh0, pre + frag_hdr(first_nh, cut, False, k) +
                          body[cut:])])
        del i0


class Harness:
    def __init__(self, role, v6):
        self.role, self.v6 = role, v6
        self.ep = Ep(role, v6)
        fam = self.ep.fam
        self.raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        self.rx = socket.socket(fam, socket.SOCK_DGRAM)
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
        if v6:
            self.rx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if role == "server":
            self.rx.bind(("::" if v6 else "0.0.0.0", NTP_PORT))
        else:
            self.rx.bind((self.ep.dst, CLI_PORT))
        self.rx.setblocking(False)
        self.got = {}
        self.bad = {}
        self.violations = 0
        self.first_violation = None

    def violating(self, data, src):
        if self.role == "server":
            return not data or data[0] & 7 == 3
        if src[0] != self.ep.src or src[1] != NTP_PORT:
            return False
        return not data or data[0] & 7 != 3

    def drain(self, wait=0.0):
        end = time.monotonic() + wait
        while True:
            try:
                data, src = self.rx.recvfrom(65536)
            except BlockingIOError:
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.rx], [], [], left)[0]:
                    return
                continue
            shape = None
            if len(data) >= 48 and data[40:44] == b"DIFF":
                shape = struct.unpack("!I", data[44:48])[0]
                self.got[shape] = self.got.get(shape, 0) + 1
            if self.violating(data, src):
                self.violations += 1
                self.bad[shape] = self.bad.get(shape, 0) + 1
                if self.first_violation is None:
                    self.first_violation = data[:48].hex()

    def send_raw(self, pkt):
        try:
            self.raw.sendto(pkt, (self.ep.dst, 0))
            return True
        except OSError:
            return False

    def send_local(self, kind, n, shape):
        """From an ordinary UDP socket: CHECKSUM_PARTIAL on lo, and GSO
        (UDP_SEGMENT) from an unprivileged user (uid 65534)."""
        ep = self.ep
        if kind == "plain":
            s = socket.socket(ep.fam, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((ep.src, ep.sport))
            s.sendto(ntp(ep.mode, shape), (ep.dst, ep.dport))
            s.close()
            return
        # Segment 0 is what a lone-packet parser would judge by: the
        # mode knts lets through in this role; the rest are what it
        # must stop.
        first = 1 if self.role == "server" else 3
        data = ntp(first, shape, 0) + b"".join(
            ntp(ep.mode, shape, j) for j in range(1, n))
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(ep.fam, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((ep.src, ep.sport))
                s.setsockopt(SOL_UDP, UDP_SEGMENT, 48)
                s.sendto(data, (ep.dst, ep.dport))
                os._exit(0)
            except BaseException as e:
                print("gso sender: %s" % e, file=sys.stderr)
                os._exit(1)
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]):
            raise SystemExit("the unprivileged GSO sender failed")

    def run_shapes(self, shapes):
        out = []
        for idx, (name, deliverable, pkts, local) in enumerate(shapes):
            sent = True
            if local:
                self.send_local(local[0], local[1], idx)
            else:
                sent = all([self.send_raw(p) for p in pkts])
            self.drain(0.05 if local else 0.0)
            out.append({"shape": idx, "name": name,
                        "deliverable": deliverable, "sent": sent})
        self.drain(0.3)
        for o in out:
            o["delivered"] = self.got.get(o["shape"], 0)
            o["violations"] = self.bad.get(o["shape"], 0)
        return out

    def mutate(self, shapes, n, rng):
        """n packets: copies of the raw shapes with 1-4 random changes
        (bytes anywhere in the first 120, truncation, a trailer, one
        fragment dropped or sent twice, order reversed)."""
        base = [s for s in shapes if s[2]]
        sent = 0
        while sent < n:
            pkts = [bytearray(p) for p in rng.choice(base)[2]]
            for _ in range(rng.randint(1, 4)):
                p = rng.choice(pkts)
                r = rng.random()
                if len(p) < 22:
                    p += bytes(rng.randrange(1, 24))
                elif r < 0.6:
                    p[rng.randrange(min(len(p), 120))] = rng.randrange(256)
                elif r < 0.7:
                    del p[rng.randrange(20, len(p)):]
                elif r < 0.8:
                    p += bytes(rng.randrange(1, 24))
                elif r < 0.9 and len(pkts) > 1:
                    pkts.pop(rng.randrange(len(pkts)))
                elif len(pkts) > 1:
                    pkts.reverse()
                else:
                    p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
            for p in pkts:
                self.send_raw(bytes(p))
                sent += 1
            # Delivery on lo happens within sendto(); the receive buffer
            # (16 MiB) holds what arrives between two looks.
            if sent & 31 < len(pkts):
                self.drain()
        self.drain(0.5)
        return sent


def rcvbuf_errors():
    """Datagrams this namespace dropped for a full receive buffer: a
    delivery the harness could have missed."""
    n = 0
    lines = open("/proc/net/snmp").read().splitlines()
    for k, v in zip(lines, lines[1:]):
        if k.startswith("Udp:") and v.startswith("Udp:"):
            n += int(v.split()[k.split().index("RcvbufErrors")])
    for line in open("/proc/net/snmp6"):
        if line.startswith("Udp6RcvbufErrors"):
            n += int(line.split()[1])
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--role", choices=("server", "client"), required=True)
    ap.add_argument("--family", default="46")
    ap.add_argument("--phase", choices=("off", "on"), required=True)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--mutate", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    runs = []
    rcvbuf0 = rcvbuf_errors()
    for fam in a.family:
        random.seed(a.seed)
        v6 = fam == "6"
        h = Harness(a.role, v6)
        shapes = Shapes(a.role, v6, a.full, a.phase).build()
        res = {"role": a.role, "family": fam,
               "shapes": h.run_shapes(shapes)}
        res["violations"] = h.violations
        res["first_violation"] = h.first_violation
        if a.mutate:
            h.violations, h.first_violation = 0, None
            t0 = time.monotonic()
            res["mutated_sent"] = h.mutate(shapes, a.mutate,
                                           random.Random(a.seed))
            res["mutated_secs"] = round(time.monotonic() - t0, 1)
            res["mutated_violations"] = h.violations
            res["mutated_first_violation"] = h.first_violation
        res["rcvbuf_errors"] = rcvbuf_errors() - rcvbuf0
        runs.append(res)
    json.dump(runs, sys.stdout)
    print()


if __name__ == "__main__":
    main()
