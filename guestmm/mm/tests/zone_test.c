// SPDX-License-Identifier: MIT
/*
 * Zones: the fallback order (HIGHMEM -> NORMAL -> DMA with __GFP_HIGHMEM,
 * NORMAL -> DMA without, DMA alone with __GFP_DMA), watermarks and how far
 * each kind of caller may go below them, the counters, exhaustion and
 * recovery.
 */
#include <linux/mm.h>
#include <linux/ktest.h>
#include <linux/string.h>

#include "mm_test_util.h"
#include "../internal.h"

/*
 * Allocates single pages with gfp until failure; returns how many came from
 * each zone. A page may come from a lower zone only when every higher zone
 * the flags allow is at or below its low watermark (the fast path's mark;
 * the slow path then retries the higher zones down to min, so the zones
 * seen need not be monotonic).
 */
static void allocate_in_order(struct ktest *t, struct mm_hold *h, gfp_t gfp,
			      int highest, unsigned long from[MAX_NR_ZONES])
{
	struct page *page;
	unsigned long bad = 0;

	memset(from, 0, sizeof(unsigned long) * MAX_NR_ZONES);
	while ((page = mm_hold_alloc(h, gfp | __GFP_NOWARN, 0))) {
		int z = page_zonenum(page);

		from[z]++;
		KTEST_EXPECT_LE(t, z, highest);
		for (int y = z + 1; y <= highest; y++) {
			struct zone *zone = mm_zone(y);

			if (managed_zone(zone) &&
			    zone->free_pages > low_wmark_pages(zone) +
					       zone->lowmem_reserve[highest] &&
			    !bad++)
				ktest_fail(t, __FILE__, __LINE__,
					   "page from zone %d while zone %d has %lu free (low %lu)",
					   z, y, zone->free_pages, low_wmark_pages(zone));
		}
	}
}

KTEST(zone, fallback_highmem_normal_dma)
{
	unsigned long from[MAX_NR_ZONES], fb0[MAX_NR_ZONES], fb1;
	struct mm_hold h;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		fb0[z] = zone_stat_sum(mm_zone(z), fallback[0]);
	mm_hold_init(&h);
	allocate_in_order(t, &h, __GFP_HIGHMEM, ZONE_HIGHMEM, from);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (!managed_zone(mm_zone(z)))
			continue;
		KTEST_EXPECT_GT(t, from[z], 0);
		fb1 = zone_stat_sum(mm_zone(z), fallback[0]) - fb0[z];
		/* Every page below the first choice was a fallback. */
		if (z < ZONE_HIGHMEM)
			KTEST_EXPECT_GE(t, fb1, from[z]);
	}
	mm_hold_free_all(&h);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

