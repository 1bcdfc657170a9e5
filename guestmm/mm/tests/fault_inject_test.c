// SPDX-License-Identifier: MIT
/*
 * Fault injection (<linux/fault-inject.h>): should_fail()'s semantics as
 * Linux's (times, interval, space, probability 0 and 100), and failslab's
 * and fail_page_alloc's filters where the allocators call them. The cases
 * arm the global attrs as the VMM would and put them back as they were.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/fault-inject.h>
#include <linux/ktest.h>
#include "../slab.h"

static void attr_set(struct fault_attr *a, unsigned long probability,
		     unsigned long interval, int times, int space)
{
	a->probability = probability;
	a->interval = interval;
	atomic_set(&a->times, times);
	atomic_set(&a->space, space);
	a->verbose = 0;
	a->count = 0;
	atomic_long_set(&a->nr_calls, 0);
	atomic_long_set(&a->nr_failures, 0);
}

/* How many of @calls calls of @size fail. */
static unsigned int failures_in(struct fault_attr *a, unsigned int calls,
				ssize_t size)
{
	unsigned int n = 0;

	while (calls--)
		n += should_fail(a, size);
	return n;
}

KTEST(fault_inject, times_limits_failures)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");

	attr_set(&a, 100, 1, 2, 0);
	KTEST_EXPECT_TRUE(t, should_fail(&a, 8));
	KTEST_EXPECT_TRUE(t, should_fail(&a, 8));
	KTEST_EXPECT_FALSE(t, should_fail(&a, 8));
	KTEST_EXPECT_FALSE(t, should_fail(&a, 8));
	KTEST_EXPECT_EQ(t, atomic_read(&a.times), 0);
	KTEST_EXPECT_EQ(t, atomic_long_read(&a.nr_failures), 2);
	KTEST_EXPECT_EQ(t, atomic_long_read(&a.nr_calls), 4);
}

KTEST(fault_inject, times_minus_one_is_unlimited)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");

	attr_set(&a, 100, 1, -1, 0);
	KTEST_EXPECT_EQ(t, failures_in(&a, 1000, 8), 1000);
	KTEST_EXPECT_EQ(t, atomic_read(&a.times), -1);
}

KTEST(fault_inject, interval_fails_every_nth)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");
	unsigned int i;

	attr_set(&a, 100, 3, -1, 0);
	for (i = 1; i <= 9; i++)
		KTEST_EXPECT_EQ(t, should_fail(&a, 8), i % 3 == 0);
	KTEST_EXPECT_EQ(t, a.count, 9);
	/* interval and times together: the 3rd and 6th only, and once times
	 * is spent the interval stops counting (Linux checks times first) */
	attr_set(&a, 100, 3, 2, 0);
	KTEST_EXPECT_EQ(t, failures_in(&a, 12, 8), 2);
	KTEST_EXPECT_EQ(t, a.count, 6);
	KTEST_EXPECT_EQ(t, atomic_long_read(&a.nr_calls), 12);
}

KTEST(fault_inject, probability_zero_and_hundred)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");
	unsigned int n;

	attr_set(&a, 0, 1, -1, 0);
	KTEST_EXPECT_EQ(t, failures_in(&a, 1000, 8), 0);
	/* probability 0 is off: not even counted as a call */
	KTEST_EXPECT_EQ(t, atomic_long_read(&a.nr_calls), 0);
	attr_set(&a, 100, 1, -1, 0);
	KTEST_EXPECT_EQ(t, failures_in(&a, 1000, 8), 1000);
	/* 50%: the PRNG gives some of each (a 1000-call run off by > 150 is a broken PRNG) */
	attr_set(&a, 50, 1, -1, 0);
	n = failures_in(&a, 1000, 8);
	KTEST_EXPECT_GT(t, n, 350);
	KTEST_EXPECT_LT(t, n, 650);
}

KTEST(fault_inject, space_lets_bytes_through)
{
	struct fault_attr a = FAULT_ATTR_INITIALIZER("test");

	attr_set(&a, 100, 1, -1, 100);
	KTEST_EXPECT_FALSE(t, should_fail(&a, 40));	/* 100 > 40: 60 left */
	KTEST_EXPECT_FALSE(t, should_fail(&a, 40));	/* 60 > 40: 20 left */
	KTEST_EXPECT_TRUE(t, should_fail(&a, 40));	/* 20 > 40 no more */
	KTEST_EXPECT_EQ(t, atomic_read(&a.space), 20);
}

/* Arms failslab for the cases below; fault_restore() puts it back. */
static struct failslab_attr saved_slab;
static struct fail_page_alloc_attr saved_pages;

static void fault_save(void)
{
	saved_slab = failslab;
	saved_pages = fail_page_alloc;
}

