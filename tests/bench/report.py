#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's table from the JSON lines bench.py writes.

  report.py build/bench/results.jsonl

Prints one row per daemon and configuration: the median over the rounds of
the highest rate with < 1 % loss, and the server CPU per request (and its
daemon and softirq parts, and the latency) of the step at that rate; then,
per protected daemon, the ratios on lines of the form `D/A = 0.83` and the
goals of issue 7. Exit status 1 when a configuration never answered.
"""
import json
import statistics
import sys

WHAT = {
    'A': 'plain NTP, no knts',
    'B': "chronyd's own NTS server",
    'C': "NTPsec's own NTS server",
    'D': 'plain daemon behind knts',
    'E': 'knts parsing, no crypto',
}
DAEMON_NAME = {'chrony': 'chronyd', 'ntpsec': 'ntpd'}
GOALS = [('D/A', 0.8, 0.9), ('D/B', 1.2, 1.5), ('D/C', 2.5, None)]
ORDER = [('chrony', 'A'), ('ntpsec', 'A'), ('-', 'B'), ('-', 'C'),
         ('chrony', 'D'), ('ntpsec', 'D'), ('chrony', 'E'), ('ntpsec', 'E')]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec='%.0f'):
    return spec % x if x is not None else '-'


def load(path):
    meta, recs = {}, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if r.get('kind') == 'meta':
                meta = r
            elif r.get('kind') in ('step', 'max', 'smoke', 'error'):
                recs.append(r)
    return meta, recs


def per_req(r):
    good = max(r['good'], 1)
    return {'busy': 1e6 * r['busy_s'] / good,
            'daemon': 1e6 * r['daemon_s'] / good,
            'softirq': 1e6 * r['softirq_s'] / good,
            # E's replies are never valid, so it has no latency
            'p50': r['lat_p50_us'] if r['cfg'] != 'E' else None,
            'p99': r['lat_p99_us'] if r['cfg'] != 'E' else None}


def summarise(recs):
    rows = {}
    passed = {}
    for r in recs:
        key = (r['daemon'], r['cfg'])
        row = rows.setdefault(key, {'max': [], 'at_max': [], 'smoke': [],
                                    'gen_limited': 0, 'errors': 0})
        if 'error' in r:
            row['errors'] += 1
        elif r['kind'] == 'max':
            row['max'].append(r['rate'])
            step = passed.get((key, r['rep'], r['rate']))
            if step:
                row['at_max'].append(per_req(step))
        elif r['kind'] == 'step':
            row['gen_limited'] += bool(r['gen_limited'])
            if r['ok']:
                passed[(key, r['rep'], r['rate'])] = r
        elif r['kind'] == 'smoke':
            row['smoke'].append(r)
    for row in rows.values():
        row['cap'] = med(row['max'])
        for k in ('busy', 'daemon', 'softirq', 'p50', 'p99'):
            row[k] = med([c[k] for c in row['at_max']])
    return rows


def ratio(a, b):
    return a / b if a and b else None


def header(meta, p):
    smoke = meta.get('smoke')
    p('== knts side-by-side benchmark (issue 7)%s ==' % (
        ' - SMOKE RUN: every configuration answers; figures meaningless' if smoke else ''))
    p('qemu TCG guest (kernel %s, 2 vCPUs, AES-NI %s): absolute figures are 10-20x slower'
      % (meta.get('uname', '?'), 'emulated' if meta.get('cpu_flags_aes') else 'absent'))
    p('than native, more when the host is shared; only the ratios inside this run count.')
    p('Generator ntsload on CPU0 (and its receive softirq: RPS on kb1); the server daemon and its')
    p('receive softirq on CPU1 (RPS on kb0).')
    if smoke:
        return
    p('%d round(s), configurations interleaved. max rate: highest offered rate of one ladder'
      % meta.get('reps', 0))
    p('(x1.12, steps of %.1f s, replies counted until %d ms after the last request) with < 1%%'
      % (meta.get('step_s', 0), meta.get('drain_ms', 0)))
    p('loss, a failing step tried %d times; median over the rounds. At that rate, per reply:'
      % meta.get('tries', 1))
    p('CPU = all of CPU1 busy (wall - idle: daemon, softirq, kernel threads); daemon = its')
    p('schedstat (all threads); softirq = CPU1 softirq time (/proc/stat, tick-sampled; without')
    p('IRQ_TIME_ACCOUNTING softirq run on top of the daemon counts in both, so daemon + softirq')
    p('can exceed CPU); latency as ntsload sees it. E signs nothing: its replies fail the')
    p('authenticator check by design, so answered replies count for E, and it has no latency.')


def main():
    meta, recs = load(sys.argv[1])
    rows = summarise(recs)
    smoke = meta.get('smoke')
    out = []
    p = out.append
    header(meta, p)
    p('')
    p('%-8s %-3s %-26s %8s  %-20s %7s %7s %7s %8s %8s' % (
        'daemon', 'cfg', 'what', 'max rate', '(each round)', 'CPU', 'daemon',
        'softirq', 'lat p50', 'lat p99'))
    p('%-8s %-3s %-26s %8s  %-20s %7s %7s %7s %8s %8s' % (
        '', '', '', 'req/s', '', 'us/req', 'us/req', 'us/req', 'us', 'us'))
    bad = False
    for key in ORDER:
        row = rows.get(key)
        if not row:
            continue
        daemon, cfg = key
        if smoke:
            bad |= not row['smoke'] or row['smoke'][0]['good'] == 0
        else:
            bad |= not row['max'] or not row['cap']
        name = DAEMON_NAME.get(daemon) or ('chronyd' if cfg == 'B' else 'ntpd')
        flags = ''
        if row['gen_limited']:
            flags += ' gen-limited steps: %d' % row['gen_limited']
        if row['errors']:
            flags += ' ERRORS: %d' % row['errors']
        p('%-8s %-3s %-26s %8s  %-20s %7s %7s %7s %8s %8s%s' % (
            name, cfg, WHAT[cfg], fmt(row['cap']),
            '(' + ' '.join(str(x) for x in row['max']) + ')' if row['max'] else '',
            fmt(row['busy'], '%.1f'), fmt(row['daemon'], '%.1f'),
            fmt(row['softirq'], '%.1f'), fmt(row['p50']), fmt(row['p99']), flags))
    if smoke:
        p('')
        for key in ORDER:
            row = rows.get(key)
            if not row:
                continue
            for r in row['smoke']:
                p('smoke %s %s: %d of %d answered%s, invalid %s' % (
                    key[0], key[1], r['good'], r['sent'],
                    ' (no crypto: authenticator unchecked by design)' if key[1] == 'E' else '',
                    {k: v for k, v in r['invalid_by'].items() if v} or 0))
            if not row['smoke']:
                p('smoke %s %s: NO ANSWER' % key)
        print('\n'.join(out))
        return 1 if bad else 0

    b = rows.get(('-', 'B'), {})
    c = rows.get(('-', 'C'), {})
    for daemon in ('chrony', 'ntpsec'):
        a, d, e = (rows.get((daemon, x), {}) for x in 'ADE')
        if not d:
            continue
        p('')
        p('%s as the protected daemon (D = %s plain behind knts):' % (
            DAEMON_NAME[daemon], DAEMON_NAME[daemon]))
        got = {'D/A': ratio(d.get('cap'), a.get('cap')),
               'D/B': ratio(d.get('cap'), b.get('cap')),
               'D/C': ratio(d.get('cap'), c.get('cap'))}
        for name in ('D/A', 'D/B', 'D/C'):
            p('%s = %s' % (name, fmt(got[name], '%.2f')))
        p('E/A = %s' % fmt(ratio(e.get('cap'), a.get('cap')), '%.2f'))
        # the same ratios from CPU per request (capacity ~ 1 / cost)
        p('from CPU/req at max rate: %s' % ', '.join('%s %s' % (n, fmt(v, '%.2f')) for n, v in (
            ('D/A', ratio(a.get('busy'), d.get('busy'))),
            ('D/B', ratio(b.get('busy'), d.get('busy'))),
            ('D/C', ratio(c.get('busy'), d.get('busy'))))))
        if a.get('busy') and d.get('busy'):
            line = 'CPU per request added by knts: D-A = %.1f us' % (d['busy'] - a['busy'])
            if e.get('busy'):
                line += ' (hooks and parsing E-A = %.1f us, crypto D-E = %.1f us)' % (
                    e['busy'] - a['busy'], d['busy'] - e['busy'])
            p(line)
        for name, goal, stretch in GOALS:
            v = got[name]
            if v is None:
                p('goal %s >= %.1f: not measured' % (name, goal))
            elif v >= goal:
                p('goal %s >= %.1f: met (%.2f)%s' % (
                    name, goal, v, ', stretch %.1f met' % stretch if stretch and v >= stretch else ''))
            else:
                p('goal %s >= %.1f: MISSED by %.0f%% (%.2f)' % (name, goal, 100 * (1 - v / goal), v))
    print('\n'.join(out))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
