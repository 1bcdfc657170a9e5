# bench: benchmarks (programs, not tests). Each runs the guest's allocator
# hosted (guestmm/libmm_hosted.a) side by side with peers in the same run.

# page_bench: the page allocator vs glibc, jemalloc and mimalloc (dlopen'ed).
noinst_PROGRAMS += bench/page_bench
bench_page_bench_SOURCES = bench/page_bench.c
bench_page_bench_CPPFLAGS = $(HOSTED_CPPFLAGS)
bench_page_bench_CFLAGS = $(HOSTED_CFLAGS) -O2
bench_page_bench_LDADD = guestmm/libmm_hosted.a -ldl
bench_page_bench_LDFLAGS = -pthread
# Instructions per operation under callgrind, for every case and allocator.
EXTRA_DIST += bench/callgrind-report

# slab_bench: kmem_cache and kmalloc vs glibc, jemalloc and mimalloc
# (dlopen'ed through peer_alloc.c), one and two threads.
noinst_PROGRAMS += bench/slab_bench
bench_slab_bench_SOURCES = bench/slab_bench.c bench/peer_alloc.c bench/peer_alloc.h
bench_slab_bench_CPPFLAGS = $(HOSTED_CPPFLAGS)
bench_slab_bench_CFLAGS = $(HOSTED_CFLAGS) -O2
bench_slab_bench_LDADD = guestmm/libmm_hosted.a -ldl
bench_slab_bench_LDFLAGS = -pthread
EXTRA_DIST += bench/slab-callgrind.sh
EXTRA_DIST += bench/vmm-footprint.sh
EXTRA_DIST += bench/check-cost.sh
# boot-scaling.sh: vmm wall time and peak RSS, small vs large --mem, one run.
EXTRA_DIST += bench/boot-scaling.sh
# boot-to-prompt.sh: seconds from the shell to "boot complete", median of N.
EXTRA_DIST += bench/boot-to-prompt.sh
# hostile-table.sh: issue 15's attack table from one test_hostile run.
EXTRA_DIST += bench/hostile-table.sh
# guest-bench.sh: the allocator cases (alloc_cases.h, shared with slab_bench
# and page_bench) as guest code, vmm --test 'bench.*': the guest's table.
EXTRA_DIST += bench/guest-bench.sh
# uaf-cost.py: the workloads' ops/s with no check, --check-every and
# --check-free-pages: the slow-down, and the reports (false positives).
EXTRA_DIST += bench/uaf-cost.py

# slabinfo_latency: query-slabinfo round trips while the guest stresses
# kmalloc (vmm and a guest; SLABINSP_ACCEL=kvm to skip the nested runner).
noinst_PROGRAMS += bench/slabinfo_latency
bench_slabinfo_latency_SOURCES = bench/slabinfo_latency.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
bench_slabinfo_latency_CFLAGS = $(AM_CFLAGS) -O2 $(JANSSON_CFLAGS)
bench_slabinfo_latency_LDADD = $(JANSSON_LIBS)

# pagewalk_bench: the VMM's page walk, uncached and through its walk cache,
# over the VMM's boot tables and hand-made 4 KiB tables in fake RAM.
noinst_PROGRAMS += bench/pagewalk_bench
bench_pagewalk_bench_SOURCES = bench/pagewalk_bench.c bench/bench_util.h
bench_pagewalk_bench_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS)
bench_pagewalk_bench_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -O2
bench_pagewalk_bench_LDADD = vmm/libvmm.a $(JANSSON_LIBS) $(LIBDW_LIBS)

# vmalloc_bench: vmalloc/vfree hosted, against Linux's test_vmalloc figures.
noinst_PROGRAMS += bench/vmalloc_bench
bench_vmalloc_bench_SOURCES = bench/vmalloc_bench.c bench/bench_util.h
bench_vmalloc_bench_CPPFLAGS = $(HOSTED_CPPFLAGS)
bench_vmalloc_bench_CFLAGS = $(HOSTED_CFLAGS) -O2
bench_vmalloc_bench_LDADD = guestmm/libmm_hosted.a
bench_vmalloc_bench_LDFLAGS = -pthread

# inspect-bench.py: query-zones' latency and the VMM's pause/read time while
# the guest runs an allocation stress (vmm/control/README.md has figures).
EXTRA_DIST += bench/inspect-bench.py

# percpu_bench: alloc_percpu/free_percpu random pairs, this_cpu_inc vs an
# atomic increment (hosted, native).
noinst_PROGRAMS += bench/percpu_bench
bench_percpu_bench_SOURCES = bench/percpu_bench.c bench/bench_util.h
bench_percpu_bench_CPPFLAGS = $(HOSTED_CPPFLAGS)
bench_percpu_bench_CFLAGS = $(HOSTED_CFLAGS) -O2
bench_percpu_bench_LDADD = guestmm/libmm_hosted.a
bench_percpu_bench_LDFLAGS = -pthread

# dmadev_bench: the DMA engine's model over fake guest memory: copy
# throughput 4 KiB..1 MiB, completions per second, device-thread CPU time.
noinst_PROGRAMS += bench/dmadev_bench
bench_dmadev_bench_SOURCES = bench/dmadev_bench.c bench/bench_util.h
bench_dmadev_bench_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/devices
bench_dmadev_bench_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -O2 -pthread
bench_dmadev_bench_LDADD = vmm/libvmm.a $(JANSSON_LIBS) $(LIBDW_LIBS) -lpthread
