// SPDX-License-Identifier: MIT
/*
 * The allocator-state readers behind query-zones, query-memblock,
 * query-memstats and query-e820 (zone_read.h): zoneinfo and buddyinfo,
 * with nr_free checked against a bounded walk of every free list and each
 * per-CPU count against its lists; memblock's tables; the e820 map. They
 * fill C structs; the answers' JSON is made from those at the end of this
 * file (inspect_zones() and the others). Pure (inspect.h): zone_cmds.c
 * parks the vCPUs around them.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memvisor/bootparams.h>
#include <memvisor/e820.h>
#include <memvisor/layout.h>

#include "inspect.h"
#include "qmp.h"
#include "memmap.h"
#include "zone_read.h"

/* The roots' values for this inspection, read once (insp_mem_map()). */
struct zone_roots {
	uint64_t mem_map, max_pfn;
	uint32_t nr_cpus;
};

/* One zone's copy, and what is read of it into @info. */
struct zone_copy {
	const struct zone_roots *roots;
	uint64_t va;
	uint8_t *buf;			/* lay->zone.size bytes */
	uint32_t size;
	struct zone_info *info;
	zone_block_fn block;		/* may be NULL */
	void *opaque;
};

static const char *held(const struct zone_copy *z)
{
	return z->info->locked ? " (zone->lock held: may be mid-update)" : "";
}

static uint64_t zone_field(const struct zone_copy *z, struct field f)
{
	return field_get(z->buf, z->size, f);
}

/* Copies zone @idx into @z->buf and reads its scalar fields into @z->info. */
static int zone_copy_read(struct insp *in, unsigned int idx,
			  struct zone_copy *z)
{
	const struct mm_layout *l = in->lay;
	struct zone_info *zi = z->info;

	z->va = l->root.zones + (uint64_t)idx * l->zone.size;
	if (insp_read(in, z->va, z->buf, l->zone.size)) {
		insp_problem(in, "zone %u at 0x%" PRIx64 ": %s", idx, z->va,
			     in->err);
		return -1;
	}
	zi->idx = idx;
	if (insp_read_str(in, zone_field(z, l->zone.name), zi->name,
			  sizeof(zi->name))) {
		insp_problem(in, "zone %u: name: %s", idx, in->err);
		snprintf(zi->name, sizeof(zi->name), "zone%u", idx);
	}
	zi->start_pfn = zone_field(z, l->zone.start_pfn);
	zi->spanned = zone_field(z, l->zone.spanned);
	zi->present = zone_field(z, l->zone.present);
	zi->managed = zone_field(z, l->zone.managed);
	zi->free = zone_field(z, l->zone.free_pages);
	zi->first_deferred_pfn = zone_field(z, l->zone.first_deferred_pfn);
	zi->deferred = zone_field(z, l->zone.deferred_pages);
	zi->min = zone_field(z, field_elem(l->zone.watermark, 0));
	zi->low = zone_field(z, field_elem(l->zone.watermark, 1));
	zi->high = zone_field(z, field_elem(l->zone.watermark, 2));
	zi->locked = zone_field(z, l->zone.lock_next) !=
		     zone_field(z, l->zone.lock_owner);
	return 0;
}

/* ---- Free lists ----------------------------------------------------------- */

struct list_check {
	const struct zone_copy *z;
	const char *what;		/* "free_area[3]", "cpu 1 pcp[0]" */
	unsigned int order;
	uint64_t flag;			/* PG_buddy or PG_pcp, as a mask */
	const char *flag_name;
	int cpu;			/* the pcp list's CPU; -1: free_area */
	unsigned long bad;		/* nodes that failed a check */
};

