#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-kernel, host part (issue 15): chronyd's own NTS overhead per
# request, in userspace instructions, set against knts's server path.
#
#   tests/bench/chronyd-cachegrind.sh ICOUNT_LOG
#   tests/bench/chronyd-cachegrind.sh --report ICOUNT_LOG DIR
#
# chronyd (the host's, /usr/sbin/chronyd) runs as its own NTS server on
# 127.0.0.1 (loopback only, unprivileged ports, a private configuration,
# key and certificate) under valgrind's cachegrind, which counts every
# instruction it executes (Ir). build/ntsload sends it requests at a fixed
# rate: NTS requests of the kernel benchmark's shape (AEAD 15, a 32-byte
# UID, one cookie in, no placeholder, so one cookie out, a 48-byte NTP
# header), and plain 48-byte NTP requests. Each kind runs twice, with a
# small and a large count; chronyd is started afresh for each run, so the
# start-up, the NTS-KE exchange and the exit cancel out of
#   per request = (Ir large - Ir small) / (answered large - answered small)
# and chronyd's NTS overhead is the NTS figure minus the plain one.
# "answered" is what came back; the requests chronyd's socket dropped when
# valgrind fell behind (/proc/net/udp) never ran its code, and any other
# loss fails the run. The kernel's UDP stack is in neither figure
# (userspace only), as the knts figure is knts's code alone: both count
# the NTS work and its bookkeeping, not the packet's way through the
# stack. Like qemu -icount, cachegrind counts every iteration of a rep
# movs/stos as one instruction.
#
# ICOUNT_LOG is the output of make bench-kernel's icount pass; its line
# "bench-kernel: server-request N instructions" is the knts figure. The
# script ends with the two contract lines
#   bench-kernel: chronyd-nts N instructions
#   bench-kernel: server-request/chronyd-nts = x
# --report only reads a finished run's files in DIR (nts-S.cg, nts-S.json,
# nts-S.drops, plain-S.cg, ... for the counts S of CG_COUNTS) and prints
# the result: the arithmetic, testable without valgrind
# (tests/scripts/test_chronyd_cg.sh).
#
# Environment: CG_COUNTS="600 6000" (small and large request counts; a
# quick mode: CG_COUNTS="100 600"), CG_RATE=300 (requests per second),
# CG_PORT=11123 and CG_NTSPORT=14460 (NTP and NTS-KE ports on 127.0.0.1),
# CG_DIR=build/bench/chronyd-cg (the run's files, kept), CHRONYD,
# VALGRIND, NTSLOAD (the binaries).
set -euo pipefail
cd "$(dirname "$0")/../.."

counts=${CG_COUNTS:-600 6000}
rate=${CG_RATE:-300}
port=${CG_PORT:-11123}
ntsport=${CG_NTSPORT:-14460}
chronyd=${CHRONYD:-/usr/sbin/chronyd}
valgrind=${VALGRIND:-valgrind}
ntsload=${NTSLOAD:-build/ntsload}
me='chronyd-cachegrind'

die() { echo "$me: $*" >&2; exit 1; }

