// SPDX-License-Identifier: MIT
/*
 * The buddy page allocator.
 *
 * Each zone keeps free blocks of 2^order pages (order 0..MAX_ORDER-1) on
 * free_area[order], the head page marked PG_buddy with its order in
 * page->private; freeing merges a block with its buddy (pfn ^ 2^order) for
 * as long as the buddy is free too. Blocks up to PCP_MAX_ORDER (5) go
 * through per-CPU lists (one per zone and order): their own CPU takes and
 * returns blocks with interrupts off and no lock, and moves them to and
 * from the buddy lists in batches under zone->lock. That is the fast path:
 * no locked instruction, no function pointer, one zone watermark load.
 *
 * The slow path (a zone under its watermark) handles the GFP flags: how far
 * below the min watermark a caller may go (GFP_ATOMIC, __GFP_HIGH), whether
 * it may reclaim (shrinkers, minus those needing I/O or FS for GFP_NOIO and
 * GFP_NOFS) and wait for frees (__GFP_WAIT), and how long it keeps trying
 * (__GFP_NORETRY, __GFP_REPEAT, __GFP_NOFAIL). Zones are tried from the
 * highest the flags allow down: HIGHMEM -> NORMAL -> DMA.
 */
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/highmem.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/string.h>
#include <linux/page_owner.h>
#include <linux/fault-inject.h>

#include "internal.h"

struct pglist_data contig_page_data = {
	.free_wait = __WAIT_QUEUE_HEAD_INITIALIZER(contig_page_data.free_wait),
};
struct page *mem_map;
unsigned long max_pfn;
unsigned long max_low_pfn;
unsigned long totalram_pages;
unsigned long totalhigh_pages;
bool page_alloc_ready;
unsigned long bad_page_count;

/* Flags a page must not have when it is freed (PG_head is allowed). */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	((1UL << PG_reserved) | (1UL << PG_buddy) | (1UL << PG_pcp) |	\
	 (1UL << PG_slab))

/* ---- The buddy lists (zone->lock held) ---------------------------------- */

static __always_inline void set_buddy_order(struct page *page,
					    unsigned int order)
{
	page->private = order;
	__SetPageBuddy(page);
}

static __always_inline void clear_buddy(struct page *page)
{
	__ClearPageBuddy(page);
	page->private = 0;
}

/* Is buddy the head of a free block of this order in this zone? */
static __always_inline bool page_is_buddy(const struct page *buddy,
					  unsigned int order, enum zone_type zid)
{
	return PageBuddy(buddy) && buddy->private == order &&
	       page_zonenum(buddy) == zid;
}

static __always_inline void add_to_free_area(struct page *page,
					     struct zone *zone,
					     unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	list_add(&page->lru, &area->free_list);
	area->nr_free++;
}

static __always_inline void del_from_free_area(struct page *page,
					       struct zone *zone,
					       unsigned int order)
{
	__list_del(page->lru.prev, page->lru.next);
	zone->free_area[order].nr_free--;
}

/*
 * Puts a block on the free lists, merging it with its buddies as far as
 * they are free; the caller counts it. A buddy outside the zone is not
 * looked at: its struct page may not be initialised (mmzone.h). Inside, it
 * is in the block's section, so initialised.
 */
static void __merge_free_block(struct page *page, unsigned long pfn,
			       struct zone *zone, unsigned int order)
{
	enum zone_type zid = zone->idx;

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)buddy_pfn - (long)pfn);

		if (buddy_pfn - zone->zone_start_pfn >= zone->spanned_pages ||
		    !page_is_buddy(buddy, order, zid))
			break;
		del_from_free_area(buddy, zone, order);
		clear_buddy(buddy);
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}
	set_buddy_order(page, order);
	add_to_free_area(page, zone, order);
}

/* Frees a block, merging it with its buddies as far as they are free. */
static __always_inline void __free_one_page(struct page *page,
					    unsigned long pfn,
					    struct zone *zone,
					    unsigned int order)
{
	zone->free_pages += 1UL << order;
	__merge_free_block(page, pfn, zone, order);
}

/* Splits a block of order high down to low, freeing the upper halves. */
static __always_inline void expand(struct zone *zone, struct page *page,
				   unsigned int low, unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		set_buddy_order(&page[size], high);
		add_to_free_area(&page[size], zone, high);
	}
}

/* The smallest free block of at least this order, split down to it. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_from_free_area(page, zone, o);
		clear_buddy(page);
		expand(zone, page, order, o);
		zone->free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

/* Is a block of at least this order on the zone's lists? */
static bool free_block_listed(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++)
		if (zone->free_area[o].nr_free)
			return true;
	return false;
}

/*
 * Initialises the zone's next sections until a block of this order is
 * free on its lists or nothing is left deferred (Linux's
 * deferred_grow_zone()). zone->lock held. True if it put pages on the lists.
 */
