#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of the make bench machinery (TAP), run by
tests/scripts/test_bench.sh: the ladder search against a modelled server,
the report's ratios and goals from known results, the parser of chrony's
measurements log, and ntsload --pause on loopback (nothing is sent while
it is stopped, everything after SIGCONT) and --steps.
"""
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import icount  # noqa: E402
import pathprof  # noqa: E402
import replyleg  # noqa: E402
import report  # noqa: E402
import timing  # noqa: E402

n = 0
failed = 0


def ok(cond, desc):
    global n, failed
    n += 1
    print('%sok %d - %s' % ('' if cond else 'not ', n, desc))
    if not cond:
        failed += 1


# --- the search ----------------------------------------------------------------
def modelled(capacity, flaky=()):
    """step() of a server that loses > 1 % above capacity; the generator
    falls short once at each rate in flaky"""
    calls = []
    short = set(flaky)

    def step(pid, rate, seconds):
        calls.append(rate)
        gen = rate in short
        short.discard(rate)
        good = rate if rate <= capacity else capacity
        return {'sent': rate, 'good': good, 'offered_rate': rate * (0.5 if gen else 1), 'busy_s': 0.1,
                'gen_limited': gen, 'loss': 1 - good / rate,
                'ok': rate <= capacity and not gen}
    return step, calls


class Sink:
    def write(self, s):
        pass

    def flush(self):
        pass


def search(capacity, start=None, flaky=(), reps=1):
    step, calls = modelled(capacity, flaky)
    b = bench.Bench.__new__(bench.Bench)
    b.measure = step
    b.f = Sink()
    b.start_idx = {}
    found = []
    with redirect_stdout(io.StringIO()):
        bench.START_RATE = start or 1000
        for rep in range(reps):
            found.append(b.search('chrony', 'A', rep + 1, 0))
    return found, calls


def below(c):
    return max(r for r in bench.LADDER if r <= c)


for cap in (150, 999, 1000, 2300, 7777, 19999):
    for start in (100, 1000, 20000):
        found, calls = search(cap, start)
        ok(found == [below(cap)],
           'search: capacity %d from %d finds %d (%d steps)' % (cap, start, below(cap), len(calls)))
found, calls = search(50)
ok(found == [0], 'search: a server that loses at every rate gives 0')
found, calls = search(2300, reps=3)
ok(found == [2240] * 3 and len(calls) < 18,
   'search: later rounds start where the last ended (%d steps for 3 rounds)' % len(calls))
found, calls = search(2300, flaky=(2240,), reps=1)
ok(found == [2240] and calls.count(2240) == 2,
   'search: a step that failed once (the generator fell short) is tried again')
found, calls = search(2300, reps=2)
ok(calls.count(2500) == 4, 'search: the failing rate above capacity is confirmed once per round')

# --- the report ---------------------------------------------------------------
def rec(daemon, cfg, kind, rate, **kw):
    r = {'daemon': daemon, 'cfg': cfg, 'rep': kw.pop('rep', 1), 'kind': kind,
         'rate': rate, 'seconds': 2}
    if kind != 'max':
        r.update({'sent': 600, 'good': 600, 'answered': 600, 'valid': 600,
                  'invalid': 0, 'naks': 0, 'unsync': 0, 'offered_rate': rate,
                  'invalid_by': {}, 'request_len': 228, 'lat_p50_us': 100.0,
                  'lat_p99_us': 200.0, 'busy_s': 0.6, 'softirq_s': 0.2,
                  'daemon_s': 0.3, 'wall_s': 3, 'loss': 0.0,
                  'gen_limited': False, 'ok': True})
        r.update(kw)
    return r


caps = {('chrony', 'A'): (4000, 3550, 4000), ('-', 'B'): (2000, 2240, 2000),
        ('-', 'C'): (800, 800, 900), ('chrony', 'D'): (3150, 3150, 2800),
        ('chrony', 'E'): (3550, 4000, 3550)}
busy = {'A': 0.3, 'B': 0.6, 'C': 1.5, 'D': 0.4, 'E': 0.35}	# CPU1 s per 600 replies
lines = [json.dumps({'kind': 'meta', 'reps': 3, 'step_s': 2.0, 'tries': 2, 'drain_ms': 1000,
                     'uname': 'test', 'cpu_flags_aes': True})]
for (daemon, cfg), rates in caps.items():
    for i, r in enumerate(rates):
        # a failing step above, a passing one at the max rate, the result
        lines.append(json.dumps(rec(daemon, cfg, 'step', r * 2, rep=i + 1, ok=False,
                                    loss=0.2, busy_s=9.0)))
        lines.append(json.dumps(rec(daemon, cfg, 'step', r, rep=i + 1,
                                    busy_s=busy[cfg] * 2)))
        lines.append(json.dumps(rec(daemon, cfg, 'max', r, rep=i + 1)))
with tempfile.NamedTemporaryFile('w', suffix='.jsonl', delete=False) as f:
    f.write('\n'.join(lines) + '\n')
    path = f.name
r = subprocess.run([sys.executable, os.path.join(HERE, 'report.py'), path],
                   capture_output=True, text=True)
out = r.stdout.splitlines()
ok(r.returncode == 0, 'report: exit 0 on complete results')
ok('D/A = 0.79' in out and 'D/B = 1.57' in out and 'D/C = 3.94' in out,
   'report: D/A, D/B, D/C from the medians of the rounds, one per line')
ok('E/A = 0.89' in out, 'report: E/A (hooks without crypto)')
ok(any(l.startswith('goal D/A >= 0.8: MISSED by 2%') for l in out) and
   any(l.startswith('goal D/B >= 1.2: met (1.57), stretch 1.5 met') for l in out) and
   any(l.startswith('goal D/C >= 2.5: met') for l in out),
   'report: goals met and missed, with the margin')
ok(any('CPU per request added by knts: D-A = 333.3 us' in l and 'crypto D-E = 166.7 us' in l
       for l in out), 'report: CPU per request (of the step at the max rate) added by knts, split')
ok(any(l.startswith('chronyd  A') and ' 4000 ' in l and '(4000 3550 4000)' in l and
       ' 1000.0 ' in l for l in out),
   'report: table row with the median, every round and CPU/req at the max rate')
ok(any('10-20x slower' in l for l in out) and any('only the ratios' in l for l in out),
   'report: says that only the ratios inside one TCG run count')
with open(path, 'a') as f:
    f.write(json.dumps(rec('ntpsec', 'D', 'error', 0, error='ntsload never started')) + '\n')
r = subprocess.run([sys.executable, os.path.join(HERE, 'report.py'), path],
                   capture_output=True, text=True)
ok(r.returncode == 1 and any(l.startswith('ntpd     D') and 'ERRORS: 1' in l
                             for l in r.stdout.splitlines()),
   'report: exit 1 and the errors shown when a configuration never answered')
os.unlink(path)

# --- chrony's measurements log ----------------------------------------------------
LOG = """\
========================================================================================================================================
   Date (UTC) Time     IP Address   L St 123 567 ABCD  LP RP Score    Offset  Peer del. Peer disp.  Root del. Root disp. Refid     MTxRx
