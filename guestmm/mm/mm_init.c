// SPDX-License-Identifier: MIT
/*
 * mm_init(): from the VMM's e820 map to a running buddy allocator.
 *
 * memblock learns RAM from the e820 map and what must stay untouched (the
 * kernel image, boot params, command line, the VMM's page tables and boot
 * stacks); mem_map and any boot buffers are carved out of it; the zones get
 * their spans; then every page memblock did not keep is counted free and
 * managed by its zone, and the watermarks are set from what the zones
 * manage. The struct pages are initialised (and the free pages among them
 * put on the buddy lists) a section at a time, when a zone's lists run dry
 * (Linux's deferred struct page init): boot costs the same at 256 MiB and
 * 64 GiB, and mem_map stays untouched, so uncommitted, where no allocation
 * reached. The same code runs in the hosted build on a synthesized e820 map
 * over an mmap'ed arena.
 */
#include <linux/mm.h>
#ifndef __HOSTED__
#include <linux/dmadev.h>
#endif
#include <linux/memblock.h>
#include <linux/bootmem.h>
#include <linux/bootmem_selftest.h>
#include <linux/highmem.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/page_owner.h>
#include <memvisor/bootparams.h>
#include <memvisor/layout.h>

#include "internal.h"

struct mm_boot_info mm_boot_info;
int min_free_kbytes;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };
/* lowmem_reserve[]: a zone keeps 1/ratio of the higher zones' pages back. */
static const unsigned int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 32, 0 };

/* Where each zone ends (pfn), from the boot params. */
static unsigned long zone_end[MAX_NR_ZONES];

static void memblock_from_e820(const struct mv_boot_params *bp)
{
	u32 n = min_t(u32, bp->e820_entries, E820_MAX_ENTRIES);

	for (u32 i = 0; i < n; i++)
		if (bp->e820[i].type == E820_TYPE_RAM)
			memblock_add(bp->e820[i].addr, bp->e820[i].size);
	/* Reserved types inside RAM ranges, should a map overlap them. */
	for (u32 i = 0; i < n; i++)
		if (bp->e820[i].type != E820_TYPE_RAM)
			memblock_remove(bp->e820[i].addr, bp->e820[i].size);
}

static void reserve_range(u64 start, u64 end)
{
	if (end > start)
		memblock_reserve(ALIGN_DOWN(start, PAGE_SIZE),
				 ALIGN(end, PAGE_SIZE) - ALIGN_DOWN(start, PAGE_SIZE));
}

/* What the VMM put in RAM before us: never handed out. */
static void reserve_boot_ranges(const struct mv_boot_params *bp)
{
	struct mm_boot_info *bi = &mm_boot_info;

	bi->kernel_start = bp->kernel_start;
	bi->kernel_end = bp->kernel_end;
	bi->boot_alloc_start = bp->boot_alloc_start;
	bi->boot_alloc_end = bp->boot_alloc_end;
	bi->boot_params = MV_BOOT_PARAMS_GPA;
	bi->boot_params_end = MV_BOOT_PARAMS_GPA + sizeof(*bp);
	bi->cmdline = bp->cmdline;
	bi->cmdline_end = bp->cmdline ? bp->cmdline + MV_CMDLINE_MAX : 0;
	bi->dma_limit = bp->dma_limit;
	bi->lowmem_limit = bp->lowmem_limit;
	bi->ram_end = bp->ram_end;

	reserve_range(0, PAGE_SIZE);	/* a NULL pfn is never handed out */
	reserve_range(bp->kernel_start, bp->kernel_end);
	reserve_range(bp->boot_alloc_start, bp->boot_alloc_end);
	reserve_range(MV_BOOT_PARAMS_GPA, MV_BOOT_PARAMS_GPA + sizeof(*bp));
	if (bp->cmdline)
		reserve_range(bp->cmdline, bp->cmdline + MV_CMDLINE_MAX);
}

static unsigned long present_pages_in(unsigned long spfn, unsigned long epfn)
{
	struct memblock_type *mem = &memblock.memory;
	unsigned long n = 0;

	for (unsigned long i = 0; i < mem->cnt; i++) {
		unsigned long s = PFN_UP(mem->regions[i].base);
		unsigned long e = PFN_DOWN(mem->regions[i].base + mem->regions[i].size);

		s = max(s, spfn);
		e = min(e, epfn);
		if (s < e)
			n += e - s;
	}
	return n;
}

static void zone_init(struct zone *zone, enum zone_type idx,
		      unsigned long spfn, unsigned long epfn)
{
	memset(zone, 0, sizeof(*zone));
	zone->idx = idx;
	zone->name = zone_names[idx];
	zone->zone_pgdat = &contig_page_data;
	zone->zone_start_pfn = spfn;
	zone->spanned_pages = epfn > spfn ? epfn - spfn : 0;
	zone->present_pages = present_pages_in(spfn, epfn);
	zone->first_deferred_pfn = spfn;
	spin_lock_init(&zone->lock);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		INIT_LIST_HEAD(&zone->free_area[o].free_list);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		for (unsigned int o = 0; o < NR_PCP_ORDERS; o++)
			INIT_LIST_HEAD(&zone->pcp[cpu].lists[o]);
}

