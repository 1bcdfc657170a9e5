// SPDX-License-Identifier: MIT
/*
 * Every GFP flag of the seed, with its meaning: zones (__GFP_DMA,
 * __GFP_HIGHMEM, GFP_HIGHUSER), how deep into the reserves a caller may go
 * (GFP_ATOMIC, __GFP_HIGH), reclaim (GFP_KERNEL runs shrinkers; GFP_NOIO and
 * GFP_NOFS skip those that need I/O or a filesystem), persistence
 * (__GFP_NORETRY, __GFP_REPEAT), __GFP_COLD, __GFP_ZERO, __GFP_NOWARN and
 * might_sleep() for GFP_KERNEL in atomic context. (__GFP_NOFAIL and the
 * waiting for frees: wait_test.c.)
 */
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/highmem.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/smp.h>
#include <linux/ktest.h>
#include <linux/string.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <memvisor/layout.h>

#include "mm_test_util.h"
#include "../internal.h"

#ifdef __HOSTED__
#include <asm/hosted.h>
#endif

/* A shrinker over pages it holds; it can also free nothing and just count. */
struct test_shrinker {
	struct shrinker s;
	struct mm_hold pages;
	unsigned long calls;
	gfp_t last_gfp;
};

static unsigned long ts_count(struct shrinker *s, struct shrink_control *sc)
{
	struct test_shrinker *ts = container_of(s, struct test_shrinker, s);

	(void)sc;
	return ts->pages.nr_blocks ? ts->pages.nr_blocks : 1;
}

static unsigned long ts_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct test_shrinker *ts = container_of(s, struct test_shrinker, s);
	unsigned long freed = 0;

	ts->calls++;
	ts->last_gfp = sc->gfp_mask;
	while (freed < sc->nr_to_scan && mm_hold_free_one(&ts->pages))
		freed++;
	return freed;
}

static void ts_register(struct test_shrinker *ts, const char *name, gfp_t needs)
{
	memset(ts, 0, sizeof(*ts));
	mm_hold_init(&ts->pages);
	ts->s.name = name;
	ts->s.count_objects = ts_count;
	ts->s.scan_objects = ts_scan;
	ts->s.needs = needs;
	register_shrinker(&ts->s);
}

static void ts_unregister(struct test_shrinker *ts)
{
	unregister_shrinker(&ts->s);
	mm_hold_free_all(&ts->pages);
}

KTEST(gfp, dma_only_from_zone_dma)
{
	static const gfp_t gfps[] = { GFP_DMA, GFP_KERNEL | __GFP_DMA,
				      GFP_ATOMIC | __GFP_DMA, GFP_USER | __GFP_DMA };
	struct mm_hold h;

	mm_hold_init(&h);
	for (unsigned int i = 0; i < 64; i++) {
		struct page *page = mm_hold_alloc(&h, gfps[i % 4], i % 4);

		KTEST_ASSERT_NOT_NULL(t, page);
		KTEST_EXPECT_EQ(t, page_zonenum(page), ZONE_DMA);
		KTEST_EXPECT_LT(t, page_to_phys(page) + (PAGE_SIZE << (i % 4)),
				MV_ZONE_DMA_LIMIT + 1);
	}
	mm_hold_free_all(&h);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* Without __GFP_HIGHMEM nothing comes from HIGHMEM, even when lowmem runs out. */
KTEST(gfp, lowmem_flags_never_highmem)
{
	static const gfp_t gfps[] = { GFP_KERNEL | __GFP_NORETRY, GFP_USER | __GFP_NORETRY,
				      GFP_NOIO | __GFP_NORETRY, GFP_NOFS | __GFP_NORETRY,
				      GFP_ATOMIC };
	struct mm_hold h;
	struct page *page;

	for (unsigned int g = 0; g < ARRAY_SIZE(gfps); g++) {
		mm_hold_init(&h);
		KTEST_EXPECT_GT(t, mm_exhaust(&h, gfps[g]), 0);
		list_for_each_entry(page, &h.blocks, lru)
			KTEST_EXPECT_NE(t, page_zonenum(page), ZONE_HIGHMEM);
		mm_hold_free_all(&h);
	}
	KTEST_EXPECT_MM_CONSISTENT(t);
}

KTEST(gfp, highuser_prefers_highmem)
{
	struct zone *high = mm_zone(ZONE_HIGHMEM);
	struct page *page;
	void *addr;

	if (!managed_zone(high) || high->free_pages <= high_wmark_pages(high) + 1) {
		ktest_skip(t, "no free highmem");
		return;
	}
	page = alloc_page(GFP_HIGHUSER);
	KTEST_ASSERT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, page_zonenum(page), ZONE_HIGHMEM);
	KTEST_EXPECT_TRUE(t, PageHighMem(page));
	KTEST_EXPECT_NULL(t, page_address(page));	/* not in the direct map */
	addr = kmap(page);
	KTEST_EXPECT_NOT_NULL(t, addr);
	KTEST_EXPECT_TRUE(t, page_address(page) == addr);
	memset(addr, 0x3c, PAGE_SIZE);
	kunmap(page);
	KTEST_EXPECT_NULL(t, page_address(page));
	__free_page(page);

	/* __GFP_HIGHMEM alone, and GFP_ATOMIC with it, too. */
	page = alloc_page(__GFP_HIGHMEM | GFP_ATOMIC);
	KTEST_ASSERT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, page_zonenum(page), ZONE_HIGHMEM);
	__free_page(page);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* An address cannot name a highmem page: __get_free_pages() drops the flag. */