static noinline bool deferred_grow_zone(struct zone *zone, unsigned int order)
{
	unsigned long free = zone->free_pages;
	bool grown = false;

	while (zone->deferred_pages &&
	       zone->first_deferred_pfn < zone_end_pfn(zone)) {
		grown |= deferred_init_section(zone) != 0;
		if (free_block_listed(zone, order))
			break;
	}
	WARN_ON(zone->free_pages != free);
	return grown;
}

/*
 * The smallest free block of at least this order; when the lists have
 * none, the zone first initialises more of itself.
 */
static __always_inline struct page *__rmqueue(struct zone *zone,
					      unsigned int order)
{
	struct page *page = __rmqueue_smallest(zone, order);

	if (unlikely(!page) && zone->deferred_pages &&
	    deferred_grow_zone(zone, order))
		page = __rmqueue_smallest(zone, order);
	return page;
}

/*
 * A block of a section being initialised (zone->lock held): to the free
 * lists, its pages counted free (and managed) since boot as deferred_pages.
 */
void __free_pages_deferred(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	unsigned long nr = 1UL << order;

	for (unsigned long i = 0; i < nr; i++) {
		__ClearPageReserved(page + i);
		set_page_count(page + i, 0);
	}
	__merge_free_block(page, page_to_pfn(page), zone, order);
	zone->deferred_pages -= nr;
}

/* ---- Per-CPU lists (interrupts off) ------------------------------------- */

/*
 * Linux's zone_highsize() at MIN_PERCPU_PAGELIST_HIGH_FRACTION: an eighth of
 * the zone shared by the CPUs online now (Linux recomputes it when one comes
 * or goes; here it is read again each time high may grow).
 */
static int pcp_high_max(struct zone *zone, struct per_cpu_pages *pcp)
{
	unsigned long cpus = max(num_online_cpus(), 1U);
	unsigned long high = zone->managed_pages / 8 / cpus;

	return (int)max(high, (unsigned long)pcp->high_min);
}

/*
 * Gives at least count pages' worth of pcp's blocks back to the buddy
 * lists, the coldest of each order, the orders in turn.
 */
static void free_pcppages_bulk(struct zone *zone, struct per_cpu_pages *pcp,
			       int count)
{
	unsigned int o = NR_PCP_ORDERS - 1;

	spin_lock(&zone->lock);
	while (count > 0 && pcp->count) {
		struct page *page;

		do {
			o = (o + 1) % NR_PCP_ORDERS;
		} while (list_empty(&pcp->lists[o]));
		page = list_last_entry(&pcp->lists[o], struct page, lru);
		__list_del(page->lru.prev, page->lru.next);
		pcp->count -= 1 << o;
		count -= 1 << o;
		__ClearPagePcp(page);
		page->private = 0;
		__free_one_page(page, page_to_pfn(page), zone, o);
	}
	pcp->stat.pcp_drain++;
	spin_unlock(&zone->lock);
}

/*
 * Fills the empty list of this order with a batch (in pages, at least one
 * block); false if the zone has no block of this order.
 */
static noinline bool pcp_refill(struct zone *zone, struct per_cpu_pages *pcp,
				unsigned int order)
{
	int blocks = max(pcp->batch >> order, 1);
	struct list_head *list = &pcp->lists[order];

	/* Linux's nr_pcp_alloc(): a higher high would have kept the pages here. */
	if (READ_ONCE(zone->free_pages) >= high_wmark_pages(zone))
		pcp->high = min(pcp->high + pcp->batch, pcp_high_max(zone, pcp));
	spin_lock(&zone->lock);
	for (int i = 0; i < blocks; i++) {
		struct page *page = __rmqueue(zone, order);

		if (!page)
			break;
		__SetPagePcp(page);
		page->private = order;
		list_add_tail(&page->lru, list);
		pcp->count += 1 << order;
	}
	pcp->stat.pcp_refill++;
	spin_unlock(&zone->lock);
	return !list_empty(list);
}

/*
 * Linux 6.7's nr_pcp_high(): the high this free is measured against. A
 * burst of frees (free_count pages with no allocation to halve it) raises
 * high to hold it, up to high_max; a zone below its high watermark takes
 * it back down, so the pages go where the watermarks can see them.
 */
static int pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	int want = pcp->free_count + pcp->batch;

	pcp->high_max = pcp_high_max(zone, pcp);

	if (READ_ONCE(zone->free_pages) < high_wmark_pages(zone)) {
		pcp->high = max(pcp->high - max(pcp->free_count, pcp->batch),
				pcp->high_min);
		return pcp->high;
	}
	if (pcp->high < want)
		pcp->high = min(want, pcp->high_max);
	return pcp->high;
}

