#!/usr/bin/env bash
# vmm's wall time and its peak RSS beyond guest memory, for one run.
#
#   bench/vmm-footprint.sh [--vmm PATH] [VMM ARGS...]   (default: --mem 256M)
#
# Samples /proc/PID/smaps every 20 ms while vmm runs. Guest RAM is what vmm
# maps MADV_DONTDUMP (VmFlags "dd"); everything else resident is the VMM's
# own: code, heap, thread stacks, KVM's shared kvm_run pages.
# Needs a usable /dev/kvm: without one, run it under tools/nested/nested-run
# (vmm would otherwise re-run itself nested, out of this script's sight).
set -euo pipefail

vmm=$(dirname "$0")/../vmm/vmm
if [[ ${1:-} == --vmm ]]; then
	vmm=${2:?--vmm needs a path}
	shift 2
fi
(($#)) || set -- --mem 256M
[[ -x $vmm ]] || { echo "vmm-footprint: no vmm at $vmm (make first)" >&2; exit 1; }
{ : <>/dev/kvm; } 2>/dev/null || {
	echo "vmm-footprint: no usable /dev/kvm: run under tools/nested/nested-run" >&2
	exit 77
}

# "total guest" resident KiB of one smaps snapshot.
sample() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { if (n++) flush(); rss = 0; dd = 0; next }
	     /^Rss:/ { rss = $2 }
	     /^VmFlags:/ { dd = / dd/ }
	     function flush() { total += rss; if (dd) guest += rss }
	     END { if (n) flush(); printf "%d %d\n", total, guest }' "/proc/$1/smaps" 2>/dev/null
}

start=$(date +%s%N)
"$vmm" "$@" >/dev/null &
pid=$!
peak_total=0 peak_guest=0 peak_own=0
while kill -0 "$pid" 2>/dev/null; do
	if read -r total guest < <(sample "$pid") && [[ -n $total ]]; then
		own=$((total - guest))
		((total > peak_total)) && peak_total=$total
		((guest > peak_guest)) && peak_guest=$guest
		((own > peak_own)) && peak_own=$own
	fi
	sleep 0.02
done
status=0
wait "$pid" || status=$?
end=$(date +%s%N)
printf 'vmm %s: exit %d, wall %.2f s, peak RSS %d KiB (guest RAM %d KiB), beyond guest memory %d KiB\n' \
	"$*" "$status" "$(awk -v ns=$((end - start)) 'BEGIN { print ns / 1e9 }')" \
	"$peak_total" "$peak_guest" "$peak_own"
