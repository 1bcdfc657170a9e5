/* SPDX-License-Identifier: MIT */
/*
 * Boot-time allocations, the seed's API (Linux 2.6's bootmem), on memblock.
 * Memory is zeroed; a failure panics, as Linux's alloc_bootmem did. The
 * _low variants stay below the DMA limit (16 MiB) so the DMA device can
 * reach them; the others prefer memory above it, keeping ZONE_DMA for those
 * that need it. Sizes are not limited by the buddy allocator's orders.
 */
#ifndef _LINUX_BOOTMEM_H
#define _LINUX_BOOTMEM_H

#include <linux/types.h>
#include <linux/memblock.h>

/* Default alignment: a cache line (SMP_CACHE_BYTES). */
#define SMP_CACHE_BYTES		64

void *alloc_bootmem(unsigned long size);
void *alloc_bootmem_low(unsigned long size);
void *alloc_bootmem_pages(unsigned long size);
void *alloc_bootmem_low_pages(unsigned long size);

/*
 * Gives back [addr, addr + size); addr is physical, as on Linux (pass
 * __pa(ptr)). After the page allocator took over, whole pages go to it.
 */
void free_bootmem(unsigned long addr, unsigned long size);

/* Size, alignment and a preferred lowest address (goal); panics on failure. */
void *__alloc_bootmem(unsigned long size, unsigned long align,
		      unsigned long goal);
/* The same, NULL on failure. */
void *__alloc_bootmem_nopanic(unsigned long size, unsigned long align,
			      unsigned long goal);
/* The same, but below limit. */
void *__alloc_bootmem_low(unsigned long size, unsigned long align,
			  unsigned long goal);

/* Where ZONE_DMA ends: _low allocations stay below (set by mm_init). */
extern phys_addr_t bootmem_low_limit;

#endif