/*
 * The lists reached high: unless high grows, a batch goes back. Entered
 * with interrupts off (flags from local_irq_save) and puts them back, so
 * that the free fast path reaches it by a tail call.
 */
static noinline void pcp_free_high(struct zone *zone, struct per_cpu_pages *pcp,
				   unsigned long flags)
{
	int high = pcp_high(zone, pcp);

	if (pcp->count >= high)
		free_pcppages_bulk(zone, pcp, pcp->count - high + pcp->batch);
	local_irq_restore(flags);
}

static __always_inline struct page *pcp_take(struct per_cpu_pages *pcp,
					     unsigned int order, gfp_t gfp)
{
	struct list_head *list = &pcp->lists[order];
	struct page *page;

	if (unlikely(gfp & __GFP_COLD))
		page = list_last_entry(list, struct page, lru);
	else
		page = list_first_entry(list, struct page, lru);
	__list_del(page->lru.prev, page->lru.next);
	pcp->count -= 1 << order;
	pcp->free_count >>= 1;	/* an allocation: the free burst is over */
	pcp->stat.alloc[order]++;
	return page;
}

static __always_inline struct page *rmqueue_pcplist(struct zone *zone,
						    unsigned int order,
						    gfp_t gfp, bool fallback)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;

	local_irq_save(flags);
	pcp = &zone->pcp[smp_processor_id()];
	if (unlikely(list_empty(&pcp->lists[order])) &&
	    !pcp_refill(zone, pcp, order)) {
		local_irq_restore(flags);
		return NULL;
	}
	page = pcp_take(pcp, order, gfp);
	pcp->stat.fallback[order] += fallback;
	local_irq_restore(flags);
	return page;
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order,
				  bool fallback)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	page = __rmqueue(zone, order);
	if (page) {
		pcp = &zone->pcp[smp_processor_id()];
		pcp->stat.alloc[order]++;
		pcp->stat.fallback[order] += fallback;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

static __always_inline struct page *rmqueue(struct zone *zone,
					    unsigned int order, gfp_t gfp,
					    bool fallback)
{
	if (likely(order < NR_PCP_ORDERS))
		return rmqueue_pcplist(zone, order, gfp, fallback);
	return rmqueue_buddy(zone, order, fallback);
}

static void drain_pages_zone(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = &zone->pcp[cpu];
	unsigned long flags;

	local_irq_save(flags);
	/* Pages are wanted elsewhere: no more bursts kept here for now. */
	pcp->high = pcp->high_min;
	pcp->free_count = 0;
	if (pcp->count)
		free_pcppages_bulk(zone, pcp, pcp->count);
	local_irq_restore(flags);
}

void drain_local_pages(struct zone *zone)
{
	unsigned int cpu = raw_smp_processor_id();
	struct zone *z;

	if (zone) {
		drain_pages_zone(cpu, zone);
		return;
	}
	for_each_zone(z)
		if (managed_zone(z))
			drain_pages_zone(cpu, z);
}

/* Runs on each CPU in interrupt context. */
static void drain_local_pages_ipi(void *zone)
{
	drain_local_pages(zone);
}

void drain_all_pages(struct zone *zone)
{
	drain_local_pages(zone);
	if (num_online_cpus() > 1)
		smp_call_function(drain_local_pages_ipi, zone, true);
}

/* The CPU is gone (or going, on itself): its lists go back to the buddy. */
void page_alloc_cpu_dead(unsigned int cpu)
{
	struct zone *zone;

	for_each_zone(zone)
		if (managed_zone(zone))
			drain_pages_zone(cpu, zone);
}

/* True if this CPU holds any per-CPU pages. */
static bool local_pages_cached(void)
{
	unsigned int cpu = raw_smp_processor_id();
	struct zone *zone;

	for_each_zone(zone)
		if (READ_ONCE(zone->pcp[cpu].count))
			return true;
	return false;
}

/* ---- Watermarks --------------------------------------------------------- */

static bool __zone_watermark_ok(struct zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, long free_pages)
{
	long min = mark;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min + (long)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/*
	 * Enough pages, but is there a block big enough? (a hint: no lock) The
	 * zone's deferred part may hold one.
	 */
	for (unsigned int o = order; o < MAX_ORDER; o++)
		if (READ_ONCE(z->free_area[o].nr_free))
			return true;
	return READ_ONCE(z->deferred_pages) >= (1UL << order);
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   READ_ONCE(z->free_pages));
}

static __always_inline bool zone_watermark_fast(struct zone *z,
						unsigned int order,
						unsigned long mark,
						int highest_zoneidx,
						unsigned int alloc_flags)
{
	long free_pages = READ_ONCE(z->free_pages);

	if (likely(!order) &&
	    free_pages > (long)(mark + z->lowmem_reserve[highest_zoneidx]))
		return true;
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   free_pages);
}

