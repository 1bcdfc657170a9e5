// SPDX-License-Identifier: MIT
/*
 * memblock: boot memory as sorted, non-overlapping range tables, as Linux.
 *
 * memory holds the RAM of the e820 map; reserved holds what must never be
 * handed out (firmware holes inside RAM, the kernel image, boot params, the
 * VMM's page tables, and every boot allocation). Allocation searches the
 * gaps of memory minus reserved, top-down below current_limit (the end of
 * the direct map), and reserves what it returns. The tables are static
 * arrays: memblock runs before any allocator exists.
 */
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/init.h>

#include "internal.h"

static struct memblock_region memblock_memory_init[INIT_MEMBLOCK_REGIONS];
static struct memblock_region memblock_reserved_init[INIT_MEMBLOCK_REGIONS];

struct memblock memblock = {
	.memory = {
		.max = INIT_MEMBLOCK_REGIONS,
		.regions = memblock_memory_init,
		.name = "memory",
	},
	.reserved = {
		.max = INIT_MEMBLOCK_REGIONS,
		.regions = memblock_reserved_init,
		.name = "reserved",
	},
	.current_limit = ~(phys_addr_t)0,
};

bool memblock_debug;

static int __init_memblock_debug(char *val)
{
	memblock_debug = !val || !strcmp(val, "debug");
	return 0;
}
__setup("memblock=", __init_memblock_debug);

void memblock_reset(void)
{
	memblock.memory.cnt = 0;
	memblock.memory.total_size = 0;
	memblock.reserved.cnt = 0;
	memblock.reserved.total_size = 0;
	memblock.current_limit = ~(phys_addr_t)0;
	memblock.bottom_up = false;
	memblock.frozen = false;
}

/* Clamps size so that base + size does not wrap. */
static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	phys_addr_t max = ~(phys_addr_t)0 - base;

	if (*size > max)
		*size = max;
	return base + *size;
}

static void memblock_recount(struct memblock_type *type)
{
	type->total_size = 0;
	for (unsigned long i = 0; i < type->cnt; i++)
		type->total_size += type->regions[i].size;
}

static int memblock_insert_region(struct memblock_type *type, unsigned long idx,
				  phys_addr_t base, phys_addr_t size,
				  unsigned long flags)
{
	struct memblock_region *rgn = &type->regions[idx];

	if (type->cnt >= type->max)
		return -ENOSPC;
	memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	rgn->base = base;
	rgn->size = size;
	rgn->flags = flags;
	type->cnt++;
	return 0;
}

static void memblock_remove_region(struct memblock_type *type, unsigned long idx)
{
	memmove(&type->regions[idx], &type->regions[idx + 1],
		(type->cnt - idx - 1) * sizeof(type->regions[0]));
	type->cnt--;
}

/* Joins neighbours that touch and have the same flags. */
static void memblock_merge_regions(struct memblock_type *type)
{
	unsigned long i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base ||
		    this->flags != next->flags) {
			i++;
			continue;
		}
		this->size += next->size;
		memblock_remove_region(type, i + 1);
	}
}

/* Adds the parts of [base, base + size) not yet covered, then merges. */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size, unsigned long flags)
{
	phys_addr_t end = memblock_cap_size(base, &size);
	unsigned long i;
	int ret = 0;

	if (!size)
		return 0;
	for (i = 0; i < type->cnt && base < end; i++) {
		struct memblock_region *rgn = &type->regions[i];
		phys_addr_t rbase = rgn->base, rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase > base) {
			ret = memblock_insert_region(type, i, base, rbase - base,
						     flags);
			if (ret)
				goto out;
			i++;
		}
		base = min(rend, end);
	}
	if (base < end)
		ret = memblock_insert_region(type, i, base, end - base, flags);
out:
	memblock_merge_regions(type);
	memblock_recount(type);
	return ret;
}

/* Cuts [base, base + size) out of every region, splitting where needed. */
static int memblock_remove_range(struct memblock_type *type, phys_addr_t base,
				 phys_addr_t size)
{
	phys_addr_t end = memblock_cap_size(base, &size);
	int ret = 0;

	for (unsigned long i = 0; i < type->cnt; i++) {
		struct memblock_region *rgn = &type->regions[i];
		phys_addr_t rbase = rgn->base, rend = rbase + rgn->size;

		if (rend <= base || rbase >= end)
			continue;
		if (rbase < base && rend > end) {
			ret = memblock_insert_region(type, i + 1, end, rend - end,
						     rgn->flags);
			if (ret)
				break;
			type->regions[i].size = base - rbase;
			break;
		}
		if (rbase < base) {
			rgn->size = base - rbase;
		} else if (rend > end) {
			rgn->base = end;
			rgn->size = rend - end;
		} else {
			memblock_remove_region(type, i);
			i--;
		}
	}
	memblock_recount(type);
	return ret;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	if (memblock_debug)
		pr_info("memblock_add: [0x%016llx-0x%016llx]\n",
			(unsigned long long)base,
			(unsigned long long)(base + size - 1));
	return memblock_add_range(&memblock.memory, base, size, 0);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return memblock_remove_range(&memblock.memory, base, size);
}

