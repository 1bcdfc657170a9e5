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

/* A mempool's element source (mempool_t.source). */
#define MV_MEMPOOL_SRC_CUSTOM	0	/* mempool_create() with own functions */
#define MV_MEMPOOL_SRC_SLAB	1	/* source_arg: struct kmem_cache * */
#define MV_MEMPOOL_SRC_KMALLOC	2	/* source_arg: the element size */
#define MV_MEMPOOL_SRC_PAGE	3	/* source_arg: the page order */

/*
 * Where the fields the VMM's slabinfo, mempools and page-owner readers need
 * sit in the guest's structs, filled by the guest with offsetof() (like
 * vmcoreinfo), so that the VMM needs no guest header. The widths are fixed
 * here and checked by the guest at build time: "u64" fields are 8 bytes
 * (unsigned long, pointers, u64), "u32" 4 bytes (unsigned int, int).
 * Offsets are bytes from the start of the struct named by the prefix.
 */
struct mv_slab_layout {
	mv_u32 size;			/* sizeof(struct mv_slab_layout) */
	mv_u32 nr_cpus;			/* entries of kmem_cache.cpu_cache[] */

	/* struct kmem_cache */
	mv_u32 sizeof_cache;
	mv_u32 cache_cpu_cache;		/* u64[nr_cpus]: struct array_cache * */
	mv_u32 cache_magic;		/* u64 */
	mv_u32 cache_flags;		/* u64 */
	mv_u32 cache_size;		/* u32: the slot (objsize) */
	mv_u32 cache_object_size;	/* u32 */
	mv_u32 cache_order;		/* u32 */
	mv_u32 cache_num;		/* u32: objects per slab */
	mv_u32 cache_limit;		/* u32 */
	mv_u32 cache_batchcount;	/* u32 */
	mv_u32 cache_shared;		/* u64: struct array_cache * */
	mv_u32 cache_slabs_full;	/* struct list_head of struct page.slab_list */
	mv_u32 cache_slabs_partial;
	mv_u32 cache_slabs_free;
	mv_u32 cache_free_objects;	/* u64 */
	mv_u32 cache_stat_active_objs;	/* u64 each */
	mv_u32 cache_stat_total_objs;
	mv_u32 cache_stat_active_slabs;
	mv_u32 cache_stat_total_slabs;
	mv_u32 cache_list;		/* struct list_head on slab_caches */
	mv_u32 cache_name;		/* char[cache_name_len] */
	mv_u32 cache_name_len;
	mv_u64 cache_magic_value;	/* cache_magic of a live cache */
	mv_u64 cache_no_tunables;	/* flags with which limit/batchcount read 0 */

	/* struct array_cache (a magazine or a depot) */
	mv_u32 ac_avail;		/* u32 */
	mv_u32 ac_limit;		/* u32 */
	mv_u32 ac_batchcount;		/* u32 */

	/* struct page */
	mv_u32 page_flags;		/* u64 */
	mv_u32 page_private;		/* u64: buddy order while PG_buddy */
	mv_u32 page_slab_list;		/* struct list_head */
	mv_u32 page_slab_cache;		/* u64 */
	mv_u32 page_inuse;		/* u32 */
	mv_u32 page_objects;		/* u32 */
	mv_u32 page_refcount;		/* u32 */
	mv_u32 page_order;		/* u32: an allocation's order, on its head */
	mv_u32 pg_reserved;		/* bit numbers in page_flags */
	mv_u32 pg_buddy;
	mv_u32 pg_pcp;
	mv_u32 pg_slab;
	mv_u32 pg_head;
	mv_u32 max_order;		/* buddy orders 0..max_order-1 */

	/* struct zone (TODO(merge): descriptor v2 has the zone layout) */
	mv_u32 zone_name;		/* u64: const char * */
	mv_u32 zone_start_pfn;		/* u64 each */
	mv_u32 zone_spanned;
	mv_u32 zone_first_deferred_pfn;

	/* struct memblock / memblock_type / memblock_region */
	mv_u32 memblock_reserved;	/* struct memblock_type in struct memblock */
	mv_u32 mbtype_cnt;		/* u64 */
	mv_u32 mbtype_regions;		/* u64: struct memblock_region * */
	mv_u32 sizeof_region;
	mv_u32 region_base;		/* u64 each */
	mv_u32 region_size;

	/* mempool_t */
	mv_u32 sizeof_mempool;
	mv_u32 pool_min_nr;		/* u32 (int) each */
	mv_u32 pool_curr_nr;
	mv_u32 pool_source;		/* u32: MV_MEMPOOL_SRC_* */
	mv_u32 pool_source_arg;		/* u64 */
	mv_u32 pool_magic;		/* u64 */
	mv_u32 pool_list;		/* struct list_head on mempools */
	mv_u32 pad;
	mv_u64 pool_magic_value;

	/* the kernel image, physical page frames [start, end) */
	mv_u64 kernel_start_pfn;
	mv_u64 kernel_end_pfn;
};

