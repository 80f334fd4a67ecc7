#!/usr/bin/env python3
"""Host half of make bench-arm64's chronyd figure: reads one guest's console
log (the "@@ chrony" lines of tests/arm64/chronyd-load) and prints chronyd's
NTS overhead per request in instructions.

  chronyd-figures.py LOG MODEL "S L" NETTLE SERVER_REQUEST BACKEND

NETTLE is the NETTLE_FAT_OVERRIDE chronyd ran with ("" for nettle's own
CPU detection); SERVER_REQUEST is knts's figure on MODEL for the board's
BACKEND ("" when there is none). Per kind (nts, plain):

  per request = (runtime L - runtime S) / (answered L - answered S)

runtime being chronyd's sum_exec_runtime (/proc/PID/schedstat) over the
run, which under -icount shift=0 counts its instructions; the NTS-KE
handshake is before the first reading (ntsload --pause). chronyd-nts is
the NTS figure minus the plain one. A run that lost or failed a request,
or a nettle that did not pick the AES code asked for, fails (exit 1).
The last lines are the contract lines
  bench-arm64: MODEL chronyd-nts N instructions
  bench-arm64: MODEL server-request/chronyd-nts = x
"""
import json
import re
import sys

log, model, counts, nettle, server, backend = sys.argv[1:7]
me = 'bench-arm64: %s' % model


def die(msg):
    print('%s: chronyd: %s (see %s)' % (me, msg, log))
    sys.exit(1)


try:
    lines = [l.rstrip('\r\n') for l in open(log, errors='replace')]
except OSError as e:
    die('cannot read the console log: %s' % e)
for l in lines:
    if l.startswith('@@ chrony error '):
        die(l[len('@@ chrony error '):])
if '@@ chrony done' not in lines:
    die('the guest did not finish the chronyd runs')

# nettle's choice, as NETTLE_FAT_VERBOSE printed it in chronyd's log.
clog = [l[len('@@ chronyd-log '):] for l in lines if l.startswith('@@ chronyd-log ')]
hw_aes = any('enabling hardware accelerated AES' in l for l in clog)
feats = [l for l in clog if l.startswith('libnettle: cpu features:')]
if not feats:
    die('nettle did not report its CPU features (NETTLE_FAT_VERBOSE)')
if nettle and hw_aes:
    die('nettle used the AES instructions despite NETTLE_FAT_OVERRIDE=%s' % nettle)
if not nettle and not hw_aes:
    die("nettle did not pick the AES instructions on %s (%s)" % (model, feats[0]))
aes = ('AES on the Crypto Extensions (nettle detected them)' if hw_aes else
       'generic C AES (NETTLE_FAT_OVERRIDE=%s, as on a CPU without the Crypto Extensions)' % nettle)
up = [l for l in lines if l.startswith('@@ chrony up ')]
print('%s: chronyd: %s; AES-SIV with nettle\'s %s' %
      (me, up[0].split(' ', 5)[-1] if up else '?', aes))

runs = {}
for l in lines:
    m = re.match(r'@@ chrony run (\w+) (\d+) rc=(\d+) runtime (\d+) (\d+) json (.*)$', l)
    if not m:
        continue
    kind, n, rc, before, after, js = m.groups()
    if rc != '0':
        die('ntsload failed (%s, %s requests, rc=%s)' % (kind, n, rc))
    try:
        r = json.loads(js)
        sent, valid, invalid = int(r['sent']), int(r['valid']), int(r['invalid'])
    except (ValueError, KeyError, TypeError) as e:
        die('%s %s: not an ntsload --json report (%s)' % (kind, n, e))
    if sent != int(n) or valid != sent or invalid:
        die('%s %s: %d sent, %d valid, %d invalid: chronyd lost or spoilt requests'
            % (kind, n, sent, valid, invalid))
    runs[(kind, int(n))] = (int(after) - int(before), valid)

for l in lines:
    m = re.match(r'@@ chrony idle (\d+) runtime (\d+) (\d+)$', l)
    if m:
        print('%s: chronyd idle: %d instructions in %s s (its timers; not subtracted)'
              % (me, int(m.group(3)) - int(m.group(2)), m.group(1)))
small, large = (int(c) for c in counts.split())
per = {}
for kind in ('nts', 'plain'):
    if (kind, small) not in runs or (kind, large) not in runs:
        die('no %s run of %d and %d requests' % (kind, small, large))
    (rt_s, n_s), (rt_l, n_l) = runs[(kind, small)], runs[(kind, large)]
    if rt_l <= rt_s:
        die('%s: the large run (%d requests, %d ns) is not larger than the small one (%d, %d ns)'
            % (kind, n_l, rt_l, n_s, rt_s))
    per[kind] = (rt_l - rt_s) / (n_l - n_s)
    print('%s: chronyd %-5s %d requests: %d instructions; %d: %d; per request %.0f'
          % (me, kind, n_s, rt_s, n_l, rt_l, per[kind]))
nts = round(per['nts'] - per['plain'])
if nts <= 0:
    die('NTS requests cost chronyd no more than plain ones (%.0f vs %.0f): not a measurement'
        % (per['nts'], per['plain']))
print('bench-arm64: %s chronyd-nts %d instructions' % (model, nts))
if server:
    print('%s: knts server-request %s instructions (%s, the board\'s backend)'
          % (me, server, backend))
    print('bench-arm64: %s server-request/chronyd-nts = %.2f' % (model, int(server) / nts))
