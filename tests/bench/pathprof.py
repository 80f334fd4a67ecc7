#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-pathprof (issue 15): where the instructions of one packet leg
go, function by function, counted the way make bench-kernel's icount pass
counts them (one per executed instruction, one per iteration of a rep
movs/stos).

qemu's gdb stub is the profiler: the guest (tests/bench/pathprof_guest.sh,
booted with nokaslr and -gdb on host loopback) loads knts.ko with bench=N;
gdb stops at the K-th call (and the C-1 calls after it) of each leg (knts_server_in, knts_server_out,
knts_client_out, knts_client_in) made while the benchmark runs the default
backend (knts_siv_force == KNTS_SIV_AUTO), single-steps it to its return
and records every program counter and stack pointer. The guest's
/proc/kallsyms names them. Per leg it prints the total, the functions by
instructions of their own, and by instructions including their callees.

Usage: pathprof.py [--bench N] [--hit K] [--count C] [--top T] [LEG ...]

C calls of each leg from the K-th on are traced and averaged: the
kernel's batched random numbers refill on some calls only.
"""
import argparse
import bisect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEGS = ["knts_server_in", "knts_server_out", "knts_client_out",
        "knts_client_in"]
KNTS_SIV_AUTO = -1

# Runs inside gdb (gdb -batch -x): its configuration comes in a JSON file.
GDB_SCRIPT = r'''
import gdb, json, os, struct
conf = json.load(open(os.environ["PATHPROF_CONF"]))
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:%d" % conf["port"])
legs = {int(a, 16): name for name, a in conf["legs"].items()}
force = int(conf["force"], 16)
for a in legs:
    gdb.Breakpoint("*0x%x" % a, type=gdb.BP_HARDWARE_BREAKPOINT)
open(conf["go"], "w").close()
inf = gdb.selected_inferior()
hits = {a: 0 for a in legs}
left = set(legs)

def reg(name):
    return int(gdb.selected_frame().read_register(name)) & (2**64 - 1)

while left:
    gdb.execute("continue", to_string=True)
    pc = reg("rip")
    if pc not in legs:
        continue
    f = struct.unpack("<i", bytes(inf.read_memory(force, 4)))[0]
    if f != conf["auto"]:
        continue
    hits[pc] += 1
    if pc not in left or hits[pc] < conf["hit"]:
        continue
    if hits[pc] == conf["hit"] + conf["count"] - 1:
        left.discard(pc)
    rsp0 = reg("rsp")
    ret = struct.unpack("<Q", bytes(inf.read_memory(rsp0, 8)))[0]
    trace = []
    while len(trace) < 2000000:
        trace.append((pc, reg("rsp")))
        gdb.execute("stepi", to_string=True)
        pc = reg("rip")
        if pc == ret and reg("rsp") > rsp0:
            break
    else:
        # Never returned (or a runaway): no trace, so the host says so.
        print("pathprof: a call of %s passed 2,000,000 steps" %
              conf["names"][str(trace[0][0])])
        continue
    name = conf["names"][str(trace[0][0])]
    n = hits[trace[0][0]] - conf["hit"]
    with open(os.path.join(conf["dir"], "trace-%s.%d.json" % (name, n)),
              "w") as fp:
        json.dump(trace, fp)
for b in gdb.breakpoints():
    b.delete()
gdb.execute("detach")
'''


def kallsyms(path, types="tTwW"):
    """Sorted (address, name) of a /proc/kallsyms' symbols of @types
    (text by default)."""
    syms = []
    for line in open(path):
        f = line.split()
        if len(f) >= 3 and f[1] in types:
            syms.append((int(f[0], 16), f[2]))
    syms.sort()
    return syms


def symbol_of(syms, addrs, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i] if i >= 0 else (0, "?")


def profile(trace, syms):
    """Self and inclusive instruction counts per function of one trace."""
    addrs = [a for a, _ in syms]
    selfc, incl, calls = {}, {}, {}
    stack = []			# (function, rsp at its entry)
    prev = None
    for pc, rsp in trace:
        start, name = symbol_of(syms, addrs, pc)
        # An entry, unless it is the same instruction again: each
        # iteration of a rep movs/stos is a step of its own.
        if pc == start and pc != prev:
            while stack and stack[-1][1] <= rsp:
                stack.pop()
            if stack:
                edge = (stack[-1][0], name)
                calls[edge] = calls.get(edge, 0) + 1
            stack.append((name, rsp))
        else:
            while stack and stack[-1][1] < rsp:
                stack.pop()
        prev = pc
        selfc[name] = selfc.get(name, 0) + 1
        for fn in {fn for fn, _ in stack} | {name}:
            incl[fn] = incl.get(fn, 0) + 1
    return selfc, incl, calls


def report(leg, traces, syms, top, callers):
    """The average over @traces of one leg's profile."""
    selfc, incl, calls = {}, {}, {}
    for t in traces:
        s, i, c = profile(t, syms)
        for d, part in ((selfc, s), (incl, i), (calls, c)):
            for k, v in part.items():
                d[k] = d.get(k, 0) + v
    n = len(traces)
    selfc = {k: round(v / n) for k, v in selfc.items()}
    incl = {k: round(v / n) for k, v in incl.items()}
    print("pathprof: %s: %d instructions (mean of %d calls: %s)" %
          (leg, round(sum(map(len, traces)) / n), n,
           " ".join(str(len(t)) for t in traces)))
    print("  %-40s %8s   %-40s %8s" % ("own", "instr", "with callees",
                                        "instr"))
    a = sorted(selfc.items(), key=lambda x: -x[1])[:top]
    b = sorted(incl.items(), key=lambda x: -x[1])[:top]
    for i in range(max(len(a), len(b))):
        l = a[i] if i < len(a) else ("", "")
        r = b[i] if i < len(b) else ("", "")
        print("  %-40s %8s   %-40s %8s" % (l[0][:40], l[1], r[0][:40], r[1]))
    for fn in callers:
        print("  calls of %s (per %d legs):" % (fn, n))
        for (a, b), v in sorted(calls.items()):
            if b == fn:
                print("    from %-40s %5d" % (a, v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=int, default=256)
    ap.add_argument("--hit", type=int, default=150)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--callers", action="append", default=[],
                    help="also print who calls this function")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--port", type=int, default=12345)
    ap.add_argument("legs", nargs="*", default=LEGS)
    args = ap.parse_args()
    if not shutil.which("gdb"):
        sys.exit("pathprof: gdb is not installed")
    out = os.path.join(ROOT, "build", "bench", "pathprof")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, VM_QEMU_ARGS="-smp 1 -icount shift=0 -gdb tcp:127.0.0.1:%d" %
               args.port, VM_KERNEL_ARGS="nokaslr")
    vm = subprocess.Popen([os.path.join(ROOT, "tests/vm/run"), "--",
                           os.path.join(HERE, "pathprof_guest.sh"), out,
                           str(args.bench)], env=env)
    ready = os.path.join(out, "ready")
    while not os.path.exists(ready):
        if vm.poll() is not None:
            sys.exit("pathprof: the VM ended before the module was ready")
        time.sleep(0.5)
    syms = kallsyms(os.path.join(out, "kallsyms.before"))
    where = {n: a for a, n in syms}
    data = {n: a for a, n in
            kallsyms(os.path.join(out, "kallsyms.before"), "dDbB")}
    missing = [l for l in args.legs if l not in where]
    if missing or "knts_siv_force" not in data:
        vm.kill()
        sys.exit("pathprof: not in the module's symbols: %s" %
                 " ".join(missing or ["knts_siv_force"]))
    conf = {"port": args.port, "dir": out, "hit": args.hit,
            "count": args.count,
            "go": os.path.join(out, "go"), "auto": KNTS_SIV_AUTO,
            "force": "%x" % data["knts_siv_force"],
            "legs": {l: "%x" % where[l] for l in args.legs},
            "names": {str(where[l]): l for l in args.legs}}
    with tempfile.TemporaryDirectory() as tmp:
        cf, gf = os.path.join(tmp, "conf.json"), os.path.join(tmp, "gdb.py")
        json.dump(conf, open(cf, "w"))
        open(gf, "w").write(GDB_SCRIPT)
        g = subprocess.run(["gdb", "-nx", "-batch", "-x", gf],
                           env=dict(os.environ, PATHPROF_CONF=cf),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    if vm.wait() != 0:
        sys.exit("pathprof: the VM failed")
    after = kallsyms(os.path.join(out, "kallsyms.after"))
    for l in args.legs:
        if dict((n, a) for a, n in after).get(l) != where[l]:
            sys.exit("pathprof: the module moved between its two loads")
    for l in args.legs:
        paths = [os.path.join(out, "trace-%s.%d.json" % (l, i))
                 for i in range(args.count)]
        if not all(map(os.path.exists, paths)):
            print(g.stdout[-2000:], file=sys.stderr)
            sys.exit("pathprof: no trace of %s" % l)
        report(l, [json.load(open(p)) for p in paths], after, args.top,
               args.callers)


if __name__ == "__main__":
    main()
