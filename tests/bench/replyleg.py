# SPDX-License-Identifier: GPL-2.0
"""The reply leg of an NTP server, as the NIC sees it (make bench-icount,
make bench-timing): from the transmit timestamp the server wrote into a
reply to the moment the reply reached the NIC, taken from the kernel's
timestamp of an AF_PACKET tap (CLOCK_REALTIME, the server's own clock).
knts signs a reply at LOCAL_OUT, after the daemon took that timestamp, so
its signing lands in this leg; chronyd's and NTPsec's own NTS sign there
too. IPv4 replies from port 123 only.
"""
import ctypes
import os
import socket
import struct
import threading

CLONE_NEWNET = 0x40000000


def setns(fd):
    # os.setns() is Python 3.12; Debian 12 has 3.11
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), 'setns')


def in_netns(name, fn):
    """fn() with this thread in network namespace name (sockets keep it)"""
    here = os.open('/proc/self/ns/net', os.O_RDONLY)
    there = os.open('/run/netns/' + name, os.O_RDONLY)
    try:
        setns(there)
        return fn()
    finally:
        setns(here)
        os.close(here)
        os.close(there)


NTP_UNIX = 2208988800	# 1900 to 1970
ETH_P_ALL = 3
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35


def reply_leg_ns(data, ts):
    """ts (the tap's CLOCK_REALTIME ns) minus the transmit timestamp of
    an outgoing IPv4 NTP reply from port 123, else None"""
    if len(data) < 14 + 20 + 8 + 48 or data[12:14] != b'\x08\x00':
        return None
    ihl = (data[14] & 15) * 4
    if data[23] != 17 or len(data) < 14 + ihl + 8 + 48:
        return None
    udp = 14 + ihl
    if struct.unpack('!H', data[udp:udp + 2])[0] != 123:
        return None
    sec, frac = struct.unpack('!II', data[udp + 8 + 40:udp + 8 + 48])
    return ts - ((sec - NTP_UNIX) * 10**9 + ((frac * 10**9) >> 32))


class Capture:
    """The server's NTP replies as the NIC sends them (AF_PACKET, kernel
    timestamps taken at the tap): their reply leg"""

    def __init__(self, netns, nic):
        self.sock = in_netns(netns, lambda: socket.socket(
            socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL)))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind((nic, ETH_P_ALL))
        self.sock.settimeout(0.2)
        self.legs = []
        self.outgoing = 0
        self.running = True
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while self.running:
            try:
                data, anc, _, addr = self.sock.recvmsg(2048, 64)
            except socket.timeout:
                continue
            if addr[2] != PACKET_OUTGOING:
                continue
            self.outgoing += 1
            for lvl, typ, d in anc:
                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack('qq', d[:16])
                    leg = reply_leg_ns(data, sec * 10**9 + nsec)
                    if leg is not None:
                        self.legs.append(leg)

    def stop(self):
        self.running = False
        self.t.join()
        self.sock.close()
        v = sorted(self.legs)
        if not v:
            raise RuntimeError('no NTP reply seen at the NIC (%d outgoing packets)'
                               % self.outgoing)
        return len(v), v[len(v) // 2], sum(v) // len(v)