/* The struct page a list node belongs to, checked; its pfn. */
static bool node_page(struct insp *in, uint64_t node, struct list_check *c,
		      uint64_t *pfn, uint8_t *page)
{
	const struct mm_layout *l = in->lay;
	const struct zone_roots *roots = c->z->roots;
	uint64_t pva = node - l->page.lru.off, off = pva - roots->mem_map;

	if (pva < roots->mem_map || off % l->page.size ||
	    off / l->page.size >= roots->max_pfn) {
		if (!c->bad++)
			insp_problem(in, "zone %s %s: node 0x%" PRIx64 " is not a struct page's lru in mem_map%s",
				     c->z->info->name, c->what, node,
				     held(c->z));
		return false;
	}
	*pfn = off / l->page.size;
	if (insp_read(in, pva, page, l->page.size)) {
		if (!c->bad++)
			insp_problem(in, "zone %s %s: pfn 0x%" PRIx64 "'s struct page: %s",
				     c->z->info->name, c->what, *pfn, in->err);
		return false;
	}
	return true;
}

static bool check_node(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct list_check *c = opaque;
	const struct zone_info *zi = c->z->info;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t pfn, flags, order;

	if (!node_page(in, node, c, &pfn, page))
		return true;
	if (c->z->block)
		c->z->block(zi, c->cpu, c->order, pfn, pfn * l->page.size +
			    c->z->roots->mem_map, page, c->z->opaque);
	flags = field_get(page, l->page.size, l->page.flags);
	order = field_get(page, l->page.size, l->page.private_);
	/* differences, not sums: start and spanned are the guest's, unchecked */
	if (!(flags & c->flag) || order != c->order ||
	    pfn < zi->start_pfn || (1ULL << c->order) > zi->spanned ||
	    pfn - zi->start_pfn > zi->spanned - (1ULL << c->order) ||
	    (pfn & ((1ULL << c->order) - 1))) {
		if (!c->bad++)
			insp_problem(in, "zone %s %s: pfn 0x%" PRIx64 " (flags 0x%" PRIx64 ", order %" PRIu64 ") is not a free order-%u block of the zone%s%s",
				     zi->name, c->what, pfn, flags, order,
				     c->order, flags & c->flag ? "" : ": no ",
				     flags & c->flag ? "" : c->flag_name);
	}
	return true;
}

/* Walks one list; the blocks found, or -1 when the walk did not finish. */
static long walk_checked(struct insp *in, uint64_t head, struct list_check *c)
{
	const char *name = c->z->info->name;
	struct insp_walk w;
	unsigned long limit = (c->z->info->spanned >> c->order) + 1;
	int r = insp_list_walk(in, head, limit, check_node, c, &w);

	if (w.bad_prev)
		insp_problem(in, "zone %s %s: %s%s", name, c->what,
			     w.prev_why, held(c->z));
	if (r) {
		insp_problem(in, "zone %s %s: %s%s", name, c->what,
			     w.why, held(c->z));
		return -1;
	}
	return (long)w.nodes;
}

/* Fills nr_free[] and checks each free list; the pages the areas hold. */
static uint64_t zone_free_area(struct insp *in, const struct zone_copy *z)
{
	const struct mm_layout *l = in->lay;
	struct zone_info *zi = z->info;
	uint64_t buddy_pages = 0;

	zi->nr_orders = 0;
	for (unsigned int o = 0; o < l->zone.free_area.count &&
				 o < ZONE_MAX_ORDER; o++) {
		struct field area = field_elem(l->zone.free_area, o);
		uint64_t nr = zone_field(z, field_in(area, l->free_area.nr_free));
		char what[32];
		struct list_check c = {
			.z = z, .what = what, .order = o,
			.flag = 1ULL << l->pg.buddy, .flag_name = "PG_buddy",
			.cpu = -1,
		};
		long found;

		snprintf(what, sizeof(what), "free_area[%u]", o);
		zi->nr_free[zi->nr_orders++] = nr;
		buddy_pages += nr << o;
		found = walk_checked(in, z->va + area.off +
				     l->free_area.free_list.off, &c);
		if (found >= 0 && (uint64_t)found != nr)
			insp_problem(in, "zone %s free_area[%u]: nr_free %" PRIu64 " but %ld blocks on the free list%s",
				     zi->name, o, nr, found, held(z));
	}
	return buddy_pages;
}

