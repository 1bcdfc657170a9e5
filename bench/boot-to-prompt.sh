#!/usr/bin/env bash
# boot-to-prompt.sh: how long `vmm --mem SIZE` takes, from the shell, until
# the guest says "boot complete" (the prompt a person waits for), over RUNS
# fresh runs, each then stopped with SIGTERM (a background job ignores
# SIGINT). Prints every run and the median, min and max, with the
# accelerator vmm chose (its first stderr line).
#
#   bench/boot-to-prompt.sh [--runs N] [--vmm PATH] [-- VMM_ARGS...]
#   (default: 5 runs of `vmm/vmm --mem 256M`; MEMVISOR_ACCEL as usual)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vmm=$top/vmm/vmm
runs=5
args=(--mem 256M)

while (($#)); do
	case $1 in
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	--vmm) vmm=${2:?--vmm needs a path}; shift 2 ;;
	--) shift; args=("$@"); break ;;
	*) echo "boot-to-prompt: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "boot-to-prompt: --runs wants a positive number, not '$runs'" >&2; exit 2; }
[[ -x $vmm ]] || { echo "boot-to-prompt: $vmm is not executable (make first)" >&2; exit 2; }

dir=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# one run: prints the milliseconds to "boot complete"
one_run() {
	local t0 t1 i
	: >"$dir/out"
	t0=$(now_ms)
	"$vmm" "${args[@]}" >"$dir/out" 2>"$dir/err" &
	pid=$!
	for ((i = 0; i < 60000; i++)); do
		if grep -q 'boot complete' "$dir/out"; then
			t1=$(now_ms)
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "boot-to-prompt: vmm ended before 'boot complete':" >&2
			tail -n 5 "$dir/err" >&2
			exit 1
		fi
		sleep 0.005
	done
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
	echo $((t1 - t0))
}

times=()
for ((r = 1; r <= runs; r++)); do
	t=$(one_run)
	times+=("$t")
	printf 'run %d: %d.%03d s\n' "$r" $((t / 1000)) $((t % 1000))
done
accel=$(grep -m 1 '^vmm: accelerator' "$dir/err" || echo "vmm: accelerator: (not said)")
mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
med=${sorted[$((runs / 2))]}
printf '%s\n' "$accel"
printf 'vmm %s: boot complete after median %d.%03d s (min %d.%03d, max %d.%03d) over %d runs\n' \
	"${args[*]}" $((med / 1000)) $((med % 1000)) \
	$((sorted[0] / 1000)) $((sorted[0] % 1000)) \
	$((sorted[runs - 1] / 1000)) $((sorted[runs - 1] % 1000)) "$runs"
