// SPDX-License-Identifier: MIT
/*
 * Waiting for memory: a may-sleep allocation sleeps until another thread
 * frees pages; __GFP_NOFAIL waits as long as it takes, GFP_ATOMIC never
 * sleeps (and with __GFP_NOFAIL warns once and fails, as on Linux: it
 * cannot reclaim, and spinning for a free could livelock its CPU).
 */
#include <linux/mm.h>
#include <linux/bug.h>
#include <linux/ktest.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/sched.h>

#include "mm_test_util.h"

struct waiter {
	gfp_t gfp;
	struct page *page;
	unsigned long waited;		/* jiffies */
	struct completion done;
};

static int alloc_thread(void *data)
{
	struct waiter *w = data;
	unsigned long start = jiffies;

	w->page = alloc_page(w->gfp);
	w->waited = jiffies - start;
	complete(&w->done);
	return 0;
}

static void waiter_init(struct waiter *w, gfp_t gfp)
{
	w->gfp = gfp;
	w->page = NULL;
	w->waited = 0;
	init_completion(&w->done);
}

/* Waits (a bounded while) until n allocators sleep on the free wait queue. */
static bool wait_for_waiters(int n)
{
	for (int i = 0; i < 5 * HZ; i++) {
		if (READ_ONCE(contig_page_data.nr_free_waiters) >= n)
			return true;
		schedule_timeout_uninterruptible(1);
	}
	return false;
}

/* Frees held blocks, newest first, until every waiter is done. */
static void free_until_done(struct mm_hold *h, struct waiter *w, int n)
{
	for (;;) {
		bool all = true;

		for (int i = 0; i < n; i++)
			all &= completion_done(&w[i].done);
		if (all || !mm_hold_free_one(h))
			return;
		schedule_timeout_uninterruptible(1);
	}
}

KTEST(wait, kernel_sleeps_until_free)
{
	struct waiter w;
	struct task_struct *k;
	struct mm_hold h;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	waiter_init(&w, GFP_KERNEL | __GFP_DMA);
	k = kthread_run(alloc_thread, &w, "mm-waiter");
	KTEST_ASSERT_NOT_NULL(t, k);
	KTEST_EXPECT_TRUE(t, wait_for_waiters(1));
	KTEST_EXPECT_FALSE(t, completion_done(&w.done));
	free_until_done(&h, &w, 1);
	wait_for_completion(&w.done);
	kthread_join(k);
	KTEST_EXPECT_NOT_NULL(t, w.page);
	if (w.page) {
		KTEST_EXPECT_EQ(t, page_zonenum(w.page), ZONE_DMA);
		__free_page(w.page);
	}
	mm_hold_free_all(&h);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

KTEST(wait, many_sleepers_all_served)
{
	struct waiter w[4];
	struct task_struct *k[4];
	struct mm_hold h;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	for (int i = 0; i < 4; i++) {
		waiter_init(&w[i], (i & 1 ? GFP_NOIO : GFP_KERNEL) | __GFP_DMA |
				   __GFP_REPEAT);
		k[i] = kthread_run(alloc_thread, &w[i], "mm-waiter");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	KTEST_EXPECT_TRUE(t, wait_for_waiters(2));
	free_until_done(&h, w, 4);
	for (int i = 0; i < 4; i++) {
		wait_for_completion(&w[i].done);
		kthread_join(k[i]);
		KTEST_EXPECT_NOT_NULL(t, w[i].page);
		if (w[i].page)
			__free_page(w[i].page);
	}
	mm_hold_free_all(&h);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

struct late_freer {
	struct mm_hold *hold;
	unsigned int delay_ms;
};

static int late_free_thread(void *data)
{
	struct late_freer *lf = data;

	msleep(lf->delay_ms);
	mm_hold_free_all(lf->hold);
	return 0;
}

/*
 * __GFP_NOFAIL outlasts the plain GFP_KERNEL budget (a few tenths of a
 * second): the memory comes back only after a second.
 */
KTEST(wait, nofail_waits_for_memory)
{
	struct late_freer lf;
	struct task_struct *k;
	struct mm_hold h;
	struct page *page;
	unsigned long start;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	KTEST_EXPECT_NULL(t, alloc_page(GFP_KERNEL | __GFP_DMA | __GFP_NORETRY |
					__GFP_NOWARN));
	lf.hold = &h;
	lf.delay_ms = 1000;
	k = kthread_run(late_free_thread, &lf, "mm-late-freer");
	KTEST_ASSERT_NOT_NULL(t, k);
	start = jiffies;
	page = alloc_page(GFP_KERNEL | __GFP_DMA | __GFP_NOFAIL);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_GE(t, jiffies - start, HZ / 2);
	kthread_join(k);
	if (page)
		__free_page(page);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* GFP_ATOMIC never sleeps: with memory gone it fails at once. */
KTEST(wait, atomic_fails_without_sleeping)
{
	struct mm_hold h;
	u64 slept;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_ATOMIC | __GFP_DMA);
	/* never slept, rather than a time bound the host's load would move */
	slept = current->nvcsw;
	for (int i = 0; i < 100; i++)
		KTEST_EXPECT_NULL(t, alloc_page(GFP_ATOMIC | __GFP_DMA | __GFP_NOWARN));
	KTEST_EXPECT_EQ(t, current->nvcsw, slept);
	mm_hold_free_all(&h);
}

/*
 * GFP_ATOMIC | __GFP_NOFAIL cannot reclaim: it warns (once) and fails at
 * once, rather than spin. The memory comes back only seconds later, so a
 * spinning allocator would return late, with a page.
 */
KTEST(wait, atomic_nofail_warns_once_and_fails)
{
	struct late_freer lf;
	struct task_struct *k;
	struct mm_hold h;
	struct page *page[2];
	unsigned long warns[3];
	u64 slept;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_ATOMIC | __GFP_DMA);
	lf.hold = &h;
	lf.delay_ms = 3000;
	k = kthread_run(late_free_thread, &lf, "mm-late-freer");
	KTEST_ASSERT_NOT_NULL(t, k);
	slept = current->nvcsw;
	for (int i = 0; i < 2; i++) {
		warns[i] = warn_count;
		page[i] = alloc_page(GFP_ATOMIC | __GFP_DMA | __GFP_NOFAIL);
	}
	warns[2] = warn_count;
	/* never slept; a spin until the freer's pages came back would end
	 * with a page, which the NULLs below rule out (no time bound: a
	 * loaded host's vCPU stalls would move it) */
	KTEST_EXPECT_EQ(t, current->nvcsw, slept);
	KTEST_EXPECT_NULL(t, page[0]);
	KTEST_EXPECT_NULL(t, page[1]);
	KTEST_EXPECT_EQ(t, warns[1] - warns[0], 1UL);	/* once ... */
	KTEST_EXPECT_EQ(t, warns[2] - warns[1], 0UL);	/* ... only */
	kthread_join(k);
	for (int i = 0; i < 2; i++)
		if (page[i])
			__free_page(page[i]);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}