static int memblock_reserve_flags(phys_addr_t base, phys_addr_t size,
				  unsigned long flags)
{
	if (memblock_debug)
		pr_info("memblock_reserve: [0x%016llx-0x%016llx]\n",
			(unsigned long long)base,
			(unsigned long long)(base + size - 1));
	return memblock_add_range(&memblock.reserved, base, size, flags);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_reserve_flags(base, size, 0);
}

int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	if (memblock_debug)
		pr_info("memblock_phys_free: [0x%016llx-0x%016llx]\n",
			(unsigned long long)base,
			(unsigned long long)(base + size - 1));
	return memblock_remove_range(&memblock.reserved, base, size);
}

/*
 * The free gaps of [lo, hi): memory regions minus reserved ones. Visited
 * through memblock_next_free_range() with a cursor: idx packs the memory
 * region (high half) and the reserved region to look at next (low half).
 */
bool memblock_next_free_range(u64 *idx, phys_addr_t *out_start,
			      phys_addr_t *out_end)
{
	struct memblock_type *mem = &memblock.memory, *res = &memblock.reserved;
	unsigned long mi = *idx >> 32, ri = *idx & 0xffffffffu;

	for (; mi < mem->cnt; mi++, ri = 0) {
		phys_addr_t ms = mem->regions[mi].base;
		phys_addr_t me = ms + mem->regions[mi].size;

		/* gaps between reserved regions ri-1 and ri, inside [ms, me) */
		for (; ri <= res->cnt; ri++) {
			phys_addr_t gs = ri ? res->regions[ri - 1].base +
					      res->regions[ri - 1].size : 0;
			phys_addr_t ge = ri < res->cnt ? res->regions[ri].base :
							 ~(phys_addr_t)0;

			if (ge <= ms || gs >= ge)
				continue;
			if (gs >= me)
				break;
			*out_start = max(gs, ms);
			*out_end = min(ge, me);
			*idx = ((u64)mi << 32) | (ri + 1);
			return true;
		}
	}
	*idx = (u64)mem->cnt << 32;
	return false;
}

/* A fit for size/align inside [s, e), from the top or the bottom. */
static phys_addr_t fit(phys_addr_t s, phys_addr_t e, phys_addr_t size,
		       phys_addr_t align, bool top_down)
{
	phys_addr_t cand;

	if (e - s < size)
		return 0;
	if (top_down) {
		cand = ALIGN_DOWN(e - size, align);
		return cand >= s ? cand : 0;
	}
	cand = ALIGN(s, align);
	return cand >= s && cand + size <= e ? cand : 0;
}

/*
 * The lowest (bottom-up) or highest (top-down) fit in a free gap of
 * [start, end). Address 0 is never handed out (page 0 is reserved by the
 * e820 map anyway), so 0 means "none".
 */
static phys_addr_t memblock_find_in_range(phys_addr_t size, phys_addr_t align,
					  phys_addr_t start, phys_addr_t end)
{
	bool top_down = !memblock.bottom_up;
	phys_addr_t gs, ge, found = 0;
	u64 i = 0;

	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end > memblock.current_limit)
		end = memblock.current_limit;
	start = max_t(phys_addr_t, start, PAGE_SIZE);
	while (memblock_next_free_range(&i, &gs, &ge)) {
		phys_addr_t cand;

		gs = max(gs, start);
		ge = min(ge, end);
		if (gs >= ge)
			continue;
		cand = fit(gs, ge, size, align, top_down);
		if (!cand)
			continue;
		if (!top_down)
			return cand;
		found = cand;	/* ascending walk: the last fit is the highest */
	}
	return found;
}

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end)
{
	phys_addr_t found;

	if (WARN_ON(memblock.frozen) || !size)
		return 0;
	if (!align)
		align = L1_CACHE_BYTES;
	found = memblock_find_in_range(size, align, start, end);
	if (!found || memblock_reserve_flags(found, size, MEMBLOCK_ALLOCATED))
		return 0;
	return found;
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_phys_alloc_range(size, align, 0,
					 MEMBLOCK_ALLOC_ACCESSIBLE);
}

