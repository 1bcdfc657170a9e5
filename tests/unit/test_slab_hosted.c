// SPDX-License-Identifier: MIT
/*
 * Host-only checks of the slab allocator (the KTEST cases in guestmm/mm/tests
 * run here through test_mm_ktest and in the guest): the text of the debug
 * reports, many more threads than cores hammering the per-CPU magazines,
 * a second boot in one process, and the slabinfo dump.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/smp.h>
#include <asm/hosted.h>
#include "../../guestmm/mm/slab.h"	/* virt_to_slab() */

static void boot(void)
{
	hosted_boot(NULL);
	kmem_cache_init();
	hosted_log_clear();
}

TestSuite(slab_hosted, .init = boot);

Test(slab_hosted, double_free_report_reads_like_linux)
{
	struct kmem_cache *c = kmem_cache_create("dbl-report", 72, 0,
						 SLAB_RED_ZONE | SLAB_POISON |
						 SLAB_STORE_USER, NULL);
	void *a;

	cr_assert_not_null(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	kmem_cache_free(c, a);
	cr_expect(hosted_log_contains("BUG dbl-report (Not tainted): Object already free"));
	cr_expect(hosted_log_contains("INFO: Allocated in "));
	cr_expect(hosted_log_contains("INFO: Freed in "));
	cr_expect(hosted_log_contains("INFO: Found by the free call from "));
	cr_expect(hosted_log_contains("INFO: Object 0x"));
	cr_expect(hosted_log_contains("Redzone "));
	cr_expect(hosted_log_contains("6b 6b 6b 6b"));	/* the poison */
	cr_expect_eq(slab_error_count(SLAB_ERR_DOUBLE_FREE), 1);
	cr_expect_eq(warn_count, 1);
	kmem_cache_destroy(c);
}

Test(slab_hosted, leak_report_names_allocation_sites)
{
	struct kmem_cache *c = kmem_cache_create("leak-report", 40, 0,
						 SLAB_STORE_USER, NULL);
	void *a;

	cr_assert_not_null(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_destroy(c);
	cr_expect(hosted_log_contains(
		"BUG leak-report (Not tainted): Objects remaining in leak-report on kmem_cache_destroy()"));
	cr_expect(hosted_log_contains(" allocated in "));
	cr_expect(hosted_log_contains("Slab cache still has objects"));
	cr_expect_eq(slab_error_count(SLAB_ERR_LEAK), 1);
	kmem_cache_free(c, a);
	kmem_cache_destroy(c);
	cr_expect_eq(slab_error_count(SLAB_ERR_LEAK), 1);
}

Test(slab_hosted, poison_report_gives_the_offset)
{
	struct kmem_cache *c = kmem_cache_create("uaf-report", 64, 0, SLAB_POISON, NULL);
	unsigned char *a;

	cr_assert_not_null(c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, a);
	a[17] = 0;
	cr_expect_eq(kmem_cache_validate(c), 1);
	cr_expect(hosted_log_contains("BUG uaf-report (Not tainted): Poison overwritten"));
	cr_expect(hosted_log_contains("@offset=17. First byte 0x0 instead of 0x6b"));
	kmem_cache_destroy(c);
}

/*
 * A free object corrupted, then allocations: the corrupted object is never
 * handed out, nor any other object of its slab (retired, as SLUB's "Marking
 * all objects used"), and an object of the retired slab freed later is
 * not linked back for reuse.
 */
#define CORRUPT_ALLOCS	200

Test(slab_hosted, corrupted_free_object_is_never_returned)
{
	struct kmem_cache *c = kmem_cache_create("corrupt", 64, 0,
						 SLAB_RED_ZONE | SLAB_POISON |
						 SLAB_STORE_USER, NULL);
	void *objs[CORRUPT_ALLOCS], *keep, *victim;
	struct page *bad;
	unsigned int i;

	cr_assert_not_null(c);
	keep = kmem_cache_alloc(c, GFP_KERNEL);		/* stays allocated */
	victim = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_not_null(victim);
	bad = virt_to_slab(c, victim);
	cr_assert_eq(virt_to_slab(c, keep), bad, "both from the first slab");
	kmem_cache_free(c, victim);
	((unsigned char *)victim)[5] = 0x42;		/* write after free */

	for (i = 0; i < CORRUPT_ALLOCS; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert_not_null(objs[i], "allocation %u failed", i);
		cr_assert_neq(objs[i], victim,
			      "allocation %u returned the corrupted object", i);
		cr_assert_neq(virt_to_slab(c, objs[i]), bad,
			      "allocation %u came from the retired slab", i);
	}
	cr_expect_eq(slab_error_count(SLAB_ERR_POISON), 1);
	cr_expect_eq(warn_count, 1);
	cr_expect(hosted_log_contains("BUG corrupt (Not tainted): Poison overwritten"));
	cr_expect(hosted_log_contains("FIX corrupt: Marking all objects used"));
	cr_expect(!list_empty(&c->slabs_retired));
	cr_expect_eq(c->stats.active_objs, CORRUPT_ALLOCS);

	/* keep's slab is retired: freed, it is not handed out again */
	kmem_cache_free(c, keep);
	for (i = 0; i < CORRUPT_ALLOCS; i++)
		kmem_cache_free(c, objs[i]);
	for (i = 0; i < CORRUPT_ALLOCS; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert_not_null(objs[i]);
		cr_assert_neq(virt_to_slab(c, objs[i]), bad,
			      "reallocation %u came from the retired slab", i);
	}
	for (i = 0; i < CORRUPT_ALLOCS; i++)
		kmem_cache_free(c, objs[i]);
	cr_expect_eq(c->stats.active_objs, 0);
	cr_expect_eq(kmem_cache_validate(c), 0);
	cr_expect_eq(slab_error_total(), 1, "one detection, nothing else");
	kmem_cache_destroy(c);
	cr_expect_eq(slab_error_count(SLAB_ERR_LEAK), 0);
}

/* ---- many threads, each its own CPU ---------------------------------------- */

#define THREADS		8
#define ROUNDS		20000
#define POOL		512

/* A shared pool: objects allocated by one thread, freed by another. */
static void *pool[POOL];
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmem_cache *stress_cache;
static unsigned long stress_bad;

static void *exchange(void *obj, unsigned int slot)
{
	void *old;

	pthread_mutex_lock(&pool_lock);
	old = pool[slot];
	pool[slot] = obj;
	pthread_mutex_unlock(&pool_lock);
	return old;
}

static void *stress_thread(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg;

	hosted_cpu_attach("slab-stress");
	for (unsigned int i = 0; i < ROUNDS; i++) {
		unsigned int r = rand_r(&seed);
		size_t size = 1 + r % 3000;
		unsigned long *p = r & 1 ? kmalloc(size, GFP_KERNEL) :
				   kmem_cache_alloc(stress_cache, GFP_KERNEL);
		unsigned long *old;

		if (!p) {
			__atomic_add_fetch(&stress_bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		p[0] = (unsigned long)p;	/* a stamp the next owner checks */
		old = exchange(p, r % POOL);
		if (old && old[0] != (unsigned long)old)
			__atomic_add_fetch(&stress_bad, 1, __ATOMIC_RELAXED);
		kfree(old);	/* kfree takes objects of any cache */
	}
	hosted_cpu_detach();
	return NULL;
}

Test(slab_hosted, eight_threads_share_objects, .timeout = 120)
{
	pthread_t th[THREADS];
	struct page_alloc_check chk;
	struct slabinfo si;

	stress_cache = kmem_cache_create("stress", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	cr_assert_not_null(stress_cache);
	for (unsigned long i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, stress_thread, (void *)(i + 1)), 0);
	for (unsigned int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (unsigned int i = 0; i < POOL; i++)
		kfree(exchange(NULL, i));
	/* The stress CPUs are gone: their magazines go back to the slabs. */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu != (unsigned int)raw_smp_processor_id())
			kmem_cache_cpu_dead(cpu);
	kmem_cache_get_info(stress_cache, &si);
	cr_expect_eq(si.active_objs, si.cpu_cached + si.shared_cached,
		     "%lu objects unaccounted for", si.active_objs - si.cpu_cached -
		     si.shared_cached);
	cr_expect_eq(kmem_cache_shrink(stress_cache), 0);
	cr_expect_eq(stress_bad, 0);
	cr_expect_eq(slab_error_total(), 0);
	cr_expect_eq(warn_count, 0);
	cr_expect_eq(page_alloc_check(&chk), 0, "%s", chk.first_error);
	kmem_cache_destroy(stress_cache);
	cr_expect_eq(slab_error_total(), 0);
}

/* hosted_boot() again on a fresh arena: slab starts over with it. */
Test(slab_hosted, second_boot_starts_over)
{
	void *a = kmalloc(100, GFP_KERNEL);

	cr_assert_not_null(a);
	boot();
	a = kmalloc(100, GFP_KERNEL);
	cr_assert_not_null(a);
	cr_expect_eq(ksize(a), 128);
	kfree(a);
	cr_expect_eq(slab_error_total(), 0);
}

Test(slab_hosted, slabinfo_dump_prints_every_cache)
{
	slabinfo_dump();
	cr_expect(hosted_log_contains("slabinfo - version: 2.1"));
	cr_expect(hosted_log_contains("kmalloc-8 "));
	cr_expect(hosted_log_contains("dma-kmalloc-8k "));
	cr_expect(hosted_log_contains("kmem_cache "));
}
