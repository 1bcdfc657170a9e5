// SPDX-License-Identifier: MIT
/* mempool: the reserve, the never-fail guarantee with a second thread, resizing. */
#include <linux/kernel.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ktest.h>
#include <memvisor/mminfo.h>
#include "../slab.h"

/* An allocator that gives out `left` elements and then nothing: "empty". */
struct budget {
	int left;
	int allocated;
};

static void *budget_alloc(int gfp, void *data)
{
	struct budget *b = data;

	if (__atomic_sub_fetch(&b->left, 1, __ATOMIC_SEQ_CST) < 0) {
		__atomic_add_fetch(&b->left, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	__atomic_add_fetch(&b->allocated, 1, __ATOMIC_SEQ_CST);
	return kmalloc(64, gfp);
}

static void *budget_free(void *element, void *data)
{
	struct budget *b = data;

	__atomic_sub_fetch(&b->allocated, 1, __ATOMIC_SEQ_CST);
	kfree(element);
	return NULL;
}

struct delayed_free {
	mempool_t *pool;
	void *element;
	unsigned int delay_ms;
};

static int free_later(void *arg)
{
	struct delayed_free *d = arg;

	msleep(d->delay_ms);
	mempool_free(d->element, d->pool);
	return 0;
}

/*
 * Allocator and reserve both empty: GFP_ATOMIC gets NULL at once, and
 * GFP_KERNEL sleeps until another thread's mempool_free() and gets that.
 */
KTEST(mempool, never_fails_with_a_second_thread_freeing)
{
	struct budget b = { .left = 2 };
	static DEFINE_SPINLOCK(lock);
	struct delayed_free d;
	struct task_struct *k;
	unsigned long sleeps;
	mempool_t *pool;
	void *e1, *e2, *e3;

	pool = mempool_create(2, budget_alloc, budget_free, &b);
	KTEST_ASSERT_NOT_NULL(t, pool);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 2);
	e1 = mempool_alloc(pool, GFP_KERNEL);
	e2 = mempool_alloc(pool, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, e1);
	KTEST_ASSERT_NOT_NULL(t, e2);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 0);

	sleeps = might_sleep_reports;
	spin_lock(&lock);		/* atomic context: must not sleep */
	KTEST_EXPECT_NULL(t, mempool_alloc(pool, GFP_ATOMIC));
	spin_unlock(&lock);
	KTEST_EXPECT_EQ(t, might_sleep_reports, sleeps);
	KTEST_EXPECT_EQ(t, pool->nr_failed, 1);

	d = (struct delayed_free){ pool, e1, 50 };
	k = kthread_run(free_later, &d, "mempool-free");
	KTEST_ASSERT_NOT_NULL(t, k);
	e3 = mempool_alloc(pool, GFP_KERNEL);	/* sleeps until free_later() */
	KTEST_EXPECT_EQ(t, e3, e1);
	KTEST_EXPECT_GE(t, pool->nr_waits, 1);
	KTEST_EXPECT_EQ(t, kthread_join(k), 0);

	mempool_free(e2, pool);
	mempool_free(e3, pool);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 2);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, b.allocated, 0);
}

/* Several sleepers, one freer that hands back one element at a time. */
struct sleeper {
	mempool_t *pool;
	void *got;
};

static int alloc_sleeping(void *arg)
{
	struct sleeper *s = arg;

	s->got = mempool_alloc(s->pool, GFP_KERNEL);
	return s->got ? 0 : -1;
}

KTEST(mempool, several_sleepers_all_served)
{
	struct budget b = { .left = 3 };
	struct sleeper s[3];
	struct task_struct *k[3];
	void *held[3];
	mempool_t *pool = mempool_create(3, budget_alloc, budget_free, &b);
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, pool);
	for (i = 0; i < 3; i++)
		held[i] = mempool_alloc(pool, GFP_KERNEL);
	for (i = 0; i < 3; i++) {
		s[i] = (struct sleeper){ pool, NULL };
		k[i] = kthread_run(alloc_sleeping, &s[i], "mempool-sleeper");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	for (i = 0; i < 3; i++) {
		msleep(20);
		mempool_free(held[i], pool);
	}
	for (i = 0; i < 3; i++) {
		KTEST_EXPECT_EQ(t, kthread_join(k[i]), 0);
		KTEST_EXPECT_NOT_NULL(t, s[i].got);
	}
	for (i = 0; i < 3; i++)
		mempool_free(s[i].got, pool);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 3);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, b.allocated, 0);
}

/* With the allocator working, the reserve is not touched. */
KTEST(mempool, allocator_first_reserve_second)
{
	struct budget b = { .left = 1000 };
	mempool_t *pool = mempool_create(4, budget_alloc, budget_free, &b);
	void *e[10];
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, pool);
	for (i = 0; i < 10; i++)
		e[i] = mempool_alloc(pool, GFP_KERNEL);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 4);
	KTEST_EXPECT_EQ(t, pool->nr_reserve_allocs, 0);
	/* Frees go to the allocator while the reserve is full. */
	for (i = 0; i < 10; i++)
		mempool_free(e[i], pool);
	KTEST_EXPECT_EQ(t, b.allocated, 4);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, b.allocated, 0);
}