/* ---- Allocation ---------------------------------------------------------- */

/* The highest zone the flags allow: the fallback list goes down from it. */
static __always_inline int gfp_zone(gfp_t gfp)
{
	if (unlikely(gfp & __GFP_DMA))
		return ZONE_DMA;
	if (gfp & __GFP_HIGHMEM)
		return ZONE_HIGHMEM;
	return ZONE_NORMAL;
}

/* The first zone with pages at or below highest: where failures count. */
static int first_managed_zone(int highest)
{
	for (int z = highest; z >= 0; z--)
		if (managed_zone(&contig_page_data.node_zones[z]))
			return z;
	return highest;
}

static __always_inline struct page *
get_page_from_freelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
		       int highest)
{
	bool fallback = false;

	for (int z = highest; z >= 0; z--) {
		struct zone *zone = &contig_page_data.node_zones[z];
		struct page *page;

		if (unlikely(!managed_zone(zone)))
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(zone, order,
					 wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK),
					 highest, alloc_flags)) {
			fallback = true;
			continue;
		}
		page = rmqueue(zone, order, gfp, fallback);
		if (likely(page))
			return page;
		fallback = true;
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_HARDER;
	return alloc_flags;
}

/* Reclaimers (PF_MEMALLOC) may take the last pages to make progress. */
static bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	struct task_struct *p;

	if (gfp & __GFP_NOMEMALLOC)
		return false;
	if (in_interrupt())
		return false;
	p = current;
	return p && (p->flags & PF_MEMALLOC);
}

static unsigned int alloc_max_rounds(gfp_t gfp, unsigned int order)
{
	if (gfp & __GFP_REPEAT)
		return ALLOC_ROUNDS_REPEAT;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return ALLOC_ROUNDS_COSTLY;
	return ALLOC_ROUNDS_DEFAULT;
}

static void count_alloc_fail(int zidx, unsigned int order)
{
	struct zone *zone = &contig_page_data.node_zones[zidx];
	unsigned long flags;

	local_irq_save(flags);
	zone->pcp[smp_processor_id()].stat.fail[order]++;
	local_irq_restore(flags);
}

/*
 * Sleeps until a page is freed or timeout jiffies pass, then tries again.
 * Registering as a waiter first makes frees bypass the per-CPU lists and
 * bump free_seq; a free that raced with the registration is found by the
 * next round's drain_all_pages() at the latest.
 */
static struct page *wait_for_free_pages(gfp_t gfp, unsigned int order,
					unsigned int alloc_flags, int highest,
					long timeout)
{
	pg_data_t *pgdat = &contig_page_data;
	struct wait_queue_entry wait = { .task = current };
	struct page *page;
	unsigned long seq;

	__atomic_add_fetch(&pgdat->nr_free_waiters, 1, __ATOMIC_SEQ_CST);
	seq = READ_ONCE(pgdat->free_seq);
	page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	if (!page) {
		prepare_to_wait(&pgdat->free_wait, &wait, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(pgdat->free_seq) == seq)
			schedule_timeout(timeout);
		finish_wait(&pgdat->free_wait, &wait);
		page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	}
	__atomic_sub_fetch(&pgdat->nr_free_waiters, 1, __ATOMIC_SEQ_CST);
	return page;
}

static noinline struct page *
__alloc_pages_slowpath(gfp_t gfp, unsigned int order, int highest)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	unsigned int rounds = 0, max_rounds = alloc_max_rounds(gfp, order);
	bool can_wait = gfp & __GFP_WAIT;
	bool nofail = gfp & __GFP_NOFAIL;
	struct page *page;

retry:
	page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	if (page)
		return page;
	/* This CPU's cached pages may lift a zone over its mark or complete a buddy. */
	if (local_pages_cached()) {
		drain_local_pages(NULL);
		page = get_page_from_freelist(gfp, order, alloc_flags, highest);
		if (page)
			return page;
	}
	if (gfp_pfmemalloc_allowed(gfp)) {
		page = get_page_from_freelist(gfp, order, ALLOC_NO_WATERMARKS,
					      highest);
		if (page)
			return page;
	}
	if (!can_wait) {
		/*
		 * __GFP_NOFAIL needs reclaim: spinning for a free here could
		 * livelock this CPU. Warn once and fail, as Linux does.
		 */
		WARN_ON_ONCE(nofail && !(gfp & __GFP_NOWARN));
		goto fail;
	}
	if ((gfp & __GFP_NORETRY) && !nofail)
		goto fail;
	/* Already reclaiming: recursing into reclaim could not help. */
	if (current->flags & PF_MEMALLOC) {
		if (!nofail)
			goto fail;
	} else {
		drain_all_pages(NULL);
		page = get_page_from_freelist(gfp, order, alloc_flags, highest);
		if (page)
			return page;
		if (try_to_free_pages(gfp, order)) {
			page = get_page_from_freelist(gfp, order, alloc_flags,
						      highest);
			if (page)
				return page;
		}
	}
	page = wait_for_free_pages(gfp, order, alloc_flags, highest,
				   ALLOC_WAIT_JIFFIES);
	if (page)
		return page;
	if (nofail || ++rounds < max_rounds)
		goto retry;
