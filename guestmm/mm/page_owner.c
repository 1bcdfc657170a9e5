// SPDX-License-Identifier: MIT
/*
 * The page owner array (<linux/page_owner.h>): allocated from memblock with
 * mem_map, written by the page allocator's alloc and free paths.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/string.h>
#include <linux/page_owner.h>
#include "leaks.h"

u32 *page_owner_ips;
struct page_owner_hist *page_owner_hist;
struct page_owner_clock page_owner_clock[NR_CPUS];
atomic_long_t page_owner_module_pages;
#ifdef __HOSTED__
unsigned long page_owner_base;
#endif

void page_owner_init(void)
{
	size_t size = max_pfn * sizeof(*page_owner_ips);
	size_t hist = max_pfn * sizeof(*page_owner_hist);

#ifdef __HOSTED__
	/* Any caller in the test program is within 2 GiB above this. */
	page_owner_base = ((unsigned long)page_owner_init & ~((1UL << 31) - 1)) -
			  (1UL << 31);
#endif
	page_owner_ips = memblock_alloc_raw(size, PAGE_SIZE);
	if (!page_owner_ips)
		panic("page_owner: no room for %zu KiB of page owners", size >> 10);
	memset(page_owner_ips, 0, size);
	page_owner_hist = memblock_alloc_raw(hist, PAGE_SIZE);
	if (!page_owner_hist)
		panic("page_owner: no room for %zu KiB of page histories",
		      hist >> 10);
	memset(page_owner_hist, 0, hist);
	memset(page_owner_clock, 0, sizeof(page_owner_clock));
	atomic_long_set(&page_owner_module_pages, 0);
}

void set_page_owner_caller(struct page *page, unsigned long caller)
{
	reset_page_owner(page);
	set_page_owner(page, caller);
}

void split_page_owner(struct page *page, unsigned int order)
{
	unsigned long caller = page_owner_caller(page);

	for (unsigned long i = 1; caller && i < (1UL << order); i++)
		set_page_owner(page + i, caller);
}

/* Adds a block of page's to its caller's record (one per caller). */
static void add_pages(struct leak_list *l, unsigned int first,
		      unsigned long pfn, unsigned long caller)
{
	struct module_leak leak = {
		.kind = MV_LEAK_PAGES, .addr = pfn, .caller = caller,
	};
	unsigned long pages = 1UL << pfn_to_page(pfn)->order;

	for (unsigned int i = first; i < l->nr; i++) {
		if (l->v[i].caller == caller) {
			l->v[i].count += pages;
			l->v[i].bytes += pages << PAGE_SHIFT;
			return;
		}
	}
	leak.count = pages;
	leak.bytes = pages << PAGE_SHIFT;
	leak_add(l, &leak);
}

/* Does every caller in [start, end) lie in the module area? */
static bool range_in_modules(const struct leak_list *l)
{
	return l->start >= page_owner_base &&
	       page_owner_in_modules(page_owner_offset(l->start));
}

/* Has any of the eight pages at owners (8-aligned) an owner? */
static __always_inline bool any_owner(const u32 *owners)
{
	const u64 *w = (const u64 *)owners;

	return w[0] | w[1] | w[2] | w[3];
}

/*
 * One record per caller in the range: its pages (blocks' heads counted with
 * their order), bytes and one pfn. A tight loop over the array, skipped
 * when the range is the module area's and no module holds a page.
 */
void page_owner_find_leaks(struct leak_list *l)
{
	u32 lo = page_owner_offset(l->start), span = l->end - l->start;
	unsigned int first = l->nr;
	unsigned long pfn;

	if (l->start < page_owner_base || l->end <= l->start || !page_owner_ips)
		return;
	if (range_in_modules(l) && !atomic_long_read(&page_owner_module_pages))
		return;
	for (pfn = 0; pfn < max_pfn; pfn++) {
		u32 off;

		/* Eight free (or never allocated) pages at a time: most are. */
		if (!(pfn % 8) && pfn + 8 <= max_pfn && !any_owner(&page_owner_ips[pfn])) {
			pfn += 7;
			continue;
		}
		off = page_owner_ips[pfn];
		if (likely(off - lo >= span) || !off)
			continue;
		add_pages(l, first, pfn, page_owner_base + off);
	}
}