/* CPU @cpu's per-CPU lists: the pages on them, or -1 if a walk broke. */
static int64_t pcp_lists_pages(struct insp *in, const struct zone_copy *z,
			       unsigned int cpu, struct field pcp)
{
	const struct mm_layout *l = in->lay;
	uint64_t pages = 0;
	bool complete = true;

	for (unsigned int o = 0; o < l->pcp.lists.count &&
				 o < ZONE_MAX_ORDER; o++) {
		char what[48];
		struct list_check c = {
			.z = z, .what = what, .order = o,
			.flag = 1ULL << l->pg.pcp, .flag_name = "PG_pcp",
			.cpu = (int)cpu,
		};
		long found;

		snprintf(what, sizeof(what), "cpu %u pcp list %u", cpu, o);
		found = walk_checked(in, z->va + pcp.off +
				     field_elem(l->pcp.lists, o).off, &c);
		if (found < 0)
			complete = false;
		else
			pages += (uint64_t)found << o;
	}
	return complete ? (int64_t)pages : -1;
}

/* Fills pcp[] and pcp_pages, each count checked against its lists. */
static void zone_pcp(struct insp *in, const struct zone_copy *z)
{
	const struct mm_layout *l = in->lay;
	struct zone_info *zi = z->info;

	zi->pcp_pages = 0;
	zi->nr_pcp = z->roots->nr_cpus;
	for (unsigned int cpu = 0; cpu < zi->nr_pcp; cpu++) {
		struct field pcp = field_elem(l->zone.pcp, cpu);
		struct zone_pcp_info *p = &zi->pcp[cpu];
		int64_t pages;

		p->count = (int32_t)zone_field(z, field_in(pcp, l->pcp.count));
		p->high = (int32_t)zone_field(z, field_in(pcp, l->pcp.high));
		p->batch = (int32_t)zone_field(z, field_in(pcp, l->pcp.batch));
		if (p->count > 0)
			zi->pcp_pages += (uint64_t)p->count;
		pages = pcp_lists_pages(in, z, cpu, pcp);
		if (pages >= 0 &&
		    (p->count < 0 || (uint64_t)pages != (uint64_t)p->count))
			insp_problem(in, "zone %s cpu %u: pcp count %d but %" PRId64 " pages on its lists",
				     zi->name, cpu, p->count, pages);
	}
}

static void zone_checks(struct insp *in, const struct zone_copy *z,
			uint64_t buddy_pages)
{
	const struct zone_info *zi = z->info;
	uint64_t max_pfn = z->roots->max_pfn;

	if (zi->spanned > max_pfn || zi->start_pfn > max_pfn - zi->spanned)
		insp_problem(in, "zone %s: start_pfn 0x%" PRIx64 " + spanned 0x%" PRIx64 " is beyond max_pfn 0x%" PRIx64,
			     zi->name, zi->start_pfn, zi->spanned, max_pfn);
	if (zi->present > zi->spanned || zi->managed > zi->present)
		insp_problem(in, "zone %s: managed %" PRIu64 " <= present %" PRIu64 " <= spanned %" PRIu64 " does not hold",
			     zi->name, zi->managed, zi->present, zi->spanned);
	if (zi->free > zi->managed)
		insp_problem(in, "zone %s: free %" PRIu64 " is more than managed %" PRIu64 "%s",
			     zi->name, zi->free, zi->managed, held(z));
	if (zi->first_deferred_pfn < zi->start_pfn ||
	    zi->first_deferred_pfn - zi->start_pfn > zi->spanned)
		insp_problem(in, "zone %s: first_deferred_pfn 0x%" PRIx64 " is outside the zone",
			     zi->name, zi->first_deferred_pfn);
	if (!(zi->min <= zi->low && zi->low <= zi->high))
		insp_problem(in, "zone %s: watermarks min %" PRIu64 " low %" PRIu64 " high %" PRIu64 " are not in order",
			     zi->name, zi->min, zi->low, zi->high);
	if (buddy_pages + zi->deferred != zi->free)
		insp_problem(in, "zone %s: free_pages %" PRIu64 " but the free areas hold %" PRIu64 " and deferred_pages %" PRIu64 "%s",
			     zi->name, zi->free, buddy_pages, zi->deferred,
			     held(z));
}

