#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's table from the JSON lines bench.py writes.

  report.py build/bench/results.jsonl

Prints one row per daemon and configuration (median max rate over the
rounds, median CPU per request at the cost point), then per protected
daemon the ratios on lines of the form `D/A = 0.83` and the goals of
issue 7. Exit status 1 when a configuration never answered.
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
DAEMON_NAME = {'chrony': 'chronyd', 'ntpsec': 'ntpd', '-': ''}
GOALS = [('D/A', 0.8, 'stretch 0.9'), ('D/B', 1.2, 'stretch 1.5'),
         ('D/C', 2.5, '')]


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
            elif r.get('kind') in ('cost', 'step', 'max'):
                recs.append(r)
    return meta, recs


def per_req(r):
    good = max(r['good'], 1)
    return {'busy': 1e6 * r['busy_s'] / good,
            'daemon': 1e6 * r['daemon_s'] / good,
            'softirq': 1e6 * r['softirq_s'] / good}


def summarise(recs):
    rows = {}
    steps = {}
    for r in recs:
        key = (r['daemon'], r['cfg'])
        row = rows.setdefault(key, {'max': [], 'cost': [], 'at_max': [],
                                    'steps': 0, 'gen_limited': 0, 'errors': 0})
        if r['kind'] == 'max':
            row['max'].append(r['rate'])
            ok = steps.get((key, r['rep'], r['rate']))
            if ok:
                row['at_max'].append(per_req(ok)['busy'])
            continue
        if 'error' in r:
            row['errors'] += 1
            continue
        if r['kind'] == 'step':
            row['steps'] += 1
            row['gen_limited'] += bool(r['gen_limited'])
            if r['ok']:
                steps[(key, r['rep'], r['rate'])] = r
            continue
        c = per_req(r)
        c.update({'loss': r['loss'], 'good': r['good'], 'sent': r['sent'],
                  'p50': r['lat_p50_us'] if r['cfg'] != 'E' else None,
                  'invalid_by': r['invalid_by'], 'invalid': r['invalid']})
        row['cost'].append(c)
    for row in rows.values():
        row['cap'] = med(row['max'])
        row['busy_at_max'] = med(row['at_max'])
        for k in ('busy', 'daemon', 'softirq', 'p50', 'loss'):
            row[k] = med([c[k] for c in row['cost']])
    return rows


def ratio(a, b):
    return a / b if a and b else None


