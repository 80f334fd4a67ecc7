#!/usr/bin/env python3
"""Craft, tamper with and send NTP/NTS packets for the selftests.

  ntspkt.py request COOKIE_HEX [--placeholders N]   print a request (hex)
      whose cookie is COOKIE_HEX; its MAC is random, so it cannot verify
  ntspkt.py flip HEX BIT                            print HEX with one bit flipped
  ntspkt.py send ADDR PORT HEX [--wait S]           send, print the reply (hex)
      exit 0 when a reply came, 1 when none came within --wait seconds
  ntspkt.py nak HEX                                 exit 0 if HEX is an NTS NAK
  ntspkt.py reply plain|nts|nak                     print a forged mode 4 packet:
      plain NTP, NTS-shaped with a random UID and tag, or a NAK for a random UID
  ntspkt.py spoof SRC SPORT DST DPORT HEX           send HEX as UDP from any
      IPv4 source (raw socket): an off-path forger
"""
import os
import socket
import sys


def ef(t, body):
    body += b"\0" * (-len(body) % 4)
    return t.to_bytes(2, "big") + (4 + len(body)).to_bytes(2, "big") + body


def request(cookie, placeholders=0):
    hdr = bytes([0x23, 0, 0, 0x20]) + bytes(36) + os.urandom(8)
    pkt = hdr + ef(0x0104, os.urandom(32)) + ef(0x0204, cookie)
    for _ in range(placeholders):
        pkt += ef(0x0304, bytes(len(cookie)))
    auth = (16).to_bytes(2, "big") + (16).to_bytes(2, "big") + os.urandom(32)
    return pkt + ef(0x0404, auth)


def is_nak(p):
    return (len(p) >= 48 + 36 and p[0] & 7 == 4 and p[1] == 0
            and p[12:16] == b"NTSN" and p[48:50] == b"\x01\x04")


def forge_reply(kind):
    hdr = bytearray([0x24, 2, 0, 0xe7]) + bytes(36) + os.urandom(8)
    if kind == "plain":
        return bytes(hdr)
    uid = ef(0x0104, os.urandom(32))
    if kind == "nak":
        hdr[0], hdr[1], hdr[12:16] = 0xe4, 0, b"NTSN"
        return bytes(hdr) + uid
    ct = os.urandom(16 + 104)
    auth = (16).to_bytes(2, "big") + len(ct).to_bytes(2, "big") + os.urandom(16) + ct
    return bytes(hdr) + uid + ef(0x0404, auth)


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def spoof(src, sport, dst, dport, payload):
    s_ip, d_ip = socket.inet_aton(src), socket.inet_aton(dst)
    udp = bytearray(sport.to_bytes(2, "big") + dport.to_bytes(2, "big") +
                    (8 + len(payload)).to_bytes(2, "big") + bytes(2) + payload)
    c = csum(s_ip + d_ip + bytes([0, 17]) + len(udp).to_bytes(2, "big") + udp)
    udp[6:8] = (c or 0xffff).to_bytes(2, "big")
    ip = bytearray([0x45, 0]) + (20 + len(udp)).to_bytes(2, "big") + bytes(4) + \
        bytes([64, 17, 0, 0]) + s_ip + d_ip
    ip[10:12] = csum(bytes(ip)).to_bytes(2, "big")
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(bytes(ip) + bytes(udp), (dst, 0))


def main(argv):
    cmd = argv[1]
    if cmd == "request":
        n = int(argv[argv.index("--placeholders") + 1]) if "--placeholders" in argv else 0
        print(request(bytes.fromhex(argv[2]), n).hex())
    elif cmd == "flip":
        p = bytearray(bytes.fromhex(argv[2]))
        bit = int(argv[3])
        p[bit // 8] ^= 1 << (bit % 8)
        print(p.hex())
    elif cmd == "send":
        addr, port, data = argv[2], int(argv[3]), bytes.fromhex(argv[4])
        wait = float(argv[argv.index("--wait") + 1]) if "--wait" in argv else 1.0
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(wait)
        s.sendto(data, (addr, port))
        try:
            reply = s.recv(4096)
        except socket.timeout:
            return 1
        print(reply.hex())
    elif cmd == "reply":
        print(forge_reply(argv[2]).hex())
    elif cmd == "spoof":
        spoof(argv[2], int(argv[3]), argv[4], int(argv[5]), bytes.fromhex(argv[6]))
    elif cmd == "nak":
        return 0 if is_nak(bytes.fromhex(argv[2])) else 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
