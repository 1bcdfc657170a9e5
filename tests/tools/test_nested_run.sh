#!/bin/bash
# test_nested_run.sh - nested-run refuses, before it boots anything and
# with one line naming what was wrong (status 125), what the runner could
# not reach: a command that is not there, an --expose path that is not
# there, a file directly in /tmp (its directory would be the whole /tmp),
# an unknown option. What lives under the host's /tmp outside the share
# (the guest mounts its own tmpfs there) is reached all the same: a command
# there runs, a file given with --expose is read, a cwd there works; a
# command inside a share under /tmp runs; and a SIGTERM to nested-run
# reaches the command, whose handler runs and whose status nested-run
# returns (vmm sends its QMP clients SHUTDOWN that way).
set -uo pipefail

top=${MEMVISOR_SRC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
nested=$top/tools/nested/nested-run
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_nested_run.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/share" "$tmp/bin" "$tmp/data" || exit 99
cp /bin/cat "$tmp/bin/cmd" || exit 99
echo "the host's /tmp" >"$tmp/data/file" || exit 99
loose=$(mktemp "${TMPDIR:-/tmp}/test_nested_run_loose.XXXXXX") || exit 99
trap 'rm -rf "$tmp" "$loose"' EXIT

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
expect "no such command" 125 "$tmp/bin/none: not an executable file here" \
	"$nested" -- "$tmp/bin/none"
expect "no such exposed path" 125 "--expose $tmp/none does not exist on this host" \
	"$nested" --expose "$tmp/none" -- true
if [[ $(dirname "$loose") == /tmp ]]; then
	expect "a file directly in /tmp" 125 "is directly in /tmp, which the runner replaces" \
		"$nested" --expose "$loose" -- true
fi
expect "unknown option" 125 "unknown option '--bogus'" "$nested" --bogus -- true

# what lives under the host's /tmp, outside any share, is reached:
# expect_host_tmp NAME CWD NESTED-RUN-ARGS... prints the data file's line
expect_host_tmp() {
	local name=$1 cwd=$2 out rc=0
	shift 2
	out=$(cd "$cwd" && "$nested" "$@" 2>"$tmp/err") || rc=$?
	if [[ $rc != 0 || $out != "the host's /tmp" ]]; then
		echo "FAIL: $name: status $rc, stdout '$out', stderr:"
		cat "$tmp/err"
		failed=1
		return
	fi
	echo "PASS: $name: '$out'"
}

reaches_the_hosts_tmp() {
	expect_host_tmp "a command and an --expose'd file under /tmp, cwd /" / \
		--expose "$tmp/data/file" -- "$tmp/bin/cmd" "$tmp/data/file"
	expect_host_tmp "a cwd under /tmp outside the share" "$tmp/data" \
		--share "$tmp/share" -- "$tmp/bin/cmd" file
}

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
	reaches_the_hosts_tmp
	sigterm_reaches_the_command
else
	echo "not run: the nested runs (the runner cannot run here)"
fi
exit $failed
