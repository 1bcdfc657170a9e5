// SPDX-License-Identifier: MIT
/*
 * slab_bench: the guest's slab allocator (hosted build) side by side with
 * glibc, jemalloc and mimalloc malloc/free of the same sizes, in one run.
 *
 *	kmem_cache_alloc+free pair (hot reuse), and N allocations then N frees
 *	(N = 1..1024), per object; kmalloc+kfree at 8 B..128 KiB; one and two
 *	threads (each thread is its own CPU, as in the hosted build).
 *
 * Times are TSC cycles per operation (an alloc+free pair, or one object's
 * alloc and free in the N-then-N rows), best of REPS runs. The last
 * columns are peer/ours: above 1.00, ours is faster.
 *
 * --callgrind: instead of timing, runs each case once between callgrind
 * client requests (CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT) so that
 * bench/slab-callgrind.sh can turn the dumps into instructions per op.
 * --quick: fewer iterations (a smoke test).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <asm/hosted.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else	/* no valgrind: --callgrind still runs, counting nothing */
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#endif

#include "alloc_cases.h"
#include "peer_alloc.h"

#define REPS		5
#define MAX_BULK	1024

static long pair_iters = 2000000;
static long bulk_objects = 2000000;
static bool callgrind;

static struct peer_alloc peers[PEER_MAX];
static int nr_peers;

static inline u64 tsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* Keeps p alive in a register: the compiler cannot drop the alloc/free. */
#define escape(p) __asm__ __volatile__("" : : "r"(p) : "memory")

/* ---- what is measured --------------------------------------------------- */

enum who { OURS_CACHE, OURS_KMALLOC, PEER };

struct job {
	enum who who;
	size_t size;
	unsigned int n;			/* 0: pair; else N-then-N */
	struct kmem_cache *cache;
	const struct peer_alloc *peer;
	long ops;			/* pairs, or objects */
};

#define PAIR_LOOP(ALLOC, FREE) ({					\
	u64 __t0 = tsc();						\
	for (long __i = 0; __i < iters; __i++) {			\
		void *p = ALLOC;					\
		escape(p);						\
		FREE;							\
	}								\
	tsc() - __t0;							\
})

#define BULK_LOOP(ALLOC, FREE) ({					\
	void *objs[MAX_BULK];						\
	u64 __t0 = tsc();						\
	for (long __r = 0; __r < rounds; __r++) {			\
		for (unsigned int __i = 0; __i < n; __i++) {		\
			objs[__i] = ALLOC;				\
			escape(objs[__i]);				\
		}							\
		for (unsigned int __i = 0; __i < n; __i++) {		\
			void *p = objs[__i];				\
			FREE;						\
		}							\
	}								\
	tsc() - __t0;							\
})

static noinline u64 pair_cache(struct kmem_cache *c, long iters)
{
	return PAIR_LOOP(kmem_cache_alloc(c, GFP_KERNEL), kmem_cache_free(c, p));
}

static noinline u64 pair_kmalloc(size_t size, long iters)
{
	return PAIR_LOOP(kmalloc(size, GFP_KERNEL), kfree(p));
}

static noinline u64 pair_peer(const struct peer_alloc *pa, size_t size, long iters)
{
	void *(*m)(size_t) = pa->malloc;
	void (*f)(void *) = pa->free;

	return PAIR_LOOP(m(size), f(p));
}

static noinline u64 bulk_cache(struct kmem_cache *c, unsigned int n, long rounds)
{
	return BULK_LOOP(kmem_cache_alloc(c, GFP_KERNEL), kmem_cache_free(c, p));
}

static noinline u64 bulk_kmalloc(size_t size, unsigned int n, long rounds)
{
	return BULK_LOOP(kmalloc(size, GFP_KERNEL), kfree(p));
}

static noinline u64 bulk_peer(const struct peer_alloc *pa, size_t size,
			      unsigned int n, long rounds)
{
	void *(*m)(size_t) = pa->malloc;
	void (*f)(void *) = pa->free;

	return BULK_LOOP(m(size), f(p));
}

