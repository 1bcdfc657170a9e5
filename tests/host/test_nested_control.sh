#!/bin/bash
# vmm run nested keeps its control socket on this host and multiplexes its
# clients to the vmm inside the runner: with --control PATH it serves PATH
# here (0600); a client gets the greeting and query-status; two clients at
# once are both greeted and answered; so are 50 at once, each its own
# "id"; errors and abuse (bad JSON, a NUL byte, no negotiation, unknown
# commands, missing arguments) are answered as directly; a later session's
# `quit` ends the run with status 0 and a SHUTDOWN event; PATH and the
# link's socket are gone afterwards. A second run: SIGTERM to vmm's
# process group reaches the runner once (a second one would stop QEMU), so
# the vmm inside ends as vmm does on its own: SHUTDOWN (host-signal),
# status 143. A third run, of guestmm: two vmmctl at once, a `vmmctl top`
# refreshing while `vmmctl zoneinfo` and `vmmctl slabinfo` are answered.
# Runs on the host (not through kvm-test-wrapper); skipped (77) where vmm
# would not run nested. It waits for the machine's one nested runner.
set -euo pipefail

top=${MEMVISOR_BUILD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
vmm=${MEMVISOR_VMM:-$top/vmm/vmm}
hang=$top/tests/unit/fixtures/hang.elf
vmmctl=${MEMVISOR_VMMCTL:-$top/tools/vmmctl/vmmctl}
PROG=test_nested_control
NR_CLIENTS=50
dir=

skip() { echo "$PROG: SKIP: $*"; exit 77; }
fail() {
	echo "$PROG: FAIL: $*"
	echo "--- vmm stderr"; cat "$dir/err" 2>/dev/null || true
	exit 1
}

[[ -x $vmm && -r $hang && -x $vmmctl ]] ||
	fail "build vmm/vmm, vmmctl and the fixtures first (make check does)"
accel=$(MEMVISOR_ACCEL=auto "$vmm" --probe-accel) || fail "vmm --probe-accel failed"
[[ $accel == nested:* ]] || skip "vmm does not run nested here ($accel)"
command -v socat >/dev/null || skip "no socat (tools/setup installs it)"
command -v setsid >/dev/null || skip "no setsid (util-linux)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/$PROG.XXXXXX")
sock=$dir/control.qmp
pid=
cleanup() {
	if [[ -n $pid ]]; then
		kill "$pid" 2>/dev/null || true
	fi
	exec 7>&- 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

# The outer vmm's link to the runner, next to the default control sockets.
link_of() {
	local d
	d=/tmp/memvisor-$(id -u)
	[[ -z ${XDG_RUNTIME_DIR:-} ]] || d=$XDG_RUNTIME_DIR/memvisor
	echo "$d/vmm-$1.link"
}

# start_vmm: vmm nested, in a process group of its own (as a shell's job
# is), serving $sock; waits until the vmm inside names it.
# KERNEL_ARGS: --kernel FILE, or nothing for guestmm
start_vmm() {
	rm -f "$dir/out" "$dir/err"
	setsid "$vmm" --accel nested --mem 64M "$@" --control "$sock" \
		>"$dir/out" 2>"$dir/err" &
	pid=$!
	# the runner may first wait for another nested run
	for ((i = 0; i < 1200; i++)); do
		grep -q "^vmm: control socket $sock (.*forwarded by the nested runner" "$dir/err" && break
		kill -0 "$pid" 2>/dev/null || fail "vmm ended before serving $sock"
		sleep 0.5
	done
	grep -q "^vmm: control socket $sock " "$dir/err" || fail "no control socket line after 600 s"
	[[ -S $sock ]] || fail "$sock is not a socket on the host"
	[[ $(stat -c %a "$sock") == 600 ]] || fail "$sock has mode $(stat -c %a "$sock"), not 600"
}

# wait_for FILE PATTERN: until FILE has a line matching PATTERN (30 s).
wait_for() {
	for ((t = 0; t < 300; t++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

session() {
	{ printf '%s\n' '{"execute":"qmp_capabilities"}' "$@"; sleep 5; } |
		timeout 60 socat - "UNIX-CONNECT:$sock"
}

start_vmm --kernel "$hang"

out=$(session '{"execute":"query-status","id":1}')
grep -q '^{"QMP":' <<<"$out" || fail "no greeting: $out"
grep -q '"status":"running"' <<<"$out" || fail "no query-status answer: $out"
echo "$PROG: session 1: greeting and query-status over the forwarded socket"

# Two at once: A negotiates and stays; B comes, is served and leaves; then
# A is answered too.
mkfifo "$dir/a.in"
timeout 60 socat - "UNIX-CONNECT:$sock" <"$dir/a.in" >"$dir/a.out" &
apid=$!
exec 7>"$dir/a.in"
printf '%s\n' '{"execute":"qmp_capabilities"}' >&7
wait_for "$dir/a.out" '^{"return":{}}' || fail "client A: no greeting or negotiation: $(cat "$dir/a.out")"
out=$(session '{"execute":"query-status","id":"b"}')
grep -q '^{"QMP":' <<<"$out" || fail "client B, while A is connected: no greeting: $out"
grep -q '"status":"running".*"id":"b"' <<<"$out" ||
	fail "client B, while A is connected: no query-status answer: $out"
printf '%s\n' '{"execute":"query-status","id":"a"}' >&7
wait_for "$dir/a.out" '"status":"running".*"id":"a"' ||
	fail "client A: no answer after B: $(cat "$dir/a.out")"
exec 7>&-
wait "$apid" || true
echo "$PROG: two clients at once: both greeted and answered"

# NR_CLIENTS at once: each stays until all have their answer (it watches
# its own output for it).
# shellcheck disable=SC2094
client() {
	local n=$1 t
	{
		printf '%s\n' '{"execute":"qmp_capabilities"}' \
			"{\"execute\":\"query-status\",\"id\":$n}"
		wait_for "$dir/c$n.out" "\"id\":${n}[,}]" && touch "$dir/done.$n"
		for ((t = 0; t < 300; t++)); do
			(($(find "$dir" -name 'done.*' | wc -l) >= NR_CLIENTS)) && break
			sleep 0.1
		done
	} | timeout 90 socat - "UNIX-CONNECT:$sock" >"$dir/c$n.out"
}
cpids=()
for ((n = 1; n <= NR_CLIENTS; n++)); do
	client "$n" &
	cpids+=($!)
done
for p in "${cpids[@]}"; do
	wait "$p" || true
done
for ((n = 1; n <= NR_CLIENTS; n++)); do
	f=$dir/c$n.out
	[[ $(grep -c '^{"QMP":' "$f") == 1 ]] || fail "client $n of $NR_CLIENTS: not one greeting: $(cat "$f")"
	grep -q "\"status\":\"running\".*\"id\":${n}[,}]" "$f" ||
		fail "client $n of $NR_CLIENTS: no answer with its id: $(cat "$f")"
	! grep -v "\"id\":${n}[,}]" "$f" | grep -q '"id"' ||
		fail "client $n of $NR_CLIENTS: another client's answer: $(cat "$f")"
done
[[ $(find "$dir" -name 'done.*' | wc -l) == "$NR_CLIENTS" ]] ||
	fail "not all $NR_CLIENTS clients were answered while the others were connected"
echo "$PROG: $NR_CLIENTS clients at once: each greeted and answered with its own id"

# Errors and abuse, as the direct socket answers them: bad JSON, a NUL
# byte, no negotiation, an unknown command, a missing argument; the
# session goes on after each.
out=$({ printf '%s\n' '{"execute":"query-status","id":"early"}' \
	'{"execute":"qmp_capabilities"}' '{"execute": }'; printf '\0\n'; printf '%s\n' \
	'{"execute":"no-such-command","id":"nsc"}' \
	'{"execute":"__org.memvisor_page-owner","id":"noarg"}' \
	'{"execute":"query-status","id":"after"}'; sleep 5; } |
	timeout 60 socat - "UNIX-CONNECT:$sock")
grep -q '"class":"CommandNotFound","desc":"Expecting capabilities negotiation.*"id":"early"' <<<"$out" ||
	fail "abuse: no negotiation error before qmp_capabilities: $out"
(($(grep -c '"desc":"JSON parse error' <<<"$out") == 2)) ||
	fail "abuse: want two JSON parse errors (bad JSON, a NUL byte): $out"
grep -q '"desc":"The command no-such-command has not been found".*"id":"nsc"' <<<"$out" ||
	fail "abuse: no CommandNotFound with its id: $out"
grep -q '"class":"GenericError".*"id":"noarg"' <<<"$out" ||
	fail "abuse: no error for a missing argument: $out"
grep -q '"status":"running".*"id":"after"' <<<"$out" ||
	fail "abuse: the session did not go on: $out"
echo "$PROG: errors and abuse through the runner: answered as directly, the session goes on"

out=$(session '{"execute":"quit"}')
grep -q '^{"QMP":' <<<"$out" || fail "last session: no greeting: $out"
grep -q '"event":"SHUTDOWN".*"reason":"host-qmp-quit"' <<<"$out" ||
	fail "last session: no SHUTDOWN event after quit: $out"
echo "$PROG: last session: a fresh greeting, quit, SHUTDOWN"

status=0
wait "$pid" || status=$?
((status == 0)) || fail "vmm exited $status after quit, not 0"
[[ ! -e $sock ]] || fail "$sock is still there after the run"
[[ ! -e $(link_of "$pid") ]] || fail "the link $(link_of "$pid") is still there after the run"
pid=
echo "$PROG: status 0; the control socket and the link are gone"

# SIGTERM to the whole group, as a terminal's ^C would be: one reaches the
# runner (it passes the first on to the vmm inside, and stops QEMU at a
# second).
start_vmm --kernel "$hang"
out_file=$dir/term.out
{ printf '%s\n' '{"execute":"qmp_capabilities"}'; sleep 30; } |
	timeout 60 socat - "UNIX-CONNECT:$sock" >"$out_file" &
tpid=$!
wait_for "$out_file" '^{"return":{}}' || fail "SIGTERM run: no negotiation: $(cat "$out_file")"
kill -TERM -- "-$pid"
status=0
wait "$pid" || status=$?
pid=
grep -q '"event":"SHUTDOWN".*"reason":"host-signal"' "$out_file" ||
	fail "SIGTERM run: no SHUTDOWN (host-signal): $(cat "$out_file")"
((status == 143)) || fail "SIGTERM run: vmm exited $status, not 143"
[[ ! -e $sock ]] || fail "SIGTERM run: $sock is still there after the run"
kill "$tpid" 2>/dev/null || true
wait "$tpid" 2>/dev/null || true
echo "$PROG: SIGTERM to vmm's group: passed on once, SHUTDOWN (host-signal), status 143"

# Two vmmctl at once on guestmm: top holds its connection for its screens
# while zoneinfo and slabinfo come and go.
start_vmm
wait_for "$dir/out" 'boot complete' || fail "guestmm: no boot complete: $(tail -n 5 "$dir/out")"
timeout 60 "$vmmctl" --socket "$sock" top -n 4 -d 1 >"$dir/top.out" 2>&1 &
tpid=$!
wait_for "$dir/top.out" 'OBJS ACTIVE' || fail "vmmctl top: no first screen: $(cat "$dir/top.out")"
zone=$(timeout 30 "$vmmctl" --socket "$sock" zoneinfo 2>&1) ||
	fail "vmmctl zoneinfo beside vmmctl top: $zone"
grep -q '^Node 0, zone *Normal' <<<"$zone" || fail "vmmctl zoneinfo beside vmmctl top: $zone"
slab=$(timeout 30 "$vmmctl" --socket "$sock" slabinfo 2>&1) ||
	fail "vmmctl slabinfo beside vmmctl top: $slab"
grep -q '^kmalloc-64 ' <<<"$slab" || fail "vmmctl slabinfo beside vmmctl top: $slab"
status=0
wait "$tpid" || status=$?
((status == 0)) || fail "vmmctl top exited $status: $(cat "$dir/top.out")"
(($(grep -c 'OBJS ACTIVE' "$dir/top.out") == 4)) ||
	fail "vmmctl top: not 4 screens: $(cat "$dir/top.out")"
"$vmmctl" --socket "$sock" quit >/dev/null || fail "vmmctl quit failed"
status=0
wait "$pid" || status=$?
pid=
((status == 0)) || fail "guestmm run: vmm exited $status after quit, not 0"
echo "$PROG: two vmmctl at once: top's 4 screens, zoneinfo and slabinfo meanwhile; quit, status 0"
echo "$PROG: PASS"