/* Reads zone @idx into @z->info: 0, or -1 if its struct is unreadable. */
static int zone_read(struct insp *in, unsigned int idx, struct zone_copy *z)
{
	uint64_t buddy_pages;

	if (zone_copy_read(in, idx, z))
		return -1;
	buddy_pages = zone_free_area(in, z);
	zone_pcp(in, z);
	zone_checks(in, z, buddy_pages);
	return 0;
}

/*
 * The roots the zone readers start from: 0; or -1, the reason noted (an
 * inconsistency, or the inspection stopped at a root not set up yet).
 */
static int zone_roots_read(struct insp *in, struct zone_roots *r)
{
	if (insp_mem_map(in, &r->mem_map, &r->max_pfn) ||
	    insp_nr_cpus(in, &r->nr_cpus)) {
		if (!in->stop)
			insp_problem(in, "roots: %s", in->err);
		return -1;
	}
	return 0;
}

int zone_read_all(struct insp *in, zone_info_fn fn, void *opaque)
{
	return zone_read_blocks(in, fn, NULL, opaque);
}

int zone_read_blocks(struct insp *in, zone_info_fn fn, zone_block_fn block,
		     void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct zone_roots roots;
	struct zone_info info;
	struct zone_copy z = { .roots = &roots, .info = &info,
			       .size = l->zone.size, .block = block,
			       .opaque = opaque };
	int ret = -1;

	if (zone_roots_read(in, &roots))
		return -1;
	memset(&info, 0, sizeof(info));
	/* nr_cpus is at most the zone's slots: bounded by its size */
	info.pcp = calloc(roots.nr_cpus ? roots.nr_cpus : 1, sizeof(*info.pcp));
	z.buf = malloc(l->zone.size);
	if (!info.pcp || !z.buf) {
		insp_problem(in, "zones: out of memory");
		goto out;
	}
	for (unsigned int i = 0; i < l->root.nr_zones; i++)
		if (!zone_read(in, i, &z))
			fn(&info, opaque);
	ret = 0;
out:
	free(z.buf);
	free(info.pcp);
	return ret;
}

/* ---- memstats ------------------------------------------------------------ */

static const char *const memstat_name[VIR_DOMAIN_MEMORY_STAT_NR] = {
	[VIR_DOMAIN_MEMORY_STAT_SWAP_IN] = "swap_in",
	[VIR_DOMAIN_MEMORY_STAT_SWAP_OUT] = "swap_out",
	[VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT] = "major_fault",
	[VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT] = "minor_fault",
	[VIR_DOMAIN_MEMORY_STAT_UNUSED] = "unused",
	[VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = "available",
	[VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = "actual",
	[VIR_DOMAIN_MEMORY_STAT_RSS] = "rss",
	[VIR_DOMAIN_MEMORY_STAT_USABLE] = "usable",
	[VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = "last_update",
	[VIR_DOMAIN_MEMORY_STAT_DISK_CACHES] = "disk_caches",
	[VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC] = "hugetlb_pgalloc",
	[VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL] = "hugetlb_pgfail",
};

const char *memstat_tag_name(unsigned int tag)
{
	return tag < VIR_DOMAIN_MEMORY_STAT_NR ? memstat_name[tag] : NULL;
}

static void memstat_set(struct memstats *st, unsigned int tag, uint64_t v)
{
	st->val[tag] = v;
	st->have[tag] = true;
}

/* The zones' pages, summed over every zone read. */
struct zone_sums {
	uint64_t free, pcp, managed;
};

static void zone_sum(const struct zone_info *z, void *opaque)
{
	struct zone_sums *s = opaque;

	s->free += z->free;
	s->pcp += z->pcp_pages;
	s->managed += z->managed;
}

int memstats_read(struct insp *in, uint64_t ram_bytes, struct memstats *st)
{
	struct zone_sums sum = { 0 };
	uint64_t unused;

	memset(st, 0, sizeof(*st));
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, ram_bytes >> 10);
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE,
		    (uint64_t)time(NULL));
	if (!in || zone_read_all(in, zone_sum, &sum))
		return -1;
	unused = (sum.free + sum.pcp) << 2;
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_UNUSED, unused);
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_AVAILABLE, sum.managed << 2);
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_USABLE, unused);
	memstat_set(st, VIR_DOMAIN_MEMORY_STAT_DISK_CACHES, 0);
	return 0;
}