# report ICOUNT_LOG DIR: the figures of a finished run, the contract lines last.
report() {
	python3 - "$1" "$2" "$counts" <<'EOF'
import json, re, sys
log, d, counts = sys.argv[1], sys.argv[2], sys.argv[3].split()
me = 'chronyd-cachegrind'

def die(msg):
    sys.stderr.write('%s: %s\n' % (me, msg))
    sys.exit(1)

if len(counts) != 2 or not all(c.isdigit() for c in counts) or \
        int(counts[0]) >= int(counts[1]):
    die('CG_COUNTS must be two counts, small then large, not %r' % ' '.join(counts))

# The knts figure: the last server-request line of the icount pass (the
# serial console may end lines with \r).
server = None
try:
    for line in open(log, errors='replace'):
        m = re.match(r'bench-kernel: server-request (\d+) instructions\s*$', line)
        if m:
            server = int(m.group(1))
except OSError as e:
    die('cannot read the icount log: %s' % e)
if server is None:
    die('no "bench-kernel: server-request N instructions" line in %s' % log)

def ir(path):
    """Total Ir of a cachegrind out file (its summary line)."""
    events = summary = None
    try:
        for line in open(path):
            if line.startswith('events:'):
                events = line.split()[1:]
            elif line.startswith('summary:'):
                summary = line.split()[1:]
    except OSError as e:
        die('cannot read %s' % e)
    if not events or 'Ir' not in events or not summary or \
            len(summary) != len(events):
        die('%s: no events/summary lines with Ir (did valgrind finish?)' % path)
    return int(summary[events.index('Ir')])

def answered(path, drops_path):
    """Requests chronyd answered in one run (ntsload --json) and the
    requests its socket dropped (/proc/net/udp, saved by the run)."""
    try:
        r = json.load(open(path))
        sent, valid, invalid = int(r['sent']), int(r['valid']), int(r['invalid'])
    except (OSError, ValueError, KeyError, TypeError) as e:
        die('%s: not an ntsload --json report (%s)' % (path, e))
    try:
        drops = int(open(drops_path).read())
    except (OSError, ValueError) as e:
        die('%s: no drop count (%s)' % (drops_path, e))
    if sent == 0 or invalid:
        die('%s: %d sent, %d invalid replies' % (path, sent, invalid))
    # chronyd under valgrind on a busy host falls behind now and then and
    # its socket queue overflows: those requests never reach its code, so
    # dividing by the answered ones stays exact. Any other loss (a reply
    # lost after chronyd did the work) would make the figure wrong.
    if sent - valid - drops > 0.005 * sent:
        die('%s: %d sent, %d answered, %d dropped at chronyd\'s socket: %d lost elsewhere'
            % (path, sent, valid, drops, sent - valid - drops))
    if valid < 0.5 * sent:
        die('%s: only %d of %d requests answered (a host this busy measures nothing; '
            'lower CG_RATE)' % (path, valid, sent))
    return valid, drops

per = {}
for kind in ('plain', 'nts'):
    (s, l) = counts
    ir_s, ir_l = ir('%s/%s-%s.cg' % (d, kind, s)), ir('%s/%s-%s.cg' % (d, kind, l))
    (n_s, drop_s), (n_l, drop_l) = [answered('%s/%s-%s.json' % (d, kind, n), '%s/%s-%s.drops' % (d, kind, n))
                                    for n in (s, l)]
    if n_l <= n_s or ir_l <= ir_s:
        die('%s: the large run (%d requests, Ir %d) is not larger than the small one (%d, Ir %d)'
            % (kind, n_l, ir_l, n_s, ir_s))
    per[kind] = (ir_l - ir_s) / (n_l - n_s)
    dropped = '' if drop_s + drop_l == 0 else \
        ' (%d and %d more dropped at its socket)' % (drop_s, drop_l)
    print('%s: %-5s requests %d: Ir %d; %d: Ir %d; per request %.0f%s'
          % (me, kind, n_s, ir_s, n_l, ir_l, per[kind], dropped))
nts = round(per['nts'] - per['plain'])
if nts <= 0:
    die('NTS requests cost chronyd no more than plain ones (%.0f vs %.0f): not a measurement'
        % (per['nts'], per['plain']))
print('%s: chronyd NTS overhead = %.0f - %.0f; knts server-request (icount) %d'
      % (me, per['nts'], per['plain'], server))
print('bench-kernel: chronyd-nts %d instructions' % nts)
print('bench-kernel: server-request/chronyd-nts = %.2f' % (server / nts))
EOF
}

