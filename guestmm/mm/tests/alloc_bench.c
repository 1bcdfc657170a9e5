// SPDX-License-Identifier: MIT
/*
 * The allocator benches as guest code (issue 19, item 3): the cases of the
 * hosted bench/slab_bench and bench/page_bench (bench/alloc_cases.h), timed
 * with the TSC inside the guest, so that a host with a real KVM gives the
 * figures of the allocators running as guest kernel code.
 *
 *	vmm --test 'bench.*' [--cmdline 'bench_runs=R bench_ops=N']
 *
 * Each case runs once to warm up, then R times (bench_runs=, default 3);
 * a run is N pairs (bench_ops=, default 64; N / 8 of vmalloc and
 * alloc_percpu, 10-100 times dearer), or max(1, N / n) rounds of n
 * allocations then n frees. Cycles per op (a pair, or one object's alloc
 * and free) are the median of the runs. The last case, bench.table
 * (alloc_bench_table.c), prints every row as one table (TAP diagnostics)
 * under the accelerator's name, which vmm passes as accel=NAME. These are timings, not tests: no CI
 * suite runs them (test_guest_bench runs them once with tiny counts). Each
 * case still fails on a failed allocation, counts that do not add up, or a
 * leak: slab objects in use, pages neither free nor in slabs, or vmap
 * areas, that differ after the timed runs from before them.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/processor.h>

#include "../../../bench/alloc_cases.h"

#include "alloc_bench.h"

#define BENCH_MAX_RUNS	31
#define BENCH_MAX_N	1024

int bench_runs = 3;
static int bench_ops = 64;
const char *bench_accel;

static int __init_bench_runs(char *val)
{
	if (!param_get_int(val, &bench_runs) || bench_runs < 1 ||
	    bench_runs > BENCH_MAX_RUNS)
		return -1;
	return 0;
}
__setup("bench_runs=", __init_bench_runs);

static int __init_bench_ops(char *val)
{
	return param_get_int(val, &bench_ops) && bench_ops >= 1 ? 0 : -1;
}
__setup("bench_ops=", __init_bench_ops);

/* vmm adds accel=NAME to --test runs: the KVM module, or TCG+ it nested. */
static int __init_accel(char *val)
{
	bench_accel = val;
	return 0;
}
__setup("accel=", __init_accel);

struct bench_row bench_rows[BENCH_MAX_ROWS];
unsigned int nr_bench_rows;

/* What a case does once: alloc/free @ops times; returns cycles, counts. */
struct bench_job {
	u64 (*run)(struct bench_job *j);
	enum bench_family family;
	unsigned long size;		/* bytes, or the page order */
	unsigned int n;			/* 0: pairs; else n-then-n */
	bool order;			/* size is a page order */
	unsigned long ops;		/* pairs, or objects */
	/* vmalloc and alloc_percpu cost 10-100 kmalloc pairs: bench_ops >> 3 */
	unsigned int ops_shift;
	/* vmalloc: page tables made for its range stay (as in Linux) */
	bool keeps_pages;
	struct kmem_cache *cache;
	unsigned long allocs, frees, failed;
};

static void *objs[BENCH_MAX_N];
_Static_assert(BENCH_KMALLOC_N <= BENCH_MAX_N && BENCH_CACHE_N <= BENCH_MAX_N &&
	       BENCH_PAGE_BATCH_N <= BENCH_MAX_N, "objs[] holds one round");

/* Keeps p alive in a register: the compiler cannot drop the alloc/free. */
#define escape(p) __asm__ __volatile__("" : : "r"(p) : "memory")

/* lfence; rdtsc at both ends, as the hosted benches time. */
#define PAIR_LOOP(j, ALLOC, FREE) ({					\
	unsigned long __got = 0, __freed = 0;				\
	u64 __t0 = rdtsc_ordered();					\
	for (unsigned long __i = 0; __i < (j)->ops; __i++) {		\
		void *p = ALLOC;					\
		escape(p);						\
		__got += !!p;						\
		__freed += !!p;						\
		FREE;							\
	}								\
	__t0 = rdtsc_ordered() - __t0;					\
	(j)->allocs += __got;						\
	(j)->frees += __freed;						\
	(j)->failed += (j)->ops - __got;				\
	__t0;								\
})