/* ---- memblock -------------------------------------------------------------- */

/* Checks the regions of memblock type @name read into @t. */
static void memblock_regions_check(struct insp *in,
				   const struct memblock_type_info *t,
				   const char *name)
{
	uint64_t sum = 0, end = 0;

	for (unsigned int i = 0; i < t->nr; i++) {
		uint64_t base = t->regions[i].base, size = t->regions[i].size;

		if (base + size < base)
			insp_problem(in, "memblock.%s[%u]: [0x%" PRIx64 "+0x%" PRIx64 ") wraps",
				     name, i, base, size);
		else if (i && base < end)
			insp_problem(in, "memblock.%s[%u]: 0x%" PRIx64 " overlaps or precedes the region before (ends 0x%" PRIx64 ")",
				     name, i, base, end);
		end = base + size;
		sum += size;
	}
	if (sum != t->total_size)
		insp_problem(in, "memblock.%s: total_size 0x%" PRIx64 " but the regions add up to 0x%" PRIx64,
			     name, t->total_size, sum);
}

static void memblock_type_read(struct insp *in, const uint8_t *mb,
			       struct field type, const char *name,
			       struct memblock_type_info *t)
{
	const struct mm_layout *l = in->lay;
	uint32_t mb_size = l->memblock.size, rsize = l->memblock_region.size;
#define TYPE(f)	field_get(mb, mb_size, field_in(type, l->memblock_type.f))
	uint64_t regions = TYPE(regions);
	uint8_t *buf;

	t->cnt = TYPE(cnt);
	t->max = TYPE(max);
	t->total_size = TYPE(total_size);
#undef TYPE
	if (t->cnt > t->max || t->max > MEMBLOCK_MAX_REGIONS) {
		insp_problem(in, "memblock.%s: cnt %" PRIu64 " max %" PRIu64 " (cnt <= max <= %u expected)",
			     name, t->cnt, t->max, MEMBLOCK_MAX_REGIONS);
		if (t->cnt > MEMBLOCK_MAX_REGIONS)
			return;
	}
	buf = malloc(t->cnt * rsize + 1);
	t->regions = calloc(t->cnt + 1, sizeof(*t->regions));
	if (!buf || !t->regions)
		goto out;
	if (t->cnt && insp_read(in, regions, buf, t->cnt * rsize)) {
		insp_problem(in, "memblock.%s: regions at 0x%" PRIx64 ": %s", name,
			     regions, in->err);
		goto out;
	}
	for (t->nr = 0; t->nr < t->cnt; t->nr++) {
		const uint8_t *r = buf + t->nr * rsize;

		t->regions[t->nr].base = field_get(r, rsize,
						   l->memblock_region.base);
		t->regions[t->nr].size = field_get(r, rsize,
						   l->memblock_region.size_);
	}
	memblock_regions_check(in, t, name);
out:
	free(buf);
}

