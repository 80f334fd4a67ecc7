#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The guest half of make bench-icount (issue 15): the server of one
configuration at a time in a one-CPU qemu guest under -icount shift=0,
driven over a control connection by tests/bench/icount.py on the host,
whose ntsload sends the requests from outside the guest.

Under -icount shift=0 the guest clock advances one nanosecond per
instruction while the CPU runs (and jumps ahead while it is halted), so
the CPU's busy time, the clock minus the NOHZ idle time, is the number of
instructions the guest's only CPU executed: the virtio NIC's interrupts,
the network stack, knts and the daemon, all of the server's work. The
load generator runs on the host, so none of its instructions count.

Network: qemu's user-mode network (slirp) with host-loopback forwards to
10.0.2.15: UDP 123 (NTP), TCP 4460 (NTS-KE), TCP 7000 (this control
channel). The guest NIC sits in lab.py's server namespace.

Control protocol, one line each way:
  start CFG  ->  ok PID          (A, B, C, D of lab.py, chronyd as daemon)
  snap       ->  ok MONO_NS IDLE_NS
  capture start | capture stop  ->  ok | ok N MEDIAN_NS MEAN_NS
             (the reply leg: from the transmit timestamp the server wrote
             into each NTP reply to the moment the reply reached the NIC,
             in guest ns = instructions; a separate step, since the
             capture itself costs instructions)
  stop       ->  ok
  quit       ->  ok, then the guest exits 0
"""
import os
import socket
import sys
import time
import traceback

import lab
from lab import Lab, LabError, sh, wait_for, listening
from replyleg import Capture, in_netns

GUEST_IP = '10.0.2.15'
CONTROL_PORT = 7000

# one CPU: everything on it; the server address is the NIC's
lab.SRV_IP = GUEST_IP
lab.SRV_CPU = 0
lab.CLI_CPU = 0


def idle_ns():
    """CPU0's NOHZ idle time in ns (timer_list: exact, unlike /proc/stat's
    ticks), read while this CPU runs, so it is up to date"""
    cpu = None
    with open('/proc/timer_list') as f:
        for line in f:
            if line.startswith('cpu: '):
                cpu = int(line.split()[1])
            elif cpu == 0 and line.strip().startswith('.idle_sleeptime'):
                return int(line.split(':')[1].split()[0])
    raise LabError('no idle_sleeptime for cpu 0 in /proc/timer_list (NO_HZ?)')


# the NIC models icount.py may give the guest (BENCH_ICOUNT_NIC)
NIC_DRIVERS = ('virtio_net', 'e1000')


def guest_nic():
    for name in sorted(os.listdir('/sys/class/net')):
        drv = '/sys/class/net/%s/device/driver' % name
        if os.path.islink(drv) and os.path.basename(os.readlink(drv)) in NIC_DRIVERS:
            return name
    raise LabError('no virtio_net or e1000 interface (qemu -netdev user missing?)')


class IcountLab(Lab):
    """lab.py's server side with the guest NIC instead of a veth pair; the
    chrony NTS-KE server of D in the server namespace (its NTP port moved
    out of the way), started for D only"""

    def setup(self):
        os.makedirs(self.root, mode=0o700, exist_ok=True)
        for m in NIC_DRIVERS + ('cmac', 'ctr'):
            sh('modprobe', '-q', m, check=False)
        if self.loaded():
            sh('rmmod', 'knts')
        nic = guest_nic()
        sh('ip', 'netns', 'del', lab.SRV, check=False)
        sh('ip', 'netns', 'add', lab.SRV)
        sh('ip', '-n', lab.SRV, 'link', 'set', 'lo', 'up')
        sh('ip', 'link', 'set', nic, 'netns', lab.SRV)
        sh('ip', '-n', lab.SRV, 'addr', 'add', GUEST_IP + '/24', 'dev', nic)
        sh('ip', '-n', lab.SRV, 'link', 'set', nic, 'up')
        sh('ip', '-n', lab.SRV, 'route', 'add', 'default', 'via', '10.0.2.2')
        sh('bash', '-c', '. "$2/lib.sh" && . "$2/nts_lab.sh" && LAB="$1" && '
           'make_pki knts-bench %s && make_nks0 "$1/ntskeys"' % GUEST_IP,
           'lab', self.root, os.path.join(lab.PROJECT, 'tests', 'selftests'))
        with open(self.path('pki', 'chain.crt'), 'w') as f:
            for c in ('server.crt', 'ca.crt'):
                with open(self.path('pki', c)) as g:
                    f.write(g.read())

    cfg = None

    def start(self, cfg, daemon='chrony'):
        self.cfg = cfg
        if cfg == 'D':
            dump = self.path('ke-dump')
            os.makedirs(dump, mode=0o700, exist_ok=True)
            with open(self.path('ntskeys')) as f, \
                    open(os.path.join(dump, 'ntskeys'), 'w') as g:
                g.write(f.read())
            os.chmod(os.path.join(dump, 'ntskeys'), 0o600)
            self.ke = self.chronyd('ke', lab.SRV, 0, [
                'bindaddress ' + GUEST_IP, 'port 11123', 'ntsport 4460',
                'ntsservercert ' + self.path('pki', 'server.crt'),
                'ntsserverkey ' + self.path('pki', 'server.key'),
                'ntsrotate 0', 'ntsdumpdir ' + dump, 'ntsprocesses 0',
                'allow'])  # chronyd applies allow to NTS-KE too
            pid = self.ke.pid
            wait_for('the NTS-KE server', 30, lambda: listening(pid, 'tcp', 4460))
        elif cfg not in ('A', 'B', 'C'):
            raise LabError('bench-icount runs A, B, C and D, not ' + cfg)
        return super().start(cfg, daemon)

    def keep_logs(self, cfg):
        """the server's logs, to build/bench/icount-logs/CFG-NAME (the lab
        itself is on the guest's tmpfs)"""
        out = os.path.join(lab.PROJECT, 'build', 'bench', 'icount-logs')
        os.makedirs(out, exist_ok=True)
        for name in ('srv', 'ke'):
            d = self.path(name)
            for f in os.listdir(d) if os.path.isdir(d) else ():
                if f.endswith(('.log', '.out')):
                    with open(os.path.join(d, f), 'rb') as a, \
                            open(os.path.join(out, '%s-%s-%s' % (cfg, name, f)), 'wb') as b:
                        b.write(a.read())

    def stop(self):
        if self.cfg:
            self.keep_logs(self.cfg)
            self.cfg = None
        super().stop()
        if self.ke:
            self.ke.stop()
            self.ke = None

    def teardown(self):
        self.stop()
        self.use_module(None)
        sh('ip', 'netns', 'del', lab.SRV, check=False)


