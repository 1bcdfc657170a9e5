/* SPDX-License-Identifier: MIT */
/*
 * memblock: boot-time memory as two sorted tables of physical ranges, the
 * RAM the VMM's e820 map reports and the parts of it that are reserved
 * (firmware, the kernel image, boot params, the VMM's page tables, and every
 * boot-time allocation). Free memory is memory minus reserved. When the page
 * allocator takes over, memblock_free_all() hands the free ranges to the
 * buddy lists; the reserved table stays, so what bootmem kept can still be
 * listed (memblock_dump_all) and read by the VMM (by its symbol).
 */
#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H

#include <linux/types.h>

#define INIT_MEMBLOCK_REGIONS	128
/* Allocations with no upper bound stop at memblock.current_limit. */
#define MEMBLOCK_ALLOC_ACCESSIBLE	0

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	unsigned long flags;		/* reserved: 1 if a boot allocation made it */
};

#define MEMBLOCK_ALLOCATED	0x1UL	/* reserved by memblock_alloc, not by firmware */

struct memblock_type {
	unsigned long cnt;		/* regions in use */
	unsigned long max;		/* size of regions[] */
	phys_addr_t total_size;
	struct memblock_region *regions;
	const char *name;
};

struct memblock {
	bool bottom_up;			/* allocate upwards (default: top-down, as Linux) */
	bool frozen;			/* handed over to the page allocator */
	phys_addr_t current_limit;	/* the direct map's end: allocations stay below */
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;
/* memblock=debug: log every change and dump the tables at the handover. */
extern bool memblock_debug;

/* Forgets every range (tests; mm_init starts from this state). */
void memblock_reset(void);

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Un-reserves [base, base + size): memblock's view only (no buddy). */
int memblock_phys_free(phys_addr_t base, phys_addr_t size);

/*
 * A free, aligned range of size bytes within [start, end) (end 0 or
 * MEMBLOCK_ALLOC_ACCESSIBLE: current_limit), marked reserved; 0 if none.
 * Top-down unless memblock.bottom_up.
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end);
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);
/* The same, zeroed, as a direct-map pointer; NULL if none. */
void *memblock_alloc_range(phys_addr_t size, phys_addr_t align,
			   phys_addr_t start, phys_addr_t end);
void *memblock_alloc(phys_addr_t size, phys_addr_t align);
/* The same, not zeroed: not a byte of it is touched. */
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align);

void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);

bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);
/* True if any byte of [base, base + size) is reserved. */
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
/* True if all of [base, base + size) is memory. */
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);

/*
 * Walks free ranges (memory minus reserved) in ascending order:
 *	u64 i = 0; while (memblock_next_free_range(&i, &start, &end)) ...
 */
bool memblock_next_free_range(u64 *idx, phys_addr_t *out_start,
			      phys_addr_t *out_end);

/* Prints both tables, in the format of Linux's memblock=debug. */
void memblock_dump_all(void);

/*
 * Hands every free page to the buddy allocator, marks memblock frozen and
 * returns the number of pages released. Reserved ranges stay reserved. The
 * zones count the pages free and managed at once but put them on their
 * lists as they initialise their sections (memblock_free_deferred()).
 */
unsigned long memblock_free_all(void);
/* Pages of pfns [spfn, epfn) that no reserved range covers. */
unsigned long memblock_free_pages_in(unsigned long spfn, unsigned long epfn);
/*
 * Deferred init of pfns [spfn, epfn) of one zone, whose struct pages are
 * initialised: frees those pages to the buddy lists; returns how many.
 */
unsigned long memblock_free_deferred(unsigned long spfn, unsigned long epfn);

#endif
