// SPDX-License-Identifier: MIT
/*
 * Host-only checks of the page allocator where the numbers are known
 * exactly: a fresh hosted boot of a given size. (The behaviour checks are
 * KTEST cases, run in both builds: guestmm/mm/tests/.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/memblock.h>
#include <linux/bootmem.h>
#include <linux/bootmem_selftest.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/completion.h>
#include <memvisor/layout.h>
#include <asm/hosted.h>

static void boot_mib(unsigned long mib)
{
	struct hosted_boot_config cfg;

	hosted_default_config(&cfg);
	cfg.mem_size = MV_MIB(mib);
	hosted_boot(&cfg);
}

static struct zone *zone_of(int z)
{
	return &contig_page_data.node_zones[z];
}

Test(page_alloc, boot_summary_printed)
{
	boot_mib(64);
	cr_expect(hosted_log_contains("Zone       start pfn  spanned  present  managed"));
	cr_expect(hosted_log_contains("  DMA               0     4096     3998"));
	cr_expect(hosted_log_contains("Built 1 zonelists"));
	cr_expect(hosted_log_contains("Memory: "));
	cr_expect(hosted_log_contains("K highmem)"));
}

/* Linux 2.6's formulas: min_free_kbytes = sqrt(16 * lowmem KiB), split by size. */
Test(page_alloc, watermarks_follow_linux)
{
	unsigned long lowmem_kb, min_kb, sum_min = 0;
	extern int min_free_kbytes;

	boot_mib(256);
	lowmem_kb = (zone_of(ZONE_DMA)->managed_pages +
		     zone_of(ZONE_NORMAL)->managed_pages) * 4;
	for (min_kb = 0; (min_kb + 1) * (min_kb + 1) <= lowmem_kb * 16; min_kb++)
		;
	cr_expect_eq((unsigned long)min_free_kbytes, min_kb);
	for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
		struct zone *zone = zone_of(z);

		sum_min += min_wmark_pages(zone);
		cr_expect_eq(low_wmark_pages(zone), min_wmark_pages(zone) * 5 / 4);
		cr_expect_eq(high_wmark_pages(zone), min_wmark_pages(zone) * 3 / 2);
	}
	cr_expect_leq(sum_min, min_kb / 4);
	cr_expect_geq(sum_min, min_kb / 4 - 2);
	cr_expect_eq(min_wmark_pages(zone_of(ZONE_HIGHMEM)), 32);	/* 128 MiB / 1024, at least 32 */
	cr_expect_eq(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL],
		     zone_of(ZONE_NORMAL)->managed_pages / 256);
	cr_expect_eq(zone_of(ZONE_NORMAL)->lowmem_reserve[ZONE_HIGHMEM],
		     zone_of(ZONE_HIGHMEM)->managed_pages / 32);
}

Test(page_alloc, pcp_batch_follows_linux)
{
	boot_mib(1024);
	/* 512 MiB NORMAL: 1/4 of a thousandth, rounded to 2^n - 1. */
	cr_expect_eq(zone_of(ZONE_NORMAL)->pcp[0].batch, 31);
	cr_expect_eq(zone_of(ZONE_NORMAL)->pcp[0].high, 6 * 31);
	cr_expect_eq(zone_of(ZONE_DMA)->pcp[0].batch, 1);
}

Test(page_alloc, gfp_names)
{
	char buf[128];

	gfp_flags_snprint(buf, sizeof(buf), GFP_KERNEL);
	cr_expect_str_eq(buf, "GFP_KERNEL");
	gfp_flags_snprint(buf, sizeof(buf), GFP_HIGHUSER | __GFP_NOWARN | __GFP_COLD);
	cr_expect_str_eq(buf, "GFP_HIGHUSER|__GFP_COLD|__GFP_NOWARN");
	gfp_flags_snprint(buf, sizeof(buf), GFP_ATOMIC | __GFP_DMA);
	cr_expect_str_eq(buf, "GFP_ATOMIC|__GFP_DMA");
	gfp_flags_snprint(buf, sizeof(buf), 0);
	cr_expect_str_eq(buf, "GFP_NOWAIT");
	gfp_flags_snprint(buf, sizeof(buf), GFP_NOIO | 0x100000);
	cr_expect_str_eq(buf, "GFP_NOIO|0x100000");
}