KTEST(gfp, get_free_pages_gives_lowmem)
{
	unsigned long addr[8];

	for (int i = 0; i < 8; i++) {
		addr[i] = __get_free_pages(GFP_HIGHUSER, i % 3);
		KTEST_ASSERT_TRUE(t, addr[i] != 0);
		KTEST_EXPECT_NE(t, page_zonenum(virt_to_page(addr[i])), ZONE_HIGHMEM);
		memset((void *)addr[i], i, PAGE_SIZE << (i % 3));
	}
	for (int i = 0; i < 8; i++)
		free_pages(addr[i], i % 3);
	addr[0] = __get_free_page(GFP_KERNEL);
	KTEST_EXPECT_TRUE(t, addr[0] != 0);
	free_page(addr[0]);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

KTEST(gfp, zeroed_pages)
{
	struct page *page;
	unsigned long addr;

	/* Dirty pages, give them back, ask for zeroed ones. */
	for (int i = 0; i < 16; i++) {
		addr = __get_free_page(GFP_KERNEL);
		KTEST_ASSERT_TRUE(t, addr != 0);
		memset((void *)addr, 0xff, PAGE_SIZE);
		free_page(addr);
		addr = get_zeroed_page(GFP_KERNEL);
		KTEST_ASSERT_TRUE(t, addr != 0);
		KTEST_EXPECT_TRUE(t, all_zero((void *)addr, PAGE_SIZE));
		free_page(addr);
	}
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 3);
	KTEST_ASSERT_NOT_NULL(t, page);
	KTEST_EXPECT_TRUE(t, all_zero(page_address(page), 8 * PAGE_SIZE));
	__free_pages(page, 3);
	/* Highmem pages are zeroed through a temporary mapping. */
	page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 2);
	KTEST_ASSERT_NOT_NULL(t, page);
	for (int i = 0; i < 4; i++) {
		void *p = kmap_atomic(page + i);

		KTEST_EXPECT_TRUE(t, all_zero(p, PAGE_SIZE));
		kunmap_atomic(p);
	}
	__free_pages(page, 2);
}

/*
 * free_hot_page() puts a page at the head of this CPU's list, where the
 * next allocation takes it; free_cold_page() at the tail, where only
 * __GFP_COLD looks.
 */
