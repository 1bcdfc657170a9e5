#!/bin/bash
# The nested runner forwards vmm's control socket to this host: vmm run
# nested with --control PATH serves PATH here (0600); a client here gets the
# greeting and query-status; a second session's `quit` ends the run with
# status 0 and a SHUTDOWN event; PATH is gone afterwards. Runs on the host
# (not through kvm-test-wrapper); skipped (77) where vmm would not run
# nested. It waits for the machine's one nested runner.
set -euo pipefail

top=${MEMVISOR_BUILD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
vmm=${MEMVISOR_VMM:-$top/vmm/vmm}
hang=$top/tests/unit/fixtures/hang.elf
PROG=test_nested_control

skip() { echo "$PROG: SKIP: $*"; exit 77; }
fail() {
	echo "$PROG: FAIL: $*"
	echo "--- vmm stderr"; cat "$dir/err" 2>/dev/null || true
	exit 1
}

[[ -x $vmm && -r $hang ]] || fail "build vmm/vmm and the fixtures first (make check does)"
accel=$(MEMVISOR_ACCEL=auto "$vmm" --probe-accel) || fail "vmm --probe-accel failed"
[[ $accel == nested:* ]] || skip "vmm does not run nested here ($accel)"
command -v socat >/dev/null || skip "no socat (tools/setup installs it)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")
sock=$dir/control.qmp
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

"$vmm" --accel nested --mem 64M --kernel "$hang" --control "$sock" \
	>"$dir/out" 2>"$dir/err" &
pid=$!

# the inner vmm names the host path once it serves it (the runner may first
# wait for another nested run)
for ((i = 0; i < 1200; i++)); do
	grep -q "^vmm: control socket $sock (.*forwarded by the nested runner" "$dir/err" && break
	kill -0 "$pid" 2>/dev/null || fail "vmm ended before serving $sock"
	sleep 0.5
done
grep -q "^vmm: control socket $sock " "$dir/err" || fail "no control socket line after 600 s"
[[ -S $sock ]] || fail "$sock is not a socket on the host"
[[ $(stat -c %a "$sock") == 600 ]] || fail "$sock has mode $(stat -c %a "$sock"), not 600"

session() {
	{ printf '%s\n' '{"execute":"qmp_capabilities"}' "$@"; sleep 5; } |
		timeout 60 socat - "UNIX-CONNECT:$sock"
}

out=$(session '{"execute":"query-status","id":1}')
grep -q '^{"QMP":' <<<"$out" || fail "no greeting: $out"
grep -q '"status":"running"' <<<"$out" || fail "no query-status answer: $out"
echo "$PROG: session 1: greeting and query-status over the forwarded socket"

out=$(session '{"execute":"quit"}')
grep -q '^{"QMP":' <<<"$out" || fail "second session: no greeting: $out"
grep -q '"event":"SHUTDOWN".*"reason":"host-qmp-quit"' <<<"$out" ||
	fail "second session: no SHUTDOWN event after quit: $out"
echo "$PROG: session 2: a fresh greeting, quit, SHUTDOWN"

status=0
wait "$pid" || status=$?
pid=
((status == 0)) || fail "vmm exited $status after quit, not 0"
[[ ! -e $sock ]] || fail "$sock is still there after the run"
echo "$PROG: PASS"