Test(page_alloc, buddyinfo_and_zoneinfo)
{
	char line[64];

	boot_mib(64);
	hosted_log_clear();
	show_buddyinfo();
	cr_expect(hosted_log_contains("Node 0, zone      DMA "));
	cr_expect(hosted_log_contains("Node 0, zone   Normal "));
	cr_expect(hosted_log_contains("Node 0, zone  HighMem "));
	show_zoneinfo();
	cr_expect(hosted_log_contains("  pages free     "));
	cr_expect(hosted_log_contains("        managed  8192"));
	/* 64 MiB: HIGHMEM [32, 64) MiB, not a struct page of it initialised yet */
	cr_expect(hosted_log_contains("        deferred 8192 (struct pages initialised below pfn 8192)"));
	snprintf(line, sizeof(line), "protection: (0, %lu, %lu)",
		 zone_of(ZONE_NORMAL)->managed_pages / 256,
		 (zone_of(ZONE_NORMAL)->managed_pages + 8192) / 256);
	cr_expect(hosted_log_contains(line), "no \"%s\"", line);
	cr_expect(hosted_log_contains("  pagesets"));
}

/* Pages cached on another CPU's list come back through an IPI. */
struct cacher {
	struct completion cached;
	struct completion release;
	int cpu;
};

static int cache_pages(void *data)
{
	struct cacher *c = data;
	struct page *p[4];

	c->cpu = smp_processor_id();
	for (int i = 0; i < 4; i++)
		p[i] = alloc_page(GFP_KERNEL);
	for (int i = 0; i < 4; i++)
		__free_page(p[i]);	/* onto this CPU's list */
	complete(&c->cached);
	wait_for_completion(&c->release);
	return 0;
}

Test(page_alloc, drain_all_pages_reaches_other_cpus)
{
	struct cacher c;
	struct task_struct *k;
	unsigned long cached = 0;

	boot_mib(1024);
	init_completion(&c.cached);
	init_completion(&c.release);
	k = kthread_run(cache_pages, &c, "cacher");
	wait_for_completion(&c.cached);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		cached += zone_of(z)->pcp[c.cpu].count;
	cr_expect_geq(cached, 4);
	drain_all_pages(NULL);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		cr_expect_eq(zone_of(z)->pcp[c.cpu].count, 0);
	complete(&c.release);
	kthread_join(k);
	cr_expect_eq(page_alloc_check(NULL), 0);
}

/* The order-0 fast path touches only this CPU's list while it has pages. */
Test(page_alloc, fast_path_stays_on_cpu_list)
{
	struct zone *normal;
	unsigned long refills, free;
	struct page *p;

	boot_mib(1024);
	normal = zone_of(ZONE_NORMAL);
	p = alloc_page(GFP_KERNEL);	/* fills this CPU's list */
	__free_page(p);
	refills = normal->pcp[0].stat.pcp_refill;
	free = normal->free_pages;
	for (int i = 0; i < 100000; i++) {
		p = alloc_page(GFP_KERNEL);
		__free_page(p);
	}
	cr_expect_eq(normal->pcp[0].stat.pcp_refill, refills);
	cr_expect_eq(normal->free_pages, free);
	cr_expect_geq(normal->pcp[0].stat.alloc[0], 100000);
}

/*
 * A burst of frees stays on this CPU's lists (Linux 6.7's self-tuning high):
 * high grows to hold it, the next burst of allocations finds it there
 * without a refill, and a drain takes high back to where it started.
 */
Test(page_alloc, pcp_high_grows_with_a_burst_and_drains_back)
{
	enum { BURST = 1024 };
	static struct page *p[BURST];
	struct per_cpu_pages *pcp;
	unsigned long refills;

	boot_mib(1024);
	pcp = &zone_of(ZONE_NORMAL)->pcp[0];
	cr_assert_lt(pcp->high, BURST);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < BURST; i++)
			p[i] = alloc_page(GFP_KERNEL);
		for (int i = 0; i < BURST; i++)
			__free_page(p[i]);
	}
	cr_expect_geq(pcp->count, BURST);
	cr_expect_leq(pcp->high, pcp->high_max);
	refills = pcp->stat.pcp_refill;
	for (int i = 0; i < BURST; i++)
		p[i] = alloc_page(GFP_KERNEL);
	cr_expect_eq(pcp->stat.pcp_refill, refills, "the burst should have stayed on the list");
	for (int i = 0; i < BURST; i++)
		__free_page(p[i]);
	drain_all_pages(NULL);
	cr_expect_eq(pcp->count, 0);
	cr_expect_eq(pcp->high, pcp->high_min);
	cr_expect_eq(page_alloc_check(NULL), 0);
}

