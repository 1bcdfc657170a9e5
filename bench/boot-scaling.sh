#!/usr/bin/env bash
# Does the guest's boot grow with its RAM? vmm's wall time and peak RSS for
# a small and a large --mem, in one run, on the accelerator it names.
#
#   bench/boot-scaling.sh [--vmm PATH] [--runs N] [SMALL [LARGE]]
#                         (default: 256M 64G, 3 runs each)
#
# Each size boots once to warm caches, then N times, the sizes taking turns;
# the median wall time counts. Peak RSS is the kernel's high-water mark of
# the whole vmm process (getrusage, through /usr/bin/time): guest RAM the
# guest touched, mem_map included, plus the VMM's own memory. The guest
# initialises mem_map as it uses memory (guestmm/mm/mm_init.c), so neither
# should grow much with --mem. Targets: LARGE/SMALL wall <= 1.5, LARGE's
# peak RSS < 64 MiB.
# Each boot passes --cmdline exit=0: by default the guest keeps running
# after its boot, and what is measured here is boot to shutdown.
# Needs a usable /dev/kvm: without one (or with kvm_pvm, which interprets
# guest kernel code), run it under the nested runner:
#   tools/nested/nested-run --share $PWD --mem 4096 -- bench/boot-scaling.sh
set -euo pipefail

vmm=$(dirname "$0")/../vmm/vmm
runs=3
while (($#)); do
	case $1 in
	--vmm) vmm=${2:?--vmm needs a path}; shift 2 ;;
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	*) break ;;
	esac
done
small=${1:-256M}
large=${2:-64G}
[[ -x $vmm ]] || { echo "boot-scaling: no vmm at $vmm (make first)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "boot-scaling: needs /usr/bin/time (Debian package time)" >&2; exit 77; }
{ : <>/dev/kvm; } 2>/dev/null || {
	echo "boot-scaling: no usable /dev/kvm: run under tools/nested/nested-run" >&2
	exit 77
}

# Which KVM answers /dev/kvm, and on what CPU.
accelerator() {
	local mods=() m cpu

	for m in kvm_intel kvm_amd kvm_pvm; do
		[[ -d /sys/module/$m ]] && mods+=("$m")
	done
	cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')
	printf '/dev/kvm from %s on "%s"' "${mods[*]:-an unknown module}" "$cpu"
	if [[ $cpu == *"QEMU TCG"* ]]; then
		printf ': nested, KVM inside QEMU TCG (tools/nested/nested-run)\n'
	elif [[ " ${mods[*]} " == *" kvm_pvm "* ]]; then
		printf ': kvm_pvm, guest kernel code interpreted\n'
	elif grep -qw hypervisor /proc/cpuinfo; then
		printf ': KVM inside another hypervisor\n'
	else
		printf ': native KVM\n'
	fi
}

# One boot: "WALL_NS MAXRSS_KIB"; fails if vmm does.
boot() {
	local start end rss status=0 out

	out=$(mktemp)
	start=$(date +%s%N)
	/usr/bin/time -f %M -o "$out" "$vmm" --mem "$1" --cmdline exit=0 >/dev/null || status=$?
	end=$(date +%s%N)
	rss=$(tail -n1 "$out")
	rm -f "$out"
	if ((status)); then
		echo "boot-scaling: vmm --mem $1 --cmdline exit=0 exited $status" >&2
		return 1
	fi
	echo "$((end - start)) $rss"
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "accelerator: $(accelerator)"
echo "vmm: $vmm; $runs runs per size after one warm-up, sizes in turn"
boot "$small" >/dev/null
boot "$large" >/dev/null
declare -A walls rsss
for ((i = 0; i < runs; i++)); do
	for size in "$small" "$large"; do
		r=$(boot "$size")
		read -r ns kib <<<"$r"
		walls[$size]+="$ns "
		rsss[$size]+="$kib "
	done
done

declare -A wall rss
for size in "$small" "$large"; do
	# shellcheck disable=SC2086  # one word per run
	wall[$size]=$(median ${walls[$size]})
	# shellcheck disable=SC2086
	rss[$size]=$(printf '%s\n' ${rsss[$size]} | sort -n | tail -n1)
	awk -v s="$size" -v ns="${wall[$size]}" -v kib="${rss[$size]}" -v all="${walls[$size]}" \
		'BEGIN { n = split(all, a, " "); l = "";
			 for (i = 1; i <= n; i++) l = l sprintf(" %.2f", a[i] / 1e9);
			 printf "vmm --mem %-5s wall %.2f s (median of%s), peak RSS %d KiB (%.1f MiB)\n",
				s, ns / 1e9, l, kib, kib / 1024 }'
done
awk -v a="${wall[$large]}" -v b="${wall[$small]}" -v ra="${rss[$large]}" -v rb="${rss[$small]}" \
	-v l="$large" -v s="$small" \
	'BEGIN { r = a / b;
		 printf "wall %s / %s: %.2f (target <= 1.5: %s)\n", l, s, r, r <= 1.5 ? "met" : "MISSED";
		 printf "peak RSS at %s: %.1f MiB (target < 64: %s), %+.1f MiB over %s\n",
			l, ra / 1024, ra < 65536 ? "met" : "MISSED", (ra - rb) / 1024, s }'
