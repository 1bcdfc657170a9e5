// SPDX-License-Identifier: MIT
/* The guest half of test_vmm_slab_cmds (see slabinsp_guest.h). */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/mmdebug.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/page_owner.h>
#include <asm/hosted.h>
#include "../../guestmm/mm/slab.h"

#include "slabinsp_guest.h"

static struct kmem_cache *a;

void sg_build(struct sg_state *st)
{
	static void *objs[300];
	struct page *p, *free, *keep;
	struct zone *z;

	hosted_boot(NULL);
	vmalloc_init();		/* struct vmap_area and its roots in the image */
	kmem_cache_init();
	a = kmem_cache_create("insp-a", 100, 0, 0, NULL);
	BUG_ON(!a);
	for (int i = 0; i < 300; i++)
		objs[i] = kmem_cache_alloc(a, GFP_KERNEL);
	/* partial slabs, then objects in the magazines and the depot */
	for (int i = 0; i < 150; i += 3)
		kmem_cache_free(a, objs[i]);
	slab_drain_all_cpus(a);
	slab_drain_shared(a);
	for (int i = 150; i < 300; i += 3)
		kmem_cache_free(a, objs[i]);
	for (int i = 0; i < 20; i++)
		kfree(kmalloc(i * 40 + 8, GFP_KERNEL));
	memset(st, 0, sizeof(*st));
	st->pools[0] = (uintptr_t)mempool_create_slab_pool(4, a);
	st->pools[1] = (uintptr_t)mempool_create_kmalloc_pool(3, 256);
	st->pools[2] = (uintptr_t)mempool_create_page_pool(2, 1);

	st->ram = hosted_phys_base;
	st->ram_size = hosted_boot_params.ram_end;
	st->pgdat = (uintptr_t)&contig_page_data;
	st->kernel_start = hosted_boot_params.kernel_start;
	st->kernel_end = hosted_boot_params.kernel_end;
	st->cache_a = (uintptr_t)a;
	st->pfn_slab = page_to_pfn(virt_to_page(objs[1]));
	free = alloc_pages(GFP_KERNEL, 5);
	keep = alloc_pages(GFP_KERNEL, 5);	/* so it cannot merge upwards away */
	BUG_ON(!free || !keep);
	/* The others first: from a free block, they could split this one. */
	p = alloc_pages(GFP_KERNEL, 2);
	st->pfn_alloc = page_to_pfn(p);
	st->alloc_caller = page_owner_caller(p);
	st->page_owner_base = page_owner_base;
	p = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p, 0);
	st->pfn_pcp = page_to_pfn(p);
	st->pfn_free = page_to_pfn(free) + 3;	/* inside the block */
	/* Straight to the buddy lists: __free_pages() would keep an order-5 block per-CPU. */
	buddy_free_block(free, 5);
	st->free_order = 5;
	st->pfn_kernel = PFN_DOWN(hosted_boot_params.kernel_start) + 1;
	st->pfn_bootmem = PFN_DOWN(__pa(mem_map));
	for_each_zone(z)
		if (z->first_deferred_pfn < z->zone_start_pfn + z->spanned_pages)
			st->pfn_deferred = z->zone_start_pfn + z->spanned_pages - 1;
}

int sg_slabinfo(char *buf, size_t size)
{
	return slabinfo_print(buf, size);
}

static struct page *last_partial(void)
{
	BUG_ON(list_empty(&a->slabs_partial));
	return list_last_entry(&a->slabs_partial, struct page, slab_list);
}

void sg_cycle_in_slab_list(void)
{
	last_partial()->slab_list.next = a->slabs_partial.next;
}

void sg_slab_list_outside_ram(void)
{
	last_partial()->slab_list.next = (void *)0xdead000000000000UL;
}

void sg_counter_disagrees(void)
{
	a->stats.active_objs += 3;
}

void sg_name_not_utf8(void)
{
	memcpy(a->name, "insp-\xff\xfe", sizeof("insp-\xff\xfe"));
}

void sg_cycle_in_cache_list(void)
{
	a->list.next = &a->list;
}

void sg_mempool_bad(void)
{
	mempool_t *pool = list_first_entry(&mempools, mempool_t, list);

	pool->curr_nr = pool->min_nr + 1;
}