#define BULK_LOOP(j, ALLOC, FREE) ({					\
	unsigned long __rounds = max(1UL, (j)->ops / (j)->n);		\
	unsigned long __got = 0, __freed = 0;				\
	u64 __t0 = rdtsc_ordered();					\
	for (unsigned long __r = 0; __r < __rounds; __r++) {		\
		for (unsigned int __i = 0; __i < (j)->n; __i++) {	\
			objs[__i] = ALLOC;				\
			__got += !!objs[__i];				\
		}							\
		for (unsigned int __i = 0; __i < (j)->n; __i++) {	\
			void *p = objs[__i];				\
			__freed += !!p;					\
			FREE;						\
		}							\
	}								\
	__t0 = rdtsc_ordered() - __t0;					\
	(j)->allocs += __got;						\
	(j)->frees += __freed;						\
	(j)->failed += __rounds * (j)->n - __got;			\
	__t0;								\
})

static noinline u64 kmalloc_pairs(struct bench_job *j)
{
	return PAIR_LOOP(j, kmalloc(j->size, GFP_KERNEL), kfree(p));
}

static noinline u64 kmalloc_bulk(struct bench_job *j)
{
	return BULK_LOOP(j, kmalloc(j->size, GFP_KERNEL), kfree(p));
}

static noinline u64 cache_pairs(struct bench_job *j)
{
	return PAIR_LOOP(j, kmem_cache_alloc(j->cache, GFP_KERNEL),
			 if (p) kmem_cache_free(j->cache, p));
}

static noinline u64 cache_bulk(struct bench_job *j)
{
	return BULK_LOOP(j, kmem_cache_alloc(j->cache, GFP_KERNEL),
			 if (p) kmem_cache_free(j->cache, p));
}

static noinline u64 page_pairs(struct bench_job *j)
{
	return PAIR_LOOP(j, alloc_pages(GFP_KERNEL, j->size),
			 if (p) __free_pages(p, j->size));
}

static noinline u64 page_bulk(struct bench_job *j)
{
	return BULK_LOOP(j, alloc_page(GFP_KERNEL), if (p) __free_page(p));
}

static noinline u64 vmalloc_pairs(struct bench_job *j)
{
	return PAIR_LOOP(j, vmalloc(j->size), vfree(p));
}

static noinline u64 percpu_pairs(struct bench_job *j)
{
	return PAIR_LOOP(j, (void *)__alloc_percpu(j->size, 8),
			 free_percpu((void __percpu *)p));
}

/* What must not change across the timed runs when nothing leaks. */
struct bench_usage {
	unsigned long objects;		/* slab objects in use, every cache */
	unsigned long pages;		/* free (buddy or per-CPU list), or in a slab */
	unsigned long vmap_areas;
};

static void bench_usage(struct bench_usage *u)
{
	struct kmem_cache *s;
	struct slabinfo si;

	vm_unmap_aliases();		/* lazily freed areas, purged */
	u->pages = nr_free_pages();	/* per-CPU lists too: not drained */
	u->objects = 0;
	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list) {
		kmem_cache_get_info(s, &si);
		u->objects += si.active_objs - si.cpu_cached - si.shared_cached;
		u->pages += si.num_slabs * si.pages_per_slab;
	}
	spin_unlock(&slab_lock);
	u->vmap_areas = READ_ONCE(nr_vmap_areas);
}

