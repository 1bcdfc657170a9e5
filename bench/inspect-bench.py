#!/usr/bin/env python3
"""What query-zones costs, while the guest allocates.

    bench/inspect-bench.py [--vmm PATH] [--queries N] [--hold MS] [--cpus N]
                           [--command NAME]

Boots the guest with the in-guest allocation stress (ktest inspect.stress,
guestmm/mm/tests/inspect_test.c) for --hold ms, twice:
  1. alone: the stress's own rate (allocations+frees per second);
  2. with N back-to-back queries (default __org.memvisor_query-zones) over
     the control socket.
It prints the round-trip latency of a query as the client sees it (median,
p99), the VMM's own time per query from vmm's MEMVISOR_INSPECT_TIMING lines
(the vCPU pause latency, the read, and how long the guest stood still), and
the stress's rate with and without the queries. The accelerator is vmm's
choice unless MEMVISOR_ACCEL says; its line is printed with the figures.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Run:
    def __init__(self, vmm, hold, cpus):
        self.dir = tempfile.mkdtemp(prefix="inspect-bench-")
        self.sock = os.path.join(self.dir, "qmp")
        self.err = open(os.path.join(self.dir, "stderr"), "w+")
        env = dict(os.environ, MEMVISOR_INSPECT_TIMING="1")
        argv = [vmm, "--mem", "256M", "--cpus", str(cpus), "--control",
                self.sock, "--test", "inspect.stress", "--cmdline",
                "inspect_hold=%d" % hold]
        if os.environ.get("MEMVISOR_ACCEL"):
            argv[1:1] = ["--accel", os.environ["MEMVISOR_ACCEL"]]
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                  stderr=self.err, env=env, text=True)
        self.out = []

    def wait_line(self, needle):
        for line in self.p.stdout:
            self.out.append(line)
            if needle in line:
                return line
        raise SystemExit("inspect-bench: vmm ended before %r:\n%s"
                         % (needle, "".join(self.out)))

    def connect(self):
        end = time.time() + 60
        while True:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.02)
        self.f = s.makefile("rw")
        self.read()
        self.execute("qmp_capabilities")

    def read(self):
        while True:
            m = json.loads(self.f.readline())
            if "event" not in m:
                return m

    def execute(self, cmd):
        self.f.write(json.dumps({"execute": cmd}) + "\n")
        self.f.flush()
        return self.read()

    def finish(self):
        rest = self.p.stdout.read()
        self.out.append(rest)
        self.p.wait(timeout=120)
        self.err.seek(0)
        return "".join(self.out), self.err.read()


def rate(out):
    m = re.search(r"stress: (\d+) ops in (\d+) ms", out)
    return int(m.group(1)) * 1000.0 / max(1, int(m.group(2))) if m else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmm", default=os.path.join(os.path.dirname(__file__),
                                                  "..", "vmm", "vmm"))
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--hold", type=int, default=20000)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--command", default="__org.memvisor_query-zones")
    a = ap.parse_args()

    base = Run(a.vmm, a.hold, a.cpus)
    base.wait_line("inspect released: stress")
    out, err = base.finish()
    alone = rate(out)

    r = Run(a.vmm, a.hold, a.cpus)
    r.connect()
    r.wait_line("inspect hold: stress")
    rtt, bad = [], 0
    for _ in range(a.queries):
        t = time.perf_counter()
        ans = r.execute(a.command)
        rtt.append((time.perf_counter() - t) * 1e6)
        if ans.get("return", {}).get("inconsistencies"):
            bad += 1
    r.execute("__org.memvisor_query-dirty")     # starts the log
    time.sleep(1)
    dirty = r.execute("__org.memvisor_query-dirty")["return"]["zones"]
    done = len(r.out)
    r.wait_line("inspect released: stress")
    out, err = r.finish()
    busy = rate(out)
    if "inspect released: stress" not in "".join(r.out[done:]):
        print("warning: the queries outlasted the stress (raise --hold)")

    tm = [tuple(map(int, m)) for m in re.findall(
        r"inspect %s: pause (\d+) us, read (\d+) us, guest stopped (\d+) us,"
        r" attempts (\d+)"
        % re.escape(a.command.replace("__org.memvisor_", "")), err)]
    accel = next((l for l in err.splitlines() if "accelerator" in l), "?")
    print(accel)
    print("%s x %d, guest: --mem 256M --cpus %d, inspect.stress"
          % (a.command, len(rtt), a.cpus))
    print("  round trip (client)   median %7.0f us  p99 %7.0f us"
          % (statistics.median(rtt), pct(rtt, 99)))
    for i, name in enumerate(("pause latency", "read", "guest stopped")):
        v = [t[i] for t in tm]
        print("  %-21s median %7.0f us  p99 %7.0f us"
              % (name + " (vmm)", statistics.median(v) if v else 0,
                 pct(v, 99)))
    print("  answers with inconsistencies: %d; queries read again (a vCPU "
          "parked mid-update): %d" % (bad, sum(1 for t in tm if t[3] > 1)))
    print("  dirty pages in 1 s of stress: %s" % ", ".join(
        "%s %d" % (z["name"], z["dirty_pages"]) for z in dirty))
    print("  stress rate: %.0f ops/s alone, %.0f ops/s while queried (%+.1f%%)"
          % (alone, busy, (busy / alone - 1) * 100 if alone else 0))


if __name__ == "__main__":
    sys.exit(main())
