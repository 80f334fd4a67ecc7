#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Squat ntskd's control socket name (@knts-ntskd) and answer every request
# as if it were ntskd: what an unprivileged local user could try, so that
# ntsctl would trust its answers. Run it as such a user (04-ntskd-server).
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(b"\0knts-ntskd")
print("squatting", flush=True)
while True:
    req, addr = s.recvfrom(4096)
    if addr:
        s.sendto(b"ok ntskd squatter\nexchanges_ok 999", addr)
