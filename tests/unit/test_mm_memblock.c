// SPDX-License-Identifier: MIT
/*
 * memblock and bootmem before the page allocator exists, on a hosted arena,
 * and mm_init() over various memory maps. (After-boot checks of the same
 * are KTEST cases: guestmm/mm/tests/bootmem_test.c.)
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>

#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/bootmem.h>
#include <linux/mmdebug.h>
#include <memvisor/layout.h>
#include <asm/hosted.h>

static struct mv_boot_params bp;

/* memblock as mm_init() builds it, without the rest of mm_init(). */
static void memblock_from_params(const struct hosted_boot_config *cfg)
{
	hosted_make_boot_params(cfg, &bp);
	memblock_reset();
	for (u32 i = 0; i < bp.e820_entries; i++)
		if (bp.e820[i].type == E820_TYPE_RAM)
			memblock_add(bp.e820[i].addr, bp.e820[i].size);
	memblock_reserve(0, PAGE_SIZE);
	memblock_reserve(bp.kernel_start, bp.kernel_end - bp.kernel_start);
	memblock_reserve(bp.boot_alloc_start, bp.boot_alloc_end - bp.boot_alloc_start);
	memblock_reserve(MV_BOOT_PARAMS_GPA, PAGE_SIZE);
	memblock_set_current_limit(bp.lowmem_limit);
	bootmem_low_limit = bp.dma_limit;
}

static void setup_64m(void)
{
	struct hosted_boot_config cfg;

	hosted_default_config(&cfg);
	memblock_from_params(&cfg);
}

TestSuite(memblock, .init = setup_64m);

static void expect_region(struct memblock_type *type, unsigned long i,
			  phys_addr_t base, phys_addr_t size)
{
	cr_expect_eq(type->regions[i].base, base, "%s[%lu].base %#llx, want %#llx",
		     type->name, i, (unsigned long long)type->regions[i].base,
		     (unsigned long long)base);
	cr_expect_eq(type->regions[i].size, size, "%s[%lu].size %#llx, want %#llx",
		     type->name, i, (unsigned long long)type->regions[i].size,
		     (unsigned long long)size);
}

Test(memblock, add_merges_and_sorts)
{
	struct memblock_type *m = &memblock.memory;

	memblock_reset();
	memblock_add(0x10000, 0x1000);
	memblock_add(0x1000, 0x1000);
	memblock_add(0x2000, 0x1000);		/* touches: merges */
	cr_assert_eq(m->cnt, 2);
	expect_region(m, 0, 0x1000, 0x2000);
	expect_region(m, 1, 0x10000, 0x1000);
	memblock_add(0x2800, 0xe000);		/* overlaps both: one region */
	cr_assert_eq(m->cnt, 1);
	expect_region(m, 0, 0x1000, 0x10000);
	cr_expect_eq(m->total_size, 0x10000);
	memblock_add(0x1000, 0x10000);		/* already there */
	cr_expect_eq(m->cnt, 1);
	cr_expect_eq(m->total_size, 0x10000);
}

Test(memblock, remove_splits)
{
	struct memblock_type *m = &memblock.memory;

	memblock_reset();
	memblock_add(0, 0x100000);
	memblock_remove(0x4000, 0x4000);
	cr_assert_eq(m->cnt, 2);
	expect_region(m, 0, 0, 0x4000);
	expect_region(m, 1, 0x8000, 0xf8000);
	memblock_remove(0, 0x5000);
	memblock_remove(0xf0000, 0x20000);
	cr_assert_eq(m->cnt, 1);
	expect_region(m, 0, 0x8000, 0xe8000);
	cr_expect_eq(m->total_size, 0xe8000);
}

Test(memblock, queries)
{
	cr_expect(memblock_is_memory(0x1000));
	cr_expect_not(memblock_is_memory(0));
	cr_expect_not(memblock_is_memory(MV_EBDA_START));
	cr_expect(memblock_is_memory(MV_HOLE_END));
	cr_expect(memblock_is_reserved(bp.kernel_start));
	cr_expect(memblock_is_reserved(bp.kernel_end - 1));
	cr_expect_not(memblock_is_reserved(bp.boot_alloc_end));
	cr_expect(memblock_is_region_memory(MV_HOLE_END, MV_MIB(1)));
	cr_expect_not(memblock_is_region_memory(MV_EBDA_START - PAGE_SIZE, 2 * PAGE_SIZE));
	cr_expect(memblock_is_region_reserved(bp.kernel_end - 1, 100));
	cr_expect_eq(memblock_start_of_DRAM(), MV_LOW_RESERVED_END);
	cr_expect_eq(memblock_end_of_DRAM(), MV_MIB(64));
}

