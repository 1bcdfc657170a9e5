// SPDX-License-Identifier: MIT
/*
 * Planted allocator bugs for the VMM's checker (issue 18 item 5;
 * tests/integration/test_check.c): each case breaks one structure on
 * purpose, bypassing the guest's own checks, prints what it broke and
 * where ("checkbug: broke CASE: STRUCTURE 0xADDR ..."), holds still for
 * checkbug_hold=MS (default 3000) while vmm --check-every checks it, then
 * mends it, so the guest goes on and the case passes: the VMM's report is
 * what the host test asserts.
 *   checkbug.slab_freelist  a free object's free pointer made to point one
 *                           byte into the next object (structure "slab")
 *   checkbug.double_free    an object freed, then pushed on its slab's
 *                           freelist again ("free_object": on it twice)
 *   checkbug.leak_page      a free block unlinked from its free list,
 *                           its counters left alone ("page": PG_buddy on
 *                           no list)
 * Not a suite CI runs in the guest: only test_check names it.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "../slab.h"

static int checkbug_hold_ms = 3000;

static int __init_checkbug_hold(char *val)
{
	return param_get_int(val, &checkbug_hold_ms) && checkbug_hold_ms >= 0 ?
	       0 : -1;
}
__setup("checkbug_hold=", __init_checkbug_hold);

static void hold(const char *name)
{
	printk("checkbug: holding %s for %d ms\n", name, checkbug_hold_ms);
	msleep(checkbug_hold_ms);
	printk("checkbug: mended %s\n", name);
}

/* A debug cache: no magazines, every free goes back on its slab's freelist. */
static struct kmem_cache *debug_cache(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("checkbug", 64, 0,
						 SLAB_RED_ZONE, NULL);

	KTEST_EXPECT_NOT_NULL(t, s);
	return s;
}

static void **free_pointer(struct kmem_cache *s, void *obj)
{
	return (void **)((char *)obj_to_slot(s, obj) + s->offset);
}

KTEST(checkbug, slab_freelist)
{
	struct kmem_cache *s = debug_cache(t);
	struct page *slab;
	unsigned long flags;
	void *obj, *head, **fp, *saved;

	if (!s)
		return;
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	if (!KTEST_EXPECT_NOT_NULL(t, obj))
		goto out;
	slab = virt_to_slab(s, obj);
	spin_lock_irqsave(&s->lock, flags);
	head = slab->freelist;
	if (head) {
		fp = free_pointer(s, head);
		saved = *fp;
		*fp = (char *)head + s->size + 1;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (!KTEST_EXPECT_NOT_NULL(t, head))
		goto free;
	printk("checkbug: broke slab_freelist: slab 0x%lx pointer 0x%lx\n",
	       (unsigned long)slab, (unsigned long)head + s->size + 1);
	hold("slab_freelist");
	spin_lock_irqsave(&s->lock, flags);
	*fp = saved;
	spin_unlock_irqrestore(&s->lock, flags);
free:
	kmem_cache_free(s, obj);
out:
	kmem_cache_destroy(s);
}

KTEST(checkbug, double_free)
{
	struct kmem_cache *s = debug_cache(t);
	struct page *slab;
	unsigned long flags;
	void *a, *b, **fp, *saved;

	if (!s)
		return;
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	if (!KTEST_EXPECT_NOT_NULL(t, a) || !KTEST_EXPECT_NOT_NULL(t, b) ||
	    !KTEST_EXPECT_TRUE(t, virt_to_slab(s, a) == virt_to_slab(s, b)))
		goto out;
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);		/* the freelist: b, a, ... */
	slab = virt_to_slab(s, a);
	spin_lock_irqsave(&s->lock, flags);
	/* a freed again behind the guest's back: a, b, a, b, ... */
	fp = free_pointer(s, a);
	saved = *fp;
	*fp = slab->freelist;
	slab->freelist = a;
	spin_unlock_irqrestore(&s->lock, flags);
	printk("checkbug: broke double_free: object 0x%lx slab 0x%lx\n",
	       (unsigned long)a, (unsigned long)slab);
	hold("double_free");
	spin_lock_irqsave(&s->lock, flags);
	slab->freelist = b;
	*fp = saved;
	spin_unlock_irqrestore(&s->lock, flags);
	a = b = NULL;
out:
	if (a)
		kmem_cache_free(s, a);
	if (b)
		kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

KTEST(checkbug, leak_page)
{
	struct zone *zone = &contig_page_data.node_zones[ZONE_NORMAL];
	struct page *page = NULL;
	unsigned long flags;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < MAX_ORDER && !page; order++) {
		struct list_head *list = &zone->free_area[order].free_list;

		if (!list_empty(list)) {
			page = list_first_entry(list, struct page, lru);
			list_del(&page->lru);	/* nr_free, free_pages: untouched */
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	if (!KTEST_EXPECT_NOT_NULL(t, page))
		return;
	printk("checkbug: broke leak_page: page 0x%lx pfn 0x%lx order %u\n",
	       (unsigned long)page, page_to_pfn(page), order);
	hold("leak_page");
	spin_lock_irqsave(&zone->lock, flags);
	list_add(&page->lru, &zone->free_area[order].free_list);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * No bug: holds still for checkbug_hold ms after the cases before it, so
 * a checker that found no quiet point while they ran (every vCPU busy in
 * the allocators) sees what they left at an idle guest's easy one
 * (test_check's honest runs: zero violations, and at least one check).
 */
KTEST(checkbug, quiet_after)
{
	long before = (long)nr_free_pages(), after;

	hold("nothing (an honest guest, idle)");
	/* idle: the cases before left nothing allocating or freeing */
	after = (long)nr_free_pages();
	KTEST_EXPECT_LT(t, after > before ? after - before : before - after, 256);
}