fail:
	count_alloc_fail(first_managed_zone(highest), order);
	if (!(gfp & __GFP_NOWARN))
		warn_alloc(gfp, order);
	return NULL;
}

static noinline void prep_new_page_zero(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		clear_highpage(page + i);
}

static __always_inline void prep_new_page(struct page *page,
					  unsigned int order, gfp_t gfp)
{
	__ClearPagePcp(page);
	page->private = 0;
	set_page_count(page, 1);
	page->order = order;
	/* kmalloc's large blocks are compound: one flag, inline. */
	if (gfp & __GFP_COMP)
		__SetPageHead(page);
	if (unlikely(gfp & __GFP_ZERO))
		prep_new_page_zero(page, order);
}

/* might_sleep() for may-sleep allocations, with the common case inline. */
static __always_inline void alloc_might_sleep(gfp_t gfp)
{
	if (alloc_sleeps_in_atomic(gfp))
		might_sleep();
}

/* ---- fail_page_alloc (<linux/fault-inject.h>) ---------------------------- */

struct fail_page_alloc_attr fail_page_alloc = {
	.attr = FAULT_ATTR_INITIALIZER("fail_page_alloc"),
	.ignore_gfp_highmem = true,
	.ignore_gfp_wait = true,
	.min_order = 1,
};

/* Read by every allocation, written by the VMM only: read-mostly data. */
int fail_page_alloc_armed __read_mostly ____cacheline_aligned;

/* Linux's should_fail_alloc_page(), its filters in its order. */
noinline bool should_fail_alloc_page(gfp_t gfp, unsigned int order,
				     unsigned long caller)
{
	if (order < fail_page_alloc.min_order)
		return false;
	if (gfp & __GFP_NOFAIL)
		return false;
	if (fail_page_alloc.ignore_gfp_highmem && (gfp & __GFP_HIGHMEM))
		return false;
	if (fail_page_alloc.ignore_gfp_wait && (gfp & __GFP_WAIT))
		return false;
	if ((gfp & fail_page_alloc.require_gfp) != fail_page_alloc.require_gfp)
		return false;
	return should_fail_ex(&fail_page_alloc.attr, (ssize_t)PAGE_SIZE << order,
			      (gfp & __GFP_NOWARN) ? FAULT_NOWARN : 0, caller);
}

/*
 * The fast path (orders up to PCP_MAX_ORDER): a block off this
 * CPU's list of the first-choice zone while that zone stays above its low
 * watermark. NULL sends the caller down the general path (an empty list to
 * refill, a zone to fall back from, a watermark to look at closely).
 */
static __always_inline struct page *alloc_page_fast(gfp_t gfp,
						    unsigned int order,
						    int highest)
{
	struct zone *zone = &contig_page_data.node_zones[highest];
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;

	/* An empty zone has free_pages 0 and fails this too. */
	if (unlikely((long)READ_ONCE(zone->free_pages) - ((1L << order) - 1) <=
		     (long)(zone->_watermark[WMARK_LOW] +
			    zone->lowmem_reserve[highest])))
		return NULL;
	local_irq_save(flags);
	pcp = &zone->pcp[smp_processor_id()];
	if (unlikely(list_empty(&pcp->lists[order]))) {
		local_irq_restore(flags);
		return NULL;
	}
	page = pcp_take(pcp, order, gfp);
	local_irq_restore(flags);
	return page;
}

static noinline struct page *__alloc_pages_general(gfp_t gfp,
						   unsigned int order,
						   int highest)
{
	struct page *page;

	if (unlikely(order >= MAX_ORDER)) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, highest);
	if (unlikely(!page))
		page = __alloc_pages_slowpath(gfp, order, highest);
	return page;
}

/* The new block's struct page and its owner, on every path. */
static __always_inline struct page *alloc_pages_done(struct page *page,
						     unsigned int order,
						     gfp_t gfp,
						     unsigned long caller)
{
	prep_new_page(page, order, gfp);
	set_page_owner(page, caller);
	return page;
}

/*
 * Everything the fast path leaves: might_sleep()'s report, fail_page_alloc
 * (Linux's prepare_alloc_pages()), zeroing, orders above the per-CPU
 * lists, and a fast path that found nothing (@fast_tried: not tried again).
 */
