#!/bin/bash
# test_nested_run.sh - nested-run refuses, before it boots anything and
# with one line naming what was wrong (status 125), what the runner could
# not run: a command under /tmp outside the share (the guest mounts its own
# tmpfs there: the command would vanish, exit 127), a cwd outside the
# share, an unknown option; a command inside a share under /tmp runs; and
# a SIGTERM to nested-run reaches the command, whose handler runs and whose
# status nested-run returns (vmm sends its QMP clients SHUTDOWN that way).
set -uo pipefail

top=${MEMVISOR_SRC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
nested=$top/tools/nested/nested-run
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_nested_run.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cp /bin/true "$tmp/cmd" || exit 99
mkdir -p "$tmp/share" || exit 99

# expect NAME STATUS PATTERN COMMAND...: the status, and stderr's one line
# (PATTERN empty: any stderr).
expect() {
	local name=$1 want=$2 pattern=$3 rc=0 err lines
	shift 3
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	lines=$(grep -c . <<<"$err")
	[[ -n $pattern ]] || lines=1	# a run: its stderr is the runner's
	if [[ $rc != "$want" || $err != *$pattern* || $lines != 1 ]]; then
		echo "FAIL: $name: status $rc (want $want), stderr:"
		echo "$err"
		failed=1
		return 1
	fi
	echo "PASS: $name: $err"
}

cd "$top" || exit 99
expect "command under /tmp" 125 "$tmp/cmd is under /tmp, which the runner replaces" \
	"$nested" -- "$tmp/cmd"
expect "cwd outside the share" 125 "is not inside the share $tmp/share" \
	"$nested" --share "$tmp/share" -- true
expect "unknown option" 125 "unknown option '--bogus'" "$nested" --bogus -- true

sigterm_reaches_the_command() {
	local pid rc=0
	cd "$top" || exit 99
	"$nested" -- sh -c 'trap "echo got TERM; exit 3" TERM; echo started; sleep 60 & wait' \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 600); do
		grep -q started "$tmp/out" && break
		sleep 0.2
	done
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	if [[ $rc != 3 ]] || ! grep -q "got TERM" "$tmp/out"; then
		echo "FAIL: SIGTERM to nested-run: status $rc (want 3), stdout:"
		cat "$tmp/out" "$tmp/err"
		failed=1
		return
	fi
	echo "PASS: SIGTERM to nested-run reached the command: $(grep -c . "$tmp/out") lines, status 3"
}

if "$nested" --check >/dev/null 2>&1; then
	cp /bin/true "$tmp/share/cmd"
	(cd "$tmp/share" && expect "command inside a share under /tmp" 0 "" \
		"$nested" --share "$tmp/share" -- "$tmp/share/cmd") || failed=1
	sigterm_reaches_the_command
else
	echo "not run: the nested runs (the runner cannot run here)"
fi
exit $failed