/* Orders up to PCP_MAX_ORDER come and go through the per-CPU lists. */
Test(page_alloc, orders_up_to_pcp_max_are_per_cpu)
{
	struct zone *normal;

	boot_mib(1024);
	normal = zone_of(ZONE_NORMAL);
	for (unsigned int o = 0; o <= PCP_MAX_ORDER + 1; o++) {
		unsigned long free = normal->free_pages;
		struct page *p = alloc_pages(GFP_KERNEL, o);

		cr_assert_not_null(p);
		__free_pages(p, o);
		if (o <= PCP_MAX_ORDER) {
			cr_expect(PagePcp(p), "order %u: not on a per-CPU list", o);
			cr_expect_eq(p->private, o);
		} else {
			cr_expect_not(PagePcp(p), "order %u: on a per-CPU list", o);
			cr_expect_eq(normal->free_pages, free, "order %u", o);
		}
	}
	cr_expect_eq(page_alloc_check(NULL), 0);
}

/* Pages handed out by the boot allocator before the handover stay out of the buddy lists. */
Test(page_alloc, bootmem_kept_stays_reserved)
{
	struct hosted_boot_config cfg;
	struct page_alloc_check r;

	hosted_default_config(&cfg);
	cfg.mem_size = MV_MIB(128);
	cfg.bootmem_test = MV_MIB(10);
	hosted_boot(&cfg);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	cr_expect_geq(r.reserved[ZONE_NORMAL], MV_MIB(10) >> PAGE_SHIFT);
}

/* ---- Deferred struct page init -------------------------------------------- */

/* RAM pages of [spfn, epfn) no reserved range covers, from memblock's tables. */
static unsigned long memblock_free_in(unsigned long spfn, unsigned long epfn)
{
	phys_addr_t s, e;
	unsigned long n = 0;
	u64 i = 0;

	while (memblock_next_free_range(&i, &s, &e)) {
		unsigned long a = PFN_UP(s) > spfn ? PFN_UP(s) : spfn;
		unsigned long b = PFN_DOWN(e) < epfn ? PFN_DOWN(e) : epfn;

		if (a < b)
			n += b - a;
	}
	return n;
}

/* Aligned blocks of 2^order pages wholly free in memblock inside [spfn, epfn). */
static unsigned long memblock_free_blocks(unsigned long spfn, unsigned long epfn,
					  unsigned int order)
{
	unsigned long n = 0, size = 1UL << order;
	phys_addr_t s, e;
	u64 i = 0;

	while (memblock_next_free_range(&i, &s, &e)) {
		unsigned long a = PFN_UP(s) > spfn ? PFN_UP(s) : spfn;
		unsigned long b = PFN_DOWN(e) < epfn ? PFN_DOWN(e) : epfn;

		a = (a + size - 1) & ~(size - 1);
		if (a < b)
			n += (b - a) >> order;
	}
	return n;
}

static unsigned long listed_pages(struct zone *zone)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		n += zone->free_area[o].nr_free << o;
	return n;
}

/* Boot initialises no section beyond the first of a zone; the counters are whole. */
Test(page_alloc, deferred_boot_counts_exact)
{
	struct page_alloc_check r;
	unsigned long total = 0;

	boot_mib(2048);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = zone_of(z);
		unsigned long s = zone->zone_start_pfn, e = zone_end_pfn(zone);

		cr_expect_eq(zone->managed_pages, memblock_free_in(s, e), "%s", zone->name);
		cr_expect_eq(zone->free_pages, listed_pages(zone) + zone->deferred_pages,
			     "%s", zone->name);
		cr_expect_eq(zone->deferred_pages,
			     memblock_free_in(zone->first_deferred_pfn, e), "%s", zone->name);
		total += zone->managed_pages;
	}
	cr_expect_eq(total, totalram_pages);
	cr_expect_eq(zone_of(ZONE_DMA)->first_deferred_pfn, zone_end_pfn(zone_of(ZONE_DMA)));
	for (int z = ZONE_NORMAL; z <= ZONE_HIGHMEM; z++) {
		struct zone *zone = zone_of(z);

		cr_expect_leq(zone->first_deferred_pfn,
			      (zone->zone_start_pfn | (PAGES_PER_SECTION - 1)) + 1,
			      "%s initialised up to %#lx at boot", zone->name,
			      zone->first_deferred_pfn);
		cr_expect_gt(zone->deferred_pages, 3 * PAGES_PER_SECTION, "%s", zone->name);
	}
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	cr_expect_eq(r.deferred[ZONE_HIGHMEM], zone_of(ZONE_HIGHMEM)->deferred_pages);
}

