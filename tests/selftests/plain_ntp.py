#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plain NTP for the fail-closed selftests (18): no NTS anywhere.

  plain_ntp.py serve ADDR COUNTFILE
      answer every request to ADDR port 123 with a plain 48-byte mode 4
      reply (origin = the request's transmit); COUNTFILE always holds
      "plain N nts M": requests received of 48 bytes, and longer ones.
  plain_ntp.py ask ADDR[%IF] N [PORT]
      send N bare NTPv4 requests, 50 ms apart, from one socket; print
      "sent S refused R answered A" (refused: the kernel said EPERM, which
      is what a netfilter drop at LOCAL_OUT gives the sender).
  plain_ntp.py flood ADDR N
      send N bare requests as fast as it can, reading nothing; print
      "sent S refused R".
  plain_ntp.py spray SRC DST DPORT N
      send N plain mode 4 packets from SRC port 123 to DST:DPORT.
  plain_ntp.py listen ADDR PORT SECS
      count what reaches ADDR:PORT during SECS; print "got N".
"""
import errno
import os
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def sockaddr(addr, port):
    if "%" in addr:
        host, ifname = addr.split("%", 1)
        return (host, port, 0, socket.if_nametoindex(ifname))
    return (addr, port)


def request():
    # LI 0, VN 4, mode 3; a random transmit timestamp to match replies by.
    return bytes([0x23]) + bytes(39) + os.urandom(8)


def reply_to(req):
    return bytes([0x24, 2]) + bytes(22) + req[40:48] + bytes(8) + \
        struct.pack("!Q", int(time.time()) << 32)


def serve(addr, countfile):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(sockaddr(addr, 123))
    plain = nts = 0

    def save():
        with open(countfile + ".tmp", "w") as f:
            f.write("plain %d nts %d\n" % (plain, nts))
        os.rename(countfile + ".tmp", countfile)
    save()
    while True:
        data, peer = s.recvfrom(2048)
        if len(data) < 48 or data[0] & 7 != 3:
            continue
        if len(data) == 48:
            plain += 1
        else:
            nts += 1
        save()
        s.sendto(reply_to(data), peer)


def ask(addr, n, port=123):
    s = socket.socket(family(addr.split("%")[0]), socket.SOCK_DGRAM)
    s.settimeout(0.05)
    sent = refused = answered = 0
    tx = set()
    for _ in range(n):
        req = request()
        try:
            s.sendto(req, sockaddr(addr, port))
            sent += 1
            tx.add(req[40:48])
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
            refused += 1
        try:
            while True:
                data = s.recv(2048)
                if len(data) >= 48 and data[24:32] in tx:
                    answered += 1
        except (socket.timeout, BlockingIOError):
            pass
    print("sent %d refused %d answered %d" % (sent, refused, answered))


def flood(addr, n):
    s = socket.socket(family(addr.split("%")[0]), socket.SOCK_DGRAM)
    sent = refused = 0
    for _ in range(n):
        try:
            s.sendto(request(), sockaddr(addr, 123))
            sent += 1
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
            refused += 1
    print("sent %d refused %d" % (sent, refused))


def spray(src, dst, dport, n):
    s = socket.socket(family(src), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(sockaddr(src, 123))
    for _ in range(n):
        s.sendto(reply_to(request()), sockaddr(dst, dport))
        time.sleep(0.01)


def listen(addr, port, secs):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind(sockaddr(addr, port))
    s.settimeout(0.2)
    got = 0
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            s.recv(2048)
            got += 1
        except socket.timeout:
            pass
    print("got %d" % got)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(args[0], args[1])
    elif cmd == "ask":
        ask(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 123)
    elif cmd == "flood":
        flood(args[0], int(args[1]))
    elif cmd == "spray":
        spray(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "listen":
        listen(args[0], int(args[1]), float(args[2]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
