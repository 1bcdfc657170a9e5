#!/bin/bash
# vmm runs from anywhere when it re-runs itself in the nested runner, whose
# /tmp is its own tmpfs: a vmm binary copied under the host's /tmp, run
# from the cwd /, boots a --kernel that also lives under /tmp, and the
# guest's own code comes back (42, its line). Runs on the host; skipped
# (77) where vmm would not run nested. Waits for the machine's one runner.
set -euo pipefail

top=${MEMVISOR_BUILD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
vmm=${MEMVISOR_VMM:-$top/vmm/vmm}
hello=$top/tests/unit/fixtures/hello.elf
PROG=test_nested_tmp

skip() { echo "$PROG: SKIP: $*"; exit 77; }
fail() { echo "$PROG: FAIL: $*"; exit 1; }

[[ -x $vmm && -r $hello ]] || fail "build vmm/vmm and the fixtures first (make check does)"
accel=$(MEMVISOR_ACCEL=auto "$vmm" --probe-accel) || fail "vmm --probe-accel failed"
[[ $accel == nested:* ]] || skip "vmm does not run nested here ($accel)"

dir=$(mktemp -d /tmp/$PROG.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin" "$dir/kernels"
cp "$vmm" "$dir/bin/vmm"
cp "$hello" "$dir/kernels/hello.elf"

status=0
(cd / && "$dir/bin/vmm" --accel nested --mem 64M --kernel "$dir/kernels/hello.elf") \
	>"$dir/out" 2>"$dir/err" || status=$?
if ((status != 42)) || ! grep -qx 'hello from the fixture kernel' "$dir/out"; then
	echo "--- stdout"; cat "$dir/out"; echo "--- stderr"; cat "$dir/err"
	fail "vmm under /tmp, cwd /: status $status (want 42 and the fixture's line)"
fi
echo "$PROG: PASS: $dir/bin/vmm from cwd / booted $dir/kernels/hello.elf: status 42"