static noinline struct page *alloc_pages_slow(gfp_t gfp, unsigned int order,
					      unsigned long caller,
					      bool fast_tried)
{
	int highest = gfp_zone(gfp);
	struct page *page = NULL;

	alloc_might_sleep(gfp);
	if (unlikely(READ_ONCE(fail_page_alloc_armed)) &&
	    should_fail_alloc_page(gfp, order, caller))
		return NULL;
	if (!fast_tried && order < NR_PCP_ORDERS)
		page = alloc_page_fast(gfp, order, highest);
	if (!page) {
		page = __alloc_pages_general(gfp, order, highest);
		if (!page)
			return NULL;
	}
	return alloc_pages_done(page, order, gfp, caller);
}

/*
 * Each unusual case goes to alloc_pages_slow() by a tail call, one
 * unlikely test apiece: the fast path makes no other call, so it keeps
 * nothing in saved registers.
 */
static __always_inline struct page *__alloc_pages(gfp_t gfp,
						  unsigned int order,
						  unsigned long caller)
{
	struct page *page;

	if (unlikely(order >= NR_PCP_ORDERS))
		return alloc_pages_slow(gfp, order, caller, false);
	if (unlikely(READ_ONCE(fail_page_alloc_armed)))
		return alloc_pages_slow(gfp, order, caller, false);
	if (unlikely(gfp & __GFP_ZERO))
		return alloc_pages_slow(gfp, order, caller, false);
	if (alloc_sleeps_in_atomic(gfp))
		return alloc_pages_slow(gfp, order, caller, false);
	/* Order 0 separately: constant folding makes its path the shortest. */
	if (likely(order == 0))
		page = alloc_page_fast(gfp, 0, gfp_zone(gfp));
	else
		page = alloc_page_fast(gfp, order, gfp_zone(gfp));
	if (unlikely(!page))
		return alloc_pages_slow(gfp, order, caller, true);
	return alloc_pages_done(page, order, gfp, caller);
}

struct page *alloc_pages_node(int nid, unsigned int flags, unsigned int order)
{
	(void)nid;	/* one node */
	return __alloc_pages(flags, order, _RET_IP_);
}

struct page *alloc_pages(unsigned int flags, unsigned int order)
{
	return __alloc_pages(flags, order, _RET_IP_);
}

struct page *alloc_pages_caller(gfp_t gfp, unsigned int order,
				unsigned long caller)
{
	return __alloc_pages(gfp, order, caller);
}

/* A direct-map address: highmem cannot have one, so it is never used. */
static __always_inline unsigned long get_free_pages(gfp_t flags,
						    unsigned int order,
						    unsigned long caller)
{
	struct page *page = __alloc_pages(flags & ~__GFP_HIGHMEM, order, caller);

	return page ? (unsigned long)lowmem_page_address(page) : 0;
}

unsigned long __get_free_pages(unsigned int flags, unsigned int order)
{
	return get_free_pages(flags, order, _RET_IP_);
}

unsigned long get_zeroed_page(unsigned int flags)
{
	return get_free_pages(flags | __GFP_ZERO, 0, _RET_IP_);
}

void *alloc_pages_exact(size_t size, unsigned int flags)
{
	unsigned int order = get_order(size);
	unsigned long addr, used, end;

	if (WARN_ON_ONCE(flags & __GFP_COMP))
		flags &= ~__GFP_COMP;	/* the pages are split: no compound */
	addr = get_free_pages(flags, order, _RET_IP_);
	if (!addr)
		return NULL;
	split_page(virt_to_page(addr), order);
	used = addr + PAGE_ALIGN(size);
	end = addr + (PAGE_SIZE << order);
	for (; used < end; used += PAGE_SIZE)
		free_page(used);
	return (void *)addr;
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + PAGE_ALIGN(size);

	for (; addr < end; addr += PAGE_SIZE)
		free_page(addr);
}

/* ---- Freeing ------------------------------------------------------------- */

void bad_page(struct page *page, const char *reason)
{
	__atomic_add_fetch(&bad_page_count, 1, __ATOMIC_RELAXED);
	pr_err("BUG: Bad page state: pfn:%#lx %s\n", page_to_pfn(page), reason);
	pr_err("page:%p refcount:%d order:%u flags:%#lx private:%#lx virtual:%p\n",
		 (void *)page, page_count(page), page->order, page->flags,
		 page->private, page->virtual);
}

static noinline bool page_ref_put_slow(struct page *page)
{
	if (page_count(page) <= 0) {
		bad_page(page, "freed with refcount 0 (double free?)");
		return false;
	}
	return atomic_dec_and_test(&page->_refcount);
}

/*
 * Drops the caller's reference. The sole owner (the common case) drops it
 * with a plain store: nobody else may take a reference to a page they
 * don't hold one on, so no locked instruction is needed.
 */
