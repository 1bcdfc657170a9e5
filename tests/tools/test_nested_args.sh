#!/bin/bash
# test_nested_args.sh - nested-run refuses, before it boots anything and
# with one line naming what was wrong (status 125), what the runner could
# not run: a command under /tmp outside the share (the guest mounts its own
# tmpfs there: the command would vanish, exit 127), a cwd outside the
# share, an unknown option; and a command inside a share under /tmp runs.
set -uo pipefail

top=${MEMVISOR_SRC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
nested=$top/tools/nested/nested-run
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_nested_args.XXXXXX") || exit 99
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
		return
	fi
	echo "PASS: $name: $err"
}

cd "$top" || exit 99
expect "command under /tmp" 125 "$tmp/cmd is under /tmp, which the runner replaces" \
	"$nested" -- "$tmp/cmd"
expect "cwd outside the share" 125 "is not inside the share $tmp/share" \
	"$nested" --share "$tmp/share" -- true
expect "unknown option" 125 "unknown option '--bogus'" "$nested" --bogus -- true
if "$nested" --check >/dev/null 2>&1; then
	cp /bin/true "$tmp/share/cmd"
	cd "$tmp/share" && expect "command inside a share under /tmp" 0 "" \
		"$nested" --share "$tmp/share" -- "$tmp/share/cmd"
else
	echo "not run: a command inside the share (the runner cannot run here)"
fi
exit $failed
