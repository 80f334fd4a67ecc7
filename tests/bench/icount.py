#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-icount (issue 15): instructions per request of the server's
whole CPU, emulation-neutral, for configurations A-D of make bench with
chronyd as the protected daemon (C is NTPsec's own NTS server).

The server runs in a one-CPU qemu guest under -icount shift=0
(tests/bench/icount_guest.py, booted by tests/vm/run); the load generator,
ntsload, runs here on the host and reaches the guest through qemu's
user-mode network, forwarded from host loopback only. The guest CPU's busy
time in guest nanoseconds is its instruction count: NIC interrupts, the
network stack, knts and the daemon. Per configuration and round:

  1. start the server, run ntsload's NTS-KE and signing (not measured);
  2. baseline: the busy time of an idle window as long as the load;
  3. a warm-up step, then the measured step (BENCH_ICOUNT_RATE requests
     per second for BENCH_ICOUNT_SECONDS);
  4. instructions per request = (busy(load) - busy(baseline) scaled to the
     load's length) / good replies;
  5. the reply leg, in a step of its own (the capture costs instructions):
     from the transmit timestamp the server wrote into each reply to the
     moment the reply reached the NIC, in guest ns = instructions; knts
     signs there, after the daemon's timestamp, and so do B and C.

Prints one line per configuration and round, a table, and last

  icount D/A = x
  icount D/B = x
  icount D/C = x

each the other configuration's instructions per request over D's: higher
is better for knts, as in make bench. Results: build/bench/icount.jsonl.
"""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.abspath(os.path.join(HERE, '..', '..'))
NTSLOAD = os.path.join(PROJECT, 'build', 'ntsload')
OUT = os.path.join(PROJECT, 'build', 'bench')
CONFIGS = {'A': 'chronyd, plain NTP, no knts',
           'B': "chronyd's own NTS server",
           'C': "NTPsec's own NTS server",
           'D': 'chronyd, plain, behind knts'}
GUEST = '10.0.2.15'
# The guest's NIC (BENCH_ICOUNT_NIC). virtio-net on qemu's user-mode
# network offers neither checksum offload nor scatter-gather (slirp has
# no vnet header), so a reply knts grows is reallocated; qemu's e1000
# offers both, as nearly every real NIC does, and the reply's NTS part
# goes out in a page fragment.
NICS = {'virtio': 'virtio-net-pci', 'e1000': 'e1000'}
NIC = os.environ.get('BENCH_ICOUNT_NIC', 'virtio')


def env_int(name, default):
    v = os.environ.get(name, '')
    return int(v) if v else default


RATE = env_int('BENCH_ICOUNT_RATE', 200)
SECONDS = env_int('BENCH_ICOUNT_SECONDS', 15)
WARMUP = env_int('BENCH_ICOUNT_WARMUP', 2)
CAPTURE = env_int('BENCH_ICOUNT_CAPTURE', 3)
ROUNDS = env_int('BENCH_ICOUNT_ROUNDS', 2)
ORDER = os.environ.get('BENCH_ICOUNT_CONFIGS', 'A B C D').split()
LOSS_MAX = 0.01


class BenchError(RuntimeError):
    pass


def log(msg):
    print(msg, flush=True)


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return None


class Guest:
    """The VM and its control connection"""

    def __init__(self):
        self.ntp = free_port(socket.SOCK_DGRAM)
        self.ke = free_port(socket.SOCK_STREAM)
        self.ctl = free_port(socket.SOCK_STREAM)
        fwd = ','.join(['hostfwd=udp:127.0.0.1:%d-%s:123' % (self.ntp, GUEST),
                        'hostfwd=tcp:127.0.0.1:%d-%s:4460' % (self.ke, GUEST),
                        'hostfwd=tcp:127.0.0.1:%d-%s:7000' % (self.ctl, GUEST)])
        qemu = ('-smp 1 -icount shift=0 -netdev user,id=bn,net=10.0.2.0/24,%s '
                '-device %s,netdev=bn' % (fwd, NICS[NIC]))
        os.makedirs(OUT, exist_ok=True)
        self.log = open(os.path.join(OUT, 'icount-vm.log'), 'w')
        self.vm = subprocess.Popen(
            [os.path.join(PROJECT, 'tests', 'vm', 'run'), '--timeout',
             os.environ.get('BENCH_VM_TIMEOUT', '3600'), '--',
             'python3', os.path.join(HERE, 'icount_guest.py'), '/tmp/knts-icount'],
            env=dict(os.environ, VM_QEMU_ARGS=qemu, PYTHONDONTWRITEBYTECODE='1'),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        self.f = self.connect()

    def connect(self):
        # slirp accepts on the host side before the guest listens, then
        # drops the connection: retry until the guest says hello
        end = time.monotonic() + 600
        while time.monotonic() < end:
            if self.vm.poll() is not None:
                raise BenchError('the VM exited (%d) before it listened: see %s'
                                 % (self.vm.returncode, self.log.name))
            try:
                s = socket.create_connection(('127.0.0.1', self.ctl), timeout=5)
                s.settimeout(600)
                f = s.makefile('rw', buffering=1)
                if f.readline().startswith('hello knts-icount'):
                    return f
                s.close()
            except OSError:
                pass
            time.sleep(1)
        raise BenchError('no control connection to the guest in 600 s')

    def ask(self, line):
        self.f.write(line + '\n')
        reply = self.f.readline().split()
        if not reply:
            raise BenchError('%s: the guest closed the control connection' % line)
        if reply[0] != 'ok':
            raise BenchError('%s: %s' % (line, ' '.join(reply[1:])))
        return reply[1:]

    def snap(self):
        mono, idle = (int(x) for x in self.ask('snap'))
        return mono, idle

    def close(self):
        try:
            self.ask('quit')
        except (BenchError, OSError):
            pass
        try:
            rc = self.vm.wait(120)
        except subprocess.TimeoutExpired:
            self.vm.kill()
            rc = self.vm.wait()
        self.log.close()
        return rc


def busy(s0, s1):
    """guest ns (= instructions) the CPU was not idle, and the window"""
    wall = s1[0] - s0[0]
    return wall - (s1[1] - s0[1]), wall


class Load:
    """ntsload on the host: NTS-KE and signing first, then one stopped
    (--pause) run per step line, so the guest is read around each"""

    def __init__(self, g, cfg):
        if cfg == 'A':
            target = ['--plain']
        else:
            target = ['--ke', '127.0.0.1:%d' % g.ke, '--noverify']
        target += ['--target', '127.0.0.1:%d' % g.ntp]
        self.err = tempfile.TemporaryFile('w+')
        self.p = subprocess.Popen(
            [NTSLOAD, *target, '--sources', '16', '--pool', '4096', '--drain', '1000',
             '--timeout', '60000', '--json', '--pause', '--steps'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
            text=True, bufsize=1)

    def stderr(self):
        self.err.seek(0)
        return self.err.read().strip()

    def ready(self, rate, seconds):
        """write a step, wait until ntsload stopped itself before it"""
        self.p.stdin.write('%d %d\n' % (rate, seconds))
        self.p.stdin.flush()
        end = time.monotonic() + 300
        while proc_state(self.p.pid) != 'T':
            if self.p.poll() is not None or time.monotonic() > end:
                raise BenchError('ntsload never started: ' + self.stderr())
            time.sleep(0.02)

    def go(self, seconds):
        os.kill(self.p.pid, signal.SIGCONT)
        ready, _, _ = select.select([self.p.stdout], [], [], seconds + 120)
        line = self.p.stdout.readline() if ready else ''
        try:
            return json.loads(line)
        except ValueError:
            raise BenchError('ntsload: no report: ' + self.stderr())

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            if proc_state(self.p.pid) == 'T':
                os.kill(self.p.pid, signal.SIGCONT)
            try:
                self.p.wait(30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.err.close()


def reply_leg(g, load, cfg):
    """the capture step: median and mean reply leg, or why not"""
    load.ready(RATE, CAPTURE)
    g.ask('capture start')
    dc = load.go(CAPTURE)
    try:
        n, median, mean = (int(x) for x in g.ask('capture stop'))
    except BenchError as e:
        return {'reply_leg_error': '%s (that step: %d sent, %d answered)'
                % (e, dc['sent'], dc['answered'])}
    return {'reply_leg_median': median, 'reply_leg_mean': mean, 'reply_leg_n': n}


def one(g, cfg, rnd):
    g.ask('start ' + cfg)
    load = Load(g, cfg)
    try:
        # NTPsec 1.2.2 answers NTS-KE before it has loaded its cookie
        # keys; cookies of such an early exchange do not open (all of
        # them, or 7 of 8): a warm-up with loss gets a new NTS-KE
        for attempt in range(3):
            load.ready(RATE, WARMUP)
            w = load.go(WARMUP)
            if w['sent'] and w['valid'] >= (1 - LOSS_MAX) * w['sent']:
                break
            log('  %s round %d: warm-up with loss (%d sent, %d valid): NTS-KE again'
                % (cfg, rnd, w['sent'], w['valid']))
            load.close()
            time.sleep(1)
            load = Load(g, cfg)
        load.ready(RATE, SECONDS)
        # the idle window: the server up, ntsload stopped
        b0 = g.snap()
        time.sleep(SECONDS)
        b1 = g.snap()
        s0 = g.snap()
        d = load.go(SECONDS)
        s1 = g.snap()
        leg = reply_leg(g, load, cfg)
    finally:
        load.close()
        g.ask('stop')
    base, base_wall = busy(b0, b1)
    used, wall = busy(s0, s1)
    good = d['valid']
    net = used - base * wall / base_wall
    r = {'cfg': cfg, 'round': rnd, 'rate': RATE, 'seconds': SECONDS,
         'sent': d['sent'], 'good': good, 'naks': d['naks'],
         'busy_instr': used, 'window_ns': wall, 'base_instr': base,
         'base_window_ns': base_wall,
         'loss': 1 - good / d['sent'] if d['sent'] else 1.0,
         'instr_per_req': net / good if good else None,
         **leg}
    log('  %s round %d: %d sent, %d good (loss %.2f %%), busy %d, idle-window busy %d '
        '-> %s instructions per request; reply leg median %s' % (
            cfg, rnd, d['sent'], good, 100 * r['loss'], used, base,
            '%.0f' % r['instr_per_req'] if good else 'n/a',
            '%d (%d replies)' % (leg['reply_leg_median'], leg['reply_leg_n'])
            if 'reply_leg_median' in leg else 'n/a: ' + leg['reply_leg_error']))
    return r


def main():
    if not os.access(NTSLOAD, os.X_OK):
        log('bench-icount: %s is not built (make all)' % NTSLOAD)
        return 2
    if NIC not in NICS:
        log('bench-icount: BENCH_ICOUNT_NIC=%s: one of %s' %
            (NIC, ', '.join(sorted(NICS))))
        return 2
    os.makedirs(OUT, exist_ok=True)
    results = []
    t0 = time.monotonic()
    log('bench-icount: one-CPU guest, -icount shift=0, NIC %s, ntsload on the '
        'host (%d/s for %d s, %d round(s); VM log %s)' % (
            NICS[NIC], RATE, SECONDS, ROUNDS,
            os.path.join(OUT, 'icount-vm.log')))
    g = Guest()
    try:
        for rnd in range(1, ROUNDS + 1):
            # the order turns every round (drift of the guest shows up)
            order = ORDER if rnd % 2 else ORDER[::-1]
            for cfg in order:
                results.append(one(g, cfg, rnd))
    finally:
        rc = g.close()
    with open(os.path.join(OUT, 'icount.jsonl'), 'w') as f:
        for r in results:
            f.write(json.dumps(r) + '\n')
    if rc:
        log('bench-icount: the VM exited %d (see %s)' % (rc, os.path.join(OUT, 'icount-vm.log')))
        return 1
    return report(results, time.monotonic() - t0)


def table(values, fmt):
    """One row per configuration: its mean over the rounds and each round.
    Returns the means of those that have any."""
    mean = {}
    for cfg in ORDER:
        v = values.get(cfg, [])
        if v:
            mean[cfg] = sum(v) / len(v)
        log('%-3s %-32s %10s  %s' % (cfg, CONFIGS[cfg],
                                     '%.0f' % mean[cfg] if cfg in mean else 'n/a',
                                     ' '.join(fmt % x for x in v)))
    return mean


def report(results, seconds):
    per = {}
    legs = {}
    bad = []
    for r in results:
        if r.get('reply_leg_median') is not None:
            legs.setdefault(r['cfg'], []).append(r['reply_leg_median'])
        if r['instr_per_req'] is None or r['loss'] > LOSS_MAX:
            bad.append('%s round %d: loss %.1f %%' % (r['cfg'], r['round'], 100 * r['loss']))
            continue
        per.setdefault(r['cfg'], []).append(r['instr_per_req'])
    log('')
    log('server CPU, instructions per request (guest icount, %d s)' % seconds)
    log('%-3s %-32s %10s  %s' % ('cfg', 'configuration', 'mean', 'rounds'))
    mean = table(per, '%.0f')
    if legs:
        log('')
        log('reply leg: instructions from the transmit timestamp in the reply to the NIC '
            '(median per round)')
        leg = table(legs, '%d')
        if 'A' in leg and 'D' in leg:
            log('reply leg added by knts (D - A): %.0f instructions' % (leg['D'] - leg['A']))
    for b in bad:
        log('bench-icount: not counted: ' + b)
    if any(c not in mean for c in ORDER):
        log('bench-icount: a configuration has no valid round: no ratios')
        return 1
    # make bench-timing runs A and D alone, for the reply leg
    for cfg in ('A', 'B', 'C'):
        if cfg in mean and 'D' in mean:
            log('icount D/%s = %.2f' % (cfg, mean[cfg] / mean['D']))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except BenchError as e:
        log('bench-icount: ' + str(e))
        sys.exit(1)
