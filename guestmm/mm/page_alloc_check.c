// SPDX-License-Identifier: MIT
/*
 * The page allocator's invariant checker, for tests in both builds: it
 * re-derives every count from the lists and from a walk of mem_map and
 * compares. See linux/mmdebug.h for what it checks.
 */
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/memblock.h>
#include <linux/string.h>
#include <linux/irqflags.h>

#include "internal.h"

#define CHECK_REPORT_MAX	5

struct checker {
	struct page_alloc_check *r;
};

static __printf(2, 3) void check_fail(struct checker *c, const char *fmt, ...)
{
	struct page_alloc_check *r = c->r;
	char msg[sizeof(r->first_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->errors)
		strscpy_len(r->first_error, msg, sizeof(r->first_error));
	if (r->errors < CHECK_REPORT_MAX)
		pr_err("page_alloc_check: %s\n", msg);
	r->errors++;
}

/* Every block on free_area[o] is a well-formed free block of this zone. */
static unsigned long check_free_lists(struct checker *c, struct zone *zone)
{
	unsigned long pages = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		unsigned long n = 0;
		struct page *page;

		list_for_each_entry(page, &area->free_list, lru) {
			unsigned long pfn = page_to_pfn(page);

			if (++n > zone->spanned_pages) {
				check_fail(c, "%s order %u: free list loops", zone->name, o);
				break;
			}
			if (!pfn_valid(pfn) || !zone_spans_pfn(zone, pfn) ||
			    pfn + (1UL << o) > zone_end_pfn(zone))
				check_fail(c, "%s order %u: block at pfn %#lx outside the zone",
					   zone->name, o, pfn);
			else if (pfn + (1UL << o) > zone->first_deferred_pfn)
				check_fail(c, "%s order %u: block at pfn %#lx beyond the initialised %#lx",
					   zone->name, o, pfn, zone->first_deferred_pfn);
			else if (!PageBuddy(page) || page->private != o)
				check_fail(c, "%s order %u: pfn %#lx not marked free of this order (flags %#lx, order %lu)",
					   zone->name, o, pfn, page->flags, page->private);
			else if (pfn & ((1UL << o) - 1))
				check_fail(c, "%s order %u: pfn %#lx misaligned", zone->name, o, pfn);
			else if (page_zone(page) != zone)
				check_fail(c, "%s order %u: pfn %#lx belongs to zone %s",
					   zone->name, o, pfn, page_zone(page)->name);
			else if (page->flags & ((1UL << PG_reserved) | (1UL << PG_pcp) |
						(1UL << PG_slab)))
				check_fail(c, "%s order %u: free pfn %#lx has flags %#lx",
					   zone->name, o, pfn, page->flags);
			else if (page_count(page))
				check_fail(c, "%s order %u: free pfn %#lx has refcount %d",
					   zone->name, o, pfn, page_count(page));
		}
		if (n != area->nr_free)
			check_fail(c, "%s order %u: nr_free %lu but %lu blocks listed",
				   zone->name, o, area->nr_free, n);
		pages += n << o;
	}
	if (pages + zone->deferred_pages != zone->free_pages)
		check_fail(c, "%s: free_pages %lu but free lists hold %lu, deferred %lu",
			   zone->name, zone->free_pages, pages, zone->deferred_pages);
	return pages;
}

static unsigned long check_pcp_lists(struct checker *c, struct zone *zone)
{
	unsigned long total = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];
		long pages = 0;

		for (unsigned int o = 0; o < NR_PCP_ORDERS; o++) {
			struct page *page;
			long n = 0;

			list_for_each_entry(page, &pcp->lists[o], lru) {
				unsigned long pfn = page_to_pfn(page);

				if (++n > (long)zone->spanned_pages) {
					check_fail(c, "%s cpu %u order %u: per-CPU list loops",
						   zone->name, cpu, o);
					break;
				}
				if (!PagePcp(page) || PageBuddy(page) || page->private != o ||
				    page_zone(page) != zone || (pfn & ((1UL << o) - 1)))
					check_fail(c, "%s cpu %u order %u: pfn %#lx on the per-CPU list has flags %#lx, order %lu",
						   zone->name, cpu, o, pfn, page->flags,
						   page->private);
			}
			pages += n << o;
		}
		if (pages != pcp->count)
			check_fail(c, "%s cpu %u: count %d but %ld pages listed",
				   zone->name, cpu, pcp->count, pages);
		total += pages;
	}
	return total;
}

