#!/usr/bin/env bash
# What one full check of the allocators costs the guest (issue 18): the
# time its vCPUs stay parked for `vmmctl check` (the answer's parked-ns:
# from the first vCPU's parking, the quiet point's tests included, to the
# resume), median and worst over N checks, at each --mem.
#
#   bench/check-cost.sh [--vmm PATH] [--checks N] [--cpus N]
#                       [--workload SPEC] [--after-workload] [MEM ...]
#                       (default: 20 checks, 2 vCPUs, slab_churn, 256M 4G)
#
# --workload SPEC replaces slab_churn (vmm --workload's NAME:KEY=VALUE,...);
# --after-workload measures once it has stopped (give it seconds=N): an
# idle guest whose struct pages the workload made it initialise, e.g.
#   bench/check-cost.sh --after-workload \
#     --workload 'fragment:max_order=10,blocks=4096,threads=2,seconds=60' 4G
#
# Each size boots an idle guest (--workload slab_churn gives it slabs to
# read), waits until a check finds its quiet point and reads everything
# (the guest's deferred struct page init runs with interrupts off first),
# then runs N checks. Prints one line a size: the median and worst parked
# time, the checks without a quiet point, and what one check covered.
# Needs a usable /dev/kvm (MEMVISOR_ACCEL=kvm to skip the probe), or run it
# under the nested runner:
#   tools/nested/nested-run --share $PWD --mem 6144 -- bench/check-cost.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vmm=$top/vmm/vmm
vmmctl=$top/tools/vmmctl/vmmctl
checks=20
cpus=2
workload=slab_churn
after=
while (($#)); do
	case $1 in
	--vmm) vmm=${2:?--vmm needs a path}; shift 2 ;;
	--checks) checks=${2:?--checks needs a number}; shift 2 ;;
	--cpus) cpus=${2:?--cpus needs a number}; shift 2 ;;
	--workload) workload=${2:?--workload needs NAME[:KEY=VALUE,...]}; shift 2 ;;
	--after-workload) after=1; shift ;;
	-*) echo "check-cost.sh: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
(($#)) || set -- 256M 4G

tmp=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# One check's answer, as JSON, in $tmp/check.json.
check() {
	"$vmmctl" --socket "$tmp/qmp" --json check >"$tmp/check.json" 2>/dev/null || true
}

complete() {
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if a.get("quiet") and "incomplete" not in a else 1)' "$tmp/check.json" 2>/dev/null
}

measure() {
	local mem=$1 i
	"$vmm" --mem "$mem" --cpus "$cpus" --control "$tmp/qmp" \
		--workload "$workload" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		[[ -S $tmp/qmp ]] && { check; complete && break; }
		sleep 1
	done
	complete || { echo "check-cost.sh: $mem: no complete check in 600 s" >&2; return 1; }
	if [[ -n $after ]]; then
		for ((i = 0; i < 1800; i++)); do
			"$vmmctl" --socket "$tmp/qmp" workloads 2>/dev/null |
				grep -qE ' (starting|running|stopping) ' || break
			sleep 1
		done
	fi
	: >"$tmp/all"
	for ((i = 0; i < checks; i++)); do
		check
		python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
			"$tmp/check.json" >>"$tmp/all" 2>/dev/null || true
	done
	"$vmmctl" --socket "$tmp/qmp" quit >/dev/null 2>&1 || true
	wait "$pid" 2>/dev/null || true
	pid=
	python3 - "$mem" "$tmp/all" <<'EOF'
import json, statistics, sys
mem, path = sys.argv[1], sys.argv[2]
runs = [json.loads(l) for l in open(path) if l.strip()]
done = [r for r in runs if r.get("quiet") and "incomplete" not in r]
parked = sorted(r["parked-ns"] / 1e6 for r in done)
viol = sum(r.get("violations-total", 0) for r in runs)
cov = done[-1]["checked"] if done else {}
print("%s: %d checks, %d complete: parked median %.3f ms, worst %.3f ms; "
      "%d without a quiet point; %d violations; one check: %s" % (
      mem, len(runs), len(done), statistics.median(parked) if parked else 0,
      parked[-1] if parked else 0, len(runs) - len([r for r in runs if r.get("quiet")]),
      viol, ", ".join("%d %s" % (v, k) for k, v in cov.items())))
EOF
}

for mem; do
	measure "$mem"
done
