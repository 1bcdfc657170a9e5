// SPDX-License-Identifier: MIT
/*
 * Boot memory after the handover: nothing the VMM or bootmem kept was given
 * to the buddy allocator, everything else was, and the bootmem_test=
 * buffers (linux/bootmem_selftest.h) are where and as they should be.
 */
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/bootmem.h>
#include <linux/bootmem_selftest.h>
#include <linux/ktest.h>
#include <memvisor/layout.h>

#include "mm_test_util.h"
#include "../internal.h"

/*
 * Every page of [start, end) is reserved: never managed, never free. A
 * struct page not initialised yet is not looked at: memblock must keep it.
 */
static bool range_reserved(phys_addr_t start, phys_addr_t end)
{
	for (unsigned long pfn = PFN_DOWN(start); pfn < PFN_UP(end); pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!pfn_initialised(pfn)) {
			if (!memblock_is_region_reserved(PFN_PHYS(pfn), PAGE_SIZE) ||
			    page_is_free(page))
				return false;
			continue;
		}
		if (!PageReserved(page) || page_is_free(page))
			return false;
	}
	return true;
}

KTEST(bootmem, boot_ranges_stay_reserved)
{
	struct mm_boot_info *bi = &mm_boot_info;

	KTEST_EXPECT_TRUE(t, range_reserved(0, PAGE_SIZE));
	KTEST_EXPECT_TRUE(t, range_reserved(bi->kernel_start, bi->kernel_end));
	KTEST_EXPECT_TRUE(t, range_reserved(bi->boot_alloc_start, bi->boot_alloc_end));
	KTEST_EXPECT_TRUE(t, range_reserved(bi->boot_params, bi->boot_params_end));
	if (bi->cmdline)
		KTEST_EXPECT_TRUE(t, range_reserved(bi->cmdline, bi->cmdline_end));
	KTEST_EXPECT_TRUE(t, range_reserved(__pa(mem_map),
					    __pa(mem_map) + max_pfn * sizeof(struct page)));
	KTEST_EXPECT_TRUE(t, range_reserved(MV_EBDA_START, MV_HOLE_END));
	KTEST_EXPECT_TRUE(t, memblock_is_region_reserved(bi->kernel_start,
							 bi->kernel_end - bi->kernel_start));
}

/*
 * Page by page: reserved in memblock (or not RAM) <=> never managed, for
 * every struct page initialised so far (the checker accounts the rest).
 */
KTEST(bootmem, memblock_matches_mem_map)
{
	unsigned long mismatches = 0, reserved = 0, holes = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		phys_addr_t pa = PFN_PHYS(pfn);
		bool ram = memblock_is_region_memory(pa, PAGE_SIZE);
		bool kept = memblock_is_region_reserved(pa, PAGE_SIZE);
		bool page_reserved;

		if (!pfn_initialised(pfn))
			continue;
		page_reserved = PageReserved(pfn_to_page(pfn));
		holes += !ram;
		reserved += ram && kept;
		if ((!ram || kept) != page_reserved) {
			if (!mismatches)
				ktest_fail(t, __FILE__, __LINE__,
					   "pfn %#lx: RAM %d, memblock reserved %d, PageReserved %d",
					   pfn, ram, kept, page_reserved);
			mismatches++;
		}
	}
	KTEST_EXPECT_EQ(t, mismatches, 0);
	KTEST_EXPECT_GT(t, reserved, 0);
	KTEST_EXPECT_GT(t, holes, 0);
	KTEST_EXPECT_TRUE(t, memblock.frozen);
	memblock_dump_all();
}

KTEST(bootmem, selftest_buffers)
{
	struct bootmem_selftest *bt = &bootmem_selftest;
	const u8 *p;

	if (!bt->done) {
		ktest_skip(t, "boot without bootmem_test=SIZE");
		return;
	}
	/* Larger than the buddy allocator's largest block, contiguous, kept. */
	KTEST_EXPECT_GT(t, bt->big_size, PAGE_SIZE << (MAX_ORDER - 1));
	KTEST_EXPECT_TRUE(t, range_reserved(bt->big, bt->big + bt->big_size));
	KTEST_EXPECT_GE(t, bt->big, bootmem_low_limit);	/* kept off ZONE_DMA */
	p = __va(bt->big);
	for (unsigned long i = 0; i < bt->big_size; i += 997)
		if (p[i] != bt->pattern) {
			ktest_fail(t, __FILE__, __LINE__, "big buffer overwritten at +%lu", i);
			break;
		}
	/* The _low variants are below 16 MiB, where the DMA device reaches. */
	KTEST_EXPECT_LE(t, bt->low + bt->low_size, MV_ZONE_DMA_LIMIT);
	KTEST_EXPECT_LE(t, bt->low_pages + bt->low_pages_size, MV_ZONE_DMA_LIMIT);
	KTEST_EXPECT_EQ(t, bt->low_pages & (PAGE_SIZE - 1), 0);
	KTEST_EXPECT_EQ(t, bt->low & (SMP_CACHE_BYTES - 1), 0);
	KTEST_EXPECT_TRUE(t, range_reserved(bt->low, bt->low + bt->low_size));
	KTEST_EXPECT_TRUE(t, range_reserved(bt->low_pages, bt->low_pages + bt->low_pages_size));
	KTEST_EXPECT_TRUE(t, range_reserved(bt->small, bt->small + bt->small_size));
	p = __va(bt->low);
	KTEST_EXPECT_EQ(t, p[0], bt->pattern);
	KTEST_EXPECT_EQ(t, p[bt->low_size - 1], bt->pattern);
	/* What was freed before the handover went to the buddy allocator. */
	for (unsigned long pfn = PFN_DOWN(bt->freed);
	     pfn < PFN_DOWN(bt->freed + bt->freed_size); pfn++)
		KTEST_EXPECT_TRUE(t, pfn_initialised(pfn) ?
				     !PageReserved(pfn_to_page(pfn)) :
				     page_is_free(pfn_to_page(pfn)));
	KTEST_EXPECT_FALSE(t, memblock_is_region_reserved(bt->freed, bt->freed_size));
}

/* After the handover, free_bootmem() gives whole pages to the buddy allocator. */
KTEST(bootmem, late_free_reaches_buddy)
{
	struct bootmem_selftest *bt = &bootmem_selftest;
	unsigned long before, managed;
	phys_addr_t start;

	if (!bt->done) {
		ktest_skip(t, "boot without bootmem_test=SIZE");
		return;
	}
	/* The last two pages of the big buffer: nobody uses them after this test. */
	start = bt->big + bt->big_size - 2 * PAGE_SIZE;
	if (!memblock_is_region_reserved(start, 2 * PAGE_SIZE)) {
		ktest_skip(t, "already freed by an earlier run");
		return;
	}
	before = mm_free_now();
	managed = totalram_pages;
	free_bootmem(start, 2 * PAGE_SIZE);
	bt->big_size -= 2 * PAGE_SIZE;
	KTEST_EXPECT_EQ(t, totalram_pages, managed + 2);
	KTEST_EXPECT_EQ(t, mm_free_now(), before + 2);
	KTEST_EXPECT_FALSE(t, memblock_is_region_reserved(start, 2 * PAGE_SIZE));
	KTEST_EXPECT_MM_CONSISTENT(t);
}
