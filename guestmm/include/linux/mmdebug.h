/* SPDX-License-Identifier: MIT */
/*
 * The page allocator's invariant checker and its bad-page reports, for
 * tests in both builds (mm/page_alloc_check.c).
 */
#ifndef _LINUX_MMDEBUG_H
#define _LINUX_MMDEBUG_H

#include <linux/types.h>
#include <linux/mmzone.h>

struct page;

/* What a check found, zone by zone: a full accounting of every page. */
struct page_alloc_check {
	unsigned long buddy[MAX_NR_ZONES];	/* pages in free blocks (mem_map walk) */
	unsigned long pcp[MAX_NR_ZONES];	/* pages on per-CPU lists */
	unsigned long reserved[MAX_NR_ZONES];	/* present but never managed */
	unsigned long allocated[MAX_NR_ZONES];	/* present, managed, not free */
	unsigned long deferred[MAX_NR_ZONES];	/* free, struct page not initialised */
	unsigned int errors;
	char first_error[192];
};

/*
 * Checks every invariant of the buddy and per-CPU lists against mem_map:
 * free-list membership, orders, alignment, zones, flags, nr_free and
 * free_pages counts, per-CPU counts, no missed merge, and conservation
 * (buddy + per-CPU + allocated + deferred == managed; managed + reserved ==
 * present), the zone's part not yet initialised checked against memblock.
 * Takes each zone's lock; other CPUs should not be allocating meanwhile
 * (their per-CPU lists are walked without their cooperation). Fills r (may
 * be NULL) and returns the number of violations, printing the first few.
 */
unsigned int page_alloc_check(struct page_alloc_check *r);

/* True if page is free: inside a free block, on the buddy or a per-CPU list. */
bool page_is_free(struct page *page);

/*
 * Test hooks: one zone's buddy lists directly, bypassing the per-CPU lists
 * and the watermarks, so a test can reason about splits and merges exactly.
 */
struct page *buddy_alloc_block(struct zone *zone, unsigned int order);
void buddy_free_block(struct page *page, unsigned int order);

/* Bad pages found at free time (double free, freeing a reserved page...). */
extern unsigned long bad_page_count;

#endif
