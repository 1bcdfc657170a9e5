/* SPDX-License-Identifier: MIT */
/*
 * The guest's memory-manager descriptor. The guest publishes its address once
 * (HC_MMINFO); the VMM reads every structure it points to itself, through its
 * own page walk, validating each pointer: nothing here is trusted.
 * All addresses are guest-virtual unless named _gpa.
 *
 * Version 2 adds layout tables, as Linux's vmcoreinfo: the offset and size
 * of every field the VMM reads, filled with offsetof()/sizeof() by the
 * guest, so the VMM needs no guest header. The VMM checks the tables before
 * it uses them (sizes bounded, every field inside its struct, arrays inside
 * theirs): a stale or lying descriptor is reported, never followed.
 * Each reader owns its table; the allocator's (zones, pages, memblock) comes
 * first, the slab's and mempools' after it.
 */
#ifndef MEMVISOR_MMINFO_H
#define MEMVISOR_MMINFO_H

#include <memvisor/types.h>

#define MV_MMINFO_MAGIC		0x4f464e494d4d564dULL	/* "MVMMINFO" */
#define MV_MMINFO_VERSION	2

/* One field of a struct: where it is, and how many bytes (1, 2, 4, 8). */
struct mv_field {
	mv_u32 off;
	mv_u32 size;
};

/*
 * The page allocator's layout: struct list_head, struct page, struct zone
 * (with its free_area[] and per-CPU pagesets), struct memblock. Arrays are
 * an offset, an element size and a count.
 */
struct mv_mm_layout_alloc {
	mv_u32 size;			/* sizeof(this struct): the guest's idea */

	mv_u32 sizeof_list_head;
	struct mv_field list_next, list_prev;

	mv_u32 sizeof_page;
	struct mv_field page_flags;
	struct mv_field page_private;	/* buddy/pcp order while free */
	struct mv_field page_lru;	/* a struct list_head */
	mv_u64 pg_buddy;		/* page_flags bit: head of a free block */
	mv_u64 pg_pcp;			/* page_flags bit: on a per-CPU list */
	mv_u64 pg_reserved;		/* page_flags bit: never on a list */

	mv_u32 sizeof_zone;
	struct mv_field zone_name;	/* a pointer to a C string */
	struct mv_field zone_start_pfn, zone_spanned, zone_present,
			zone_managed, zone_free_pages;
	struct mv_field zone_watermark;	/* unsigned long[nr_wmark] */
	mv_u32 nr_wmark;		/* min, low, high */
	struct mv_field zone_first_deferred_pfn, zone_deferred_pages;
	/* zone->lock, a ticket lock: held while next != owner */
	struct mv_field zone_lock_next, zone_lock_owner;

	struct mv_field zone_free_area;	/* free_area[max_order] */
	mv_u32 sizeof_free_area;
	mv_u32 max_order;
	struct mv_field free_area_free_list;	/* a struct list_head */
	struct mv_field free_area_nr_free;

	struct mv_field zone_pcp;	/* per_cpu_pages[nr_pcp] */
	mv_u32 sizeof_pcp;
	mv_u32 nr_pcp;			/* NR_CPUS */
	struct mv_field pcp_count, pcp_high, pcp_batch;
	struct mv_field pcp_lists;	/* struct list_head[nr_pcp_lists] */
	mv_u32 nr_pcp_lists;		/* orders 0..nr_pcp_lists-1 */

	mv_u32 sizeof_memblock;
	struct mv_field memblock_memory, memblock_reserved; /* memblock_type */
	mv_u32 sizeof_memblock_type;
	struct mv_field mbt_cnt, mbt_max, mbt_total_size, mbt_regions;
	mv_u32 sizeof_memblock_region;
	struct mv_field mbr_base, mbr_size, mbr_flags;
	mv_u32 pad;
};

struct mv_mminfo {
	mv_u64 magic;
	mv_u32 version;
	mv_u32 size;

	mv_u64 zones;		/* struct zone[nr_zones] */
	mv_u32 nr_zones;
	mv_u32 sizeof_zone;
	mv_u64 memblock;	/* struct memblock */
	mv_u64 mem_map;		/* struct page[] for pfn 0.. */
	mv_u64 max_pfn;
	mv_u32 sizeof_page;
	mv_u32 pad;
	mv_u64 slab_caches;	/* struct list_head of kmem_cache */
	mv_u64 vmap_areas;	/* reserved for vmalloc */
	mv_u64 percpu;		/* reserved for per-CPU areas */
	mv_u64 mempools;	/* reserved for mempools */

	/* v2 */
	mv_u64 kernel_pgd_gpa;	/* the kernel page tables' root (a CR3) */
	mv_u64 boot_params_gpa;	/* the boot params (the e820 copy) */
	mv_u32 nr_cpus;		/* CPUs the guest runs (<= alloc.nr_pcp) */
	mv_u32 page_shift;
	struct mv_mm_layout_alloc alloc;
	/* the slab's and mempools' layout tables follow */
};

#endif