static __always_inline bool page_ref_put_last(struct page *page)
{
	if (likely(atomic_read(&page->_refcount) == 1)) {
		set_page_count(page, 0);
		return true;
	}
	return page_ref_put_slow(page);
}

static noinline bool free_page_report(struct page *page, unsigned int order)
{
	if (page->flags & (1UL << PG_buddy) || page->flags & (1UL << PG_pcp))
		bad_page(page, "already free (double free)");
	else if (PageReserved(page))
		bad_page(page, "reserved (never allocated)");
	else if (PageSlab(page))
		bad_page(page, "still owned by slab");
	else if (page->virtual)
		bad_page(page, "still kmapped");
	else if (page->order != order) {
		bad_page(page, "freed with a different order than allocated");
		pr_err("  allocated order %u, freed order %u\n", page->order,
			 order);
	}
	return false;
}

static __always_inline bool free_page_prepare(struct page *page,
					      unsigned int order)
{
	if (unlikely((page->flags & PAGE_FLAGS_CHECK_AT_FREE) |
		     (unsigned long)page->virtual | (page->order ^ order)))
		return free_page_report(page, order);
	__ClearPageHead(page);
	reset_page_owner(page);
	return true;
}

/* To the buddy lists directly, waking allocators waiting for a free. */
static noinline void free_one_page(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	pg_data_t *pgdat = &contig_page_data;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(page, page_to_pfn(page), zone, order);
	zone->pcp[smp_processor_id()].stat.free[order]++;
	spin_unlock_irqrestore(&zone->lock, flags);
	if (READ_ONCE(pgdat->nr_free_waiters)) {
		WRITE_ONCE(pgdat->free_seq, pgdat->free_seq + 1);
		wake_up_all(&pgdat->free_wait);
	}
}

static __always_inline void free_pcp_page(struct page *page,
					  unsigned int order, bool cold)
{
	struct zone *zone = page_zone(page);
	struct per_cpu_pages *pcp;
	struct list_head *list;
	unsigned long flags;

	local_irq_save(flags);
	pcp = &zone->pcp[smp_processor_id()];
	list = &pcp->lists[order];
	__SetPagePcp(page);
	page->private = order;
	if (unlikely(cold))
		list_add_tail(&page->lru, list);
	else
		list_add(&page->lru, list);
	pcp->stat.free[order]++;
	pcp->count += 1 << order;
	pcp->free_count += 1 << order;
	if (unlikely(pcp->count >= pcp->high)) {
		pcp_free_high(zone, pcp, flags);
		return;
	}
	local_irq_restore(flags);
}

static __always_inline void free_the_page(struct page *page,
					  unsigned int order, bool cold)
{
	if (unlikely(!free_page_prepare(page, order)))
		return;
	if (likely(order < NR_PCP_ORDERS) &&
	    likely(!READ_ONCE(contig_page_data.nr_free_waiters)))
		free_pcp_page(page, order, cold);
	else
		free_one_page(page, order);
}

static noinline void free_pages_general(struct page *page, unsigned int order,
					bool cold)
{
	if (page_ref_put_last(page))
		free_the_page(page, order, cold);
}

/*
 * The fast path (orders up to PCP_MAX_ORDER): the sole owner
 * frees a plain block (no flag to clear, not kmapped, freed with the order
 * it was allocated with) while nobody waits for memory. One test covers
 * all of it; anything else takes the general path.
 */
static __always_inline bool free_page_fast(struct page *page,
					   unsigned int order, bool cold)
{
	if (unlikely(((page->flags & (PAGE_FLAGS_CHECK_AT_FREE | (1UL << PG_head))) |
		      (unsigned long)page->virtual | (page->order ^ order) |
		      (unsigned int)(atomic_read(&page->_refcount) ^ 1)) ||
		     READ_ONCE(contig_page_data.nr_free_waiters)))
		return false;
	set_page_count(page, 0);
	reset_page_owner(page);
	free_pcp_page(page, order, cold);
	return true;
}

static __always_inline void free_pages_from(struct page *page,
					    unsigned int order,
					    unsigned long caller)
{
	page_owner_freed_by(page, caller);
	/* Order 0 separately: constant folding makes its path the shortest. */
	if (likely(order == 0)) {
		if (likely(free_page_fast(page, 0, false)))
			return;
	} else if (order < NR_PCP_ORDERS) {
		if (likely(free_page_fast(page, order, false)))
			return;
	}
	free_pages_general(page, order, false);
}

void __free_pages(struct page *page, unsigned int order)
{
	free_pages_from(page, order, _RET_IP_);
}

void free_pages(unsigned long addr, unsigned long order)
{
	if (!addr)
		return;
	if (WARN_ON(!virt_addr_valid(addr)))
		return;
	free_pages_from(virt_to_page(addr), order, _RET_IP_);
}