KTEST(gfp, hot_and_cold_ends)
{
	struct page *a, *b, *c, *p1, *p2, *p3;
	struct per_cpu_pages *pcp;
	int cpu;

	cpu = get_cpu();	/* one CPU's list: no migration meanwhile */
	drain_local_pages(NULL);
	a = alloc_page(GFP_DMA);
	b = alloc_page(GFP_DMA);
	c = alloc_page(GFP_DMA);
	if (!a || !b || !c) {
		put_cpu();
		KTEST_ASSERT_TRUE(t, a && b && c);
	}
	pcp = &mm_zone(ZONE_DMA)->pcp[cpu];
	drain_local_pages(NULL);
	free_hot_page(a);
	free_hot_page(b);
	free_cold_page(c);		/* list: b a c */
	KTEST_EXPECT_TRUE(t, list_first_entry(&pcp->lists[0], struct page, lru) == b);
	KTEST_EXPECT_TRUE(t, list_last_entry(&pcp->lists[0], struct page, lru) == c);
	p1 = alloc_page(GFP_DMA | __GFP_COLD);
	p2 = alloc_page(GFP_DMA);
	p3 = alloc_page(GFP_DMA);
	put_cpu();
	KTEST_EXPECT_TRUE(t, p1 == c);
	KTEST_EXPECT_TRUE(t, p2 == b);
	KTEST_EXPECT_TRUE(t, p3 == a);
	if (p1)
		__free_page(p1);
	if (p2)
		__free_page(p2);
	if (p3)
		__free_page(p3);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

static unsigned long failure_reports(void)
{
	return READ_ONCE(alloc_failure_reports) + READ_ONCE(alloc_failure_suppressed);
}

/* A failure is reported (Linux's words) unless __GFP_NOWARN. */
KTEST(gfp, failure_report_and_nowarn)
{
	struct mm_hold h;
	unsigned long reports;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	reports = failure_reports();
	KTEST_EXPECT_NULL(t, alloc_page(GFP_DMA | __GFP_NOWARN));
	KTEST_EXPECT_EQ(t, failure_reports(), reports);
#ifdef __HOSTED__
	hosted_log_clear();
#endif
	KTEST_EXPECT_NULL(t, alloc_pages(GFP_DMA, 0));
	KTEST_EXPECT_EQ(t, failure_reports(), reports + 1);
#ifdef __HOSTED__
	KTEST_EXPECT_TRUE(t, hosted_log_contains("page allocation failure: order:0, mode:0x1(__GFP_DMA)"));
	KTEST_EXPECT_TRUE(t, hosted_log_contains("Mem-Info:"));
	KTEST_EXPECT_TRUE(t, hosted_log_contains("Node 0 DMA free:"));
	KTEST_EXPECT_TRUE(t, hosted_log_contains("Node 0 DMA: "));
	KTEST_EXPECT_TRUE(t, hosted_log_contains("*4kB "));
#endif
	mm_hold_free_all(&h);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* __GFP_NORETRY: no reclaim, no waiting, even for a may-sleep caller. */
KTEST(gfp, noretry_fails_at_once)
{
	struct test_shrinker ts;
	struct mm_hold h;
	u64 slept;

	ts_register(&ts, "noretry", 0);
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	/* "at once" is: never went to sleep (a time bound would measure the
	 * host's load too: a nested vCPU can stall for tens of ms) */
	slept = current->nvcsw;
	KTEST_EXPECT_NULL(t, alloc_page(GFP_KERNEL | __GFP_DMA | __GFP_NORETRY |
					__GFP_NOWARN));
	KTEST_EXPECT_EQ(t, current->nvcsw, slept);
	KTEST_EXPECT_EQ(t, ts.calls, 0);
	mm_hold_free_all(&h);
	ts_unregister(&ts);
}

/* GFP_KERNEL reclaims: a shrinker gives back pages and the allocation succeeds. */
KTEST(gfp, kernel_reclaims_through_shrinkers)
{
	struct test_shrinker ts;
	struct mm_hold h;
	struct page *page;

	ts_register(&ts, "dma-cache", __GFP_IO | __GFP_FS);
	for (int i = 0; i < 32; i++)
		KTEST_ASSERT_NOT_NULL(t, mm_hold_alloc(&ts.pages, GFP_DMA, 0));
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	KTEST_EXPECT_NULL(t, alloc_page(GFP_DMA | __GFP_NOWARN));
	page = alloc_page(GFP_KERNEL | __GFP_DMA);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_GE(t, ts.calls, 1);
	KTEST_EXPECT_GT(t, ts.s.nr_freed, 0);
	KTEST_EXPECT_EQ(t, ts.last_gfp, GFP_KERNEL | __GFP_DMA);
	if (page)
		__free_page(page);
	mm_hold_free_all(&h);
	ts_unregister(&ts);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* shrink_slab() runs exactly the shrinkers the caller's context allows. */
KTEST(gfp, noio_nofs_skip_shrinkers)
{
	static const struct {
		gfp_t gfp;
		unsigned long plain, io, fs;
	} cases[] = {
		{ GFP_KERNEL, 1, 1, 1 },
		{ GFP_USER, 1, 1, 1 },
		{ GFP_NOFS, 1, 1, 0 },
		{ GFP_NOIO, 1, 0, 0 },
	};
	struct test_shrinker plain, io, fs;

	ts_register(&plain, "plain", 0);
	ts_register(&io, "needs-io", __GFP_IO);
	ts_register(&fs, "needs-fs", __GFP_IO | __GFP_FS);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		plain.calls = io.calls = fs.calls = 0;
		shrink_slab(cases[i].gfp, 16);
		KTEST_EXPECT_EQ(t, plain.calls, cases[i].plain);
		KTEST_EXPECT_EQ(t, io.calls, cases[i].io);
		KTEST_EXPECT_EQ(t, fs.calls, cases[i].fs);
	}
	ts_unregister(&fs);
	ts_unregister(&io);
	ts_unregister(&plain);
}

/* The same through the allocator: GFP_NOIO reclaim never reaches I/O or FS. */
KTEST(gfp, noio_allocation_reclaims_safely)
{
	struct test_shrinker plain, io, fs;
	struct mm_hold h;
	struct page *page;

	ts_register(&plain, "plain", 0);
	ts_register(&io, "needs-io", __GFP_IO);
	ts_register(&fs, "needs-fs", __GFP_IO | __GFP_FS);
	for (int i = 0; i < 8; i++) {
		mm_hold_alloc(&plain.pages, GFP_DMA, 0);
		mm_hold_alloc(&io.pages, GFP_DMA, 0);
		mm_hold_alloc(&fs.pages, GFP_DMA, 0);
	}
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);

	page = alloc_page(GFP_NOIO | __GFP_DMA);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_GE(t, plain.calls, 1);
	KTEST_EXPECT_EQ(t, io.calls, 0);
	KTEST_EXPECT_EQ(t, fs.calls, 0);
	if (page)
		__free_page(page);
	mm_exhaust(&h, GFP_DMA);
	page = alloc_page(GFP_NOFS | __GFP_DMA);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, fs.calls, 0);
	if (page)
		__free_page(page);

	mm_hold_free_all(&h);
	ts_unregister(&fs);
	ts_unregister(&io);
	ts_unregister(&plain);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/*
 * How hard a may-sleep allocation tries, counted in reclaim rounds (a
 * shrinker that frees nothing counts them): GFP_KERNEL a few, __GFP_REPEAT
 * more, a costly order one, __GFP_NORETRY none.
 */
KTEST(gfp, retry_budget)
{
	static const struct {
		gfp_t gfp;
		unsigned int order;
		unsigned long rounds;
	} cases[] = {
		{ GFP_KERNEL, 0, ALLOC_ROUNDS_DEFAULT },
		{ GFP_KERNEL | __GFP_REPEAT, 0, ALLOC_ROUNDS_REPEAT },
		{ GFP_KERNEL, PAGE_ALLOC_COSTLY_ORDER + 1, ALLOC_ROUNDS_COSTLY },
		{ GFP_KERNEL | __GFP_REPEAT, PAGE_ALLOC_COSTLY_ORDER + 1, ALLOC_ROUNDS_REPEAT },
		{ GFP_KERNEL | __GFP_NORETRY, 0, 0 },
	};
	struct test_shrinker counter;
	struct mm_hold h;

	ts_register(&counter, "counter", 0);
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		counter.calls = 0;
		KTEST_EXPECT_NULL(t, alloc_pages(cases[i].gfp | __GFP_DMA | __GFP_NOWARN,
						 cases[i].order));
		KTEST_EXPECT_EQ(t, counter.calls, cases[i].rounds);
	}
	mm_hold_free_all(&h);
	ts_unregister(&counter);
}

