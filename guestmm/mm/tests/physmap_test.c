// SPDX-License-Identifier: MIT
/*
 * A fragmented guest for the VMM's picture of physical memory
 * (vmm/control/physmap.h, tests/integration/test_physmap.c, the README's
 * "Explore"): physmap.fragment allocates blocks of random orders 0..3 from
 * ZONE_NORMAL, some slab objects of its own cache and a vmalloc area,
 * frees a random half of the blocks, and holds still for physmap_hold=MS
 * milliseconds (default 0) while the VMM draws it; then frees the rest and
 * checks the blocks all came back.
 */
#include <linux/mm.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mm_test_util.h"

#define FRAG_BLOCKS	3000	/* of orders 0..3: some 11000 pages */
#define FRAG_OBJECTS	2000	/* of FRAG_OBJECT_SIZE bytes */
#define FRAG_OBJECT_SIZE 512
#define FRAG_VMALLOC	(256UL << 10)

static int physmap_hold_ms;

static int __init_physmap_hold(char *val)
{
	if (!param_get_int(val, &physmap_hold_ms) || physmap_hold_ms < 0)
		return -1;
	return 0;
}
__setup("physmap_hold=", __init_physmap_hold);

static struct {
	struct page *page;
	unsigned int order;
} frag_blocks[FRAG_BLOCKS];

static void *frag_objects[FRAG_OBJECTS];

/* Linux's unusable_free_index of @zone for @order, in thousandths. */
static unsigned long unusable_index(struct zone *zone, unsigned int order)
{
	unsigned long free = 0, suitable = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		free += zone->free_area[o].nr_free << o;
		if (o >= order)
			suitable += zone->free_area[o].nr_free << (o - order);
	}
	return free ? (free - (suitable << order)) * 1000 / free : 0;
}

static unsigned int fragment(u64 *seed)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FRAG_BLOCKS; i++) {
		unsigned int order = mm_rand(seed) % 4;
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);

		if (!p)
			continue;
		frag_blocks[n].page = p;
		frag_blocks[n++].order = order;
	}
	/* a random half back: the holes between the rest */
	for (unsigned int i = 0; i < n; i++)
		if (mm_rand(seed) % 2) {
			__free_pages(frag_blocks[i].page, frag_blocks[i].order);
			frag_blocks[i].page = NULL;
		}
	return n;
}

static unsigned long held_pages(unsigned int n)
{
	unsigned long pages = 0;

	for (unsigned int i = 0; i < n; i++)
		if (frag_blocks[i].page)
			pages += 1UL << frag_blocks[i].order;
	return pages;
}

static void free_blocks(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (frag_blocks[i].page)
			__free_pages(frag_blocks[i].page, frag_blocks[i].order);
}

/* FRAG_OBJECTS of @cache, held in frag_objects: how many it gave. */
static unsigned int fill_cache(struct kmem_cache *cache)
{
	unsigned int objs = 0;

	for (; objs < FRAG_OBJECTS; objs++) {
		frag_objects[objs] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!frag_objects[objs])
			break;
	}
	return objs;
}

static void empty_cache(struct kmem_cache *cache, unsigned int objs)
{
	while (objs)
		kmem_cache_free(cache, frag_objects[--objs]);
	kmem_cache_destroy(cache);
}

KTEST(physmap, fragment)
{
	struct zone *normal = mm_zone(ZONE_NORMAL);
	unsigned long before, unusable;
	struct kmem_cache *cache;
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int n, objs;
	void *area;

	cache = kmem_cache_create("physmap_frag", FRAG_OBJECT_SIZE, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, cache);
	n = fragment(&seed);
	objs = fill_cache(cache);
	area = vmalloc(FRAG_VMALLOC);
	KTEST_EXPECT_GT(t, n, FRAG_BLOCKS / 2);
	KTEST_EXPECT_EQ(t, objs, FRAG_OBJECTS);
	KTEST_EXPECT_NOT_NULL(t, area);
	unusable = unusable_index(normal, 3);
	/* the freed half left small free blocks: order 3 cannot use them all */
	KTEST_EXPECT_GT(t, unusable, 0UL);
	ktest_diag("physmap hold: %u blocks, %u objects, Normal unusable index (order 3) %lu.%03lu, for %d ms",
		   n, objs, unusable / 1000, unusable % 1000, physmap_hold_ms);
	if (physmap_hold_ms)
		msleep(physmap_hold_ms);
	ktest_diag("physmap released");
	vfree(area);
	vm_unmap_aliases();
	empty_cache(cache, objs);
	/* the blocks come back whole (the slabs are the slab allocator's) */
	before = mm_free_now() + held_pages(n);
	free_blocks(n);
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
}