static void zones_init(const struct mv_boot_params *bp)
{
	pg_data_t *pgdat = &contig_page_data;
	unsigned long start = 0;

	zone_end[ZONE_DMA] = min(PFN_DOWN(bp->dma_limit), max_pfn);
	zone_end[ZONE_NORMAL] = max(min(PFN_DOWN(bp->lowmem_limit), max_pfn),
				    zone_end[ZONE_DMA]);
	zone_end[ZONE_HIGHMEM] = max_pfn;

	pgdat->nr_zones = 0;
	pgdat->node_id = 0;
	pgdat->node_start_pfn = 0;
	pgdat->node_spanned_pages = max_pfn;
	pgdat->node_present_pages = 0;
	pgdat->node_mem_map = mem_map;
	pgdat->nr_free_waiters = 0;
	pgdat->free_seq = 0;
	init_waitqueue_head(&pgdat->free_wait);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		zone_init(zone, z, start, zone_end[z]);
		start = zone_end[z];
		pgdat->node_present_pages += zone->present_pages;
		if (populated_zone(zone))
			pgdat->nr_zones++;
	}
}

/* Every struct page starts reserved, in its zone; memblock's free pages are then freed. */
static void memmap_init_range(unsigned long spfn, unsigned long epfn,
			      enum zone_type zid)
{
	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		memset(page, 0, sizeof(*page));
		set_page_zone(page, zid);
		__SetPageReserved(page);
		set_page_count(page, 1);
		INIT_LIST_HEAD(&page->lru);
	}
}

unsigned long deferred_init_section(struct zone *zone)
{
	unsigned long spfn = zone->first_deferred_pfn;
	unsigned long epfn = min(ALIGN(spfn + 1, PAGES_PER_SECTION),
				 zone_end_pfn(zone));
	unsigned long freed;

	if (spfn >= epfn)
		return 0;
	memmap_init_range(spfn, epfn, zone->idx);
	freed = memblock_free_deferred(spfn, epfn);
	zone->first_deferred_pfn = epfn;
	return freed;
}

struct zone *pfn_to_zone(unsigned long pfn)
{
	struct zone *zone;

	for_each_zone(zone)
		if (zone_spans_pfn(zone, pfn))
			return zone;
	return NULL;
}

bool pfn_initialised(unsigned long pfn)
{
	struct zone *zone = pfn_to_zone(pfn);

	return zone && pfn < READ_ONCE(zone->first_deferred_pfn);
}

/* A section per lock hold: the zone keeps serving allocations meanwhile. */
static void deferred_init_zone_upto(struct zone *zone, unsigned long epfn)
{
	epfn = min(epfn, zone_end_pfn(zone));
	for (;;) {
		unsigned long flags;
		bool done;

		spin_lock_irqsave(&zone->lock, flags);
		done = zone->first_deferred_pfn >= epfn;
		if (!done)
			deferred_init_section(zone);
		spin_unlock_irqrestore(&zone->lock, flags);
		if (done)
			return;
	}
}

void deferred_init_range(unsigned long spfn, unsigned long epfn)
{
	struct zone *zone;

	for_each_zone(zone)
		if (zone->zone_start_pfn < epfn && spfn < zone_end_pfn(zone))
			deferred_init_zone_upto(zone, epfn);
}

void deferred_init_all(void)
{
	deferred_init_range(0, max_pfn);
}

#define clamp_val(v, lo, hi)	min(max((v), (lo)), (hi))

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (sizeof(long) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/*
 * Linux 2.6's watermarks: min_free_kbytes = sqrt(16 * lowmem KiB), shared
 * among the lowmem zones by size; highmem keeps a small fixed min. low is
 * min + 1/4, high min + 1/2.
 */
void setup_per_zone_wmarks(void)
{
	unsigned long lowmem_pages = 0, pages_min;
	struct zone *zone;

	for_each_zone(zone)
		if (!is_highmem(zone))
			lowmem_pages += zone->managed_pages;
	min_free_kbytes = clamp_val(int_sqrt(lowmem_pages * (PAGE_SIZE >> 10) * 16),
				    128UL, 65536UL);
	pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);

	for_each_zone(zone) {
		unsigned long min;

		if (is_highmem(zone))
			min = clamp_val(zone->managed_pages / 1024, 32UL, 128UL);
		else
			min = lowmem_pages ?
			      pages_min * zone->managed_pages / lowmem_pages : 0;
		if (!zone->managed_pages)
			min = 0;
		zone->_watermark[WMARK_MIN] = min;
		zone->_watermark[WMARK_LOW] = min + min / 4;
		zone->_watermark[WMARK_HIGH] = min + min / 2;
	}
}

