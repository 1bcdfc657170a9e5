# bench: build rules

# --- slab benchmark (owner: slab) ----------------------------------------------
# bench/slab_bench: the hosted slab allocator against glibc, jemalloc and
# mimalloc in one run; bench/slab-callgrind.sh: the same cases in
# instructions per operation. bench/peer_alloc.[ch] loads the peers (shared).
noinst_PROGRAMS += bench/slab_bench
bench_slab_bench_SOURCES = bench/slab_bench.c bench/peer_alloc.c bench/peer_alloc.h
bench_slab_bench_CPPFLAGS = $(HOSTED_CPPFLAGS)
bench_slab_bench_CFLAGS = $(HOSTED_CFLAGS)
bench_slab_bench_LDADD = guestmm/libmm_hosted.a -ldl
bench_slab_bench_LDFLAGS = -pthread
EXTRA_DIST += bench/slab-callgrind.sh
# --- end of slab benchmark -------------------------------------------------------
