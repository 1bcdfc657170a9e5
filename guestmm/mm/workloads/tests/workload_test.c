// SPDX-License-Identifier: MIT
/*
 * Workloads: each one starts, works, stops and then holds nothing; the
 * table refuses what it should (unknown names and keys, values out of
 * range, a second start); one stopped before its threads ran is stopped
 * all the same; seconds= stops a workload by itself.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/sched.h>
#include <linux/workload.h>

/* Waits up to 10 s for @wl to do @ops operations; the count reached. */
static long wait_ops(struct workload *wl, long ops)
{
	for (int i = 0; i < 1000 && atomic_long_read(&wl->ops) < ops; i++)
		msleep(10);
	return atomic_long_read(&wl->ops);
}

static void run_briefly(struct ktest *t, const char *name, const char *params)
{
	struct workload *wl;

	KTEST_ASSERT_EQ(t, workload_start(name, params), 0);
	wl = workload_find(name);
	KTEST_ASSERT_NOT_NULL(t, wl);
	KTEST_EXPECT_EQ(t, wl->state, WORKLOAD_RUNNING);
	KTEST_EXPECT_GE(t, wait_ops(wl, 50), 50);
	KTEST_EXPECT_EQ(t, workload_stop(name), 0);
	KTEST_EXPECT_EQ(t, wl->state, WORKLOAD_STOPPED);
	KTEST_EXPECT_EQ(t, atomic_long_read(&wl->held_bytes), 0);
	KTEST_EXPECT_EQ(t, atomic_long_read(&wl->leaked_bytes), 0);
	KTEST_EXPECT_GT(t, atomic_long_read(&wl->bytes), 0);
	KTEST_EXPECT_NULL(t, workload_find(name));
	for (unsigned int i = 0; i < WORKLOAD_THREADS_MAX; i++)
		KTEST_EXPECT_NULL(t, wl->threads[i].task);
}

KTEST_SMP(workload, slab_churn, 2)
{
	run_briefly(t, "slab_churn", "caches=8,max_size=512,objs=16,threads=2");
}

KTEST_SMP(workload, fragment, 2)
{
	run_briefly(t, "fragment", "max_order=3,blocks=16,threads=2");
}

KTEST_SMP(workload, kmap_pressure, 2)
{
	run_briefly(t, "kmap_pressure", "pages=8,threads=2");
}

KTEST_SMP(workload, dma_buffers, 2)
{
	run_briefly(t, "dma_buffers", "size=256,bufs=4,threads=2");
}

KTEST_SMP(workload, vmalloc_churn, 2)
{
	run_briefly(t, "vmalloc_churn", "max_size=16384,areas=8,threads=2");
}

KTEST(workload, refuses_bad_requests)
{
	KTEST_EXPECT_EQ(t, workload_start("no_such", ""), -EINVAL);
	KTEST_EXPECT_EQ(t, workload_start("fragment", "max_order=99"), -EINVAL);
	KTEST_EXPECT_EQ(t, workload_start("fragment", "bogus=1"), -EINVAL);
	KTEST_EXPECT_EQ(t, workload_start("fragment", "blocks"), -EINVAL);
	KTEST_EXPECT_EQ(t, workload_start("fragment", "blocks=x"), -EINVAL);
	KTEST_EXPECT_NULL(t, workload_find("fragment"));
	KTEST_EXPECT_EQ(t, workload_stop("fragment"), -ENOENT);
	KTEST_ASSERT_EQ(t, workload_start("fragment", "blocks=4,threads=1"), 0);
	KTEST_EXPECT_EQ(t, workload_start("fragment", ""), -EBUSY);
	KTEST_EXPECT_EQ(t, workload_stop("fragment"), 0);
	KTEST_EXPECT_EQ(t, workload_stop("fragment"), -ENOENT);
	/* stopped before its threads ran: still stopped, and startable */
	KTEST_ASSERT_EQ(t, workload_start("fragment", "blocks=4,threads=1"), 0);
	KTEST_EXPECT_EQ(t, workload_stop("fragment"), 0);
}

KTEST(workload, seconds_stops_by_itself)
{
	struct workload *wl;

	KTEST_ASSERT_EQ(t, workload_start("vmalloc_churn", "seconds=1,threads=1,areas=4"), 0);
	wl = workload_find("vmalloc_churn");
	KTEST_ASSERT_NOT_NULL(t, wl);
	for (int i = 0; i < 1000 && READ_ONCE(wl->state) != WORKLOAD_STOPPED; i++)
		msleep(10);
	KTEST_EXPECT_EQ(t, wl->state, WORKLOAD_STOPPED);
	KTEST_EXPECT_EQ(t, atomic_long_read(&wl->held_bytes), 0);
	KTEST_EXPECT_NE(t, wl->stop_jiffies, 0);
	/* its sleeping threads are joined by the stop */
	KTEST_EXPECT_EQ(t, workload_stop("vmalloc_churn"), 0);
	KTEST_EXPECT_NULL(t, wl->threads[0].task);
}