========================================================================================================================================
2026-11-26 12:20:05 10.78.0.1       N 10 111 111 1111  -4 -4 1.00 -3.104e-06  9.020e-05  1.526e-05  1.000e-06  1.000e-06 7F7F0101 4B K K
2026-11-26 12:20:05 10.78.0.1       N 10 111 111 1101  -4 -4 1.00  1.500e-05  1.100e-04  1.526e-05  1.000e-06  1.000e-06 7F7F0101 4B K K
2026-11-26 12:20:05 10.78.0.1       N 10 101 111 1111  -4 -4 1.00  9.000e-01  9.000e-01  1.526e-05  1.000e-06  1.000e-06 7F7F0101 4B K K
"""
with tempfile.NamedTemporaryFile('w', delete=False) as f:
    f.write(LOG)
got = timing.parse(f.name)
os.unlink(f.name)
ok(got == [(-3.104e-06, 9.02e-05), (1.5e-05, 1.1e-04)],
   'timing: offset and peer delay of each sample whose packet tests passed')
ok(timing.q([1, 2, 3, 4, 5], .5) == 3 and abs(timing.q([0, 10], .9) - 9) < 1e-9,
   'timing: quantiles')

# --- make bench-profile: the sorting of perf samples -----------------------------------
import cpu_profile as prof  # noqa: E402

K, M, A = '[kernel.kallsyms]', '[knts]', '[aesni_intel]'
script = '''chronyd  120
\t ffffffff81000001 save_fpregs_to_fpstate ([kernel.kallsyms])
\t ffffffff81000002 kernel_fpu_begin_mask ([kernel.kallsyms])
\t ffffffffc0000003 knts_siv_simd_cbcmac ([kernel.kallsyms])

swapper  0
\t ffffffff81000004 native_safe_halt ([kernel.kallsyms])
\t ffffffff81000005 do_idle ([kernel.kallsyms])

chronyd  120
\t 7f0000000001 [unknown] (/usr/sbin/chronyd)
'''
got = list(prof.parse_script(script.splitlines(True), {'knts_siv_simd_cbcmac': M}))
ok(got == [('chronyd', [('save_fpregs_to_fpstate', K), ('kernel_fpu_begin_mask', K),
                        ('knts_siv_simd_cbcmac', M)]),
           ('swapper', [('native_safe_halt', K), ('do_idle', K)]),
           ('chronyd', [('[unknown]', '/usr/sbin/chronyd')])],
   'bench-profile: perf script samples parsed, module functions mapped back to their module')
cases = [
    ('chronyd', [('[unknown]', '/usr/sbin/chronyd')], 'user'),
    ('swapper', [('native_safe_halt', K), ('do_idle', K)], None),
    ('chronyd', [('save_fpregs_to_fpstate', K), ('kernel_fpu_begin_mask', K)], 'fpu-begin'),
    ('chronyd', [('restore_fpregs_from_fpstate', K), ('switch_fpu_return', K)], 'fpu-user'),
    ('ksoftirqd/1', [('aesni_cbc_enc', A), ('cbc_encrypt', A)], 'aesni'),
    ('ksoftirqd/1', [('aesni_set_key', A)], 'aeskey'),
    ('ksoftirqd/1', [('skcipher_walk_next', K), ('cbc_encrypt', A)], 'glue'),
    ('chronyd', [('memset_erms', K), ('siv_run_end', M), ('knts_server_out', M)], 'siv'),
    ('chronyd', [('pskb_expand_head', K), ('knts_srv_reply', M)], 'knts-helpers'),
    ('chronyd', [('knts_ef_parse_request', M)], 'knts'),
    ('chronyd', [('memcpy_erms', K), ('_copy_to_iter', K), ('udp_recvmsg', K)], 'net'),
    ('swapper', [('handle_softirqs', K), ('__irq_exit_rcu', K)], 'irqoff'),
    ('chronyd', [('aes_encrypt', K), ('knts_siv_lib_cbcmac', M)], 'aeslib'),
]
bad = [(c, f, want, prof.categorise(c, f)) for c, f, want in cases
       if prof.categorise(c, f) != want]
ok(not bad, 'bench-profile: samples sorted into their categories %s' % (bad or ''))

# --- ntsload --pause ------------------------------------------------------------------
NTSLOAD = os.path.join(HERE, '..', '..', 'build', 'ntsload')
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(('127.0.0.1', 0))
port = srv.getsockname()[1]
seen = []


def serve():
    while True:
        try:
            pkt, addr = srv.recvfrom(2048)
        except OSError:
            return
        seen.append(time.monotonic())
        if len(pkt) >= 48:
            reply = bytes([0x24, 2, 0, 0]) + bytes(36) + pkt[40:48]
            srv.sendto(reply[:24] + pkt[40:48] + reply[32:48], addr)


threading.Thread(target=serve, daemon=True).start()


def wait_stopped(p):
    deadline = time.monotonic() + 10
    while bench.proc_state(p.pid) != 'T' and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.01)
    return bench.proc_state(p.pid) == 'T'


args = [NTSLOAD, '--plain', '--target', '127.0.0.1:%d' % port, '--sources', '2',
        '--pool', '64', '--json', '--pause', '--drain', '500']
p = subprocess.Popen(args + ['--rate', '200', '--duration', '0.5'],
                     stdout=subprocess.PIPE, text=True)
stopped = wait_stopped(p)
time.sleep(0.3)
ok(stopped and not seen, 'ntsload --pause: stopped before sending anything')
t_cont = time.monotonic()
os.kill(p.pid, signal.SIGCONT)
out, _ = p.communicate(timeout=30)
d = json.loads(out)
ok(d['sent'] >= 80 and d['valid'] == d['sent'] and seen and min(seen) >= t_cont,
   'ntsload --pause: after SIGCONT it sends and every reply counts (%d sent, %d valid)'
   % (d['sent'], d['valid']))

seen.clear()
p = subprocess.Popen(args + ['--steps'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     text=True, bufsize=1)
reports = []
paused = []
for rate, secs in ((100, 0.4), (300, 0.3)):
    p.stdin.write('%d %s\n' % (rate, secs))
    p.stdin.flush()
    before = len(seen)
    paused.append(wait_stopped(p) and len(seen) == before)
    os.kill(p.pid, signal.SIGCONT)
    reports.append(json.loads(p.stdout.readline()))
p.stdin.close()
rc = p.wait(10)
ok(all(paused) and rc == 0, 'ntsload --steps: one pause per step line, exit 0 at end of input')
ok([(r['rate'], r['duration']) for r in reports] == [(100, 0.4), (300, 0.3)] and
   all(r['valid'] == r['sent'] > 0 for r in reports) and
   abs(reports[1]['sent'] - 90) <= 10,
   'ntsload --steps: one report per step, with its own rate and counts (%s sent)'
   % '+'.join(str(r['sent']) for r in reports))
p = subprocess.run(args + ['--steps'], input='fast please\n', capture_output=True, text=True)
ok(p.returncode == 1 and 'bad step' in p.stderr, 'ntsload --steps: a bad line is refused')
srv.close()

# --- make bench-icount's arithmetic (tests/bench/icount.py) ----------------------
ok(icount.busy((1000, 400), (11000, 8400)) == (2000, 10000),
   'icount: busy = the window minus the idle time that grew in it')


def icount_rounds(per_cfg, loss=None):
    rs = []
    for cfg, values in per_cfg.items():
        for i, v in enumerate(values):
            rs.append({'cfg': cfg, 'round': i + 1, 'instr_per_req': v,
                       'loss': (loss or {}).get((cfg, i + 1), 0.0)})
    return rs


def icount_report(rs):
    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = icount.report(rs, 1)
    return rc, buf.getvalue().splitlines()


rc, lines = icount_report(icount_rounds({'A': [30000, 26000], 'B': [45000, 47000],
                                         'C': [120000], 'D': [40000, 40000]}))
ok(rc == 0 and lines[-3:] == ['icount D/A = 0.70', 'icount D/B = 1.15', 'icount D/C = 3.00'],
   'icount: ends with D/A, D/B, D/C, each the mean of the other over D\'s (%s)' % lines[-3:])
rc, lines = icount_report(icount_rounds({'A': [30000, 99000], 'B': [46000], 'C': [120000],
                                         'D': [40000]}, loss={('A', 2): 0.05}))
ok(rc == 0 and lines[-3] == 'icount D/A = 0.75' and
   any('not counted: A round 2' in x for x in lines),
   'icount: a round with more than 1 % loss is left out, and said so')
rc, lines = icount_report(icount_rounds({'A': [30000], 'B': [46000], 'D': [40000]}))
ok(rc == 1 and not any(x.startswith('icount D/') for x in lines),
   'icount: without a valid round of C, no ratio line and a failure')
icount.ORDER = ['A', 'D']
rc, lines = icount_report(icount_rounds({'A': [30000], 'D': [40000]}))
icount.ORDER = 'A B C D'.split()
ok(rc == 0 and lines[-1] == 'icount D/A = 0.75' and not any(x.startswith('icount D/B') for x in lines),
   'icount: A and D alone (make bench-timing): D/A only')
rs = icount_rounds({'A': [30000], 'B': [46000], 'C': [120000], 'D': [40000]})
for r, leg in zip(rs, (7000, 11000, 61000, 12500)):
    r['reply_leg_median'] = leg
rc, lines = icount_report(rs)
ok(rc == 0 and 'reply leg added by knts (D - A): 5500 instructions' in lines,
   'icount: the reply leg added by knts is D\'s median minus A\'s')


def ntp_frame(sport, t3_unix_ns, proto=17, ethertype=b'\x08\x00'):
    sec, ns = divmod(t3_unix_ns, 10**9)
    ntp = bytearray(48)
    ntp[40:48] = struct.pack('!II', sec + replyleg.NTP_UNIX, (ns << 32) // 10**9 + 1)
    udp = struct.pack('!HHHH', sport, 40000, 8 + 48, 0)
    ip = bytes([0x45, 0]) + struct.pack('!H', 20 + 8 + 48) + bytes(5) + bytes([proto]) + bytes(10)
    return bytes(12) + ethertype + ip + udp + bytes(ntp)


t3 = 1765000000 * 10**9 + 123456789
leg = replyleg.reply_leg_ns(ntp_frame(123, t3), t3 + 7000)
ok(leg is not None and abs(leg - 7000) <= 1,
   'reply leg: the tap time minus the reply\'s transmit timestamp (%s ns)' % leg)
ok(replyleg.reply_leg_ns(ntp_frame(40000, t3), t3) is None and
   replyleg.reply_leg_ns(ntp_frame(123, t3, proto=6), t3) is None and
   replyleg.reply_leg_ns(ntp_frame(123, t3, ethertype=b'\x86\xdd'), t3) is None and
   replyleg.reply_leg_ns(ntp_frame(123, t3)[:80], t3) is None,
   'reply leg: not from port 123, not UDP, not IPv4 or short: not a reply')

# pathprof: a modelled trace. f (0x100) calls g (0x200) twice, g calls
# memset (0x300), whose first instruction is a rep stos run twice; f
# tail-jumps to h (0x400) at the same stack depth.
syms = [(0x100, 'f'), (0x200, 'g'), (0x300, 'memset'), (0x400, 'h')]
trace = [(0x100, 1000), (0x104, 992),
         (0x200, 984), (0x204, 984), (0x300, 976), (0x300, 976),
         (0x301, 976), (0x208, 984), (0x108, 992),
         (0x200, 984), (0x208, 984), (0x10c, 992),
         (0x400, 1000), (0x404, 1000)]
selfc, incl, calls = pathprof.profile(trace, syms)
ok(selfc == {'f': 4, 'g': 5, 'memset': 3, 'h': 2},
   'pathprof: instructions of their own per function (%s)' % selfc)
ok(incl['f'] == 12 and incl['g'] == 8 and incl['memset'] == 3 and
   incl['h'] == 2,
   'pathprof: with callees; a tail jump leaves the caller (%s)' % incl)
ok(calls == {('f', 'g'): 2, ('g', 'memset'): 1},
   'pathprof: who calls whom, and how often; a rep at an entry is one '
   'call (%s)' % calls)

print('1..%d' % n)
sys.exit(1 if failed else 0)