/* Not a byte of mem_map beyond the zones' frontiers is resident. */
Test(page_alloc, deferred_mem_map_untouched)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned long resident = 0, pages;
	unsigned char *vec;

	boot_mib(2048);
	for (int z = ZONE_NORMAL; z <= ZONE_HIGHMEM; z++) {
		struct zone *zone = zone_of(z);
		unsigned long start = (unsigned long)pfn_to_page(zone->first_deferred_pfn);
		unsigned long end = (unsigned long)pfn_to_page(zone_end_pfn(zone));

		start = (start + psz - 1) & ~(psz - 1);
		end &= ~(psz - 1);
		cr_assert_gt(end, start);
		pages = (end - start) / psz;
		vec = calloc(pages, 1);
		cr_assert_not_null(vec);
		cr_assert_eq(mincore((void *)start, end - start, vec), 0);
		for (unsigned long i = 0; i < pages; i++)
			resident += vec[i] & 1;
		free(vec);
		cr_expect_eq(resident, 0, "%s: %lu pages of mem_map resident beyond pfn %#lx",
			     zone->name, resident, zone->first_deferred_pfn);
	}
}

/*
 * Exhausting a zone through its lists initialises every section and hands
 * out exactly its free pages, each one once, every one RAM that memblock
 * did not keep; the free counters drop by one per page all along.
 */
static void exhaust_exactly(int z)
{
	struct zone *zone = zone_of(z);
	unsigned long s = zone->zone_start_pfn, e = zone_end_pfn(zone);
	unsigned long nfree, got = 0, dup = 0, kept = 0, skipped = 0;
	unsigned long *pfns, *seen;
	struct page_alloc_check r;
	struct page *page;

	drain_all_pages(NULL);
	nfree = zone_free_pages_all(zone);
	cr_assert_gt(zone->deferred_pages, 0, "%s", zone->name);
	cr_assert_geq(nfree, zone->deferred_pages);
	pfns = calloc(nfree + 1, sizeof(*pfns));
	seen = calloc(e / 64 + 1, sizeof(*seen));
	cr_assert(pfns && seen);
	while ((page = buddy_alloc_block(zone, 0))) {
		unsigned long pfn = page_to_pfn(page);

		cr_assert_lt(got, nfree, "%s: more pages than it had free", zone->name);
		pfns[got++] = pfn;
		if (zone_free_pages_all(zone) != nfree - got)
			skipped++;
		if (pfn < s || pfn >= e || (seen[pfn / 64] >> (pfn % 64)) & 1)
			dup++;
		else
			seen[pfn / 64] |= 1UL << (pfn % 64);
		if (memblock_is_reserved(PFN_PHYS(pfn)) || !memblock_is_memory(PFN_PHYS(pfn)))
			kept++;
	}
	cr_expect_eq(got, nfree, "%s: %lu pages handed out, %lu were free", zone->name, got, nfree);
	cr_expect_eq(skipped, 0, "%s: the free count was off %lu times", zone->name, skipped);
	cr_expect_eq(dup, 0);
	cr_expect_eq(kept, 0);
	cr_expect_eq(zone->free_pages, 0);
	cr_expect_eq(zone->deferred_pages, 0);
	cr_expect_eq(zone->first_deferred_pfn, e);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	cr_expect_eq(r.allocated[z], zone->managed_pages);
	for (unsigned long i = 0; i < got; i++)
		buddy_free_block(pfn_to_page(pfns[i]), 0);
	cr_expect_eq(zone->free_pages, nfree);
	/* Merged back whole: every aligned 4 MiB block memblock left free is one block. */
	if (z == ZONE_HIGHMEM)
		cr_expect_eq(zone->free_area[MAX_ORDER - 1].nr_free,
			     memblock_free_blocks(s, e, MAX_ORDER - 1));
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
	free(pfns);
	free(seen);
}

