/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the mm KTEST cases: a holder for allocated blocks (linked
 * through page->lru, which the owner of an allocated page may use), memory
 * exhaustion, and the invariant check as an expectation. The cases run on
 * a live kernel in the guest, so they measure changes and give back
 * everything they take.
 */
#ifndef _MM_TEST_UTIL_H
#define _MM_TEST_UTIL_H

#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/ktest.h>

struct mm_hold {
	struct list_head blocks;
	unsigned long nr_blocks;
	unsigned long nr_pages;
};

void mm_hold_init(struct mm_hold *h);
void mm_hold_add(struct mm_hold *h, struct page *page);
/* alloc_pages(gfp, order), held; NULL on failure. */
struct page *mm_hold_alloc(struct mm_hold *h, gfp_t gfp, unsigned int order);
/* Frees the most recently held block; false if none. */
bool mm_hold_free_one(struct mm_hold *h);
void mm_hold_free_all(struct mm_hold *h);

/*
 * Allocates with gfp (plus __GFP_NOWARN) until it fails, largest orders
 * first so it is quick; returns pages taken.
 */
unsigned long mm_exhaust(struct mm_hold *h, gfp_t gfp);
/* Takes every free block of orders below MAX_ORDER - 1 of zone (buddy hooks). */
unsigned long mm_hold_small_blocks(struct mm_hold *h, struct zone *zone);

static inline struct zone *mm_zone(enum zone_type z)
{
	return &contig_page_data.node_zones[z];
}

/* The highest order of zone @z with at least @min blocks listed, or -1. */
static inline int mm_zone_order_with(enum zone_type z, unsigned long min)
{
	struct zone *zone = mm_zone(z);

	for (int o = MAX_ORDER - 1; o >= 0; o--)
		if (zone->free_area[o].nr_free >= min)
			return o;
	return -1;
}

/* Free pages (buddy + per-CPU) in the whole system, after draining. */
unsigned long mm_free_now(void);

/* Runs page_alloc_check(); a violation fails the test with its message. */
#define KTEST_EXPECT_MM_CONSISTENT(t) ({				\
	struct page_alloc_check __r;					\
	unsigned int __e = page_alloc_check(&__r);			\
	if (__e)							\
		ktest_fail(t, __FILE__, __LINE__,			\
			   "%u page allocator invariant(s) broken: %s",	\
			   __e, __r.first_error);			\
	__e == 0;							\
})

/* A small pseudo-random generator (xorshift64*), seeded per test. */
static inline u64 mm_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Milliseconds since boot, at jiffy resolution. */
static inline unsigned long mm_ms(void)
{
	return jiffies * (1000 / HZ);
}

struct kmem_cache;
/* Is c on slab_caches (in slabinfo, and where the VMM looks)? */
bool mm_cache_listed(struct kmem_cache *c);

#endif
