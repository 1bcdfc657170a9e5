// SPDX-License-Identifier: MIT
/*
 * bootmem: the seed's boot-time allocation API (Linux 2.6's), on memblock.
 *
 * Before the page allocator takes over, requests are carved out of
 * memblock's free ranges and reserved there for good, so they may be far
 * larger than the buddy allocator's biggest block. After the handover,
 * late calls fall back to the page allocator (with a warning, as Linux).
 */
#include <linux/bootmem.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <memvisor/layout.h>

#include "internal.h"

phys_addr_t bootmem_low_limit = MV_ZONE_DMA_LIMIT;

/* After mm_init: whole pages from the buddy allocator, or NULL. */
static void *bootmem_late_alloc(unsigned long size, bool low)
{
	unsigned int order = get_order(size);

	WARN_ON_ONCE(1);	/* boot allocation after the page allocator took over */
	if (order >= MAX_ORDER)
		return NULL;
	return (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO |
					(low ? __GFP_DMA : 0), order);
}

void *__alloc_bootmem_nopanic(unsigned long size, unsigned long align,
			      unsigned long goal)
{
	void *p;

	if (WARN_ON(!size))
		return NULL;
	if (memblock.frozen)
		return bootmem_late_alloc(size, false);
	/* Above goal if there is room, anywhere below the direct map's end if not. */
	p = memblock_alloc_range(size, align, goal, MEMBLOCK_ALLOC_ACCESSIBLE);
	if (!p && goal)
		p = memblock_alloc_range(size, align, 0,
					 MEMBLOCK_ALLOC_ACCESSIBLE);
	return p;
}

void *__alloc_bootmem(unsigned long size, unsigned long align,
		      unsigned long goal)
{
	void *p = __alloc_bootmem_nopanic(size, align, goal);

	if (!p)
		panic("Out of memory: alloc_bootmem(%lu bytes, align %lu) failed",
		      size, align);
	return p;
}

void *__alloc_bootmem_low(unsigned long size, unsigned long align,
			  unsigned long goal)
{
	void *p;

	if (WARN_ON(!size))
		return NULL;
	if (memblock.frozen) {
		p = bootmem_late_alloc(size, true);
	} else {
		p = memblock_alloc_range(size, align, goal, bootmem_low_limit);
		if (!p && goal)
			p = memblock_alloc_range(size, align, 0,
						 bootmem_low_limit);
	}
	if (!p)
		panic("Out of memory: alloc_bootmem_low(%lu bytes) failed below %#llx",
		      size, (unsigned long long)bootmem_low_limit);
	return p;
}

/* The normal variants keep off ZONE_DMA while there is room above it. */
void *alloc_bootmem(unsigned long size)
{
	return __alloc_bootmem(size, SMP_CACHE_BYTES, bootmem_low_limit);
}

void *alloc_bootmem_pages(unsigned long size)
{
	return __alloc_bootmem(size, PAGE_SIZE, bootmem_low_limit);
}

void *alloc_bootmem_low(unsigned long size)
{
	return __alloc_bootmem_low(size, SMP_CACHE_BYTES, 0);
}

void *alloc_bootmem_low_pages(unsigned long size)
{
	return __alloc_bootmem_low(size, PAGE_SIZE, 0);
}

void free_bootmem(unsigned long addr, unsigned long size)
{
	unsigned long spfn, epfn;

	if (!memblock.frozen) {
		memblock_phys_free(addr, size);
		return;
	}
	/* Late: the whole pages inside the range go to the buddy allocator. */
	spfn = PFN_UP(addr);
	epfn = PFN_DOWN(addr + size);
	if (spfn >= epfn)
		return;
	/* Their struct pages first: a section initialised later frees what memblock does not keep. */
	deferred_init_range(spfn, min(epfn, max_pfn));
	memblock_phys_free(PFN_PHYS(spfn), PFN_PHYS(epfn - spfn));
	for (unsigned long pfn = spfn; pfn < epfn && pfn < max_pfn; pfn++)
		if (memblock_is_memory(PFN_PHYS(pfn)))
			free_reserved_page(pfn_to_page(pfn));
}
