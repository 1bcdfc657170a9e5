/* SPDX-License-Identifier: MIT */
/*
 * Zones, free areas and per-CPU page lists: the page allocator's state.
 *
 * Everything here is a plain struct in one static array
 * (contig_page_data.node_zones[]), with no function pointers, so that the
 * VMM can read it from guest memory (its layout from the image's DWARF,
 * the array by its symbol) and print
 * /proc/zoneinfo and /proc/buddyinfo without the guest's help.
 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/percpu.h>

/* Orders 0..MAX_ORDER-1: the largest block is 4 MiB, as on Linux x86. */
#define MAX_ORDER		11
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))
/* Orders above this are "costly": they give up sooner unless __GFP_REPEAT. */
#define PAGE_ALLOC_COSTLY_ORDER	3

/*
 * mem_map is initialised a section at a time, on first use (Linux's
 * CONFIG_DEFERRED_STRUCT_PAGE_INIT): 128 MiB of RAM, 2 MiB of struct pages.
 * A section is a whole number of the largest blocks, so a free block and its
 * buddies always lie in one section.
 */
#define PFN_SECTION_SHIFT	15
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)

enum zone_type {
	ZONE_DMA,		/* [0, 16 MiB): the DMA device's 24-bit reach */
	ZONE_NORMAL,		/* [16 MiB, lowmem): in the direct map */
	ZONE_HIGHMEM,		/* [lowmem, end): not direct-mapped; kmap() */
	MAX_NR_ZONES
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK
};

struct free_area {
	struct list_head free_list;	/* heads of free blocks of this order */
	unsigned long nr_free;		/* blocks (not pages) on free_list */
};

/*
 * This CPU's statistics for one zone. Plain counters, only ever changed by
 * their CPU with interrupts off, so counting costs no locked instruction;
 * readers sum over CPUs (zone_stat_sum()).
 */
struct zone_cpu_stats {
	unsigned long alloc[MAX_ORDER];		/* blocks handed out from this zone */
	unsigned long fail[MAX_ORDER];		/* failed requests whose first choice was this zone */
	unsigned long fallback[MAX_ORDER];	/* blocks handed out here for a higher zone */
	unsigned long free[MAX_ORDER];		/* blocks given back */
	unsigned long pcp_refill;		/* batches moved buddy -> this CPU's list */
	unsigned long pcp_drain;		/* batches moved back */
};

/*
 * The per-CPU page lists of one zone: blocks of orders 0..PCP_MAX_ORDER
 * taken from and given back to the buddy lists in batches. Linux keeps
 * per-CPU lists for orders up to PAGE_ALLOC_COSTLY_ORDER and the THP order
 * since 5.13; here they go up to order 5, the largest block kmalloc's
 * large path takes for a size a slab cache would serve on Linux with SLAB
 * (128 KiB). Recently freed ("hot", likely cached) blocks go to the head
 * of their order's list, cold ones to the tail (Linux 2.6.25 merged its
 * separate hot and cold lists into one list with two ends). A block on a
 * list has PG_pcp on its head page and its order in page->private; lists[o]
 * holds order-o blocks. Only its own CPU touches the lists, with interrupts
 * off: the fast path takes no lock.
 *
 * high tunes itself as Linux 6.7's does (nr_pcp_high()): it starts at
 * high_min; a CPU that frees more than high pages in a row (free_count,
 * pages freed here, halved by each allocation) raises it up to high_max (an
 * eighth of the zone shared by the CPUs, Linux's
 * MIN_PERCPU_PAGELIST_HIGH_FRACTION) so that its bursts stay on its lists;
 * it falls back to high_min while the zone is below its high watermark and
 * when the lists are drained (drain_all_pages(), a CPU going away).
 */
#define PCP_MAX_ORDER	5
#define NR_PCP_ORDERS	(PCP_MAX_ORDER + 1)

struct per_cpu_pages {
	int count;			/* pages (not blocks) on the lists */
	int high;			/* above this, give a batch back */
	int batch;			/* pages moved at a time */
	int cpu;
	int high_min;			/* high at rest (six batches) */
	int high_max;			/* the most high grows to */
	int free_count;			/* pages freed lately (halved by each allocation) */
	struct list_head lists[NR_PCP_ORDERS];
	struct zone_cpu_stats stat;
} __aligned(512);	/* a power of two: pcp[cpu] is a shift away */