/* Runs the job's loop for about j->ops operations; returns TSC cycles. */
static u64 run_once(struct job *j)
{
	long rounds = j->n ? max(1L, j->ops / j->n) : 0;

	switch (j->who) {
	case OURS_CACHE:
		return j->n ? bulk_cache(j->cache, j->n, rounds) : pair_cache(j->cache, j->ops);
	case OURS_KMALLOC:
		return j->n ? bulk_kmalloc(j->size, j->n, rounds) : pair_kmalloc(j->size, j->ops);
	case PEER:
		return j->n ? bulk_peer(j->peer, j->size, j->n, rounds) :
			      pair_peer(j->peer, j->size, j->ops);
	}
	return 0;
}

static long ops_done(const struct job *j)
{
	return j->n ? max(1L, j->ops / j->n) * j->n : j->ops;
}

/* Best of REPS, cycles per op, after a warm-up pass. */
static double measure(struct job *j)
{
	long ops = j->ops;
	double best = 1e30;

	j->ops = max(1L, ops / 20);
	run_once(j);
	j->ops = ops;
	for (int r = 0; r < REPS; r++) {
		double c = (double)run_once(j) / ops_done(j);

		best = min(best, c);
	}
	return best;
}

static const char *job_name(const struct job *j)
{
	return j->who == PEER ? j->peer->name : "ours";
}

/* Under callgrind: one run between zeroed stats and a labelled dump. */
static void count_instructions(struct job *j, const char *row)
{
	char label[160];
	long ops = j->ops;

	j->ops = max(1L, ops / 10);
	run_once(j);		/* warm: magazines, slabs, the peers' caches */
	snprintf(label, sizeof(label), "%s|%s|%ld", row, job_name(j), ops_done(j));
	CALLGRIND_ZERO_STATS;
	run_once(j);
	CALLGRIND_DUMP_STATS_AT(label);
	j->ops = ops;
}

/* ---- two threads ----------------------------------------------------------- */

struct twin {
	struct job job;
	pthread_barrier_t *start;
	double result;
	bool attach;
};

static void *twin_thread(void *arg)
{
	struct twin *tw = arg;

	if (tw->attach)
		hosted_cpu_attach("bench-cpu1");
	pthread_barrier_wait(tw->start);
	tw->result = measure(&tw->job);
	if (tw->attach)
		hosted_cpu_detach();
	return NULL;
}

/* The same job on this CPU and on a second one at once; mean cycles/op. */
static double measure_two(const struct job *j)
{
	pthread_barrier_t start;
	struct twin tw[2] = { { *j, &start, 0, false }, { *j, &start, 0, true } };
	pthread_t other;

	pthread_barrier_init(&start, NULL, 2);
	if (pthread_create(&other, NULL, twin_thread, &tw[1]))
		return 0;
	twin_thread(&tw[0]);
	pthread_join(other, NULL);
	pthread_barrier_destroy(&start);
	return (tw[0].result + tw[1].result) / 2;
}

/* ---- the table ---------------------------------------------------------------- */

static void print_header(void)
{
	int i;

	printf("| case | size | ours |");
	for (i = 0; i < nr_peers; i++)
		printf(" %s |", peers[i].name);
	for (i = 0; i < nr_peers; i++)
		printf(" %s/ours |", peers[i].name);
	printf("\n|---|---:|---:|");
	for (i = 0; i < 2 * nr_peers; i++)
		printf("---:|");
	printf("\n");
}

/* One row: ours and every peer on the same size and shape. */
static void row(const char *name, struct job ours, bool two_threads)
{
	double r[1 + PEER_MAX];
	int i;

	for (i = 0; i <= nr_peers; i++) {
		struct job j = ours;

		if (i) {
			j.who = PEER;
			j.peer = &peers[i - 1];
		}
		if (callgrind) {
			char label[96];

			snprintf(label, sizeof(label), "%s, %zu B", name, j.size);
			if (!two_threads)
				count_instructions(&j, label);
			continue;
		}
		r[i] = two_threads ? measure_two(&j) : measure(&j);
	}
	if (callgrind)
		return;
	printf("| %s | %zu | %.1f |", name, ours.size, r[0]);
	for (i = 1; i <= nr_peers; i++)
		printf(" %.1f |", r[i]);
	for (i = 1; i <= nr_peers; i++)
		printf(" %.2f |", r[i] / r[0]);
	printf("\n");
	fflush(stdout);
}