/*
 * The vmalloc area's live areas (struct vmap_area on the list that
 * mv_mminfo.vmap_areas names, sorted by address): offsets as above.
 */
#define MV_VM_IOREMAP	0x1u	/* vmap_area.flags: ioremap() */
#define MV_VM_ALLOC	0x2u	/* vmalloc() */
#define MV_VM_MAP	0x4u	/* vmap() */

struct mv_vmap_layout {
	mv_u32 sizeof_area;
	mv_u32 va_start;		/* u64 each */
	mv_u32 va_end;			/* past the guard page */
	mv_u32 list;			/* struct list_head */
	mv_u32 pages;			/* u64: struct page ** */
	mv_u32 nr_pages;		/* u32 */
	mv_u32 flags;			/* u32: MV_VM_* */
	mv_u32 phys_addr;		/* u64: ioremap's first byte */
	mv_u32 caller;			/* u64: a return address */
	mv_u32 pad;
	mv_u64 nr_areas;		/* guest-virtual address of an unsigned long */
	mv_u64 vmalloc_start, vmalloc_end;
};

/*
 * The per-CPU allocator (guest mm/percpu.c), in plain structs the guest
 * itself runs on: mv_mminfo.percpu points at the one mv_percpu_info, which
 * heads a singly linked list of chunks. Every chunk has nr_units units of
 * unit_size bytes, unit u at base + u * unit_size; CPU c's unit is c. The
 * first chunk's first static_size bytes of each unit are the static
 * DEFINE_PER_CPU variables (counted as used). The guest changes these under
 * its lock: a reader outside it may see a chunk mid-update (the VMM reads
 * with the vCPUs paused).
 */
#define MV_PERCPU_MAGIC		0x5550434d4d564d00ULL	/* "\0MVMMCPU" */
#define MV_PERCPU_CHUNK_MAGIC	0x4b4e484355504350ULL	/* "PCPUCHNK" */
#define MV_PERCPU_VERSION	1
#define MV_PERCPU_CHUNK_FIRST	0x1	/* holds the static variables */

struct mv_percpu_chunk {
	mv_u64 magic;		/* MV_PERCPU_CHUNK_MAGIC while on the list */
	mv_u64 next;		/* struct mv_percpu_chunk *, 0 at the end */
	mv_u64 base;		/* unit 0's address (direct map) */
	mv_u32 flags;		/* MV_PERCPU_CHUNK_* */
	mv_u32 start_offset;	/* bytes of each unit not for alloc_percpu */
	mv_u32 free_bytes;	/* per unit; used = unit_size - free_bytes */
	mv_u32 contig_bytes;	/* upper bound of the longest free run */
	mv_u32 nr_alloc;	/* live allocations */
	mv_u32 first_free;	/* byte offset below which all is allocated */
	mv_u32 max_alloc_size;	/* largest allocation made here */
	mv_u32 pad;
};

struct mv_percpu_info {
	mv_u64 magic;		/* MV_PERCPU_MAGIC */
	mv_u32 version;		/* MV_PERCPU_VERSION */
	mv_u32 size;		/* sizeof(struct mv_percpu_info) */
	mv_u64 chunks;		/* struct mv_percpu_chunk *: the first chunk */
	mv_u64 static_start;	/* the master copy (__start_percpu_data) */
	mv_u64 per_cpu_offset;	/* unsigned long[nr_units]: __per_cpu_offset */
	mv_u32 unit_size;
	mv_u32 nr_units;	/* possible CPUs */
	mv_u32 static_size;
	mv_u32 min_alloc_size;	/* the allocation map's granule */
	mv_u32 sizeof_chunk;	/* sizeof(struct mv_percpu_chunk) */
	mv_u32 nr_chunks;	/* on the list */
	mv_u32 nr_max_chunks;	/* most ever at once */
	mv_u32 pad;
	/* as /sys/kernel/debug/percpu_stats */
	mv_u64 nr_alloc;	/* allocations ever made */
	mv_u64 nr_dealloc;	/* and freed */
	mv_u64 nr_cur_alloc;	/* live */
	mv_u64 nr_max_alloc;	/* most ever live */
	mv_u64 min_alloc_size_seen;
	mv_u64 max_alloc_size_seen;
	mv_u64 nr_failed;	/* allocations that returned NULL */
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
	mv_u64 vmap_areas;	/* struct list_head of vmap_area (layout: vmap) */
	mv_u64 percpu;		/* struct mv_percpu_info, 0 until set up */
	mv_u64 mempools;	/* struct list_head of mempool_t */

	/* v2 */
	mv_u64 kernel_pgd_gpa;	/* the kernel page-table root (its CR3), physical */
	mv_u64 boot_params_gpa;	/* the boot params (the e820 copy) */
	mv_u32 nr_cpus;		/* CPUs the guest runs (<= alloc.nr_pcp) */
	mv_u32 page_shift;
	/* The layout tables, one per reader: the allocator's first. */
	struct mv_mm_layout_alloc alloc;
	struct mv_slab_layout slab;
	struct mv_vmap_layout vmap;
};

#endif
