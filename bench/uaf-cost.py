#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""uaf-cost.py: what catching writes after a free costs (issue 18 item 2),
and whether an honest guest is ever accused.

Runs the allocator workloads (the issue-17 ones) three ways and prints one
Markdown row each:
  off     no check
  check   --check-every MS (the invariants and the poisoned objects)
  uaf     --check-every MS --check-free-pages (and KVM's dirty log)
Each row: every workload's operations a second over SECS seconds of host
time (vmmctl workloads, read twice once they all run), the total's
slow-down against "off", vmm's check summary line, and the free_page /
free_object reports (on an honest guest: 0; any other is a false
positive).

  bench/uaf-cost.py [--build-top DIR] [--runs N] [--secs S]

MEMVISOR_ACCEL (default kvm) picks the path; UAF_CPUS (2), UAF_MEM (256M),
UAF_EVERY (100 ms), UAF_WORKLOADS ('slab_churn fragment vmalloc_churn').
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def vmmctl(top, sock, *args):
    r = subprocess.run([os.path.join(top, "tools/vmmctl/vmmctl"), "--socket",
                        sock, *args], capture_output=True, text=True,
                       timeout=60)
    return r.stdout if r.returncode == 0 else None


def ops(top, sock):
    out = vmmctl(top, sock, "--json", "workloads")
    if not out:
        return None
    w = json.loads(out).get("workloads", [])
    return {x["name"]: x["ops"] for x in w if x["state"] == "running"}


def run(top, mode, extra, workloads, secs):
    d = tempfile.mkdtemp(prefix="uaf-cost.")
    sock, err = os.path.join(d, "qmp"), os.path.join(d, "err")
    cmd = [os.environ.get("MEMVISOR_VMM", os.path.join(top, "vmm/vmm")),
           "--accel", os.environ.get("MEMVISOR_ACCEL", "kvm"),
           "--mem", os.environ.get("UAF_MEM", "256M"),
           "--cpus", os.environ.get("UAF_CPUS", "2"), "--control", sock,
           "--timeout", str(secs + 600)] + extra
    for w in workloads:
        cmd += ["--workload", w]
    with open(err, "w") as ef:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=ef)
    before = None
    for _ in range(600):
        time.sleep(1)
        if p.poll() is not None:
            break
        before = ops(top, sock) if os.path.exists(sock) else None
        if before and len(before) == len(workloads):
            break
    t0 = time.monotonic()
    time.sleep(secs)
    after = ops(top, sock) or {}
    dt = time.monotonic() - t0
    vmmctl(top, sock, "quit")
    p.wait(timeout=120)
    text = open(err).read()
    rates = {w: (after.get(w, 0) - (before or {}).get(w, 0)) / dt
             for w in workloads}
    summary = re.search(r"^vmm: check: (\d+ checks.*)$", text, re.M)
    return {"mode": mode, "rates": rates,
            "pages": len(re.findall(r"^vmm: check: free_page ", text, re.M)),
            "objects": len(re.findall(r"^vmm: check: free_object ", text,
                                      re.M)),
            "summary": summary.group(1) if summary else "-"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-top", default=".")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--secs", type=int, default=20)
    a = ap.parse_args()
    top = os.path.abspath(a.build_top)
    every = os.environ.get("UAF_EVERY", "100")
    workloads = os.environ.get("UAF_WORKLOADS",
                               "slab_churn fragment vmalloc_churn").split()
    modes = [("off", []), ("check", ["--check-every", every]),
             ("uaf", ["--check-every", every, "--check-free-pages"])]
    print(f"accel {os.environ.get('MEMVISOR_ACCEL', 'kvm')}, "
          f"{os.cpu_count()} host CPUs (load {os.getloadavg()[0]:.1f}), "
          f"workloads measured over {a.secs} s, check every {every} ms\n")
    print("| mode | " + " | ".join(f"{w} ops/s" for w in workloads) +
          " | total ops/s | vs off | free_page reports | free_object reports"
          " | vmm's check summary |")
    print("|---" * (len(workloads) + 6) + "|")
    for _ in range(a.runs):
        base = None
        for mode, extra in modes:
            r = run(top, mode, extra, workloads, a.secs)
            total = sum(r["rates"].values())
            base = total if base is None else base
            slow = f"{(total - base) * 100 / base:+.1f}%" if base else "-"
            print(f"| {mode} | " +
                  " | ".join(f"{r['rates'][w]:.0f}" for w in workloads) +
                  f" | {total:.0f} | {slow} | {r['pages']} | {r['objects']}"
                  f" | {r['summary']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
