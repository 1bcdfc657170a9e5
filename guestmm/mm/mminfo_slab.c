// SPDX-License-Identifier: MIT
/*
 * The slab/mempool/page-owner half of the VMM's descriptor (mminfo.h,
 * struct mv_slab_layout): where each field the VMM reads sits, by offsetof,
 * so that the VMM reads slab caches, mempools and struct pages from guest
 * memory without the guest's headers. The widths mminfo.h promises are
 * checked here at build time.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/memblock.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <memvisor/bootparams.h>
#include <memvisor/mminfo.h>

#include "internal.h"
#include "slab.h"

#define W(type, field, n)	BUILD_BUG_ON(sizeof(((type *)0)->field) != (n))

static void check_widths(void)
{
	W(struct kmem_cache, cpu_cache[0], 8);
	W(struct kmem_cache, magic, 8);
	W(struct kmem_cache, flags, 8);
	W(struct kmem_cache, size, 4);
	W(struct kmem_cache, object_size, 4);
	W(struct kmem_cache, order, 4);
	W(struct kmem_cache, num, 4);
	W(struct kmem_cache, limit, 4);
	W(struct kmem_cache, batchcount, 4);
	W(struct kmem_cache, shared, 8);
	W(struct kmem_cache, free_objects, 8);
	W(struct kmem_cache, stats.active_objs, 8);
	W(struct kmem_cache, stats.total_objs, 8);
	W(struct kmem_cache, stats.active_slabs, 8);
	W(struct kmem_cache, stats.total_slabs, 8);
	W(struct array_cache, avail, 4);
	W(struct array_cache, limit, 4);
	W(struct array_cache, batchcount, 4);
	W(struct page, flags, 8);
	W(struct page, private, 8);
	W(struct page, slab_cache, 8);
	W(struct page, inuse, 4);
	W(struct page, objects, 4);
	W(struct page, _refcount, 4);
	W(struct page, order, 4);
	W(struct zone, name, 8);
	W(struct zone, zone_start_pfn, 8);
	W(struct zone, spanned_pages, 8);
	W(struct zone, first_deferred_pfn, 8);
	W(struct memblock_type, cnt, 8);
	W(struct memblock_type, regions, 8);
	W(struct memblock_region, base, 8);
	W(struct memblock_region, size, 8);
	W(mempool_t, min_nr, 4);
	W(mempool_t, curr_nr, 4);
	W(mempool_t, source, 4);
	W(mempool_t, source_arg, 8);
	W(mempool_t, magic, 8);
}

void mminfo_slab_layout_init(struct mv_mminfo *mi,
			     const struct mv_boot_params *bp)
{
	struct mv_slab_layout *l = &mi->slab;

	check_widths();
	l->size = sizeof(*l);
	l->nr_cpus = NR_CPUS;

	l->sizeof_cache = sizeof(struct kmem_cache);
	l->cache_cpu_cache = offsetof(struct kmem_cache, cpu_cache);
	l->cache_magic = offsetof(struct kmem_cache, magic);
	l->cache_flags = offsetof(struct kmem_cache, flags);
	l->cache_size = offsetof(struct kmem_cache, size);
	l->cache_object_size = offsetof(struct kmem_cache, object_size);
	l->cache_order = offsetof(struct kmem_cache, order);
	l->cache_num = offsetof(struct kmem_cache, num);
	l->cache_limit = offsetof(struct kmem_cache, limit);
	l->cache_batchcount = offsetof(struct kmem_cache, batchcount);
	l->cache_shared = offsetof(struct kmem_cache, shared);
	l->cache_slabs_full = offsetof(struct kmem_cache, slabs_full);
	l->cache_slabs_partial = offsetof(struct kmem_cache, slabs_partial);
	l->cache_slabs_free = offsetof(struct kmem_cache, slabs_free);
	l->cache_free_objects = offsetof(struct kmem_cache, free_objects);
	l->cache_stat_active_objs = offsetof(struct kmem_cache, stats.active_objs);
	l->cache_stat_total_objs = offsetof(struct kmem_cache, stats.total_objs);
	l->cache_stat_active_slabs = offsetof(struct kmem_cache, stats.active_slabs);
	l->cache_stat_total_slabs = offsetof(struct kmem_cache, stats.total_slabs);
	l->cache_list = offsetof(struct kmem_cache, list);
	l->cache_name = offsetof(struct kmem_cache, name);
	l->cache_name_len = KMEM_CACHE_NAME_LEN;
	l->cache_magic_value = KMEM_CACHE_MAGIC;
	/* kmem_cache_get_info(): no tunables without magazines */
	l->cache_no_tunables = SLAB_DEBUG_FLAGS | SLAB_NO_CPU_CACHE;

	l->ac_avail = offsetof(struct array_cache, avail);
	l->ac_limit = offsetof(struct array_cache, limit);
	l->ac_batchcount = offsetof(struct array_cache, batchcount);

	l->page_flags = offsetof(struct page, flags);
	l->page_private = offsetof(struct page, private);
	l->page_slab_list = offsetof(struct page, slab_list);
	l->page_slab_cache = offsetof(struct page, slab_cache);
	l->page_inuse = offsetof(struct page, inuse);
	l->page_objects = offsetof(struct page, objects);
	l->page_refcount = offsetof(struct page, _refcount);
	l->page_order = offsetof(struct page, order);
	l->pg_reserved = PG_reserved;
	l->pg_buddy = PG_buddy;
	l->pg_pcp = PG_pcp;
	l->pg_slab = PG_slab;
	l->pg_head = PG_head;
	l->max_order = MAX_ORDER;

	l->zone_name = offsetof(struct zone, name);
	l->zone_start_pfn = offsetof(struct zone, zone_start_pfn);
	l->zone_spanned = offsetof(struct zone, spanned_pages);
	l->zone_first_deferred_pfn = offsetof(struct zone, first_deferred_pfn);

	l->memblock_reserved = offsetof(struct memblock, reserved);
	l->mbtype_cnt = offsetof(struct memblock_type, cnt);
	l->mbtype_regions = offsetof(struct memblock_type, regions);
	l->sizeof_region = sizeof(struct memblock_region);
	l->region_base = offsetof(struct memblock_region, base);
	l->region_size = offsetof(struct memblock_region, size);

	l->sizeof_mempool = sizeof(mempool_t);
	l->pool_min_nr = offsetof(mempool_t, min_nr);
	l->pool_curr_nr = offsetof(mempool_t, curr_nr);
	l->pool_source = offsetof(mempool_t, source);
	l->pool_source_arg = offsetof(mempool_t, source_arg);
	l->pool_magic = offsetof(mempool_t, magic);
	l->pool_list = offsetof(mempool_t, list);
	l->pool_magic_value = MEMPOOL_MAGIC;

	l->kernel_start_pfn = PFN_DOWN(bp->kernel_start);
	l->kernel_end_pfn = PFN_UP(bp->kernel_end);

	mi->mempools = (u64)(unsigned long)&mempools;
}