/*
 * The zone's part not initialised yet, from memblock: its free pages are
 * the zone's deferred_pages, the rest of its RAM reserved. Returns its RAM
 * pages.
 */
static unsigned long check_deferred(struct checker *c, struct zone *zone)
{
	unsigned long spfn = zone->first_deferred_pfn, epfn = zone_end_pfn(zone);
	unsigned long ram = 0, free;
	struct memblock_type *mem = &memblock.memory;

	if (spfn < zone->zone_start_pfn || spfn > epfn ||
	    (spfn != epfn && spfn != zone->zone_start_pfn &&
	     (spfn & (PAGES_PER_SECTION - 1)))) {
		check_fail(c, "%s: first_deferred_pfn %#lx is neither an end nor a section boundary in [%#lx, %#lx]",
			   zone->name, spfn, zone->zone_start_pfn, epfn);
		return 0;
	}
	for (unsigned long i = 0; i < mem->cnt; i++) {
		unsigned long s = max(PFN_UP(mem->regions[i].base), spfn);
		unsigned long e = min(PFN_DOWN(mem->regions[i].base +
					       mem->regions[i].size), epfn);

		if (s < e)
			ram += e - s;
	}
	free = memblock_free_pages_in(spfn, epfn);
	if (free != zone->deferred_pages)
		check_fail(c, "%s: deferred_pages %lu but memblock has %lu free pages from pfn %#lx",
			   zone->name, zone->deferred_pages, free, spfn);
	c->r->deferred[zone->idx] = free;
	c->r->reserved[zone->idx] += ram - free;
	return ram;
}

/*
 * Walks the zone's initialised pages once: every present page is exactly
 * one of free (in a buddy block or on a per-CPU list), reserved, or
 * allocated; the rest of the zone is accounted from memblock.
 */
