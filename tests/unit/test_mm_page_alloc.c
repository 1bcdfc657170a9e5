// SPDX-License-Identifier: MIT
/*
 * Host-only checks of the page allocator where the numbers are known
 * exactly: a fresh hosted boot of a given size. (The behaviour checks are
 * KTEST cases, run in both builds: guestmm/mm/tests/.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/memblock.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/completion.h>
#include <memvisor/layout.h>
#include <memvisor/mminfo.h>
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

Test(page_alloc, mminfo_describes_state)
{
	boot_mib(64);
	cr_expect_eq(mv_mminfo.magic, MV_MMINFO_MAGIC);
	cr_expect_eq(mv_mminfo.zones, (u64)(unsigned long)contig_page_data.node_zones);
	cr_expect_eq(mv_mminfo.nr_zones, MAX_NR_ZONES);
	cr_expect_eq(mv_mminfo.sizeof_zone, sizeof(struct zone));
	cr_expect_eq(mv_mminfo.mem_map, (u64)(unsigned long)mem_map);
	cr_expect_eq(mv_mminfo.max_pfn, max_pfn);
	cr_expect_eq(mv_mminfo.sizeof_page, 64);
	cr_expect_eq(mv_mminfo.memblock, (u64)(unsigned long)&memblock);
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