int memblock_read(struct insp *in, struct memblock_info *mb)
{
	const struct mm_layout *l = in->lay;
	uint8_t *buf = malloc(l->memblock.size);
	int ret = -1;

	memset(mb, 0, sizeof(*mb));
	if (!buf || insp_read(in, l->root.memblock, buf, l->memblock.size)) {
		insp_problem(in, "memblock at 0x%" PRIx64 ": %s",
			     l->root.memblock, buf ? in->err : "out of memory");
		goto out;
	}
	memblock_type_read(in, buf, l->memblock.memory, "memory", &mb->memory);
	memblock_type_read(in, buf, l->memblock.reserved, "reserved",
			   &mb->reserved);
	ret = 0;
out:
	free(buf);
	return ret;
}

void memblock_info_release(struct memblock_info *mb)
{
	free(mb->memory.regions);
	free(mb->reserved.regions);
	memset(mb, 0, sizeof(*mb));
}

/* ---- e820 ------------------------------------------------------------------ */

void e820_check_guest_copy(struct insp *in, const struct gmem *gm,
			   const struct memmap *mm)
{
	struct mv_boot_params *bp = malloc(sizeof(*bp));

	if (!bp || gmem_read(gm, MV_BOOT_PARAMS_GPA, bp, sizeof(*bp))) {
		insp_problem(in, "boot params at 0x%llx: %s",
			     (unsigned long long)MV_BOOT_PARAMS_GPA,
			     bp ? "not in guest RAM" : "out of memory");
	} else if (bp->e820_entries != mm->nr_e820) {
		insp_problem(in, "the guest's e820 copy has %u entries, the VMM's map %u",
			     bp->e820_entries, mm->nr_e820);
	} else {
		for (unsigned int i = 0; i < mm->nr_e820 && i < E820_MAX_ENTRIES; i++)
			if (bp->e820[i].addr != mm->e820[i].addr ||
			    bp->e820[i].size != mm->e820[i].size ||
			    bp->e820[i].type != mm->e820[i].type)
				insp_problem(in, "the guest's e820[%u] [0x%" PRIx64 "+0x%" PRIx64 ") type %u differs from the VMM's [0x%" PRIx64 "+0x%" PRIx64 ") type %u",
					     i, (uint64_t)bp->e820[i].addr,
					     (uint64_t)bp->e820[i].size,
					     bp->e820[i].type,
					     (uint64_t)mm->e820[i].addr,
					     (uint64_t)mm->e820[i].size,
					     mm->e820[i].type);
	}
	free(bp);
}

/* ---- The answers: JSON from the structs ------------------------------------ */

static json_t *zone_info_json(const struct zone_info *z)
{
	json_t *fa = json_array(), *pcp = json_array();

	for (unsigned int o = 0; o < z->nr_orders; o++)
		json_array_append_new(fa, json_integer((json_int_t)z->nr_free[o]));
	for (unsigned int cpu = 0; cpu < z->nr_pcp; cpu++)
		json_array_append_new(pcp, json_pack("{s:i,s:i,s:i,s:i}",
			"cpu", cpu, "count", z->pcp[cpu].count,
			"high", z->pcp[cpu].high, "batch", z->pcp[cpu].batch));
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}",
			 "name", z->name,
			 "start_pfn", (json_int_t)z->start_pfn,
			 "spanned", (json_int_t)z->spanned,
			 "present", (json_int_t)z->present,
			 "managed", (json_int_t)z->managed,
			 "free", (json_int_t)z->free,
			 "min", (json_int_t)z->min,
			 "low", (json_int_t)z->low,
			 "high", (json_int_t)z->high,
			 "deferred", (json_int_t)z->deferred,
			 "first_deferred_pfn", (json_int_t)z->first_deferred_pfn,
			 "free_area", fa, "pcp", pcp);
}

static void zone_append_json(const struct zone_info *z, void *opaque)
{
	json_array_append_new(opaque, zone_info_json(z));
}