Test(memblock, free_ranges_are_memory_minus_reserved)
{
	phys_addr_t s, e, total = 0, prev_end = 0;
	u64 i = 0;

	while (memblock_next_free_range(&i, &s, &e)) {
		cr_expect_lt(s, e);
		cr_expect_geq(s, prev_end);
		cr_expect(memblock_is_region_memory(s, e - s));
		cr_expect_not(memblock_is_region_reserved(s, e - s));
		total += e - s;
		prev_end = e;
	}
	/* Page 0 is reserved but not memory. */
	cr_expect_eq(total, memblock_phys_mem_size() - memblock_reserved_size() + PAGE_SIZE);
}

Test(memblock, alloc_top_down_below_limit)
{
	phys_addr_t a = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
	phys_addr_t b = memblock_phys_alloc(100, 64);

	cr_expect_eq(a, bp.lowmem_limit - PAGE_SIZE);
	cr_expect_eq(b, a - 128);
	cr_expect(memblock_is_region_reserved(a, PAGE_SIZE));
	memblock.bottom_up = true;
	cr_expect_eq(memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE), PAGE_SIZE);
}

Test(memblock, alloc_range_and_alignment)
{
	for (int i = 0; i < 50; i++) {
		phys_addr_t align = PAGE_SIZE << (i % 6);
		phys_addr_t p = memblock_phys_alloc_range(3000 + i, align,
							  MV_MIB(2), MV_MIB(10));

		cr_assert_neq(p, 0);
		cr_expect_eq(p & (align - 1), 0);
		cr_expect_geq(p, MV_MIB(2));
		cr_expect_leq(p + 3000 + i, MV_MIB(10));
	}
	cr_expect_eq(memblock_phys_alloc_range(MV_MIB(9), PAGE_SIZE, MV_MIB(2),
					       MV_MIB(10)), 0);
}

/* Whatever is asked, no byte of a reserved range is ever returned. */
Test(memblock, never_returns_reserved)
{
	u64 seed = 1;

	for (int i = 0; i < 300; i++) {
		phys_addr_t size, p;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		size = 1 + (seed >> 40) % (256 * 1024);
		cr_assert_eq(memblock_is_region_reserved(bp.kernel_start,
							 bp.kernel_end - bp.kernel_start), true);
		/* The range must have been free just before. */
		{
			phys_addr_t q = memblock_phys_alloc(size, 64);

			if (!q)
				break;
			memblock_phys_free(q, size);
			cr_assert_not(memblock_is_region_reserved(q, size));
			p = memblock_phys_alloc(size, 64);
			cr_assert_eq(p, q);
		}
		cr_expect(memblock_is_region_memory(p, size));
		cr_expect_not(p < bp.kernel_end && bp.kernel_start < p + size);
		cr_expect_not(p < bp.boot_alloc_end && bp.boot_alloc_start < p + size);
		cr_expect_not(p < MV_BOOT_PARAMS_GPA + PAGE_SIZE && MV_BOOT_PARAMS_GPA < p + size);
		cr_expect_not(p < PAGE_SIZE);
	}
}

Test(memblock, table_full)
{
	memblock_reset();
	memblock_add(0, MV_MIB(64));
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		cr_assert_eq(memblock_reserve(i * 2 * PAGE_SIZE, PAGE_SIZE), 0);
	cr_expect_neq(memblock_reserve(MV_MIB(32), PAGE_SIZE), 0);
	cr_expect_eq(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS);
}

Test(memblock, dump_format)
{
	hosted_log_clear();
	memblock_dump_all();
	cr_expect(hosted_log_contains("MEMBLOCK configuration:"));
	cr_expect(hosted_log_contains(" memory.cnt  = 0x2"));
	cr_expect(hosted_log_contains(" memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0"));
	cr_expect(hosted_log_contains(" reserved[0x0]\t[0x0000000000000000-0x0000000000000fff]"));
}

/* ---- bootmem, before the handover ---------------------------------------- */

TestSuite(bootmem, .init = setup_64m);

