// SPDX-License-Identifier: MIT
/*
 * The buddy allocator itself: splitting and merging at every order,
 * alignment, conservation, bad frees.
 */
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/ktest.h>
#include <linux/string.h>

#include "mm_test_util.h"

/*
 * The zone the exact buddy tests use: the one with the most free pages,
 * all of them on its lists (every section initialised).
 */
static struct zone *roomiest_zone(void)
{
	struct zone *zone, *best = NULL;

	for_each_populated_zone(zone)
		if (!best || zone->free_pages > best->free_pages)
			best = zone;
	if (best)
		deferred_init_range(best->zone_start_pfn, zone_end_pfn(best));
	return best;
}

/*
 * With every block below MAX_ORDER - 1 taken, an order-k request must
 * split a top-order block, leaving exactly one free block at each order
 * k..MAX_ORDER-2; freeing it must merge all of them back.
 */
KTEST(buddy, split_every_order)
{
	struct zone *zone = roomiest_zone();
	struct mm_hold small;

	drain_all_pages(NULL);
	mm_hold_init(&small);
	mm_hold_small_blocks(&small, zone);
	for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
		KTEST_EXPECT_EQ(t, zone->free_area[o].nr_free, 0);
	KTEST_ASSERT_TRUE(t, zone->free_area[MAX_ORDER - 1].nr_free > 0);

	for (unsigned int k = 0; k < MAX_ORDER; k++) {
		unsigned long top = zone->free_area[MAX_ORDER - 1].nr_free;
		unsigned long free = zone->free_pages;
		struct page *page = buddy_alloc_block(zone, k);

		KTEST_ASSERT_NOT_NULL(t, page);
		KTEST_EXPECT_EQ(t, page_to_pfn(page) & ((1UL << k) - 1), 0);
		KTEST_EXPECT_EQ(t, page->order, k);
		KTEST_EXPECT_EQ(t, page_count(page), 1);
		KTEST_EXPECT_EQ(t, zone->free_pages, free - (1UL << k));
		KTEST_EXPECT_EQ(t, zone->free_area[MAX_ORDER - 1].nr_free, top - 1);
		for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
			KTEST_EXPECT_EQ(t, zone->free_area[o].nr_free, o >= k ? 1 : 0);
		KTEST_EXPECT_MM_CONSISTENT(t);

		buddy_free_block(page, k);
		KTEST_EXPECT_EQ(t, zone->free_pages, free);
		KTEST_EXPECT_EQ(t, zone->free_area[MAX_ORDER - 1].nr_free, top);
		for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
			KTEST_EXPECT_EQ(t, zone->free_area[o].nr_free, 0);
	}
	mm_hold_free_all(&small);
	drain_all_pages(NULL);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/*
 * A top-order block cut into single pages: freeing all but one leaves one
 * free block per order (the siblings on the path to the kept page), and
 * freeing the last one merges the whole block again.
 */
static void merge_all_but(struct ktest *t, struct zone *zone, unsigned long keep)
{
	const unsigned int top = MAX_ORDER - 1;
	struct page *block = buddy_alloc_block(zone, top);
	unsigned long base;

	KTEST_ASSERT_NOT_NULL(t, block);
	base = page_to_pfn(block);
	split_page(block, top);
	for (unsigned long i = 0; i < (1UL << top); i++)
		if (i != keep)
			buddy_free_block(block + i, 0);
	for (unsigned int o = 0; o < top; o++) {
		unsigned long sibling = (keep ^ (1UL << o)) & ~((1UL << o) - 1);
		struct page *s = block + sibling;

		KTEST_EXPECT_TRUE(t, PageBuddy(s) && s->private == o);
	}
	KTEST_EXPECT_FALSE(t, page_is_free(block + keep));
	KTEST_EXPECT_MM_CONSISTENT(t);
	buddy_free_block(block + keep, 0);
	KTEST_EXPECT_TRUE(t, PageBuddy(pfn_to_page(base)) &&
			     pfn_to_page(base)->private == top);
}

KTEST(buddy, merge_every_order)
{
	struct zone *zone = roomiest_zone();
	const unsigned long n = 1UL << (MAX_ORDER - 1);

	drain_all_pages(NULL);
	merge_all_but(t, zone, 0);
	merge_all_but(t, zone, n - 1);
	merge_all_but(t, zone, n / 2 + 3);
	merge_all_but(t, zone, 337);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* Through the public API, every order, every zone modifier. */
KTEST(buddy, alloc_free_every_order)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_ATOMIC, GFP_DMA,
				      GFP_HIGHUSER, GFP_KERNEL | __GFP_COMP };
	unsigned long before = mm_free_now();

	for (unsigned int g = 0; g < ARRAY_SIZE(gfps); g++) {
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			struct page *page = alloc_pages(gfps[g], o);

			KTEST_ASSERT_NOT_NULL(t, page);
			KTEST_EXPECT_EQ(t, page_to_pfn(page) & ((1UL << o) - 1), 0);
			KTEST_EXPECT_EQ(t, page->order, o);
			KTEST_EXPECT_EQ(t, page_count(page), 1);
			KTEST_EXPECT_FALSE(t, PageBuddy(page) || PagePcp(page) ||
					      PageReserved(page));
			KTEST_EXPECT_EQ(t, compound_order(page),
					(gfps[g] & __GFP_COMP) ? o : 0);
			if (gfps[g] & __GFP_DMA)
				KTEST_EXPECT_EQ(t, page_zonenum(page), ZONE_DMA);
			if (!(gfps[g] & __GFP_HIGHMEM))
				KTEST_EXPECT_NE(t, page_zonenum(page), ZONE_HIGHMEM);
			for (unsigned long i = 0; i < (1UL << o); i++)
				KTEST_EXPECT_FALSE(t, page_is_free(page + i));
			__free_pages(page, o);
		}
	}
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* free + allocated == managed, whatever is held. */
KTEST(buddy, conservation)
{
	struct page_alloc_check r;
	struct mm_hold h;
	unsigned long free0, alloc0 = 0, alloc1 = 0;
	u64 seed = 42;

	drain_all_pages(NULL);
	free0 = nr_free_pages();
	KTEST_ASSERT_EQ(t, page_alloc_check(&r), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		alloc0 += r.allocated[z];
	mm_hold_init(&h);
	for (int i = 0; i < 200; i++)
		mm_hold_alloc(&h, (i & 1) ? GFP_HIGHUSER : GFP_KERNEL,
			      mm_rand(&seed) % 6);
	drain_all_pages(NULL);
	KTEST_ASSERT_EQ(t, page_alloc_check(&r), 0);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		alloc1 += r.allocated[z];
	KTEST_EXPECT_EQ(t, alloc1 - alloc0, h.nr_pages);
	KTEST_EXPECT_EQ(t, nr_free_pages(), free0 - h.nr_pages);
	mm_hold_free_all(&h);
	KTEST_EXPECT_EQ(t, mm_free_now(), free0);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* Frees that would corrupt the lists are reported and refused. */
KTEST(buddy, bad_frees_refused)
{
	unsigned long bad = bad_page_count;
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	struct page *one;

	KTEST_ASSERT_NOT_NULL(t, page);
	__free_pages(page, 2);
	__free_pages(page, 2);			/* double free */
	KTEST_EXPECT_EQ(t, bad_page_count, bad + 1);

	page = alloc_pages(GFP_KERNEL, 2);
	KTEST_ASSERT_NOT_NULL(t, page);
	__free_pages(page, 1);			/* wrong order: leaked, reported */
	KTEST_EXPECT_EQ(t, bad_page_count, bad + 2);
	set_page_count(page, 1);
	__free_pages(page, 2);

	one = alloc_page(GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, one);
	get_page(one);
	__free_page(one);			/* a reference is left */
	KTEST_EXPECT_FALSE(t, page_is_free(one));
	KTEST_EXPECT_EQ(t, page_count(one), 1);
	put_page(one);
	KTEST_EXPECT_EQ(t, bad_page_count, bad + 2);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

KTEST(buddy, split_page_frees_singly)
{
	unsigned long before = mm_free_now();
	struct page *page = alloc_pages(GFP_KERNEL, 4);

	KTEST_ASSERT_NOT_NULL(t, page);
	split_page(page, 4);
	for (int i = 15; i >= 0; i--) {
		KTEST_EXPECT_EQ(t, page[i].order, 0);
		KTEST_EXPECT_EQ(t, page_count(page + i), 1);
		__free_page(page + i);
	}
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* Addresses and pfns convert both ways. */
KTEST(buddy, address_conversions)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 1);
	struct page *page;

	KTEST_ASSERT_TRUE(t, addr != 0);
	page = virt_to_page(addr);
	KTEST_EXPECT_EQ(t, (unsigned long)page_address(page), addr);
	KTEST_EXPECT_TRUE(t, pfn_to_page(page_to_pfn(page)) == page);
	KTEST_EXPECT_EQ(t, page_to_pfn(page), __pa(addr) >> PAGE_SHIFT);
	KTEST_EXPECT_EQ(t, page->order, 1);
	memset((void *)addr, 0xa5, 2 * PAGE_SIZE);
	free_pages(addr, 1);
	free_pages(0, 3);			/* NULL is ignored, as on Linux */
	KTEST_EXPECT_MM_CONSISTENT(t);
}