void *memblock_alloc_range(phys_addr_t size, phys_addr_t align,
			   phys_addr_t start, phys_addr_t end)
{
	phys_addr_t pa = memblock_phys_alloc_range(size, align, start, end);
	void *p;

	if (!pa)
		return NULL;
	p = __va(pa);
	memset(p, 0, size);
	return p;
}

void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_range(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}

void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t pa = memblock_phys_alloc(size, align);

	return pa ? __va(pa) : NULL;
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	struct memblock_type *m = &memblock.memory;

	return m->cnt ? m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size
		      : 0;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

static long memblock_search(struct memblock_type *type, phys_addr_t addr)
{
	unsigned long lo = 0, hi = type->cnt;

	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;
		struct memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr >= r->base + r->size)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) >= 0;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) >= 0;
}

bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	long i = memblock_search(&memblock.memory, base);
	phys_addr_t end = memblock_cap_size(base, &size);
	struct memblock_region *r;

	if (i < 0)
		return false;
	r = &memblock.memory.regions[i];
	return r->base <= base && end <= r->base + r->size;
}

bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = memblock_cap_size(base, &size);
	struct memblock_type *res = &memblock.reserved;

	for (unsigned long i = 0; i < res->cnt; i++) {
		phys_addr_t rs = res->regions[i].base;

		if (rs < end && base < rs + res->regions[i].size)
			return true;
	}
	return false;
}

static void memblock_dump(struct memblock_type *type)
{
	pr_info(" %s.cnt  = 0x%lx\n", type->name, type->cnt);
	for (unsigned long i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];

		pr_info(" %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes flags: 0x%lx\n",
			type->name, i, (unsigned long long)r->base,
			(unsigned long long)(r->base + r->size - 1),
			(unsigned long long)r->size, r->flags);
	}
}

void memblock_dump_all(void)
{
	pr_info("MEMBLOCK configuration:\n");
	pr_info(" memory size = 0x%016llx reserved size = 0x%016llx\n",
		(unsigned long long)memblock.memory.total_size,
		(unsigned long long)memblock.reserved.total_size);
	memblock_dump(&memblock.memory);
	memblock_dump(&memblock.reserved);
}

/*
 * Frees pfns [start, end) of one zone in the largest aligned blocks: to the
 * buddy lists as newly managed pages, or, deferred, as pages the zone has
 * counted free since the handover.
 */
static unsigned long free_pages_range(unsigned long start, unsigned long end,
				      bool deferred)
{
	unsigned long freed = 0;

	while (start < end) {
		unsigned int order = MAX_ORDER - 1;

		while (order && ((start & ((1UL << order) - 1)) ||
				 start + (1UL << order) > end))
			order--;
		if (deferred)
			__free_pages_deferred(pfn_to_page(start), order);
		else
			__free_pages_core(pfn_to_page(start), order);
		freed += 1UL << order;
		start += 1UL << order;
	}
	return freed;
}

/* The next free range clipped to pfns [spfn, epfn); false when none is left. */
static bool next_free_pfns(u64 *i, unsigned long spfn, unsigned long epfn,
			   unsigned long *s, unsigned long *e)
{
	phys_addr_t ps, pe;

	while (memblock_next_free_range(i, &ps, &pe)) {
		*s = max(PFN_UP(ps), spfn);
		*e = min(PFN_DOWN(pe), epfn);
		if (*s < *e)
			return true;
		if (PFN_UP(ps) >= epfn)
			break;
	}
	return false;
}

unsigned long memblock_free_pages_in(unsigned long spfn, unsigned long epfn)
{
	unsigned long n = 0, s, e;
	u64 i = 0;

	while (next_free_pfns(&i, spfn, epfn, &s, &e))
		n += e - s;
	return n;
}

unsigned long memblock_free_deferred(unsigned long spfn, unsigned long epfn)
{
	unsigned long n = 0, s, e;
	u64 i = 0;

	while (next_free_pfns(&i, spfn, epfn, &s, &e))
		n += free_pages_range(s, e, true);
	return n;
}

/*
 * The handover, deferred: each zone counts its free pages as free and
 * managed now and puts them on its lists a section at a time, later.
 */
unsigned long memblock_free_all(void)
{
	unsigned long freed = 0;
	struct zone *zone;

	for_each_zone(zone) {
		unsigned long n = memblock_free_pages_in(zone->zone_start_pfn,
							 zone_end_pfn(zone));

		zone_add_deferred(zone, n);
		freed += n;
	}
	memblock.frozen = true;
	if (memblock_debug)
		memblock_dump_all();
	return freed;
}