static bool zeroed(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

Test(bootmem, normal_variants_avoid_dma)
{
	void *a = alloc_bootmem(100);
	void *b = alloc_bootmem_pages(3 * PAGE_SIZE);

	cr_expect_geq(__pa(a), MV_ZONE_DMA_LIMIT);
	cr_expect_eq(__pa(a) % SMP_CACHE_BYTES, 0);
	cr_expect_geq(__pa(b), MV_ZONE_DMA_LIMIT);
	cr_expect_eq(__pa(b) % PAGE_SIZE, 0);
	cr_expect_leq(__pa(b) + 3 * PAGE_SIZE, bp.lowmem_limit);
	cr_expect(zeroed(b, 3 * PAGE_SIZE));
	cr_expect(memblock_is_region_reserved(__pa(b), 3 * PAGE_SIZE));
}

Test(bootmem, low_variants_below_16m)
{
	for (int i = 0; i < 20; i++) {
		void *a = alloc_bootmem_low(1 + i * 333);
		void *b = alloc_bootmem_low_pages(PAGE_SIZE * (1 + i % 3));

		cr_expect_leq(__pa(a) + 1 + i * 333, MV_ZONE_DMA_LIMIT);
		cr_expect_leq(__pa(b) + PAGE_SIZE * (1 + i % 3), MV_ZONE_DMA_LIMIT);
		cr_expect_eq(__pa(b) % PAGE_SIZE, 0);
		cr_expect(zeroed(a, 1 + i * 333));
	}
}

Test(bootmem, larger_than_max_order)
{
	unsigned long size = 12UL << 20;	/* three top-order blocks */
	char *p = alloc_bootmem_pages(size);

	cr_assert_not_null(p);
	cr_expect(zeroed(p, size));
	cr_expect(memblock_is_region_memory(__pa(p), size));
	cr_expect_not(__pa(p) < bp.kernel_end && bp.kernel_start < __pa(p) + size);
	memset(p, 1, size);
}

Test(bootmem, free_bootmem_unreserves)
{
	void *p = alloc_bootmem_pages(4 * PAGE_SIZE);

	free_bootmem(__pa(p), 4 * PAGE_SIZE);
	cr_expect_not(memblock_is_region_reserved(__pa(p), 4 * PAGE_SIZE));
	cr_expect_eq(alloc_bootmem_pages(4 * PAGE_SIZE), p);	/* the same again */
}

Test(bootmem, fallback_below_goal)
{
	/* The normal variant prefers above 16 MiB but takes low memory if it must. */
	void *p;

	memblock_reserve(MV_ZONE_DMA_LIMIT, bp.lowmem_limit - MV_ZONE_DMA_LIMIT);
	p = alloc_bootmem(MV_MIB(1));
	cr_assert_not_null(p);
	cr_expect_lt(__pa(p), MV_ZONE_DMA_LIMIT);
}

Test(bootmem, exhaustion_panics, .signal = SIGABRT)
{
	alloc_bootmem(MV_MIB(512));
}

Test(bootmem, low_exhaustion_panics, .signal = SIGABRT)
{
	alloc_bootmem_low(MV_MIB(17));
}

/* ---- mm_init over different maps ------------------------------------------ */

static void boot_and_check(unsigned long mem, unsigned long lowmem)
{
	struct hosted_boot_config cfg;
	struct page_alloc_check r;
	struct zone *zone;
	unsigned long present = 0;

	hosted_default_config(&cfg);
	cfg.mem_size = mem;
	cfg.lowmem = lowmem;
	hosted_boot(&cfg);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	for_each_zone(zone)
		present += zone->present_pages;
	cr_expect_eq(present << PAGE_SHIFT, hosted_boot_params.mem_size);
	cr_expect_eq(max_pfn, mem >> PAGE_SHIFT);
	cr_expect_eq(contig_page_data.node_zones[ZONE_HIGHMEM].present_pages,
		     (mem - (lowmem ? lowmem : mem / 2)) >> PAGE_SHIFT);
}

Test(mm_init, sizes_16m_to_1g)
{
	boot_and_check(MV_MIB(16), MV_MIB(16));		/* DMA only */
	boot_and_check(MV_MIB(32), 0);
	boot_and_check(MV_MIB(256), 0);
	boot_and_check(MV_MIB(200), MV_MIB(200));	/* no highmem */
	boot_and_check(MV_GIB(1), 0);
}

Test(mm_init, e820_reserved_range_excluded)
{
	struct hosted_boot_config cfg;
	struct page_alloc_check r;

	hosted_default_config(&cfg);
	cfg.nr_reserves = 2;
	cfg.reserve[0].addr = MV_MIB(20);
	cfg.reserve[0].size = MV_MIB(1);
	cfg.reserve[1].addr = MV_MIB(5);
	cfg.reserve[1].size = 3 * PAGE_SIZE;
	hosted_boot(&cfg);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	deferred_init_all();	/* the struct pages looked at below */
	for (unsigned long pfn = MV_MIB(20) >> PAGE_SHIFT; pfn < MV_MIB(21) >> PAGE_SHIFT; pfn++) {
		cr_expect(PageReserved(pfn_to_page(pfn)));
		cr_expect_not(memblock_is_memory(PFN_PHYS(pfn)));
	}
	cr_expect(PageReserved(pfn_to_page(MV_MIB(5) >> PAGE_SHIFT)));
	cr_expect(PageReserved(pfn_to_page((MV_MIB(5) >> PAGE_SHIFT) + 2)));
	cr_expect_not(PageReserved(pfn_to_page((MV_MIB(5) >> PAGE_SHIFT) + 3)));
	cr_expect_eq(contig_page_data.node_zones[ZONE_NORMAL].present_pages,
		     (MV_MIB(16) - MV_MIB(1)) >> PAGE_SHIFT);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
}

Test(mm_init, memblock_debug_dumps_tables)
{
	struct hosted_boot_config cfg;

	hosted_default_config(&cfg);
	cfg.memblock_debug = true;
	hosted_boot(&cfg);
	cr_expect(hosted_log_contains("memblock_reserve: [0x0000000000100000-"));
	cr_expect(hosted_log_contains("MEMBLOCK configuration:"));
	cr_expect(hosted_log_contains(" reserved.cnt  = "));
}