static void check_memmap(struct checker *c, struct zone *zone,
			 unsigned long listed_buddy)
{
	int z = zone->idx;
	struct page_alloc_check *r = c->r;
	unsigned long present, pfn = zone->zone_start_pfn;
	unsigned long end = min(zone->first_deferred_pfn, zone_end_pfn(zone));

	present = check_deferred(c, zone);
	while (pfn < end) {
		struct page *page = pfn_to_page(pfn);
		bool is_ram = memblock_is_memory(PFN_PHYS(pfn));

		if (page_zone(page) != zone)
			check_fail(c, "pfn %#lx in %s's span says zone %s",
				   pfn, zone->name, page_zone(page)->name);
		if (PageBuddy(page)) {
			unsigned long o = page->private, buddy;

			if (o >= MAX_ORDER || !is_ram) {
				check_fail(c, "pfn %#lx: bad free block (order %lu, RAM %d)",
					   pfn, o, is_ram);
				o = 0;
			}
			for (unsigned long i = 1; i < (1UL << o); i++)
				if (page[i].flags & ((1UL << PG_buddy) | (1UL << PG_pcp) |
						     (1UL << PG_reserved)))
					check_fail(c, "pfn %#lx inside free block %#lx/%lu has flags %#lx",
						   pfn + i, pfn, o, page[i].flags);
			/* Two free buddies of one order should have merged. */
			buddy = pfn ^ (1UL << o);
			if (o < MAX_ORDER - 1 && zone_pfn_initialised(zone, buddy) &&
			    PageBuddy(pfn_to_page(buddy)) &&
			    pfn_to_page(buddy)->private == o)
				check_fail(c, "%s: free buddies %#lx and %#lx of order %lu not merged",
					   zone->name, pfn, buddy, o);
			r->buddy[z] += 1UL << o;
			present += 1UL << o;
			pfn += 1UL << o;
			continue;
		}
		if (PagePcp(page)) {
			unsigned long o = page->private;

			if (o >= NR_PCP_ORDERS || !is_ram) {
				check_fail(c, "pfn %#lx: bad per-CPU block (order %lu, RAM %d)",
					   pfn, o, is_ram);
				o = 0;
			}
			for (unsigned long i = 1; i < (1UL << o); i++)
				if (page[i].flags & ((1UL << PG_buddy) | (1UL << PG_pcp) |
						     (1UL << PG_reserved)))
					check_fail(c, "pfn %#lx inside per-CPU block %#lx/%lu has flags %#lx",
						   pfn + i, pfn, o, page[i].flags);
			r->pcp[z] += 1UL << o;
			present += 1UL << o;
			pfn += 1UL << o;
			continue;
		}
		if (is_ram) {
			present++;
			if (PageReserved(page))
				r->reserved[z]++;
			else
				r->allocated[z]++;
		} else if (!PageReserved(page) || PagePcp(page)) {
			check_fail(c, "pfn %#lx: a hole that is not reserved (flags %#lx)",
				   pfn, page->flags);
		}
		pfn++;
	}
	if (r->buddy[z] != listed_buddy)
		check_fail(c, "%s: mem_map has %lu pages in free blocks, the lists %lu",
			   zone->name, r->buddy[z], listed_buddy);
	if (present != zone->present_pages)
		check_fail(c, "%s: %lu RAM pages in the span, present_pages %lu",
			   zone->name, present, zone->present_pages);
	if (r->buddy[z] + r->pcp[z] + r->allocated[z] + r->deferred[z] !=
	    zone->managed_pages)
		check_fail(c, "%s: free %lu + per-CPU %lu + allocated %lu + deferred %lu != managed %lu",
			   zone->name, r->buddy[z], r->pcp[z], r->allocated[z],
			   r->deferred[z], zone->managed_pages);
	if (zone->managed_pages + r->reserved[z] != zone->present_pages)
		check_fail(c, "%s: managed %lu + reserved %lu != present %lu",
			   zone->name, zone->managed_pages, r->reserved[z],
			   zone->present_pages);
}

unsigned int page_alloc_check(struct page_alloc_check *out)
{
	struct page_alloc_check local;
	struct checker c = { .r = out ? out : &local };
	unsigned long managed = 0;
	struct zone *zone;

	memset(c.r, 0, sizeof(*c.r));
	for_each_zone(zone) {
		unsigned long flags, listed, pcp;

		spin_lock_irqsave(&zone->lock, flags);
		listed = check_free_lists(&c, zone);
		pcp = check_pcp_lists(&c, zone);
		check_memmap(&c, zone, listed);
		if (pcp != c.r->pcp[zone->idx])
			check_fail(&c, "%s: per-CPU lists hold %lu, mem_map marks %lu",
				   zone->name, pcp, c.r->pcp[zone->idx]);
		spin_unlock_irqrestore(&zone->lock, flags);
		managed += zone->managed_pages;
	}
	if (managed != totalram_pages)
		check_fail(&c, "zones manage %lu pages, totalram_pages %lu",
			   managed, totalram_pages);
	return c.r->errors;
}

bool page_is_free(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	/* Not initialised yet: free if memblock did not keep it. */
	if (!pfn_initialised(pfn))
		return pfn_valid(pfn) && memblock_free_pages_in(pfn, pfn + 1);

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *h = pfn_to_page(head);

		if ((PageBuddy(h) || PagePcp(h)) && h->private >= o)
			return true;
	}
	return false;
}