def control_socket():
    """A listener inside the server namespace, where the NIC is"""
    def listen():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((GUEST_IP, CONTROL_PORT))
        s.listen(1)
        return s
    return in_netns(lab.SRV, listen)


def guest_nic_in_server_ns():
    out = sh('ip', '-n', lab.SRV, '-o', 'link', 'show')
    for line in out.splitlines():
        name = line.split(':')[1].strip().split('@')[0]
        if name != 'lo':
            return name
    raise LabError('no NIC in the server namespace')


def serve(lb, conn):
    f = conn.makefile('rw', buffering=1)
    f.write('hello knts-icount\n')
    cap = None
    for line in f:
        words = line.split()
        try:
            if words[:1] == ['start'] and len(words) == 2:
                reply = 'ok %d' % lb.start(words[1])
            elif words == ['snap']:
                # the clock after the idle time: the read itself is busy
                idle = idle_ns()
                reply = 'ok %d %d' % (time.monotonic_ns(), idle)
            elif words == ['capture', 'start']:
                cap = Capture(lab.SRV, guest_nic_in_server_ns())
                reply = 'ok'
            elif words == ['capture', 'stop'] and cap:
                c, cap = cap, None
                reply = 'ok %d %d %d' % c.stop()
            elif words == ['stop']:
                lb.stop()
                reply = 'ok'
            elif words == ['quit']:
                f.write('ok\n')
                return
            else:
                reply = 'err unknown command: ' + line.strip()
        except (LabError, OSError, RuntimeError) as e:
            reply = 'err ' + str(e).replace('\n', ' ')
        f.write(reply + '\n')
    raise LabError('the host closed the control connection')


def main():
    lb = IcountLab(sys.argv[1] if len(sys.argv) > 1 else '/tmp/knts-icount')
    try:
        lb.setup()
        idle_ns()	# fail early without NO_HZ idle accounting
        s = control_socket()
        print('icount guest: control on %s:%d' % (GUEST_IP, CONTROL_PORT), flush=True)
        conn, _ = s.accept()
        serve(lb, conn)
        return 0
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        try:
            lb.teardown()
        except LabError as e:
            print('teardown: %s' % e, file=sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