/* As __free_page(), choosing the list end: hot (reused first) or cold. */
void free_hot_page(struct page *page)
{
	page_owner_freed_by(page, _RET_IP_);
	if (likely(free_page_fast(page, 0, false)))
		return;
	free_pages_general(page, 0, false);
}

void free_cold_page(struct page *page)
{
	page_owner_freed_by(page, _RET_IP_);
	if (likely(free_page_fast(page, 0, true)))
		return;
	free_pages_general(page, 0, true);
}

void put_page(struct page *page)
{
	if (!page_ref_put_last(page))
		return;
	page_owner_freed_by(page, _RET_IP_);
	free_the_page(page, page->order, false);
}

void split_page(struct page *page, unsigned int order)
{
	for (unsigned long i = 1; i < (1UL << order); i++) {
		set_page_count(page + i, 1);
		page[i].order = 0;
	}
	page->order = 0;
	__ClearPageHead(page);
	split_page_owner(page, order);
}

/* Boot handover: a block memblock did not keep becomes managed and free. */
void __free_pages_core(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	unsigned long nr = 1UL << order, flags;

	for (unsigned long i = 0; i < nr; i++) {
		__ClearPageReserved(page + i);
		set_page_count(page + i, 0);
		page[i].order = 0;
	}
	spin_lock_irqsave(&zone->lock, flags);
	zone->managed_pages += nr;
	__free_one_page(page, page_to_pfn(page), zone, order);
	spin_unlock_irqrestore(&zone->lock, flags);
	totalram_pages += nr;
	if (is_highmem(zone))
		totalhigh_pages += nr;
}

void zone_add_deferred(struct zone *zone, unsigned long nr)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	zone->managed_pages += nr;
	zone->deferred_pages += nr;
	zone->free_pages += nr;
	spin_unlock_irqrestore(&zone->lock, flags);
	totalram_pages += nr;
	if (is_highmem(zone))
		totalhigh_pages += nr;
}

void free_reserved_page(struct page *page)
{
	if (!PageReserved(page))
		return;
	__free_pages_core(page, 0);
}

/* ---- Test hooks (linux/mmdebug.h) ---------------------------------------- */

struct page *buddy_alloc_block(struct zone *zone, unsigned int order)
{
	struct page *page = rmqueue_buddy(zone, order, false);

	if (!page)
		return NULL;
	prep_new_page(page, order, 0);
	/* Allocated, for the VMM's use-after-free check: its free is stamped. */
	page_owner_stamp(page, page_to_pfn(page), 0);
	return page;
}

void buddy_free_block(struct page *page, unsigned int order)
{
	page_owner_freed_by(page, _RET_IP_);
	if (page_ref_put_last(page) && free_page_prepare(page, order))
		free_one_page(page, order);
}

/* ---- Counters ------------------------------------------------------------ */

unsigned long zone_free_pages_all(struct zone *zone)
{
	unsigned long n = READ_ONCE(zone->free_pages);

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += READ_ONCE(zone->pcp[cpu].count);
	return n;
}

unsigned long nr_free_pages(void)
{
	struct zone *zone;
	unsigned long n = 0;

	for_each_zone(zone)
		n += zone_free_pages_all(zone);
	return n;
}

unsigned long nr_free_buffer_pages(void)
{
	struct zone *zone;
	unsigned long n = 0;

	for_each_zone(zone)
		if (!is_highmem(zone))
			n += zone_free_pages_all(zone);
	return n;
}

/*
 * Linux's zone_batchsize(): about a quarter of a thousandth of the zone, at
 * most 256 KiB, rounded to 2^n - 1 so batches don't alias cache colours;
 * high is six batches at rest and grows up to an eighth of the zone shared
 * by the CPUs (Linux's zone_highsize() at MIN_PERCPU_PAGELIST_HIGH_FRACTION).
 */
void zone_pcp_init(struct zone *zone)
{
	unsigned long batch = zone->managed_pages / 1024;

	if (batch * PAGE_SIZE > 1024 * 1024)
		batch = (1024 * 1024) / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	for (unsigned long b = 1; ; b <<= 1) {
		if (b * 2 > batch) {
			batch = b > 1 ? b - 1 : 1;
			break;
		}
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];

		pcp->batch = batch;
		pcp->high = 6 * batch;
		pcp->high_min = pcp->high;
		pcp->high_max = pcp_high_max(zone, pcp);
		pcp->free_count = 0;
		pcp->cpu = cpu;
		for (unsigned int o = 0; o < NR_PCP_ORDERS; o++)
			if (!pcp->lists[o].next)
				INIT_LIST_HEAD(&pcp->lists[o]);
	}
}
