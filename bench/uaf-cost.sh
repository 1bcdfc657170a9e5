#!/bin/sh
# SPDX-License-Identifier: MIT
# uaf-cost.sh: what catching writes after a free costs (issue 18 item 2),
# and whether an honest guest is ever accused. Runs the allocator
# workloads (the issue-17 ones) for SECS guest seconds, three ways, and
# prints one Markdown row each:
#   off     no check
#   check   --check-every MS (the invariants and the poisoned objects)
#   uaf     --check-every MS --check-free-pages (and KVM's dirty log)
# with each workload's operations a second (its "stopped: N ops" line over
# SECS), their slow-down against "off", vmm's check summary and the
# free_page / free_object reports (on an honest guest: 0; any other is a
# false positive).
#
#   bench/uaf-cost.sh [BUILD_TOP] [RUNS] [SECS]
#
# MEMVISOR_ACCEL (default kvm), UAF_CPUS (2), UAF_MEM (256M), UAF_EVERY
# (100 ms), UAF_WORKLOADS (default 'slab_churn fragment vmalloc_churn').
set -u

top=${1:-.}
runs=${2:-1}
secs=${3:-20}
top=$(cd "$top" && pwd) || exit 1
vmm=${MEMVISOR_VMM:-$top/vmm/vmm}
accel=${MEMVISOR_ACCEL:-kvm}
every=${UAF_EVERY:-100}
workloads=${UAF_WORKLOADS-slab_churn fragment vmalloc_churn}
out=$(mktemp /tmp/uaf-cost.XXXXXX) || exit 1
err=$(mktemp /tmp/uaf-cost.XXXXXX) || exit 1
trap 'rm -f "$out" "$err"' EXIT

wl_args=
for w in $workloads; do
	wl_args="$wl_args --workload $w:seconds=$secs"
done

# ops_of NAME: its operations a second, from its "stopped" line
ops_of() {
	sed -n "s/.*workload $1 stopped: \([0-9]*\) ops.*/\1/p" "$out" |
		awk -v s="$secs" '{ printf "%.0f", $1 / s; f = 1 } END { if (!f) printf "-" }'
}

# run MODE ARGS...: one row
run() {
	mode=$1
	shift
	# shellcheck disable=SC2086
	"$vmm" --accel "$accel" --mem "${UAF_MEM:-256M}" --cpus "${UAF_CPUS:-2}" \
		$wl_args --timeout $((secs + 15)) "$@" >"$out" 2>"$err"
	pages=$(grep -c '^vmm: check: free_page ' "$err")
	objects=$(grep -c '^vmm: check: free_object ' "$err")
	summary=$(grep '^vmm: check: [0-9]* checks' "$err" | sed 's/^vmm: check: //')
	row="| $mode |"
	total=0
	for w in $workloads; do
		o=$(ops_of "$w")
		row="$row $o |"
		[ "$o" != - ] && total=$((total + o))
	done
	[ "$mode" = off ] && base=$total
	slow=$(awk -v t="$total" -v b="$base" 'BEGIN {
		if (b) printf "%+.1f%%", (t - b) * 100 / b; else printf "-" }')
	echo "$row $total | $slow | $pages | $objects | ${summary:--} |"
}

echo "accel $accel, $(nproc) host CPUs (load $(cut -d' ' -f1 /proc/loadavg)), workloads for $secs s each run, check every $every ms"
echo
hdr="| mode |"
sep="|---|"
for w in $workloads; do
	hdr="$hdr $w ops/s |"
	sep="$sep---|"
done
echo "$hdr total ops/s | vs off | free_page reports | free_object reports | vmm's check summary |"
echo "$sep---|---|---|---|---|"
i=0
while [ "$i" -lt "$runs" ]; do
	run off
	run check --check-every "$every"
	run uaf --check-every "$every" --check-free-pages
	i=$((i + 1))
done