/* Keeps lower zones from being eaten by allocations that could go higher. */
void setup_per_zone_lowmem_reserve(void)
{
	struct zone *zones = contig_page_data.node_zones;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		unsigned long above = 0;

		zones[i].lowmem_reserve[i] = 0;
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			above += zones[j].managed_pages;
			zones[i].lowmem_reserve[j] = lowmem_reserve_ratio[i] ?
				above / lowmem_reserve_ratio[i] : 0;
		}
		for (int j = 0; j < i; j++)
			zones[i].lowmem_reserve[j] = 0;
	}
}

static void print_summary(const struct mv_boot_params *bp)
{
	unsigned long reserved_kb, image_kb;
	struct memblock_type *mem = &memblock.memory;
	struct zone *zone;

	pr_info("Early memory node ranges\n");
	for (unsigned long r = 0; r < mem->cnt; r++)
		pr_info("  node   0: [mem 0x%016llx-0x%016llx]\n",
			(unsigned long long)mem->regions[r].base,
			(unsigned long long)(mem->regions[r].base +
					     mem->regions[r].size - 1));
	pr_info("mem_map: %lu struct pages (%lu KiB) at [mem 0x%016llx-0x%016llx]\n",
		max_pfn, (max_pfn * sizeof(struct page)) >> 10,
		(unsigned long long)__pa(mem_map),
		(unsigned long long)(__pa(mem_map) + max_pfn * sizeof(struct page) - 1));
	pr_info("Zone       start pfn  spanned  present  managed reserved    min    low   high  batch\n");
	for_each_zone(zone)
		pr_info("  %-8s %#10lx %8lu %8lu %8lu %8lu %6lu %6lu %6lu %6d\n",
			zone->name, zone->zone_start_pfn, zone->spanned_pages,
			zone->present_pages, zone->managed_pages,
			zone->present_pages - zone->managed_pages,
			min_wmark_pages(zone), low_wmark_pages(zone),
			high_wmark_pages(zone), zone->pcp[0].batch);
	pr_info("Built 1 zonelists, mobility grouping off. Total pages: %lu\n",
		totalram_pages);
	pr_info("Deferred struct page init: %lu pages per section, on first use\n",
		PAGES_PER_SECTION);
	image_kb = (unsigned long)(bp->kernel_end - bp->kernel_start) >> 10;
	reserved_kb = (unsigned long)((memblock_phys_mem_size() >> PAGE_SHIFT) -
				      totalram_pages) << (PAGE_SHIFT - 10);
	pr_info("Memory: %luK/%luK available (%luK kernel code+data, %luK reserved, %luK highmem), min_free_kbytes %d\n",
		totalram_pages << (PAGE_SHIFT - 10),
		(unsigned long)(memblock_phys_mem_size() >> 10), image_kb,
		reserved_kb, totalhigh_pages << (PAGE_SHIFT - 10),
		min_free_kbytes);
}

void mm_init(const struct mv_boot_params *bp)
{
	phys_addr_t direct_end = min(bp->lowmem_limit, bp->direct_map_end_phys);
	size_t map_size;
	struct zone *zone;

	page_alloc_ready = false;
	totalram_pages = 0;
	totalhigh_pages = 0;
	memblock_reset();
	memblock_from_e820(bp);
	reserve_boot_ranges(bp);
	bootmem_low_limit = bp->dma_limit;
	memblock_set_current_limit(direct_end);

	max_pfn = PFN_DOWN(memblock_end_of_DRAM());
	max_low_pfn = min(PFN_DOWN(direct_end), max_pfn);
	if (!max_pfn)
		panic("mm_init: the e820 map has no usable RAM");

	if (bootmem_selftest.size)
		bootmem_selftest_boot();
#ifndef __HOSTED__
	dmadev_reserve_bootmem();	/* dmadev.bootbuf=: one piece below 16 MiB */
#endif

	/* Not zeroed: a section's struct pages are written when it is initialised. */
	map_size = max_pfn * sizeof(struct page);
	mem_map = memblock_alloc_raw(map_size, PAGE_SIZE);
	if (!mem_map)
		panic("mm_init: no room for mem_map (%zu KiB) below %#llx",
		      map_size >> 10, (unsigned long long)direct_end);
	page_owner_init();

	zones_init(bp);
	memblock_free_all();
	/* ZONE_DMA at once (16 MiB): the kernel image's struct pages say reserved. */
	deferred_init_range(0, zone_end[ZONE_DMA]);

	for_each_zone(zone)
		zone_pcp_init(zone);
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	kmap_init();
	page_alloc_ready = true;
	print_summary(bp);
}