if [ "${1:-}" = --report ]; then
	[ $# -eq 3 ] || die "usage: $0 --report ICOUNT_LOG DIR"
	report "$2" "$3"
	exit
fi
[ $# -eq 1 ] || die "usage: $0 ICOUNT_LOG"
icount_log=$1
[ -r "$icount_log" ] || die "no icount log $icount_log (make bench-kernel writes it)"
grep -q '^bench-kernel: server-request [0-9]* instructions' "$icount_log" ||
	die "no server-request line in $icount_log: the icount pass failed"
command -v "$valgrind" >/dev/null ||
	die "valgrind not found (it measures chronyd; make deps installs it)"
[ -x "$chronyd" ] || die "no chronyd at $chronyd (Debian package chrony; make deps installs it)"
[ -x "$ntsload" ] || die "no $ntsload (make userspace)"
command -v openssl >/dev/null || die "openssl not found"
read -r n_small n_large extra <<<"$counts"
if [ -z "$n_large" ] || [ -n "$extra" ]; then
	die "CG_COUNTS must be two counts, small then large"
fi
for p in "$port" "$ntsport"; do
	[ -z "$(ss -Hlntu "sport = :$p")" ] ||
		die "port $p is in use on this host (set CG_PORT / CG_NTSPORT)"
done

out=${CG_DIR:-build/bench/chronyd-cg}
mkdir -p "$out"
rm -f "$out"/*.cg "$out"/*.json "$out"/*.log "$out"/*.drops "$out"/*.err "$out"/*.load.err
tmp=$(mktemp -d)
cg_pid=
cleanup() {
	if [ -n "$cg_pid" ]; then
		kill "$cg_pid" 2>/dev/null || true
		wait "$cg_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# A self-signed certificate for 127.0.0.1; ntsload checks it against itself.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$tmp/server.key" -out "$tmp/server.crt" -days 2 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 ||
	die "openssl could not make the server certificate"
mkdir -m 700 "$tmp/dump"
# ntsprocesses 0: NTS-KE in the NTP process, so one process has it all;
# ntsrotate 0: no key rotation in the middle of a run.
cat > "$tmp/chrony.conf" <<EOF
pidfile $tmp/chronyd.pid
bindcmdaddress $tmp/chronyd.sock
cmdport 0
driftfile $tmp/drift
bindaddress 127.0.0.1
port $port
ntsport $ntsport
allow 127.0.0.1
local stratum 10
ntsservercert $tmp/server.crt
ntsserverkey $tmp/server.key
ntsdumpdir $tmp/dump
ntsprocesses 0
ntsrotate 0
EOF

# listening PROTO PORT: something listens on 127.0.0.1:PORT.
listening() { [ -n "$(ss -Hln"$1" "sport = :$2")" ]; }

# stop: end chronyd (valgrind writes its out file as chronyd exits).
stop() {
	kill -TERM "$cg_pid"
	wait "$cg_pid" || true
	cg_pid=
}

# attempt KIND N: chronyd under cachegrind, N requests of KIND, chronyd
# stopped; fails (chronyd stopped) when ntsload does.
attempt() {
	local kind=$1 n=$2 dur
	rm -f "$tmp/chronyd.pid" "$tmp/dump"/* "$out/$kind-$n".*
	# NETTLE_FAT_VERBOSE: nettle says which AES code it picked (AES-NI
	# under valgrind too), into the run's log.
	NETTLE_FAT_VERBOSE=1 "$valgrind" --tool=cachegrind --cache-sim=no \
		--cachegrind-out-file="$out/$kind-$n.cg" \
		"$chronyd" -d -x -u root -f "$tmp/chrony.conf" \
		> "$out/$kind-$n.log" 2>&1 &
	cg_pid=$!
	for _ in $(seq 240); do
		listening u "$port" && listening t "$ntsport" && break
		kill -0 "$cg_pid" 2>/dev/null || break
		sleep 0.25
	done
	if ! listening u "$port" || ! listening t "$ntsport"; then
		tail -n 20 "$out/$kind-$n.log" >&2
		die "chronyd under valgrind did not come up on 127.0.0.1:$port/$ntsport"
	fi
	dur=$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%.3f", n / r }')
	local args=(--rate "$rate" --duration "$dur" --pool "$n" --drain 2000 --json)
	if [ "$kind" = nts ]; then
		args+=(--ke "127.0.0.1:$ntsport" --ca "$tmp/server.crt" --aead 15)
	else
		args+=(--plain --target "127.0.0.1:$port")
	fi
	if ! "$ntsload" "${args[@]}" > "$out/$kind-$n.json" 2> "$out/$kind-$n.err"; then
		stop
		return 1
	fi
	# Requests chronyd's socket dropped (its queue full while valgrind
	# was behind): the drops column of /proc/net/udp, for the socket on
	# 127.0.0.1:port, read while it is still open.
	awk -v a="$(printf '0100007F:%04X' "$port")" \
		'$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp > "$out/$kind-$n.drops"
	stop
	[ -s "$out/$kind-$n.cg" ] || die "valgrind wrote no $out/$kind-$n.cg"
}

# run KIND N: attempt, up to three times. On a busy host chronyd under
# valgrind can be slow enough in its first TLS handshake to give up on
# the NTS-KE session; a failed attempt leaves nothing behind (each
# attempt is a fresh chronyd and a fresh out file).
run() {
	local try
	for try in 1 2 3; do
		attempt "$1" "$2" && return
		echo "$me: ntsload failed ($1, $2 requests, attempt $try):" \
			"$(tail -n 1 "$out/$1-$2.err")" >&2
	done
	die "ntsload failed three times ($1, $2 requests)"
}

echo "$me: $("$chronyd" -v | cut -d' ' -f1-4) as its own NTS server on 127.0.0.1," \
	"under $("$valgrind" --version) cachegrind; ntsload at $rate/s, $n_small and $n_large requests"
for kind in plain nts; do
	run "$kind" "$n_small"
	run "$kind" "$n_large"
done
grep -h -m1 'libnettle: .*aes instructions' "$out/nts-$n_large.log" | sed "s/^/$me: nettle: /" || true
report "$icount_log" "$out"
