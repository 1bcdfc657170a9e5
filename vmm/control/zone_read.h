/* SPDX-License-Identifier: MIT */
/*
 * The allocator-state readers (zone_read.c): zoneinfo and buddyinfo,
 * memblock's tables, memstats and the e820 map, each read into C structs.
 *
 * A reader takes an open inspection (inspect.h: the caller opens it, gives
 * it the query's bounds, takes its problems and closes it); what fails a
 * check on the way is noted there (insp_problem), as every reader does.
 * JSON is made from the structs at the edge: inspect_zones() and the other
 * inspect_*() of inspect.h, which the commands (zone_cmds.c) answer with.
 * Pure: no KVM, no locks (the commands park the vCPUs around a read).
 */
#ifndef VMM_CONTROL_ZONE_READ_H
#define VMM_CONTROL_ZONE_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect.h"

struct memmap;

#define ZONE_MAX_ORDER		20	/* free_area[] and pcp lists[] read */
#define ZONE_NAME_MAX		32

/* One CPU's per-CPU pageset of a zone, as the guest's fields say. */
struct zone_pcp_info {
	int32_t count, high, batch;
};

struct zone_info {
	unsigned int idx;		/* in contig_page_data.node_zones[] */
	char name[ZONE_NAME_MAX];	/* UTF-8 (\xHH for what is not) */
	uint64_t start_pfn, spanned, present, managed, free;
	uint64_t min, low, high;	/* the watermarks */
	uint64_t deferred, first_deferred_pfn;
	bool locked;			/* zone->lock was held */
	unsigned int nr_orders;
	uint64_t nr_free[ZONE_MAX_ORDER];	/* free_area[o].nr_free */
	/*
	 * One per CPU of nr_cpu_ids (capped by the zone's slots, at most
	 * MM_LAYOUT_MAX_STRUCT / the pageset's size): the reader's array,
	 * valid only during the callback that is handed the zone.
	 */
	unsigned int nr_pcp;
	struct zone_pcp_info *pcp;
	uint64_t pcp_pages;		/* the positive counts, summed */
};

/* Sees each zone read, in order; @z is valid only during the call. */
typedef void (*zone_info_fn)(const struct zone_info *z, void *opaque);

/*
 * Reads every zone through @in, checking each free list against its
 * nr_free and each CPU's pcp count against its lists, and hands each zone
 * to @fn (one struct held at a time). A zone whose struct cannot be read
 * is named and left out. 0; or -1 when the roots (mem_map, max_pfn,
 * nr_cpu_ids) could not be read: named, or in->stop set for a root the
 * guest has not set up yet.
 */
int zone_read_all(struct insp *in, zone_info_fn fn, void *opaque);

/*
 * A free block met on a walk: on free_area[@order] (@cpu -1) or on CPU
 * @cpu's pcp list @order, its pfn, its struct page's address @page_va and
 * copy @page (lay->page.size bytes). Called for every node that is a struct
 * page of mem_map, before the reader's own checks (so a checker sees the
 * block the reader names); @z's scalar fields (name, bounds, counters) are
 * read by then, its nr_free[] and pcp[] not yet.
 */
typedef void (*zone_block_fn)(const struct zone_info *z, int cpu,
			      unsigned int order, uint64_t pfn,
			      uint64_t page_va, const uint8_t *page,
			      void *opaque);

/* zone_read_all(), handing every free block to @block too (the checker). */
int zone_read_blocks(struct insp *in, zone_info_fn fn, zone_block_fn block,
		     void *opaque);

/*
 * Regions read per memblock type: 64 times what the guest starts with
 * (INIT_MEMBLOCK_REGIONS). 16 bytes each here, and about 500 in jansson
 * objects in the answer: 2 x 8192 stay under 10 MiB, where 2 x 65536
 * would pass the 64 MiB one query may take.
 */
#define MEMBLOCK_MAX_REGIONS	8192

struct memblock_region_info {
	uint64_t base, size;
};

struct memblock_type_info {
	uint64_t cnt, max, total_size;	/* the guest's */
	unsigned int nr;		/* regions read: cnt, or 0 */
	struct memblock_region_info *regions;	/* owned */
};

struct memblock_info {
	struct memblock_type_info memory, reserved;
};

/*
 * memblock's two tables, each region checked (no wrap, in order) and their
 * sum against total_size. 0, or -1 when struct memblock itself cannot be
 * read (named; @mb then empty). memblock_info_release() frees what @mb
 * holds, in either case.
 */
int memblock_read(struct insp *in, struct memblock_info *mb);
void memblock_info_release(struct memblock_info *mb);

/*
 * libvirt's virDomainMemoryStatTags (libvirt-domain.h, through libvirt.h:
 * headers only, nothing links against libvirt) and the names virsh
 * dommemstat prints for them (memstat_tag_name()).
 */
#ifdef HAVE_LIBVIRT_LIBVIRT_H
#include <libvirt/libvirt.h>
#else
/* libvirt-domain.h's values (a stable ABI), when it is not installed. */
enum {
	VIR_DOMAIN_MEMORY_STAT_SWAP_IN, VIR_DOMAIN_MEMORY_STAT_SWAP_OUT,
	VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT,
	VIR_DOMAIN_MEMORY_STAT_UNUSED, VIR_DOMAIN_MEMORY_STAT_AVAILABLE,
	VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, VIR_DOMAIN_MEMORY_STAT_RSS,
	VIR_DOMAIN_MEMORY_STAT_USABLE, VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE,
	VIR_DOMAIN_MEMORY_STAT_DISK_CACHES,
	VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC,
	VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, VIR_DOMAIN_MEMORY_STAT_NR
};
#endif

/* The stats the guest's state gives, by libvirt's tag; in KiB but for
 * last_update (seconds since the epoch). */
struct memstats {
	uint64_t val[VIR_DOMAIN_MEMORY_STAT_NR];
	bool have[VIR_DOMAIN_MEMORY_STAT_NR];
};

/*
 * actual (@ram_bytes, the RAM the VMM gave the guest) and last_update
 * (now); then, if @in is not NULL (an inspection that opened), the zones'
 * (zone_read_all(), its checks and all): unused (free: the buddy lists,
 * deferred pages and per-CPU lists), available (what the allocator
 * manages), usable (unused: guestmm has no page cache or reclaimable slab
 * to count) and disk_caches (0: no page cache). No swap, no fault
 * counters, no hugetlb: those are left out. 0, or -1 when the zones could
 * not be read (only actual and last_update then).
 */
int memstats_read(struct insp *in, uint64_t ram_bytes, struct memstats *st);

/*
 * The guest's copy of the e820 map (in its boot params, where the VMM
 * wrote it) against the VMM's own @mm: each difference named in @in
 * (opened with insp_init(): no layout needed).
 */
void e820_check_guest_copy(struct insp *in, const struct gmem *gm,
			   const struct memmap *mm);

#endif
