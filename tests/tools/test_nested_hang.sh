#!/bin/bash
# test_nested_hang.sh - the nested runner (tools/nested/nested-run) tells a
# hung runner from a command that is merely long and quiet:
#   quiet  `sleep 90; exit 7` prints nothing for 90 s: it must end with 7;
#   stop   QEMU stopped (SIGSTOP) while the command runs, a silent hang: 125
#          within MEMVISOR_NESTED_HANG_SECS + a few s;
#   cpu    one guest CPU stops scheduling (a SCHED_FIFO hog pinned to CPU 1,
#          RT throttling off) while CPU 0 runs on: 125, naming CPU 1;
#   panic  the runner's kernel panics (sysrq c): 125 at once, never the
#          command's status.
# The detection threshold is 15 s here (MEMVISOR_NESTED_HANG_SECS; the
# default is 45 s).  Four nested runs one after the other (nested-run takes
# the machine-wide lock for each), about 2.5 min in all.  Skipped (77) where
# the runner cannot run, and where vmm runs on /dev/kvm itself (`vmm
# --probe-accel` says kvm: tests do not use the runner there) unless
# MEMVISOR_NESTED_TEST=1.
set -uo pipefail

top=${MEMVISOR_SRC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
nested=$top/tools/nested
share=${MEMVISOR_BUILD_TOP:-$(pwd -P)}
hang_secs=${MEMVISOR_NESTED_HANG_SECS:-15}
export MEMVISOR_NESTED_HANG_SECS=$hang_secs
failed=0

skip() {
	echo "SKIP: $*"
	exit 77
}

why=$("$nested/nested-run" --check 2>&1) || skip "the nested runner cannot run here: $why"
vmm=${MEMVISOR_VMM:-$top/vmm/vmm}
if [[ ${MEMVISOR_NESTED_TEST:-} != 1 && -x $vmm ]]; then
	accel=$("$vmm" --probe-accel 2>/dev/null) || accel=
	if [[ $accel == kvm:* ]]; then
		skip "vmm runs on /dev/kvm here, tests do not use the nested runner ($accel); MEMVISOR_NESTED_TEST=1 tests it anyway"
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_nested_hang.XXXXXX") || exit 99
bg=
# shellcheck disable=SC2317  # a trap
cleanup() {
	[[ -z $bg ]] || kill "$bg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$share" || exit 99

pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $*"
	echo "--- nested-run's stderr:"
	cat "$tmp/err"
	failed=1
}

# run NAME TIMEOUT COMMAND...: nested-run in the background, output in
# $tmp/out and $tmp/err (emptied first: the background job truncates them
# only once it runs); sets bg.
run_bg() {
	local name=$1 timeout=$2
	shift 2
	: >"$tmp/out"
	: >"$tmp/err"
	echo "--- $name: nested-run -- ${*@Q}"
	"$nested/nested-run" --share "$share" --timeout "$timeout" -- "$@" \
		>"$tmp/out" 2>"$tmp/err" &
	bg=$!
}

# Wait for the nested-run in bg; sets rc.
wait_bg() {
	rc=0
	wait "$bg" || rc=$?
	bg=
}

# Wait for the command's first output line (it runs).  No limit of our
# own: nested-run may wait for the lock first, and its --timeout ends it.
wait_started() {
	while kill -0 "$bg" 2>/dev/null; do
		grep -q started "$tmp/out" 2>/dev/null && return 0
		sleep 0.1
	done
	grep -q started "$tmp/out" 2>/dev/null
}

# check NAME RC WANT_RC ELAPSED MAX_ELAPSED [REASON_REGEX]
check_hang() {
	local name=$1 rc=$2 took=$3 max=$4 re=$5
	if ((rc != 125)); then
		fail "$name: exit status $rc, want 125"
	elif ((took > max)); then
		fail "$name: detected after $took s, want at most $max s"
	elif ! grep -qE "^nested-run: .*($re)" "$tmp/err"; then
		fail "$name: no reason matching '$re' on stderr"
	else
		pass "$name: 125 after $took s: $(grep -m 1 -E "^nested-run: .*($re)" "$tmp/err")"
	fi
}

# 1. Quiet but alive: 90 s without a byte of output, 6x the threshold.
t0=$SECONDS
run_bg quiet 300 sh -c 'sleep 90; exit 7'
wait_bg
took=$((SECONDS - t0))
if ((rc == 7 && took >= 90)); then
	pass "quiet: exit status 7 after $took s"
else
	fail "quiet: exit status $rc after $took s, want 7 after 90 s or more"
fi

# 2. A silent hang: QEMU stops while the command runs.
run_bg stop 240 sh -c 'echo started; sleep 600; exit 7'
if wait_started; then
	qemu=$(pgrep -P "$(pgrep -P "$bg" -x timeout)" | head -n 1)
	if [[ -n $qemu ]] && kill -STOP "$qemu"; then
		t0=$SECONDS
		wait_bg
		check_hang stop "$rc" $((SECONDS - t0)) $((hang_secs + 15)) 'whole guest stopped'
	else
		fail "stop: cannot find or stop QEMU (child of nested-run's timeout)"
		wait_bg
	fi
else
	fail "stop: the command never started"
	wait_bg
fi

# 3. One CPU stops scheduling while the other runs on.
run_bg cpu 240 sh -c 'echo -1 >/proc/sys/kernel/sched_rt_runtime_us || exit 90
	taskset -c 1 chrt -f 99 sh -c "while :; do :; done" &
	echo started; sleep 600; exit 7'
if wait_started; then
	t0=$SECONDS
	wait_bg
	check_hang cpu "$rc" $((SECONDS - t0)) $((hang_secs + 15)) 'CPU 1 stopped scheduling'
else
	fail "cpu: the command never started"
	wait_bg
fi

# 4. A kernel panic ends the run at once, as the runner's failure.
run_bg panic 240 sh -c 'echo started; echo c >/proc/sysrq-trigger; sleep 600; exit 7'
if wait_started; then
	t0=$SECONDS
	wait_bg
	check_hang panic "$rc" $((SECONDS - t0)) 15 'Kernel panic'
else
	fail "panic: the command never started"
	wait_bg
fi

exit "$failed"