def main():
    meta, recs = load(sys.argv[1])
    rows = summarise(recs)
    smoke = meta.get('smoke')
    out = []
    p = out.append
    p('== knts side-by-side benchmark (issue 7)%s ==' % (' - SMOKE RUN, figures meaningless' if smoke else ''))
    p('qemu TCG guest (kernel %s, 2 vCPUs, AES-NI %s): absolute figures are 10-20x slower'
      % (meta.get('uname', '?'), 'emulated' if meta.get('cpu_flags_aes') else 'absent'))
    p('than native, more when the host is shared; only the ratios inside this run count.')
    p('Generator ntsload on CPU0 (and its receive softirq: RPS on kb1); the server daemon and its')
    p('receive softirq on CPU1 (RPS on kb0). %d round(s), configurations interleaved, order rotated;'
      % meta.get('reps', 0))
    p('max rate = highest offered rate of one ladder (x1.12 steps of %.1f s) with < 1%% loss,'
      % meta.get('step_s', 0))
    p('median over the rounds. CPU/req (and its daemon, softirq parts, p50 latency) at one common')
    p('rate, %d req/s for %.0f s, and CPU/req at each round\'s max rate: CPU1 busy (wall - idle:'
      % (meta.get('cost_rate', 0), meta.get('cost_s', 0)))
    p('the daemon, softirq, kernel threads) per reply;')
    p('daemon = its schedstat (all threads); softirq = CPU1 softirq time (/proc/stat, tick-sampled;')
    p('without IRQ_TIME_ACCOUNTING softirq run on top of the daemon counts in both, so daemon +')
    p('softirq can exceed busy). E signs nothing, so its replies fail authentication by design:')
    p('answered replies count for E.')
    p('')
    p('%-8s %-3s %-27s %9s  %-20s %8s %8s %8s %8s %8s' % (
        'daemon', 'cfg', 'what', 'max rate', '(each round)', 'CPU/req', 'daemon',
        'softirq', 'p50 lat', 'CPU/req'))
    p('%-8s %-3s %-27s %9s  %-20s %8s %8s %8s %8s %8s' % (
        '', '', '', 'req/s', '', 'us', 'us', 'us', 'us', 'at max'))
    bad = False
    order = [('chrony', 'A'), ('ntpsec', 'A'), ('-', 'B'), ('-', 'C'),
             ('chrony', 'D'), ('ntpsec', 'D'), ('chrony', 'E'), ('ntpsec', 'E')]
    for key in order:
        row = rows.get(key)
        if not row:
            continue
        daemon, cfg = key
        if not row['cost'] and not row['max']:
            bad = True
        if smoke and (not row['cost'] or row['cost'][0]['good'] == 0):
            bad = True
        name = DAEMON_NAME[daemon] if daemon != '-' else ('chronyd' if cfg == 'B' else 'ntpd')
        flags = ''
        if row['gen_limited']:
            flags += ' gen-limited steps: %d' % row['gen_limited']
        if row['errors']:
            flags += ' errors: %d' % row['errors']
        p('%-8s %-3s %-27s %9s  %-20s %8s %8s %8s %8s %8s%s' % (
            name, cfg, WHAT[cfg], fmt(row['cap']),
            '(' + ' '.join(str(x) for x in row['max']) + ')' if row['max'] else '',
            fmt(row['busy'], '%.1f'), fmt(row['daemon'], '%.1f'),
            fmt(row['softirq'], '%.1f'), fmt(row['p50']),
            fmt(row['busy_at_max'], '%.1f'), flags))
    if smoke:
        p('')
        for key in order:
            row = rows.get(key)
            if row and row['cost']:
                c = row['cost'][0]
                p('smoke %s %s: %d of %d answered as expected, invalid %s' % (
                    key[0], key[1], c['good'], c['sent'],
                    {k: v for k, v in c['invalid_by'].items() if v} or 0))
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
        # the same ratios from CPU per request (capacity ~ 1 / cost), at
        # the common rate and at each configuration's max rate
        for label, k in (('the cost point', 'busy'), ('max rate', 'busy_at_max')):
            cpu = {'D/A': ratio(a.get(k), d.get(k)), 'D/B': ratio(b.get(k), d.get(k)),
                   'D/C': ratio(c.get(k), d.get(k))}
            p('from CPU/req at %s: %s' % (label, ', '.join(
                '%s %s' % (n, fmt(v, '%.2f')) for n, v in cpu.items())))
        for label, k in (('at the cost point', 'busy'), ('at max rate', 'busy_at_max')):
            if a.get(k) and d.get(k):
                line = 'CPU per request added by knts %s: D-A = %.1f us' % (label, d[k] - a[k])
                if e.get(k):
                    line += ' (hooks and parsing E-A = %.1f us, crypto D-E = %.1f us)' % (
                        e[k] - a[k], d[k] - e[k])
                p(line)
        for name, goal, stretch in GOALS:
            v = got[name]
            if v is None:
                p('goal %s >= %.1f: not measured' % (name, goal))
            elif v >= goal:
                p('goal %s >= %.1f: met (%.2f)%s' % (name, goal, v,
                                                     ', ' + stretch + ' met' if stretch and v >= float(stretch.split()[1]) else ''))
            else:
                p('goal %s >= %.1f: MISSED by %.0f%% (%.2f)' % (name, goal, 100 * (1 - v / goal), v))
    print('\n'.join(out))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
