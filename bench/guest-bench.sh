#!/usr/bin/env bash
# guest-bench.sh: the allocator benches as guest code (vmm --test 'bench.*',
# guestmm/mm/tests/alloc_bench.c: the cases of slab_bench and page_bench,
# bench/alloc_cases.h), and their table: TSC cycles per op inside the guest,
# the median of RUNS runs, under the accelerator vmm ran the guest on.
# These are guest figures: on an emulating KVM (kvm_pvm) or nested under
# TCG they say nothing about native speed, and the header says so.
#
#   bench/guest-bench.sh [--accel auto|kvm|nested] [--runs R] [--ops N]
#                        [--cpus C] [--vmm PATH]
#   (default: auto, 3 runs of 64 ops, 2 vCPUs: about a minute on an
#   emulating KVM; on a real host, say --runs 11 --ops 100000)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vmm=$top/vmm/vmm
accel=
runs=3
ops=64
cpus=2

while (($#)); do
	case $1 in
	--accel) accel=${2:?--accel needs auto, kvm or nested}; shift 2 ;;
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	--ops) ops=${2:?--ops needs a number}; shift 2 ;;
	--cpus) cpus=${2:?--cpus needs a number}; shift 2 ;;
	--vmm) vmm=${2:?--vmm needs a path}; shift 2 ;;
	*) echo "guest-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ && $runs -le 31 ]] || { echo "guest-bench: --runs wants 1 to 31, not '$runs'" >&2; exit 2; }
[[ $ops =~ ^[1-9][0-9]*$ ]] || { echo "guest-bench: --ops wants a positive number, not '$ops'" >&2; exit 2; }
[[ $cpus =~ ^[1-9][0-9]*$ ]] || { echo "guest-bench: --cpus wants a positive number, not '$cpus'" >&2; exit 2; }
[[ -x $vmm ]] || { echo "guest-bench: $vmm is not executable (make first)" >&2; exit 2; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(--mem 256M --cpus "$cpus" --test 'bench.*' --timeout 3600
      --cmdline "bench_runs=$runs bench_ops=$ops")
[[ -n $accel ]] && args+=(--accel "$accel")

status=0
"$vmm" "${args[@]}" >"$dir/out" 2>"$dir/err" || status=$?
grep -m1 '^vmm: accelerator' "$dir/err" || true
if ((status)); then
	echo "guest-bench: vmm exited with status $status:" >&2
	tail -n 30 "$dir/out" >&2
	tail -n 10 "$dir/err" >&2
	exit 1
fi
# the table: the TAP diagnostics from its header to its end, unprefixed
sed -n '/^# bench: guest figures on /,/^# bench: end of table/s/^# //p' "$dir/out"