struct pglist_data;

struct zone {
	/*
	 * Read-mostly, for the allocation fast path's watermark test.
	 * free_pages counts pages on the buddy lists and the zone's
	 * deferred_pages: pages on per-CPU lists count as neither free nor
	 * allocated here (as Linux's NR_FREE_PAGES).
	 */
	unsigned long _watermark[NR_WMARK];
	/* Pages this zone keeps back from allocations that could use a higher zone. */
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	unsigned long free_pages;		/* zone->lock */

	struct pglist_data *zone_pgdat;
	const char *name;
	int idx;				/* enum zone_type */

	unsigned long zone_start_pfn;
	unsigned long spanned_pages;		/* [start, end) including holes */
	unsigned long present_pages;		/* RAM pages in the span */
	unsigned long managed_pages;		/* pages the buddy allocator owns */
	/*
	 * Deferred init: the struct pages of [zone_start_pfn, first_deferred_pfn)
	 * are initialised, those from first_deferred_pfn to the zone's end not
	 * even read. The free pages up there, deferred_pages, count in
	 * free_pages and managed_pages but are on no list until the zone grows
	 * over them, a section at a time (deferred_grow_zone()). first_deferred_pfn
	 * is a section boundary or the zone's end. Both under zone->lock.
	 */
	unsigned long first_deferred_pfn;
	unsigned long deferred_pages;

	spinlock_t lock ____cacheline_aligned;
	struct free_area free_area[MAX_ORDER];

	struct per_cpu_pages pcp[NR_CPUS];
} ____cacheline_aligned;

/* One node (memvisor has no NUMA), as Linux's contig_page_data. */
typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int nr_zones;				/* zones with present pages */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	struct page *node_mem_map;

	/*
	 * Allocators that may sleep wait here for pages to be freed. While
	 * anyone waits (nr_free_waiters), frees bypass the per-CPU lists so the
	 * pages reach the buddy lists where the waiters look; free_seq tells a
	 * waiter a free happened since its last attempt.
	 */
	wait_queue_head_t free_wait;
	int nr_free_waiters;
	unsigned long free_seq;
} pg_data_t;

extern struct pglist_data contig_page_data;
#define NODE_DATA(nid)		(&contig_page_data)
#define numa_node_id()		0

#define for_each_zone(zone)						\
	for ((zone) = contig_page_data.node_zones;			\
	     (zone) < contig_page_data.node_zones + MAX_NR_ZONES; (zone)++)
#define for_each_populated_zone(zone)					\
	for_each_zone(zone) if (!populated_zone(zone)) ; else

static inline int zone_idx(const struct zone *zone)
{
	return zone->idx;
}

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline bool managed_zone(const struct zone *zone)
{
	return zone->managed_pages != 0;
}

static inline bool is_highmem_idx(int idx)
{
	return idx == ZONE_HIGHMEM;
}

static inline bool is_highmem(const struct zone *zone)
{
	return is_highmem_idx(zone->idx);
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < zone_end_pfn(zone);
}

/* Is the struct page of this pfn of the zone initialised yet? */
static inline bool zone_pfn_initialised(const struct zone *zone,
					unsigned long pfn)
{
	return zone_spans_pfn(zone, pfn) && pfn < zone->first_deferred_pfn;
}

#define min_wmark_pages(z)	((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z)	((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z)	((z)->_watermark[WMARK_HIGH])
#define wmark_pages(z, i)	((z)->_watermark[i])

/*
 * Would an allocation of 2^order pages leave the zone above mark (as
 * adjusted by alloc_flags, ALLOC_* in mm/internal.h) plus the reserve kept
 * for allocations whose highest usable zone is highest_zoneidx?
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);

/* Pages on the buddy lists plus every CPU's list. */
unsigned long zone_free_pages_all(struct zone *zone);
/* Sum of one per-CPU statistic over CPUs; field is e.g. alloc[order]. */
#define zone_stat_sum(zone, field) ({					\
	unsigned long __s = 0;						\
	for (unsigned int __c = 0; __c < NR_CPUS; __c++)		\
		__s += READ_ONCE((zone)->pcp[__c].stat.field);		\
	__s;								\
})

#endif
