/* SPDX-License-Identifier: MIT */
/*
 * The guest's memory-manager descriptor. The guest publishes its address once
 * (HC_MMINFO); the VMM reads every structure it points to itself, through its
 * own page walk, validating each pointer: nothing here is trusted.
 * All addresses are guest-virtual unless named _gpa.
 */
#ifndef MEMVISOR_MMINFO_H
#define MEMVISOR_MMINFO_H

#include <memvisor/types.h>

#define MV_MMINFO_MAGIC		0x4f464e494d4d564dULL	/* "MVMMINFO" */
#define MV_MMINFO_VERSION	1

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
	mv_u64 pgd_pa;		/* the kernel page-table root (its CR3), physical */
};

#endif