Test(page_alloc, deferred_exhaust_normal_exactly)
{
	boot_mib(1024);
	exhaust_exactly(ZONE_NORMAL);
}

Test(page_alloc, deferred_exhaust_highmem_exactly)
{
	boot_mib(1024);
	exhaust_exactly(ZONE_HIGHMEM);
}

/* Top-order blocks come out of sections not initialised yet, every one of them. */
Test(page_alloc, deferred_top_order_blocks)
{
	struct zone *high;
	unsigned long want, got = 0;
	struct page *page;
	struct page_alloc_check r;

	boot_mib(1024);
	high = zone_of(ZONE_HIGHMEM);
	want = memblock_free_blocks(high->zone_start_pfn, zone_end_pfn(high), MAX_ORDER - 1);
	cr_assert_gt(want, 8);
	cr_assert_lt(high->first_deferred_pfn, zone_end_pfn(high));
	while ((page = buddy_alloc_block(high, MAX_ORDER - 1)))
		got++;
	cr_expect_eq(got, want);
	cr_expect_eq(high->first_deferred_pfn, zone_end_pfn(high));
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
}

/*
 * Through the GFP paths: GFP_HIGHUSER stays in HIGHMEM, growing it, until
 * its low watermark says so; only then does it fall back to NORMAL. GFP_DMA
 * never leaves ZONE_DMA.
 */
Test(page_alloc, deferred_gfp_fallback_only_when_low)
{
	struct zone *high;
	unsigned long n = 0;
	struct page *page;
	struct page_alloc_check r;

	boot_mib(1024);
	high = zone_of(ZONE_HIGHMEM);
	cr_assert_eq(high->first_deferred_pfn, high->zone_start_pfn);
	for (;;) {
		page = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 3);
		cr_assert_not_null(page);
		n++;
		if (page_zonenum(page) != ZONE_HIGHMEM)
			break;
	}
	cr_expect_eq(page_zonenum(page), ZONE_NORMAL);
	cr_expect_eq(high->deferred_pages, 0);
	/* The first pass wants the low mark (Linux's fast path: ALLOC_WMARK_LOW). */
	cr_expect_leq(high->free_pages, low_wmark_pages(high) + 7,
		      "fell back with %lu pages free in HIGHMEM", high->free_pages);
	cr_expect_geq(n * 8, high->managed_pages - low_wmark_pages(high) - 8 * 64);
	page = alloc_pages(GFP_DMA | __GFP_NOWARN, 2);
	cr_assert_not_null(page);
	cr_expect_eq(page_zonenum(page), ZONE_DMA);
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
}

/* free_bootmem() after the handover, into a section not initialised yet. */
Test(page_alloc, deferred_late_free_bootmem)
{
	struct hosted_boot_config cfg;
	struct page_alloc_check r;
	unsigned long managed, free, pfn;
	struct zone *zone;

	hosted_default_config(&cfg);
	cfg.mem_size = MV_MIB(1024);
	cfg.bootmem_test = MV_MIB(8);
	hosted_boot(&cfg);
	pfn = PFN_DOWN(bootmem_selftest.big);
	zone = pfn_to_zone(pfn);
	cr_assert_not_null(zone);
	cr_assert_not(pfn_initialised(pfn), "big buffer at pfn %#lx already initialised", pfn);
	managed = zone->managed_pages;
	drain_all_pages(NULL);
	free = zone_free_pages_all(zone);
	free_bootmem(bootmem_selftest.big, 2 * PAGE_SIZE);
	cr_expect(pfn_initialised(pfn));
	cr_expect_eq(zone->managed_pages, managed + 2);
	cr_expect_eq(zone_free_pages_all(zone), free + 2);
	cr_expect_not(PageReserved(pfn_to_page(pfn)));
	cr_expect(PageReserved(pfn_to_page(pfn + 2)));
	cr_assert_eq(page_alloc_check(&r), 0, "%s", r.first_error);
}
