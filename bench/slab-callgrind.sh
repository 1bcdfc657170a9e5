#!/usr/bin/env bash
# Instructions per operation for slab_bench's cases, under callgrind: ours
# and the peers (glibc, jemalloc, mimalloc) in the same run, with peer/ours
# ratios (above 1.00: ours executes fewer instructions).
#
#   bench/slab-callgrind.sh [path/to/slab_bench]
#
# slab_bench --callgrind runs each single-threaded case once between
# CALLGRIND_ZERO_STATS and CALLGRIND_DUMP_STATS_AT("case|allocator|ops");
# each dump's "summary:" line is the instruction count (Ir) of that run.
set -euo pipefail

bench=${1:-$(dirname "$0")/slab_bench}
command -v valgrind >/dev/null || { echo "slab-callgrind: apt-get install valgrind" >&2; exit 77; }
[ -x "$bench" ] || { echo "slab-callgrind: build $bench first (make)" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# jemalloc needs static TLS room when dlopen'ed (slab_bench re-executes
# itself for that normally; under valgrind, set it up front).
GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 \
	valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
	--dump-instr=no --compress-strings=no "$bench" --callgrind \
	>"$out/stdout" 2>"$out/valgrind.log" ||
	{ tail -n 20 "$out/valgrind.log" >&2; exit 1; }

# Dumps are cg.1, cg.2, ...: in numeric order, the order slab_bench ran them.
for f in $(cd "$out" && ls cg.* | sort -t. -k2 -n); do
	f=$out/$f
	desc=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
	ir=$(sed -n 's/^summary: *//p' "$f" | head -n 1)
	[ -n "$desc" ] && [ -n "$ir" ] && printf '%s|%s\n' "$desc" "${ir%% *}"
done | awk -F'|' '
	# $1 case, $2 allocator, $3 operations, $4 instructions
	!($1 in seen) { seen[$1] = 1; order[n++] = $1 }
	!($2 in known) { known[$2] = 1; if ($2 != "ours") peers[np++] = $2 }
	{ ir[$1, $2] = $4 / $3 }
	END {
		printf "| case (instructions per op) | ours |"
		for (p = 0; p < np; p++) printf " %s |", peers[p]
		for (p = 0; p < np; p++) printf " %s/ours |", peers[p]
		printf "\n|---|---:|"
		for (p = 0; p < 2 * np; p++) printf "---:|"
		printf "\n"
		for (i = 0; i < n; i++) {
			c = order[i]
			printf "| %s | %.1f |", c, ir[c, "ours"]
			for (p = 0; p < np; p++) printf " %.1f |", ir[c, peers[p]]
			for (p = 0; p < np; p++)
				printf " %.2f |", ir[c, "ours"] ? ir[c, peers[p]] / ir[c, "ours"] : 0
			printf "\n"
		}
	}'