static void sort_ulong(unsigned long *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		unsigned long x = v[i];
		unsigned int k;

		for (k = i; k && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

static unsigned long ops_per_run(const struct bench_job *j)
{
	return j->n ? max(1UL, j->ops / j->n) * j->n : j->ops;
}

static bool record_row(struct ktest *t, const char *what,
		       const struct bench_job *j, unsigned long *tenths,
		       unsigned int runs)
{
	struct bench_row *r;

	if (!KTEST_EXPECT_LT(t, nr_bench_rows, BENCH_MAX_ROWS))
		return false;
	sort_ulong(tenths, runs);
	r = &bench_rows[nr_bench_rows++];
	*r = (struct bench_row){
		.family = j->family, .what = what, .size = j->size, .n = j->n, .order = j->order,
		.ops = ops_per_run(j), .median = tenths[runs / 2],
		.min = tenths[0], .max = tenths[runs - 1],
	};
	return true;
}

/*
 * Warms up, then times bench_runs runs of @j and records the row; fails @t
 * on a failed allocation, counts that do not add up, or a leak.
 */
static bool bench_case(struct ktest *t, const char *what, struct bench_job *j)
{
	unsigned int runs = bench_runs;
	struct bench_usage before, after;
	unsigned long tenths[BENCH_MAX_RUNS];

	j->ops = max(1UL, (unsigned long)bench_ops >> j->ops_shift);
	j->run(j);	/* and what the first use of a size makes, made */
	bench_usage(&before);
	j->allocs = j->frees = j->failed = 0;
	for (unsigned int r = 0; r < runs; r++)
		tenths[r] = j->run(j) * 10 / ops_per_run(j);
	bench_usage(&after);
	if (!KTEST_EXPECT_EQ(t, j->failed, 0) ||
	    !KTEST_EXPECT_EQ(t, j->allocs, runs * ops_per_run(j)) ||
	    !KTEST_EXPECT_EQ(t, j->frees, j->allocs) ||
	    !KTEST_EXPECT_EQ(t, after.objects, before.objects) ||
	    (!j->keeps_pages && !KTEST_EXPECT_EQ(t, after.pages, before.pages)) ||
	    !KTEST_EXPECT_EQ(t, after.vmap_areas, before.vmap_areas)) {
		ktest_diag("bench: %s, %s %lu, n=%u: failed", what,
			   j->order ? "order" : "bytes", j->size, j->n);
		return false;
	}
	return record_row(t, what, j, tenths, runs);
}

static const unsigned long kmalloc_sizes[] = { BENCH_KMALLOC_SIZES };

KTEST(bench, kmalloc_pair)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		struct bench_job j = { .run = kmalloc_pairs, .family = BENCH_KMALLOC_PAIR,
				       .size = kmalloc_sizes[i] };

		if (!bench_case(t, "kmalloc pair", &j))
			return;
	}
}

KTEST(bench, kmalloc_n_then_n)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		struct bench_job j = { .run = kmalloc_bulk, .family = BENCH_KMALLOC_NN,
				       .size = kmalloc_sizes[i], .n = BENCH_KMALLOC_N };

		if (!bench_case(t, "kmalloc N-then-N", &j))
			return;
	}
}

KTEST(bench, kmem_cache)
{
	struct kmem_cache *c = kmem_cache_create("bench-64", BENCH_CACHE_SIZE, 0, 0, NULL);
	struct bench_job pair = { .run = cache_pairs, .family = BENCH_CACHE,
				  .size = BENCH_CACHE_SIZE, .cache = c };
	struct bench_job bulk = { .run = cache_bulk, .family = BENCH_CACHE,
				  .size = BENCH_CACHE_SIZE, .cache = c, .n = BENCH_CACHE_N };
	unsigned long leaks = slab_error_count(SLAB_ERR_LEAK);
	struct slabinfo si;

	KTEST_ASSERT_NOT_NULL(t, c);
	if (bench_case(t, "cache pair", &pair))
		bench_case(t, "cache N-then-N", &bulk);
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_EQ(t, si.active_objs - si.cpu_cached - si.shared_cached, 0);
	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, slab_error_count(SLAB_ERR_LEAK), leaks);
}

KTEST(bench, pages)
{
	struct bench_job bulk = { .run = page_bulk, .family = BENCH_PAGES, .size = 0,
				  .order = true, .n = BENCH_PAGE_BATCH_N };

	for (unsigned int order = 0; order <= BENCH_PAGE_MAX_ORDER; order++) {
		struct bench_job j = { .run = page_pairs, .family = BENCH_PAGES,
				       .size = order, .order = true };

		if (!bench_case(t, "page pair", &j))
			return;
	}
	bench_case(t, "page batch", &bulk);
}

KTEST(bench, vmalloc_percpu)
{
	struct bench_job v4 = { .run = vmalloc_pairs, .family = BENCH_VMALLOC_PERCPU,
				.size = PAGE_SIZE, .keeps_pages = true, .ops_shift = 3 };
	struct bench_job v64 = { .run = vmalloc_pairs, .family = BENCH_VMALLOC_PERCPU,
				 .size = 16 * PAGE_SIZE, .keeps_pages = true,
				 .ops_shift = 3 };
	struct bench_job pcpu = { .run = percpu_pairs, .family = BENCH_VMALLOC_PERCPU,
				  .size = 8, .ops_shift = 3 };

	if (bench_case(t, "vmalloc pair", &v4) && bench_case(t, "vmalloc pair", &v64))
		bench_case(t, "alloc_percpu pair", &pcpu);
}
