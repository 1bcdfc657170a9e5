// SPDX-License-Identifier: MIT
/*
 * Reports on the page allocator in Linux's words, so logs compare: the
 * "page allocation failure" warning with show_free_areas()' per-zone free
 * lists, and the /proc/buddyinfo and /proc/zoneinfo formats.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "internal.h"

#define K(pages)	((pages) << (PAGE_SHIFT - 10))

unsigned long alloc_failure_reports;
unsigned long alloc_failure_suppressed;

static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	/* composite flags first: the longest match names them */
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ __GFP_DMA, "__GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ __GFP_WAIT, "__GFP_WAIT" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_COLD, "__GFP_COLD" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_REPEAT, "__GFP_REPEAT" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_ATOMIC, "__GFP_ATOMIC" },
};

int gfp_flags_snprint(char *buf, size_t size, gfp_t gfp)
{
	size_t len = 0;
	gfp_t left = gfp;

	if (size)
		buf[0] = '\0';
	if (!gfp)
		return snprintf(buf, size, "GFP_NOWAIT");
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names) && left; i++) {
		gfp_t m = gfp_names[i].mask;

		if ((left & m) != m)
			continue;
		len += snprintf(buf + min(len, size), size - min(len, size),
				"%s%s", len ? "|" : "", gfp_names[i].name);
		left &= ~m;
	}
	if (left)
		len += snprintf(buf + min(len, size), size - min(len, size),
				"%s%#x", len ? "|" : "", left);
	return (int)len;
}

/* "DMA: 1*4kB 2*8kB ... = 15908kB", under the zone lock for a consistent line. */
static void show_zone_free_areas(struct zone *zone)
{
	unsigned long nr[MAX_ORDER], flags, total = 0;
	char line[MAX_ORDER * 16 + 64];
	size_t len = 0;

	spin_lock_irqsave(&zone->lock, flags);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		nr[o] = zone->free_area[o].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		total += nr[o] << o;
		len += snprintf(line + len, sizeof(line) - len, "%lu*%lukB ",
				nr[o], K(1UL << o));
	}
	pr_warn("Node 0 %s: %s= %lukB\n", zone->name, line, K(total));
}

void show_free_areas(void)
{
	struct zone *zone;

	pr_warn("Mem-Info:\n");
	for_each_populated_zone(zone) {
		unsigned long pcp = zone_free_pages_all(zone) - zone->free_pages;

		pr_warn("Node 0 %s free:%lukB min:%lukB low:%lukB high:%lukB present:%lukB managed:%lukB pcp:%lukB\n",
			zone->name, K(zone->free_pages), K(min_wmark_pages(zone)),
			K(low_wmark_pages(zone)), K(high_wmark_pages(zone)),
			K(zone->present_pages), K(zone->managed_pages), K(pcp));
		pr_warn("lowmem_reserve[]: %lu %lu %lu\n",
			zone->lowmem_reserve[0], zone->lowmem_reserve[1],
			zone->lowmem_reserve[2]);
	}
	for_each_populated_zone(zone)
		show_zone_free_areas(zone);
	pr_warn("%lu pages RAM, %lu pages HighMem, %lu free\n", totalram_pages,
		totalhigh_pages, nr_free_pages());
}

void show_mem(void)
{
	show_free_areas();
}

/* At most 10 reports per 5 seconds, as Linux's DEFAULT_RATELIMIT. */
static bool alloc_report_ratelimit(void)
{
	static unsigned long begin, printed;
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&lock, flags);
	if (!begin || time_after(jiffies, begin + 5 * HZ)) {
		begin = jiffies ? jiffies : 1;
		printed = 0;
	}
	ok = printed++ < 10;
	spin_unlock_irqrestore(&lock, flags);
	return ok;
}

void warn_alloc(gfp_t gfp, unsigned int order)
{
	struct task_struct *p = current;
	char flags[256];

	if (!alloc_report_ratelimit()) {
		__atomic_add_fetch(&alloc_failure_suppressed, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&alloc_failure_reports, 1, __ATOMIC_RELAXED);
	gfp_flags_snprint(flags, sizeof(flags), gfp);
	pr_warn("%s: page allocation failure: order:%u, mode:%#x(%s)\n",
		p ? p->comm : "?", order, gfp, flags);
	arch_report_alloc_failure(order, gfp, p ? p->comm : "?");
	pr_warn("CPU: %d PID: %d Comm: %s%s\n", raw_smp_processor_id(),
		p ? p->pid : -1, p ? p->comm : "?",
		in_interrupt() ? " (in interrupt)" : "");
	show_free_areas();
}

void show_buddyinfo(void)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		char line[MAX_ORDER * 8 + 8];
		size_t len = 0;

		for (unsigned int o = 0; o < MAX_ORDER; o++)
			len += snprintf(line + len, sizeof(line) - len, "%6lu ",
					READ_ONCE(zone->free_area[o].nr_free));
		pr_info("Node 0, zone %8s %s\n", zone->name, line);
	}
}

static void show_zone_counters(const char *what, unsigned long v[MAX_ORDER])
{
	char line[MAX_ORDER * 12 + 8];
	size_t len = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		len += snprintf(line + len, sizeof(line) - len, " %lu", v[o]);
	pr_info("        %-9s%s\n", what, line);
}

void show_zoneinfo(void)
{
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long a[MAX_ORDER], f[MAX_ORDER], fb[MAX_ORDER];

		pr_info("Node 0, zone %8s\n", zone->name);
		pr_info("  pages free     %lu\n", zone_free_pages_all(zone));
		pr_info("        min      %lu\n", min_wmark_pages(zone));
		pr_info("        low      %lu\n", low_wmark_pages(zone));
		pr_info("        high     %lu\n", high_wmark_pages(zone));
		pr_info("        spanned  %lu\n", zone->spanned_pages);
		pr_info("        present  %lu\n", zone->present_pages);
		pr_info("        managed  %lu\n", zone->managed_pages);
		pr_info("        deferred %lu (struct pages initialised below pfn %lu)\n",
			READ_ONCE(zone->deferred_pages),
			READ_ONCE(zone->first_deferred_pfn));
		pr_info("        protection: (%lu, %lu, %lu)\n",
			zone->lowmem_reserve[0], zone->lowmem_reserve[1],
			zone->lowmem_reserve[2]);
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			a[o] = zone_stat_sum(zone, alloc[o]);
			f[o] = zone_stat_sum(zone, fail[o]);
			fb[o] = zone_stat_sum(zone, fallback[o]);
		}
		show_zone_counters("allocs", a);
		show_zone_counters("failures", f);
		show_zone_counters("fallback", fb);
		pr_info("  pagesets\n");
		for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
			struct per_cpu_pages *pcp = &zone->pcp[cpu];

			if (!cpu_online(cpu) && !pcp->count)
				continue;
			pr_info("    cpu: %u\n              count: %d\n              high:  %d\n              batch: %d\n",
				cpu, pcp->count, pcp->high, pcp->batch);
		}
		pr_info("  start_pfn:           %lu\n", zone->zone_start_pfn);
	}
}