KTEST(zone, fallback_normal_dma)
{
	unsigned long from[MAX_NR_ZONES];
	struct mm_hold h;

	mm_hold_init(&h);
	allocate_in_order(t, &h, 0 /* GFP_NOWAIT */, ZONE_NORMAL, from);
	KTEST_EXPECT_EQ(t, from[ZONE_HIGHMEM], 0);
	KTEST_EXPECT_GT(t, from[ZONE_NORMAL], 0);
	KTEST_EXPECT_GT(t, from[ZONE_DMA], 0);
	mm_hold_free_all(&h);

	allocate_in_order(t, &h, __GFP_DMA, ZONE_DMA, from);
	KTEST_EXPECT_EQ(t, from[ZONE_HIGHMEM] + from[ZONE_NORMAL], 0);
	KTEST_EXPECT_GT(t, from[ZONE_DMA], 0);
	mm_hold_free_all(&h);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

KTEST(zone, watermarks_sane)
{
	struct zone *zone;

	for_each_zone(zone) {
		if (!managed_zone(zone))
			continue;
		KTEST_EXPECT_GT(t, min_wmark_pages(zone), 0);
		KTEST_EXPECT_LT(t, min_wmark_pages(zone), low_wmark_pages(zone));
		KTEST_EXPECT_LT(t, low_wmark_pages(zone), high_wmark_pages(zone));
		KTEST_EXPECT_LT(t, high_wmark_pages(zone), zone->managed_pages);
		KTEST_EXPECT_EQ(t, zone->lowmem_reserve[zone->idx], 0);
		for (int j = 0; j < zone->idx; j++)
			KTEST_EXPECT_EQ(t, zone->lowmem_reserve[j], 0);
		KTEST_EXPECT_GE(t, zone->pcp[0].batch, 1);
		KTEST_EXPECT_GT(t, zone->pcp[0].high, zone->pcp[0].batch);
	}
	/* Lower zones keep something back from allocations that could go higher. */
	if (managed_zone(mm_zone(ZONE_NORMAL)))
		KTEST_EXPECT_GT(t, mm_zone(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL], 0);
	if (managed_zone(mm_zone(ZONE_HIGHMEM)))
		KTEST_EXPECT_GT(t, mm_zone(ZONE_NORMAL)->lowmem_reserve[ZONE_HIGHMEM], 0);
}

/* Takes single pages with gfp from the DMA zone until it refuses. */
static unsigned long drain_dma(struct mm_hold *h, gfp_t gfp)
{
	unsigned long n = 0;

	while (mm_hold_alloc(h, gfp | __GFP_DMA | __GFP_NOWARN, 0))
		n++;
	return n;
}

/*
 * How deep each caller may go: GFP_NOWAIT stops at min, __GFP_HIGH at half
 * of it, GFP_ATOMIC (__GFP_HIGH plus "harder") at three eighths; a
 * reclaimer (PF_MEMALLOC) may take the rest.
 */
KTEST(zone, watermark_depths)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	unsigned long min = min_wmark_pages(dma);
	long high_line = min - min / 2;
	long atomic_line = high_line - high_line / 4;
	unsigned long took_high, took_atomic, took_memalloc;
	unsigned int was;
	struct mm_hold h;

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);	/* the big blocks first, quickly */
	drain_dma(&h, 0);
	KTEST_EXPECT_LE(t, dma->free_pages, min);
	KTEST_EXPECT_GT(t, (long)dma->free_pages, high_line);

	took_high = drain_dma(&h, __GFP_HIGH);
	KTEST_EXPECT_GT(t, took_high, 0);
	KTEST_EXPECT_LE(t, (long)dma->free_pages, high_line);
	KTEST_EXPECT_GT(t, (long)dma->free_pages, atomic_line);

	took_atomic = drain_dma(&h, GFP_ATOMIC);
	KTEST_EXPECT_GT(t, took_atomic, 0);
	KTEST_EXPECT_LE(t, (long)dma->free_pages, atomic_line);

	/* __GFP_NOMEMALLOC keeps even a reclaimer out of the rest. */
	was = current->flags & PF_MEMALLOC;
	current->flags |= PF_MEMALLOC;
	KTEST_EXPECT_EQ(t, drain_dma(&h, GFP_ATOMIC | __GFP_NOMEMALLOC), 0);
	took_memalloc = drain_dma(&h, GFP_ATOMIC);
	if (!was)
		current->flags &= ~PF_MEMALLOC;
	KTEST_EXPECT_GT(t, took_memalloc, 0);
	drain_local_pages(NULL);
	KTEST_EXPECT_EQ(t, dma->free_pages, 0);

	mm_hold_free_all(&h);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* Allocations whose first choice is a higher zone leave the reserve alone. */
KTEST(zone, lowmem_reserve_protects_dma)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	unsigned long reserve = dma->lowmem_reserve[ZONE_NORMAL];
	struct mm_hold h;

	if (!managed_zone(mm_zone(ZONE_NORMAL)) || !reserve) {
		ktest_skip(t, "no NORMAL zone");
		return;
	}
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_KERNEL | __GFP_NORETRY);
	drain_local_pages(NULL);
	/* GFP_KERNEL stopped above min + reserve; __GFP_DMA can go on to min. */
	KTEST_EXPECT_GT(t, dma->free_pages, min_wmark_pages(dma) + reserve / 2);
	KTEST_EXPECT_GT(t, mm_exhaust(&h, GFP_DMA), 0);
	KTEST_EXPECT_LE(t, dma->free_pages, min_wmark_pages(dma));
	mm_hold_free_all(&h);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* The per-zone, per-order counters count what happened. */