KTEST(mempool, resize)
{
	struct budget b = { .left = 1000 };
	mempool_t *pool = mempool_create(2, budget_alloc, budget_free, &b);

	KTEST_ASSERT_NOT_NULL(t, pool);
	KTEST_EXPECT_EQ(t, mempool_resize(pool, 10, GFP_KERNEL), 0);
	KTEST_EXPECT_EQ(t, pool->min_nr, 10);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 10);
	KTEST_EXPECT_EQ(t, b.allocated, 10);
	KTEST_EXPECT_EQ(t, mempool_resize(pool, 3, GFP_KERNEL), 0);
	KTEST_EXPECT_EQ(t, pool->min_nr, 3);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 3);
	KTEST_EXPECT_EQ(t, b.allocated, 3);
	KTEST_EXPECT_EQ(t, mempool_resize(pool, 0, GFP_KERNEL), -EINVAL);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, b.allocated, 0);
	mempool_destroy(NULL);
}

KTEST(mempool, create_fails_when_reserve_cannot_fill)
{
	struct budget b = { .left = 2 };

	KTEST_EXPECT_NULL(t, mempool_create(5, budget_alloc, budget_free, &b));
	KTEST_EXPECT_EQ(t, b.allocated, 0);
}

KTEST(mempool, slab_pool)
{
	struct kmem_cache *c = kmem_cache_create("ktest-mempool", 200, 0, 0, NULL);
	mempool_t *pool = c ? mempool_create_slab_pool(8, c) : NULL;
	void *e[20];
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, pool);
	for (i = 0; i < 20; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, e[i]);
		KTEST_EXPECT_EQ(t, virt_to_page(e[i])->slab_cache, c);
	}
	for (i = 0; i < 20; i++)
		mempool_free(e[i], pool);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, slab_objects_in_use(c) - slab_cpu_cached(c) - slab_shared_cached(c), 0);
	kmem_cache_destroy(c);
}

KTEST(mempool, kmalloc_pool)
{
	mempool_t *pool = mempool_create_kmalloc_pool(4, 1000);
	void *e;

	KTEST_ASSERT_NOT_NULL(t, pool);
	e = mempool_alloc(pool, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, e);
	KTEST_EXPECT_EQ(t, ksize(e), 1024);
	mempool_free(e, pool);
	mempool_destroy(pool);
}

KTEST(mempool, page_pool)
{
	mempool_t *pool = mempool_create_page_pool(2, 1);
	struct page *p;

	KTEST_ASSERT_NOT_NULL(t, pool);
	p = mempool_alloc(pool, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_EQ(t, page_to_pfn(p) % 2, 0);
	memset(page_address(p), 0, 2 * PAGE_SIZE);
	mempool_free(p, pool);
	KTEST_EXPECT_EQ(t, pool->curr_nr, 2);
	mempool_destroy(pool);
}

static bool pool_listed(mempool_t *pool)
{
	mempool_t *p;
	bool found = false;

	list_for_each_entry(p, &mempools, list)
		found |= p == pool;
	return found;
}

KTEST(mempool, pools_are_listed_for_the_vmm)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 32);

	KTEST_ASSERT_NOT_NULL(t, pool);
	KTEST_EXPECT_TRUE(t, pool_listed(pool));
	KTEST_EXPECT_EQ(t, pool->magic, MEMPOOL_MAGIC);
	mempool_destroy(pool);
	KTEST_EXPECT_FALSE(t, pool_listed(pool));
}

/* LDD3's mempool_create(n, mempool_alloc_slab, ...) is a slab pool, shown so. */
KTEST(mempool, linux_pairs_by_hand_are_typed)
{
	struct kmem_cache *kc = kmem_cache_create("mempool_pairs", 64, 0, 0, NULL);
	mempool_t *slab, *km, *pg, *own;

	KTEST_ASSERT_NOT_NULL(t, kc);
	slab = mempool_create(2, mempool_alloc_slab, mempool_free_slab, kc);
	km = mempool_create(2, mempool_kmalloc, mempool_kfree, (void *)100UL);
	pg = mempool_create(1, mempool_alloc_pages, mempool_free_pages, (void *)1UL);
	own = mempool_create(1, mempool_alloc_slab, mempool_kfree, kc);
	KTEST_ASSERT_TRUE(t, slab && km && pg && own);
	KTEST_EXPECT_EQ(t, slab->source, MV_MEMPOOL_SRC_SLAB);
	KTEST_EXPECT_EQ(t, slab->source_arg, (u64)(unsigned long)kc);
	KTEST_EXPECT_EQ(t, km->source, MV_MEMPOOL_SRC_KMALLOC);
	KTEST_EXPECT_EQ(t, km->source_arg, 100);
	KTEST_EXPECT_EQ(t, pg->source, MV_MEMPOOL_SRC_PAGE);
	KTEST_EXPECT_EQ(t, pg->source_arg, 1);
	KTEST_EXPECT_EQ(t, own->source, MV_MEMPOOL_SRC_CUSTOM);
	mempool_destroy(own);
	mempool_destroy(pg);
	mempool_destroy(km);
	mempool_destroy(slab);
	kmem_cache_destroy(kc);
}
