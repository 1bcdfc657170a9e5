// SPDX-License-Identifier: MIT
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/jiffies.h>

#include <linux/slab.h>
#include "mm_test_util.h"

void mm_hold_init(struct mm_hold *h)
{
	INIT_LIST_HEAD(&h->blocks);
	h->nr_blocks = 0;
	h->nr_pages = 0;
}

void mm_hold_add(struct mm_hold *h, struct page *page)
{
	list_add(&page->lru, &h->blocks);
	h->nr_blocks++;
	h->nr_pages += 1UL << page->order;
}

struct page *mm_hold_alloc(struct mm_hold *h, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	if (page)
		mm_hold_add(h, page);
	return page;
}

bool mm_hold_free_one(struct mm_hold *h)
{
	struct page *page;

	if (list_empty(&h->blocks))
		return false;
	page = list_first_entry(&h->blocks, struct page, lru);
	list_del(&page->lru);
	h->nr_blocks--;
	h->nr_pages -= 1UL << page->order;
	__free_pages(page, page->order);
	return true;
}

void mm_hold_free_all(struct mm_hold *h)
{
	while (mm_hold_free_one(h))
		;
}

unsigned long mm_exhaust(struct mm_hold *h, gfp_t gfp)
{
	unsigned long before = h->nr_pages;

	for (int order = MAX_ORDER - 1; order >= 0; order--)
		while (mm_hold_alloc(h, gfp | __GFP_NOWARN, order))
			;
	return h->nr_pages - before;
}

unsigned long mm_hold_small_blocks(struct mm_hold *h, struct zone *zone)
{
	unsigned long before = h->nr_pages;

	for (unsigned int o = 0; o < MAX_ORDER - 1; o++) {
		while (READ_ONCE(zone->free_area[o].nr_free)) {
			struct page *page = buddy_alloc_block(zone, o);

			if (!page)
				break;
			mm_hold_add(h, page);
		}
	}
	return h->nr_pages - before;
}

unsigned long mm_free_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

bool mm_cache_listed(struct kmem_cache *c)
{
	struct kmem_cache *s;
	bool found = false;

	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list)
		found |= s == c;
	spin_unlock(&slab_lock);
	return found;
}