KTEST(zone, counters)
{
	struct zone *dma = mm_zone(ZONE_DMA);
	unsigned long a3, f5, fails0;
	struct page *page;
	struct mm_hold h;

	a3 = zone_stat_sum(dma, alloc[3]);
	f5 = zone_stat_sum(dma, free[3]);
	page = alloc_pages(GFP_DMA, 3);
	KTEST_ASSERT_NOT_NULL(t, page);
	KTEST_EXPECT_EQ(t, zone_stat_sum(dma, alloc[3]), a3 + 1);
	__free_pages(page, 3);
	KTEST_EXPECT_EQ(t, zone_stat_sum(dma, free[3]), f5 + 1);

	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	fails0 = zone_stat_sum(dma, fail[2]);
	KTEST_EXPECT_NULL(t, alloc_pages(GFP_DMA | __GFP_NOWARN, 2));
	KTEST_EXPECT_EQ(t, zone_stat_sum(dma, fail[2]), fails0 + 1);
	mm_hold_free_all(&h);
}

/* Zone sizes add up: present = managed + reserved, and totalram is the sum. */
KTEST(zone, sizes_add_up)
{
	struct page_alloc_check r;
	unsigned long managed = 0, present = 0;
	struct zone *zone;

	KTEST_ASSERT_EQ(t, page_alloc_check(&r), 0);
	for_each_zone(zone) {
		KTEST_EXPECT_EQ(t, zone->present_pages,
				zone->managed_pages + r.reserved[zone->idx]);
		KTEST_EXPECT_LE(t, zone->present_pages, zone->spanned_pages);
		managed += zone->managed_pages;
		present += zone->present_pages;
	}
	KTEST_EXPECT_EQ(t, managed, totalram_pages);
	KTEST_EXPECT_EQ(t, present, contig_page_data.node_present_pages);
	KTEST_EXPECT_EQ(t, mm_zone(ZONE_DMA)->zone_start_pfn, 0);
	KTEST_EXPECT_EQ(t, zone_end_pfn(mm_zone(ZONE_DMA)),
			mm_zone(ZONE_NORMAL)->zone_start_pfn);
	KTEST_EXPECT_EQ(t, zone_end_pfn(mm_zone(ZONE_NORMAL)),
			mm_zone(ZONE_HIGHMEM)->zone_start_pfn);
	KTEST_EXPECT_EQ(t, zone_end_pfn(mm_zone(ZONE_HIGHMEM)), max_pfn);
}

/* Everything taken, then given back: exactly what was free is free again. */
KTEST(zone, exhaustion_and_recovery)
{
	unsigned long before = mm_free_now(), top = 0, top_after = 0;
	struct mm_hold h;
	struct page *page;
	struct zone *zone;

	/* All of mem_map first, so the lists show every free block. */
	deferred_init_all();
	for_each_zone(zone)
		top += zone->free_area[MAX_ORDER - 1].nr_free;
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_HIGHUSER | __GFP_NORETRY);
	mm_exhaust(&h, GFP_ATOMIC | __GFP_HIGHMEM);
	KTEST_EXPECT_NULL(t, alloc_page(GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOWARN));
	KTEST_EXPECT_NULL(t, alloc_page(GFP_ATOMIC | __GFP_HIGHMEM | __GFP_NOWARN));
	KTEST_EXPECT_MM_CONSISTENT(t);
	KTEST_EXPECT_GE(t, h.nr_pages + mm_free_now(), before);
	mm_hold_free_all(&h);
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
	/* Merging undid the fragmentation: as many top-order blocks as before. */
	for_each_zone(zone)
		top_after += zone->free_area[MAX_ORDER - 1].nr_free;
	KTEST_EXPECT_EQ(t, top_after, top);
	page = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	KTEST_EXPECT_NOT_NULL(t, page);
	if (page)
		__free_pages(page, MAX_ORDER - 1);
	KTEST_EXPECT_MM_CONSISTENT(t);
}