/* GFP_KERNEL in atomic context is a bug might_sleep() reports; GFP_ATOMIC is not. */
KTEST(gfp, kernel_under_spinlock_is_reported)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long before = READ_ONCE(might_sleep_reports);
	struct page *page;

	spin_lock(&lock);
	page = alloc_page(GFP_ATOMIC);
	spin_unlock(&lock);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, READ_ONCE(might_sleep_reports), before);
	if (page)
		__free_page(page);

	spin_lock(&lock);
	page = alloc_page(GFP_KERNEL);
	spin_unlock(&lock);
	KTEST_EXPECT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, READ_ONCE(might_sleep_reports), before + 1);
	if (page)
		__free_page(page);

	local_irq_disable();
	page = alloc_page(GFP_NOIO);
	local_irq_enable();
	KTEST_EXPECT_EQ(t, READ_ONCE(might_sleep_reports), before + 2);
	if (page)
		__free_page(page);
}

/* GFP_ATOMIC from a hard interrupt: an IPI's handler on another CPU (or this one). */
struct irq_alloc {
	struct page *page[4];
	bool in_irq;
	bool irqs_off;
	unsigned long sleep_reports;
};

static void irq_alloc_handler(void *info)
{
	struct irq_alloc *ia = info;
	unsigned long before = READ_ONCE(might_sleep_reports);

	ia->in_irq = in_interrupt();
	ia->irqs_off = irqs_disabled();
	ia->page[0] = alloc_page(GFP_ATOMIC);
	ia->page[1] = alloc_pages(GFP_ATOMIC | __GFP_DMA, 1);
	ia->page[2] = alloc_page(GFP_ATOMIC | __GFP_HIGHMEM | __GFP_ZERO);
	ia->page[3] = alloc_pages(GFP_ATOMIC, 3);
	if (ia->page[0])
		__free_page(ia->page[0]);	/* and free in interrupt context */
	ia->sleep_reports = READ_ONCE(might_sleep_reports) - before;
}