static void fault_restore(void)
{
	WRITE_ONCE(failslab_armed, 0);
	WRITE_ONCE(fail_page_alloc_armed, 0);
	failslab = saved_slab;
	fail_page_alloc = saved_pages;
}

KTEST(fault_inject, failslab_cache_filter_and_nofail)
{
	struct kmem_cache *marked, *plain;
	long failures, calls;
	void *a, *b, *c;

	marked = kmem_cache_create("fi_marked", 48, 0, SLAB_FAILSLAB, NULL);
	plain = kmem_cache_create("fi_plain", 48, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, marked);
	KTEST_ASSERT_NOT_NULL(t, plain);
	fault_save();
	attr_set(&failslab.attr, 100, 1, 1, 0);
	failslab.cache_filter = true;
	failslab.ignore_gfp_wait = false;
	failslab.require_gfp = 0;
	WRITE_ONCE(failslab_armed, 1);
	a = kmem_cache_alloc(plain, GFP_KERNEL);	/* not marked: never */
	b = kmem_cache_alloc(marked, GFP_KERNEL | __GFP_NOFAIL);	/* never */
	c = kmem_cache_alloc(marked, GFP_KERNEL);	/* the one failure */
	failures = atomic_long_read(&failslab.attr.nr_failures);
	calls = atomic_long_read(&failslab.attr.nr_calls);
	fault_restore();
	KTEST_EXPECT_NOT_NULL(t, a);
	KTEST_EXPECT_NOT_NULL(t, b);
	KTEST_EXPECT_NULL(t, c);
	KTEST_EXPECT_EQ(t, failures, 1);
	KTEST_EXPECT_EQ(t, calls, 1);
	kmem_cache_free(plain, a);
	kmem_cache_free(marked, b);
	kmem_cache_destroy(marked);
	kmem_cache_destroy(plain);
}

/*
 * The global attrs fail every CPU's allocations while armed: the cases
 * below that arm them without a cache filter fail only allocations with
 * __GFP_COLD (require_gfp), which no other guest code passes to them.
 */
#define ONLY_OURS	__GFP_COLD

KTEST(fault_inject, failslab_gfp_filters)
{
	void *p, *q, *r;

	fault_save();
	attr_set(&failslab.attr, 100, 1, -1, 0);
	failslab.cache_filter = false;
	failslab.ignore_gfp_wait = true;	/* sleeping allocations pass */
	failslab.require_gfp = ONLY_OURS;
	WRITE_ONCE(failslab_armed, 1);
	p = kmalloc(64, GFP_KERNEL | ONLY_OURS);
	q = kmalloc(64, GFP_ATOMIC | ONLY_OURS);
	r = kmalloc(64, GFP_ATOMIC);		/* lacks require_gfp */
	fault_restore();
	KTEST_EXPECT_NOT_NULL(t, p);
	KTEST_EXPECT_NULL(t, q);
	KTEST_EXPECT_NOT_NULL(t, r);
	kfree(p);
	kfree(r);
}

KTEST(fault_inject, fail_page_alloc_min_order)
{
	struct page *small, *big;
	long failures;

	fault_save();
	attr_set(&fail_page_alloc.attr, 100, 1, -1, 0);
	fail_page_alloc.min_order = 3;
	fail_page_alloc.ignore_gfp_wait = false;
	fail_page_alloc.ignore_gfp_highmem = false;
	fail_page_alloc.require_gfp = ONLY_OURS;
	WRITE_ONCE(fail_page_alloc_armed, 1);
	small = alloc_pages(GFP_KERNEL | ONLY_OURS, 2);
	big = alloc_pages(GFP_KERNEL | ONLY_OURS, 3);
	failures = atomic_long_read(&fail_page_alloc.attr.nr_failures);
	fault_restore();
	KTEST_EXPECT_NOT_NULL(t, small);
	KTEST_EXPECT_NULL(t, big);
	KTEST_EXPECT_EQ(t, failures, 1);
	if (small)
		__free_pages(small, 2);
}

/* A cache created under a name failslab waits for carries SLAB_FAILSLAB. */
KTEST(fault_inject, failslab_cache_name_marks_new_cache)
{
	struct kmem_cache *named, *other;

	fault_save();
	strscpy_len(failslab.cache_name, "fi_named", sizeof(failslab.cache_name));
	named = kmem_cache_create("fi_named", 40, 0, 0, NULL);
	other = kmem_cache_create("fi_other", 40, 0, 0, NULL);
	fault_restore();
	KTEST_ASSERT_NOT_NULL(t, named);
	KTEST_ASSERT_NOT_NULL(t, other);
	KTEST_EXPECT_TRUE(t, named->flags & SLAB_FAILSLAB);
	KTEST_EXPECT_FALSE(t, other->flags & SLAB_FAILSLAB);
	kmem_cache_destroy(named);
	kmem_cache_destroy(other);
}
