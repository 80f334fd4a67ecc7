#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the server CPU goes, by perf in the VM (make bench-profile).

The lab of make bench (lab.py), chronyd as the daemon on CPU1, ntsload on
CPU0 at a fixed rate per configuration (PROFILE_RATE: about 75 % of its
capacity, see RATES). For each
configuration in PROFILE_CONFIGS (default A E D L; lab.py: A plain, E the
no-crypto module, D knts, L knts with AES-SIV on the C lib backend only,
no FPU sections) it samples CPU1 with perf's software clock (cpu-clock,
every PROFILE_PERIOD_US of CPU1 time, kernel call chains; TCG has no
PMU), cut to the load step by time, then sorts every
sample into a category by its leaf function and, for generic helpers
(memcpy, kmalloc, ...), by the nearest caller that names an owner
(categorise()).

Output in PROFILE_OUT (build/bench/profile): CFG.folded (the call
chains, folded, one line per distinct chain with its count: input for
flame graph tools), CFG.top (leaf functions), report.txt (the table:
share of CPU1's busy samples and µs of CPU1 per reply, per category).
"""
import collections
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lab import Lab, SRV_CPU, CLI_CPU  # noqa: E402
import bench  # noqa: E402

PROJECT = os.path.abspath(os.path.join(HERE, '..', '..'))
# Requests per second, per configuration: about 75 % of each one's
# capacity in make bench (run 1: A 11200, E 9000, D 4000), so that CPU1
# is mostly busy and batches packets as it does at the max rates. At one
# low rate for all, every request wakes an idle CPU1 and the wake-up
# costs of TCG (an IPI into HLT, HPET reads) swamp the rest.
# "A:8000 D:3150 ..." or one number for all.
RATES = dict(A=8000, E=6300, D=3150, L=2800)
RATE_SPEC = bench.env('PROFILE_RATE', '')
for item in RATE_SPEC.split():
    if ':' in item:
        RATES[item.split(':')[0]] = int(item.split(':')[1])
    else:
        RATES = collections.defaultdict(lambda v=int(item): v)
SECONDS = bench.env('PROFILE_SECONDS', 12.0)
PERIOD_US = bench.env('PROFILE_PERIOD_US', 1000)
CONFIGS = bench.env('PROFILE_CONFIGS', 'A E D L').split()
OUT = bench.env('PROFILE_OUT', os.path.join(PROJECT, 'build', 'bench', 'profile'))
LAB = bench.env('BENCH_LAB', '/tmp/knts-bench')
PERF = bench.env('PROFILE_PERF', 'perf')
# Counted (perf stat) on CPU1 during the same step: restores of a user
# task's FPU registers (each one an XRSTOR; the XSAVE in kernel_fpu_begin
# has no tracepoint, the restore follows it), syscalls, context switches,
# softirqs.
STAT_EVENTS = ['x86_fpu:x86_fpu_regs_activated', 'x86_fpu:x86_fpu_regs_deactivated',
               'raw_syscalls:sys_enter', 'sched:sched_switch', 'irq:softirq_entry']

# The categories, in the order of the table.
CATS = [
    ('user', 'chronyd userspace'),
    ('net', 'syscalls, UDP/IP, netfilter core, softirq'),
    ('knts', 'knts own code (parse, keys, pending, skb surgery)'),
    ('knts-helpers', 'kernel helpers called by knts (skb realloc, csum, copies, alloc)'),
    ('siv', 'knts AES-SIV mode code (siv.c: S2V, xor, dbl, wipes)'),
    ('glue', 'crypto API glue (skcipher walk, aesni glue, setkey)'),
    ('aesni', 'AES-NI code (aesni-intel asm: blocks)'),
    ('aeskey', 'AES key expansion (aesni_set_key, aes_expandkey)'),
    ('aeslib', 'AES in C (lib/crypto aes_encrypt)'),
    ('fpu-begin', 'FPU: kernel_fpu_begin/end incl. saving user state'),
    ('fpu-user', 'FPU: restoring user state on return to user'),
    ('fpu-switch', 'FPU: save/restore at context switch'),
    ('irqoff', 'IRQs-off time: hardirqs, IPIs sent (sampled at IRQ enable)'),
    ('sched', 'scheduler, timers, IRQ entry/exit, RCU'),
    ('other', 'other kernel'),
]
CAT_NAMES = dict(CATS)

IDLE = re.compile(r'^(default_idle|arch_cpu_idle|native_safe_halt|cpu_idle_poll|'
                  r'acpi_idle|mwait_idle|intel_idle|poll_idle|cpuidle_enter|'
                  r'do_idle|cpu_startup_entry|default_enter_idle|halt)')
FPU = re.compile(r'^(save_fpregs_to_fpstate|os_xsave|restore_fpregs_from_fpstate|'
                 r'__restore_fpregs_from_fpstate|switch_fpu_return|kernel_fpu_begin|'
                 r'kernel_fpu_end|fpregs_|fpu__|fpu_|xsave|xrstor|irq_fpu_usable|'
                 r'__switch_fpu|switch_fpu)')
# knts's own AES-NI core (kmod/siv_aesni.c) counts with the asm.
AESNI_ASM = re.compile(r'^(_?aesni_(enc|dec|cbc_enc|cbc_dec|ecb_|ctr_enc|xts|inc)|'
                       r'aes_ctr_enc_|_aesni_|knts_aesni_(s2v|ctr|wipe)|cmac_xorend)')
AES_KEY = re.compile(r'^(aesni_set_key|_key_expansion|aes_expandkey|knts_aesni_prepare|'
                     r'expand(128|192|256)?$)')
AES_LIB = re.compile(r'^(aes_encrypt|aes_decrypt|subshift|mix_columns|inv_mix_columns)$')
GLUE = re.compile(r'^(crypto_|__crypto_skcipher|skcipher_|scatterwalk_|simd_|'
                  r'aes_set_key_common|aesni_skcipher_setkey|cbc_encrypt|cbc_decrypt|'
                  r'ctr_crypt|ecb_|aesni_ctr_enc_tfm|aes_encrypt_crypto|crypto_aes)')
NET = re.compile(r'(udp|^ip_|^ipv4|^__ip|^inet|net_rx|netif|napi|veth|^nf_|skb|'
                 r'^sock_|^sk_|^__sk|^sys_sendmsg|sendmsg|recvmsg|recvfrom|sendto|'
                 r'process_backlog|^rps_|^dst_|^fib|neigh|^dev_|^__dev_|csum|'
                 r'do_softirq|__do_softirq|irq_exit|^raw_|^icmp|^rt_|^xfrm)')
SCHED = re.compile(r'(schedule|^__schedule|^pick_next|enqueue|dequeue|^try_to_wake|'
                   r'wake_up|^update_|^ttwu|^finish_task_switch|hrtimer|^tick_|timer|'
                   r'^irq_|^sysvec|^asm_sysvec|^__sysvec|^rcu|^ktime|^__flush_smp|'
                   r'^flush_smp|smp_call|^ipi|^native_apic|^x2apic|^lapic|^irqentry|'
                   r'^syscall_exit|^exit_to_user|^entry_SYSCALL|^do_syscall|^__x64_sys_|'
                   r'^__sched|^select_task|^load_balance|^psi_|^cpuacct|^account_|'
                   r'^do_select|^core_sys_select|^poll|^__pollwait|^do_sys_poll|'
                   r'^_raw_spin|^native_|^__raw)')
# Under TCG an interrupt is taken only where IRQs are enabled: the time of
# a hardirq (the RPS IPI, perf's own timer) or of an IPI sent lands on the
# first instruction that enables IRQs again. Leaves that are such points:
IRQ_ENABLE = re.compile(r'^(handle_softirqs|__do_softirq|_raw_spin_unlock_irq|'
                        r'_flat_send_IPI_mask|default_send_IPI|x2apic_send_IPI|'
                        r'native_apic_mem_write|__irq_exit_rcu|irq_exit_rcu)')
KERNEL_DSO = re.compile(r'^\[.*\]$')	# [kernel.kallsyms], [knts], [aesni_intel]
SIV = re.compile(r'^(siv_|knts_siv_|compat_aes)')


def knts_owner(sym):
    return 'siv' if SIV.match(sym) else 'knts'


def categorise(comm, frames):
    """Category of one sample: frames is [(sym, dso)], leaf first.
    Returns None for the idle loop."""
    if not frames:
        return 'other'
    sym, dso = frames[0]
    if not KERNEL_DSO.match(dso):
        return 'user' if comm.startswith('chronyd') else 'other'
    syms = [s for s, _ in frames]
    if IDLE.match(sym):
        return None
    if FPU.match(sym):
        if any(s.startswith('kernel_fpu') for s in syms):
            return 'fpu-begin'
        if any(s.startswith(('switch_fpu_return', 'exit_to_user', 'syscall_exit',
                             'irqentry_exit_to_user')) for s in syms):
            return 'fpu-user'
        if any(s.startswith(('__switch_to', '__schedule')) for s in syms):
            return 'fpu-switch'
        return 'fpu-begin'
    if IRQ_ENABLE.match(sym):
        return 'irqoff'
    if AES_KEY.match(sym):
        return 'aeskey'
    if AESNI_ASM.match(sym):
        return 'aesni'
    if AES_LIB.match(sym):
        return 'aeslib'
    if dso == '[knts]':
        return knts_owner(sym)
    if GLUE.match(sym) or dso == '[aesni_intel]':
        return 'glue'
    # a generic leaf (memcpy, kmalloc, pskb_expand_head, csum_partial,
    # ...): the nearest caller that is an owner decides
    for s, d in frames[1:]:
        if d == '[knts]':
            return 'knts-helpers' if knts_owner(s) == 'knts' else 'siv'
        if GLUE.match(s) or d == '[aesni_intel]':
            return 'glue'
        if NET.search(s):
            return 'net'
    if NET.search(sym):
        return 'net'
    if SCHED.search(sym) or any(SCHED.search(s) for s in syms[1:3]):
        return 'sched'
    return 'other'


def module_symbols():
    """perf script names module functions [kernel.kallsyms] when it reads
    /proc/kallsyms: which module each belongs to, from kallsyms"""
    mods = {}
    with open('/proc/kallsyms') as f:
        for line in f:
            t = line.split()
            if len(t) == 4 and t[3] in ('[knts]', '[aesni_intel]'):
                mods[t[2]] = t[3]
    return mods


FRAME = re.compile(r'^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$')


def parse_script(lines, mods=None):
    """perf script -F comm,tid,ip,sym,dso output: yields (comm, frames)"""
    mods = mods or {}
    comm, frames = None, []
    for line in lines:
        line = line.rstrip('\n')
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
            continue
        m = FRAME.match(line)
        if m and comm is not None:
            sym = m.group(2)
            sym = sym.split('+0x')[0] if sym != '[unknown]' else '[unknown]'
            dso = m.group(3)
            if dso == '[kernel.kallsyms]':
                dso = mods.get(sym, dso)
            frames.append((sym, dso))
        elif not line.startswith((' ', '\t')):
            comm = line.split()[0] if line.split() else '?'
            frames = []
    if comm is not None:
        yield comm, frames


def analyse(cfg, script_lines, mods):
    cats = collections.Counter()
    leaves = collections.Counter()
    folded = collections.Counter()
    idle = total = 0
    for comm, frames in parse_script(script_lines, mods):
        total += 1
        c = categorise(comm, frames)
        if c is None:
            idle += 1
            continue
        cats[c] += 1
        leaf = frames[0] if frames else ('?', '?')
        leaves[(c, leaf[0], leaf[1])] += 1
        folded[';'.join([comm] + [s for s, _ in reversed(frames)])] += 1
    with open(os.path.join(OUT, cfg + '.folded'), 'w') as f:
        for k, v in folded.most_common():
            f.write('%s %d\n' % (k, v))
    busy = sum(cats.values())
    with open(os.path.join(OUT, cfg + '.top'), 'w') as f:
        f.write('# %s: %d samples, %d busy, leaf functions by share of busy\n' % (
            cfg, total, busy))
        for (c, s, d), v in leaves.most_common(80):
            f.write('%6.2f%%  %-12s %-40s %s\n' % (100 * v / max(busy, 1), c, s, d))
    return {'samples': total, 'idle': idle, 'busy': busy, 'cats': dict(cats)}


def perf_events_open(pid):
    try:
        return any(os.readlink('/proc/%d/fd/%s' % (pid, fd)).endswith('[perf_event]')
                   for fd in os.listdir('/proc/%d/fd' % pid))
    except OSError:
        return False


def perf_record(path):
    """perf record on CPU1, timestamps on CLOCK_MONOTONIC; returns once its
    events are open"""
    cmd = ['taskset', '-c', str(CLI_CPU), PERF, 'record', '-q', '-a', '-C', str(SRV_CPU),
           '-e', 'cpu-clock', '-c', str(PERIOD_US * 1000), '-g', '-k', 'CLOCK_MONOTONIC',
           '-o', path]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 120
    while not perf_events_open(p.pid):
        if p.poll() is not None:
            raise RuntimeError('perf record exited: ' + p.stderr.read())
        if time.monotonic() > end:
            raise RuntimeError('perf record did not start')
        time.sleep(0.1)
    time.sleep(1)
    return p


def perf_stat():
    cmd = ['taskset', '-c', str(CLI_CPU), PERF, 'stat', '-a', '-C', str(SRV_CPU), '-x', ',',
           '-e', ','.join(STAT_EVENTS)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def perf_stat_read(p):
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        return {}
    counts = {}
    for line in err.splitlines():
        t = line.split(',')
        if len(t) > 2 and t[2] in STAT_EVENTS and t[0].strip().isdigit():
            counts[t[2]] = int(t[0])
    return counts


def perf_stop(p):
    p.send_signal(signal.SIGINT)
    try:
        p.wait(300)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    if p.returncode not in (0, -signal.SIGINT):
        raise RuntimeError('perf record: rc %s: %s' % (p.returncode, p.stderr.read()))


MODULE = {'A': None, 'D': 'prod', 'E': 'nocrypto', 'L': 'lib'}


def one(lab, cfg):
    # perf starts while CPU1 is idle, the configuration's module already
    # loaded (its symbols) and nothing else up yet: starting it under load
    # once hung the guest (soft lockups in perf and ntsload) and once took
    # more than 2 minutes. The samples are cut to the load step by time
    # (CLOCK_MONOTONIC), the counts of perf stat also cover the daemon's
    # start and the warm-up (300 requests).
    lab.use_module(MODULE.get(cfg, 'prod'))
    data = '/tmp/knts-profile-%s.data' % cfg
    if os.path.exists(data):
        os.unlink(data)
    p = perf_record(data)
    st = perf_stat()
    load = None
    try:
        pid = lab.start(cfg, 'chrony')
        load = bench.Load('chrony', cfg)
        r = load.run(pid, bench.WARMUP_RATE, 1.0)
        if 'error' in r:
            raise RuntimeError('%s warm-up: %s' % (cfg, r['error']))
        t0 = time.monotonic()
        r = load.run(pid, RATES[cfg], SECONDS)
        t1 = time.monotonic()
        wall = t1 - t0
        counts = perf_stat_read(st)
        perf_stop(p)
        if 'error' in r:
            raise RuntimeError('%s: %s' % (cfg, r['error']))
        # symbols now, while this module is loaded (kallsyms)
        s = subprocess.Popen([PERF, 'script', '-i', data, '-F', 'comm,tid,ip,sym,dso',
                              '--kallsyms', '/proc/kallsyms',
                              '--time', '%.6f,%.6f' % (t0, t1)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        a = analyse(cfg, s.stdout, module_symbols())
        s.wait()
        os.unlink(data)
    finally:
        for q in (p, st):
            if q.poll() is None:
                q.kill()
                q.wait()
        if load:
            load.close()
        lab.stop()
    a.update({'cfg': cfg, 'rate': RATES[cfg], 'seconds': SECONDS, 'wall_s': wall,
              'period_us': PERIOD_US, 'good': r['good'], 'sent': r['sent'],
              'loss': r['loss'], 'busy_s': r['busy_s'], 'counts': counts})
    bench.log('%s: %d replies of %d (loss %.1f%%), %d samples, %d busy; CPU1 busy %.0f us/reply'
              % (cfg, r['good'], r['sent'], 100 * r['loss'], a['samples'], a['busy'],
                 1e6 * r['busy_s'] / max(r['good'], 1)))
    return a


def report(results):
    cfgs = [a['cfg'] for a in results]
    out = ['make bench-profile: chronyd on CPU1, %.0f s per configuration at %s requests/s; '
           'perf cpu-clock every %d us of CPU1, call chains' % (
               SECONDS, ', '.join('%s %d' % (a['cfg'], a['rate']) for a in results), PERIOD_US),
           'shares: %% of CPU1 busy samples (idle loop excluded); us/req: samples x period '
           '/ replies', '']
    head = '%-62s' % 'category' + ''.join('%9s %7s' % (c + ' %', 'us/req') for c in cfgs)
    out.append(head)
    for key, name in CATS:
        row = '%-62s' % name[:62]
        for a in results:
            v = a['cats'].get(key, 0)
            row += '%8.1f%% %7.1f' % (100 * v / max(a['busy'], 1),
                                     v * a['period_us'] / max(a['good'], 1))
        out.append(row)
    row = '%-62s' % 'total busy'
    for a in results:
        row += '%8.1f%% %7.1f' % (100.0, a['busy'] * a['period_us'] / max(a['good'], 1))
    out.append(row)
    out.append('')
    for a in results:
        out.append('%s: %d replies of %d sent (loss %.1f %%), %d samples (%d idle), '
                   'CPU1 busy by /proc/stat %.1f us/reply' % (
                       a['cfg'], a['good'], a['sent'], 100 * a['loss'], a['samples'],
                       a['idle'], 1e6 * a['busy_s'] / max(a['good'], 1)))
    out.append('')
    out.append('per reply, counted on CPU1 (perf stat):')
    out.append('%-40s' % 'event' + ''.join('%10s' % c for c in cfgs))
    for e in STAT_EVENTS:
        out.append('%-40s' % e + ''.join(
            '%10.2f' % (a['counts'][e] / max(a['good'], 1)) if e in a.get('counts', {})
            else '%10s' % '-' for a in results))
    return '\n'.join(out) + '\n'


def main():
    os.sched_setaffinity(0, {CLI_CPU})
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists('/sys/kernel/tracing/events'):
        subprocess.run(['mount', '-t', 'tracefs', 'nodev', '/sys/kernel/tracing'])
    for k, v in (('kptr_restrict', '0'), ('perf_event_paranoid', '-1')):
        with open('/proc/sys/kernel/' + k, 'w') as f:
            f.write(v)
    fpu = subprocess.run(['dmesg'], capture_output=True, text=True).stdout
    fpu = [line.split('] ', 1)[-1] for line in fpu.splitlines() if 'x86/fpu' in line]
    xb = subprocess.run([os.path.join(PROJECT, 'build', 'xsave_bench')],
                        capture_output=True, text=True).stdout
    bench.BENCH_LAB = LAB
    lab = Lab(LAB)
    lab.setup()
    results = []
    try:
        for cfg in CONFIGS:
            try:
                results.append(one(lab, cfg))
            except Exception as e:	# one configuration: the rest still run
                bench.log('%s: ERROR %s: %s' % (cfg, type(e).__name__, e))
    finally:
        lab.teardown()
    with open(os.path.join(OUT, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    text = report(results) + '\n' + '\n'.join(fpu) + '\n' + xb
    with open(os.path.join(OUT, 'report.txt'), 'w') as f:
        f.write(text)
    sys.stdout.write(text)
    return 0 if len(results) == len(CONFIGS) else 1


if __name__ == '__main__':
    sys.exit(main())
