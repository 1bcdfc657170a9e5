/* SPDX-License-Identifier: MIT */
/*
 * query-physmap: a picture of guest physical memory, page by page (or
 * group by group): what owns each frame, as run-length runs, with the
 * zones' boundaries and fragmentation figures, and the e820 map.
 *
 * One pass over mem_map, read in batches (the struct pages are what say
 * most: page_owner.c's one look), and a few reads made once per query for
 * what a struct page cannot say: the kernel's page tables, memblock's
 * reserved regions, the vmap areas' pages (vmalloc, the module area), the
 * per-CPU chunks. Never a search per page: 65536 pages fit one query's
 * parked time (INSP_QUERY_PARK_NS). What the deadline leaves unread is
 * said by "next-pfn" (the client asks again from there) and "incomplete".
 * Pure: no vm, no locks (the command parks the vCPUs around the read).
 */
#ifndef VMM_CONTROL_PHYSMAP_H
#define VMM_CONTROL_PHYSMAP_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "qmp.h"

struct insp_bounds;
struct mm_layout;

/* pages one answer covers: their struct pages, half INSP_READ_BUDGET */
#define PHYSMAP_MAX_PAGES	(1U << 19)
#define PHYSMAP_MAX_RUNS	16384		/* runs one answer lists */
#define PHYSMAP_MAX_GROUP	65536		/* pages per cell */
#define PHYSMAP_MAX_CACHES	512		/* slab caches named per answer */

/* What owns a frame, as the map colours it. */
enum physmap_class {
	PHYSMAP_HOLE,		/* no RAM (e820 hole), or beyond max_pfn */
	PHYSMAP_FREE,		/* in a free buddy block (with its order) */
	PHYSMAP_PCP,		/* on a per-CPU free list */
	PHYSMAP_SLAB,		/* a slab's page (with its cache) */
	PHYSMAP_PAGETABLE,	/* one of the kernel's page tables */
	PHYSMAP_VMALLOC,	/* a vmalloc or vmap area's page */
	PHYSMAP_MODULE,		/* a page of the module area */
	PHYSMAP_PERCPU,		/* a per-CPU chunk's page */
	PHYSMAP_DMA,		/* the DMA engine's ring or in-flight buffer */
	PHYSMAP_BOOTMEM,	/* memblock.reserved */
	PHYSMAP_KERNEL,		/* the kernel image */
	PHYSMAP_RESERVED,	/* PG_reserved, nobody's we know (firmware) */
	PHYSMAP_ALLOCATED,	/* allocated, by nobody we can name */
	PHYSMAP_UNKNOWN,	/* nothing says */
	PHYSMAP_NR_CLASSES
};

/* The class's name in the answer ("free", "slab", ...). */
const char *physmap_class_name(enum physmap_class c);

/*
 * Linux's fragmentation figures (mm/vmstat.c), in thousandths, from a
 * zone's free blocks per order (@nr_free[0..@nr_orders)) for an
 * allocation of @order: unusable_free_index (the share of free pages no
 * block of that order can serve: /sys/kernel/debug/extfrag/unusable_index)
 * and __fragmentation_index (extfrag_index: towards 1000 a failure is
 * fragmentation, towards 0 too little memory; -1000 when a block would be
 * found).
 */
int physmap_unusable_index(const uint64_t *nr_free, unsigned int nr_orders,
			   unsigned int order);
int physmap_extfrag_index(const uint64_t *nr_free, unsigned int nr_orders,
			  unsigned int order);

/* Guest-physical bytes [pa, pa + len): what the VMM's devices hold. */
struct physmap_range {
	uint64_t pa, len;
};

#define PHYSMAP_MAX_DMA	4	/* ranges: the ring, a command's two buffers */

struct physmap_args {
	uint64_t start_pfn;
	uint64_t count;		/* 0: up to max_pfn; an answer covers at most
				 * PHYSMAP_MAX_PAGES of it, then next-pfn */
	unsigned int group;	/* pages per cell, 1..PHYSMAP_MAX_GROUP */
	/* the DMA engine's (the VMM's own view, not the guest's): DMA class */
	unsigned int nr_dma;
	struct physmap_range dma[PHYSMAP_MAX_DMA];
};

/*
 * The command's "return" object (but "e820", which the command adds from
 * the VMM's own map), or NULL with @e set (no memory manager, mem_map not
 * set up): runs [{pfn, count, kind, order?, cache?}] covering
 * [start-pfn, next-pfn or end-pfn), a cell of @a->group pages taking the
 * class most of its pages have; "counts" of every class, page by page;
 * the zones with their boundaries and fragmentation figures.
 */
json_t *physmap_read(const struct gmem *gm, uint64_t cr3,
		     const struct mm_layout *lay, const struct insp_bounds *b,
		     const struct physmap_args *a, struct errbuf *e);

json_t *cmd_query_physmap(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err);

#define PHYSMAP_COMMANDS						\
	{ .name = QMP_VENDOR "query-physmap", .fn = cmd_query_physmap,	\
	  .args = { { "start-pfn", QMP_ARG_INT, true },			\
		    { "count", QMP_ARG_INT, true },			\
		    { "group", QMP_ARG_INT, true } } },

#endif