static int __maybe_unused idle_thread(void *data)
{
	(void)data;
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(1);
	return 0;
}

KTEST(gfp, atomic_in_interrupt)
{
	struct irq_alloc ia = { 0 };
	struct task_struct *k = NULL;
	unsigned int target;

	/* Another CPU to interrupt: a thread's CPU (hosted: its own CPU). */
	target = raw_smp_processor_id();
	if (num_online_cpus() > 1) {
		for (unsigned int c = 0; c < nr_cpu_ids; c++)
			if (c != target && cpu_online(c)) {
				target = c;
				break;
			}
	} else {
#ifdef __HOSTED__
		/* Hosted CPUs are threads: start one. */
		k = kthread_run(idle_thread, NULL, "irq-target");
		KTEST_ASSERT_NOT_NULL(t, k);
		while (num_online_cpus() < 2)
			schedule_timeout_uninterruptible(1);
		target = k->cpu;
#else
		ktest_diag("one CPU: the handler runs here, with interrupts off");
#endif
	}
	KTEST_EXPECT_EQ(t, smp_call_function_single(target, irq_alloc_handler,
						    &ia, true), 0);
	if (k)
		kthread_stop(k);
	if (target != (unsigned int)raw_smp_processor_id())
		KTEST_EXPECT_TRUE(t, ia.in_irq);
	KTEST_EXPECT_TRUE(t, ia.irqs_off);
	KTEST_EXPECT_EQ(t, ia.sleep_reports, 0);
	for (int i = 1; i < 4; i++)
		KTEST_EXPECT_NOT_NULL(t, ia.page[i]);
	if (ia.page[1])
		KTEST_EXPECT_EQ(t, page_zonenum(ia.page[1]), ZONE_DMA);
	for (int i = 1; i < 4; i++)
		if (ia.page[i])
			__free_pages(ia.page[i], ia.page[i]->order);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}