/* An answer that could not start: the reason is its one inconsistency. */
static json_t *answer_unopened(const char *key, const struct errbuf *e)
{
	return json_pack("{s:[],s:[s]}", key, "inconsistencies", e->msg);
}

/* Ends answer @ans of @in: its "incomplete", then its "inconsistencies". */
static json_t *answer_close(struct insp *in, json_t *ans)
{
	insp_mark_incomplete(in, ans);
	json_object_set_new(ans, "inconsistencies", insp_take_problems(in));
	insp_close(in);
	return ans;
}

json_t *inspect_zones(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, const struct insp_bounds *b)
{
	struct insp in;
	struct errbuf e;
	json_t *zones;

	if (insp_open(&in, gm, lay, cr3, &e)) {
		insp_close(&in);
		return answer_unopened("zones", &e);
	}
	insp_bound(&in, b);
	zones = json_array();
	zone_read_all(&in, zone_append_json, zones);
	return answer_close(&in, json_pack("{s:o}", "zones", zones));
}

json_t *inspect_memstats(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay, uint64_t ram_bytes,
			 const struct insp_bounds *b)
{
	struct memstats st;
	json_t *stats = json_object(), *ans, *problems;
	struct insp in;
	struct errbuf e;
	bool opened = !insp_open(&in, gm, lay, cr3, &e);

	insp_bound(&in, b);
	memstats_read(opened ? &in : NULL, ram_bytes, &st);
	if (!opened && !in.lay)
		json_array_append_new(in.problems, json_string(e.msg));
	problems = insp_take_problems(&in);
	for (unsigned int t = 0; t < VIR_DOMAIN_MEMORY_STAT_NR; t++)
		if (st.have[t])
			json_object_set_new(stats, memstat_name[t],
					    json_integer((json_int_t)st.val[t]));
	ans = json_pack("{s:o}", "stats", stats);
	insp_mark_incomplete(&in, ans);
	if (json_array_size(problems))
		json_object_set(ans, "inconsistencies", problems);
	json_decref(problems);
	insp_close(&in);
	return ans;
}

static json_t *memblock_type_json(const struct memblock_type_info *t)
{
	json_t *list = json_array();

	for (unsigned int i = 0; i < t->nr; i++)
		json_array_append_new(list, json_pack("{s:I,s:I}",
			"base", (json_int_t)t->regions[i].base,
			"size", (json_int_t)t->regions[i].size));
	return list;
}

json_t *inspect_memblock(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay,
			 const struct insp_bounds *b)
{
	struct memblock_info mb;
	struct insp in;
	struct errbuf e;
	json_t *ans;

	if (insp_open(&in, gm, lay, cr3, &e)) {
		insp_close(&in);
		return json_pack("{s:[],s:[],s:[s]}", "memory", "reserved",
				 "inconsistencies", e.msg);
	}
	insp_bound(&in, b);
	memblock_read(&in, &mb);
	ans = json_pack("{s:o,s:o}", "memory", memblock_type_json(&mb.memory),
			"reserved", memblock_type_json(&mb.reserved));
	memblock_info_release(&mb);
	return answer_close(&in, ans);
}

json_t *inspect_e820(const struct gmem *gm, const struct memmap *mm)
{
	json_t *entries = json_array(), *ans;
	struct insp in;

	insp_init(&in, gm);
	for (unsigned int i = 0; i < mm->nr_e820; i++)
		json_array_append_new(entries, json_pack("{s:o,s:I,s:s}",
			"addr", qmp_addr(mm->e820[i].addr),
			"size", (json_int_t)mm->e820[i].size,
			"type", e820_type_name(mm->e820[i].type)));
	e820_check_guest_copy(&in, gm, mm);
	ans = json_pack("{s:o,s:o}", "entries", entries, "inconsistencies",
			insp_take_problems(&in));
	insp_close(&in);
	return ans;
}
