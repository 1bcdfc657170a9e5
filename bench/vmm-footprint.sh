#!/usr/bin/env bash
# vmm's wall time and its peak RSS beyond guest memory, for one run.
#
#   bench/vmm-footprint.sh [--vmm PATH] [VMM ARGS...]
#                          (default: --mem 256M --cmdline exit=0)
#
# The guest keeps running after its boot unless told otherwise: the default
# passes exit=0 so that the run measured is boot to shutdown. VMM ARGS of
# your own need it too (or --test), else the script waits for you to stop
# vmm (vmmctl quit, SIGTERM).
#
# Samples /proc/PID/smaps every few ms while vmm runs. Guest RAM is what vmm
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
(($#)) || set -- --mem 256M --cmdline exit=0
[[ -x $vmm ]] || { echo "vmm-footprint: no vmm at $vmm (make first)" >&2; exit 1; }
{ : <>/dev/kvm; } 2>/dev/null || {
	echo "vmm-footprint: no usable /dev/kvm: run under tools/nested/nested-run" >&2
	exit 77
}

# "total guest" resident KiB of one smaps snapshot, in bash builtins only:
# forking a sampler per snapshot is too slow nested (a TCG fork+exec takes
# longer than vmm's whole run). VmFlags closes each mapping's block.
sample() {
	local line rss=0 dd=0 total=0 guest=0

	while read -r line; do
		case $line in
		Rss:*) rss=${line//[!0-9]/} ;;
		VmFlags:*)
			[[ $line == *" dd"* ]] && dd=1
			total=$((total + rss))
			((dd)) && guest=$((guest + rss))
			rss=0 dd=0
			;;
		esac
	done <"/proc/$1/smaps" 2>/dev/null
	echo "$total $guest"
}

# A FIFO nobody writes: read -t on it sleeps without forking.
fifo=$(mktemp -u)
mkfifo "$fifo"
exec {nap}<>"$fifo"
rm -f "$fifo"

start=$(date +%s%N)
"$vmm" "$@" >/dev/null &
pid=$!
peak_total=0 peak_guest=0 peak_own=0
while kill -0 "$pid" 2>/dev/null; do
	read -r total guest <<<"$(sample "$pid")"
	if ((total)); then
		own=$((total - guest))
		((total > peak_total)) && peak_total=$total
		((guest > peak_guest)) && peak_guest=$guest
		((own > peak_own)) && peak_own=$own
	fi
	read -rt 0.005 -u "$nap" _ || true
done
status=0
wait "$pid" || status=$?
end=$(date +%s%N)
printf 'vmm %s: exit %d, wall %.2f s, peak RSS %d KiB (guest RAM %d KiB), beyond guest memory %d KiB\n' \
	"$*" "$status" "$(awk -v ns=$((end - start)) 'BEGIN { print ns / 1e9 }')" \
	"$peak_total" "$peak_guest" "$peak_own"
