// SPDX-License-Identifier: MIT
/*
 * Fixtures for the VMM's inspection of the allocator (vmm/control/inspect.h,
 * tests/integration/test_inspect.c): cases that print the guest's own zone
 * counters, or corrupt its allocator state on purpose, and then hold still
 * for inspect_hold=MS milliseconds (default 0) while the VMM reads them.
 *
 *   inspect.counters          the zones' counters, as the guest sees them
 *   inspect.corrupt_freelist  a cycle in a free list of ZONE_DMA
 *   inspect.corrupt_nr_free   a free_area's nr_free one more than its list
 *   inspect.corrupt_pointer   a free list whose next points outside RAM
 *   inspect.stress            allocations and frees of orders 0..3 (bench)
 *
 * Each corruption is undone before the case ends; ZONE_DMA's lists are
 * chosen because nothing but __GFP_DMA (or the last fallback of a starving
 * allocation) takes from them while the guest idles. The zone lock is not
 * held during the hold: the report must name the damage, not the lock.
 */
#include <linux/mm.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "mm_test_util.h"

static int inspect_hold_ms;

static int __init_inspect_hold(char *val)
{
	if (!param_get_int(val, &inspect_hold_ms) || inspect_hold_ms < 0)
		return -1;
	return 0;
}
__setup("inspect_hold=", __init_inspect_hold);

static void print_counters(const char *when)
{
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long pcp = 0;
		char nr[MAX_ORDER * 8], *p = nr;
		unsigned long flags;

		spin_lock_irqsave(&zone->lock, flags);
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			p += snprintf(p, nr + sizeof(nr) - p, "%s%lu", o ? "," : "",
				      zone->free_area[o].nr_free);
		for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
			pcp += READ_ONCE(zone->pcp[cpu].count);
		ktest_diag("inspect %s: zone %s managed %lu free %lu deferred %lu first_deferred_pfn %#lx pcp %lu nr_free %s",
			   when, zone->name, zone->managed_pages,
			   zone->free_pages, zone->deferred_pages,
			   zone->first_deferred_pfn, pcp, nr);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

static void hold(const char *what)
{
	ktest_diag("inspect hold: %s for %d ms", what, inspect_hold_ms);
	if (inspect_hold_ms)
		msleep(inspect_hold_ms);
	ktest_diag("inspect released: %s", what);
}

KTEST(inspect, counters)
{
	print_counters("before");
	hold("counters");
	print_counters("after");
}

KTEST(inspect, corrupt_freelist)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	int o = mm_zone_order_with(ZONE_DMA, 2);
	struct list_head *head, *a, *b, *saved;

	KTEST_ASSERT_TRUE(t, o >= 0);
	head = &dma->free_area[o].free_list;
	a = head->next;
	b = a->next;
	/* head -> a -> b -> a -> b ...: a cycle that never comes back. */
	saved = b->next;
	WRITE_ONCE(b->next, a);
	ktest_diag("inspect corrupt: zone DMA free_area[%d] cycle", o);
	hold("freelist");
	WRITE_ONCE(b->next, saved);
}

KTEST(inspect, corrupt_nr_free)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	int o = mm_zone_order_with(ZONE_DMA, 1);

	KTEST_ASSERT_TRUE(t, o >= 0);
	dma->free_area[o].nr_free++;
	ktest_diag("inspect corrupt: zone DMA free_area[%d] nr_free", o);
	hold("nr_free");
	dma->free_area[o].nr_free--;
}

KTEST(inspect, corrupt_pointer)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	int o = mm_zone_order_with(ZONE_DMA, 1);
	struct list_head *a, *saved;

	KTEST_ASSERT_TRUE(t, o >= 0);
	a = dma->free_area[o].free_list.next;
	saved = a->next;
	/* Canonical, in the direct map, far beyond any RAM. */
	WRITE_ONCE(a->next, (struct list_head *)(PAGE_OFFSET + (1UL << 45)));
	ktest_diag("inspect corrupt: zone DMA free_area[%d] pointer", o);
	hold("pointer");
	WRITE_ONCE(a->next, saved);
}

/*
 * An allocation stress for inspect_hold=MS (bench/inspect-bench.sh queries
 * the zones meanwhile): random orders 0..3 allocated and freed, up to 256
 * blocks held, so the buddy and per-CPU lists churn. Prints its rate.
 */
#define STRESS_HELD	256

KTEST(inspect, stress)
{
	unsigned long *held, end, ops = 0, start = jiffies;
	unsigned int *order, n = 0;
	u64 rnd = 0x9e3779b97f4a7c15ULL;

	held = (unsigned long *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KTEST_ASSERT_NOT_NULL(t, held);
	order = (unsigned int *)(held + STRESS_HELD);
	ktest_diag("inspect hold: stress for %d ms", inspect_hold_ms);
	end = start + msecs_to_jiffies(inspect_hold_ms);
	while (time_before(jiffies, end)) {
		u64 r = mm_rand(&rnd);

		if (n < STRESS_HELD && (n == 0 || (r & 1))) {
			order[n] = (r >> 8) % 4;
			held[n] = __get_free_pages(GFP_KERNEL, order[n]);
			if (held[n])
				n++;
		} else {
			unsigned int i = (r >> 16) % n;

			free_pages(held[i], order[i]);
			held[i] = held[--n];
			order[i] = order[n];
		}
		if (!(++ops % 4096))
			cond_resched();
	}
	while (n--)
		free_pages(held[n], order[n]);
	free_pages((unsigned long)held, 1);
	ktest_diag("inspect released: stress: %lu ops in %lu ms", ops,
		   (jiffies - start) * 1000 / HZ);
}