/* the in-guest bench (vmm --test 'bench.*') times the same sizes */
static const size_t kmalloc_sizes[] = { BENCH_KMALLOC_SIZES };
static const unsigned int bulk_n[] = { 1, 4, 16, 64, 256, 1024 };

static void run_all(void)
{
	struct kmem_cache *c64 = kmem_cache_create("bench-64", 64, 0, 0, NULL);
	struct kmem_cache *c256 = kmem_cache_create("bench-256", 256, 0, 0, NULL);
	char name[64];
	unsigned int i;

	if (!c64 || !c256) {
		fprintf(stderr, "slab_bench: kmem_cache_create failed\n");
		exit(1);
	}
	if (!callgrind)
		print_header();
	row("cache pair (hot reuse)", (struct job){ OURS_CACHE, 64, 0, c64, NULL, pair_iters }, false);
	row("cache pair (hot reuse)", (struct job){ OURS_CACHE, 256, 0, c256, NULL, pair_iters }, false);
	for (i = 0; i < ARRAY_SIZE(bulk_n); i++) {
		snprintf(name, sizeof(name), "cache N-then-N, N=%u", bulk_n[i]);
		row(name, (struct job){ OURS_CACHE, 64, bulk_n[i], c64, NULL, bulk_objects }, false);
	}
	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		row("kmalloc pair", (struct job){ OURS_KMALLOC, kmalloc_sizes[i], 0, NULL, NULL,
						  kmalloc_sizes[i] > 65536 ? pair_iters / 4 : pair_iters },
		    false);
	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		row("kmalloc N-then-N, N=256",
		    (struct job){ OURS_KMALLOC, kmalloc_sizes[i], 256, NULL, NULL,
				  /* glibc takes ~50k cycles per big object here */
				  kmalloc_sizes[i] > 1024 ? bulk_objects / 64 : bulk_objects },
		    false);
	row("2 threads: cache pair", (struct job){ OURS_CACHE, 64, 0, c64, NULL, pair_iters }, true);
	row("2 threads: cache N-then-N, N=256",
	    (struct job){ OURS_CACHE, 64, 256, c64, NULL, bulk_objects }, true);
	row("2 threads: kmalloc pair", (struct job){ OURS_KMALLOC, 64, 0, NULL, NULL, pair_iters }, true);
	row("2 threads: kmalloc pair", (struct job){ OURS_KMALLOC, 4096, 0, NULL, NULL, pair_iters }, true);
	kmem_cache_destroy(c64);
	kmem_cache_destroy(c256);
}

int main(int argc, char **argv)
{
	struct hosted_boot_config cfg;
	int i;

	peer_alloc_prepare(argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--callgrind")) {
			callgrind = true;
			pair_iters = 20000;
			bulk_objects = 20000;
		} else if (!strcmp(argv[i], "--quick")) {
			pair_iters = 100000;
			bulk_objects = 100000;
		} else {
			fprintf(stderr, "usage: %s [--quick] [--callgrind]\n", argv[0]);
			return 2;
		}
	}
	hosted_default_config(&cfg);
	cfg.mem_size = MV_GIB(1);	/* 512 MiB of lowmem: 1024 x 128 KiB fits */
	hosted_console_level = 3;	/* errors only */
	hosted_boot(&cfg);
	kmem_cache_init();
	nr_peers = peer_alloc_load(peers);
	if (!callgrind) {
		printf("slab_bench: TSC cycles per alloc+free (pair) or per object (N-then-N), best of %d;\n",
		       REPS);
		printf("peers in the same process:");
		for (i = 0; i < nr_peers; i++)
			printf(" %s %s%s", peers[i].name, peers[i].version,
			       i + 1 < nr_peers ? "," : "\n\n");
	}
	run_all();
	peer_alloc_unload(peers, nr_peers);
	return 0;
}
