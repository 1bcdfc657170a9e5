// SPDX-License-Identifier: MIT
/*
 * The allocator-state readers behind query-zones, query-memblock,
 * query-memstats and query-e820: zoneinfo and buddyinfo, with nr_free
 * checked against a bounded walk of every free list and each per-CPU count
 * against its lists; memblock's tables; the e820 map. Pure (inspect.h):
 * zone_cmds.c parks the vCPUs around them.
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

#define MAX_ORDER_READ	20
#define NAME_MAX_LEN	32

/* The roots' values for this inspection, read once (insp_mem_map()). */
struct zone_roots {
	uint64_t mem_map, max_pfn;
	uint32_t nr_cpus;
};

/* One zone's copy and what was read of it. */
struct zone_copy {
	const struct zone_roots *roots;
	uint64_t va;
	uint8_t *buf;			/* lay->zone.size bytes */
	uint32_t size;
	char name[NAME_MAX_LEN];
	uint64_t start, spanned, present, managed, free, first_deferred,
		 deferred;
	bool locked;
};

static const char *held(const struct zone_copy *z)
{
	return z->locked ? " (zone->lock held: may be mid-update)" : "";
}

static uint64_t zone_field(const struct zone_copy *z, struct field f)
{
	return field_get(z->buf, z->size, f);
}

static int zone_copy_read(struct insp *in, unsigned int idx,
			  const struct zone_roots *roots, struct zone_copy *z)
{
	const struct mm_layout *l = in->lay;

	memset(z, 0, sizeof(*z));
	z->roots = roots;
	z->size = l->zone.size;
	z->va = l->root.zones + (uint64_t)idx * l->zone.size;
	z->buf = malloc(l->zone.size);
	if (!z->buf) {
		insp_problem(in, "zone %u: out of memory", idx);
		return -1;
	}
	if (insp_read(in, z->va, z->buf, l->zone.size)) {
		insp_problem(in, "zone %u at 0x%" PRIx64 ": %s", idx, z->va,
			     in->err);
		return -1;
	}
	if (insp_read_str(in, zone_field(z, l->zone.name), z->name,
			  sizeof(z->name))) {
		insp_problem(in, "zone %u: name: %s", idx, in->err);
		snprintf(z->name, sizeof(z->name), "zone%u", idx);
	}
	z->start = zone_field(z, l->zone.start_pfn);
	z->spanned = zone_field(z, l->zone.spanned);
	z->present = zone_field(z, l->zone.present);
	z->managed = zone_field(z, l->zone.managed);
	z->free = zone_field(z, l->zone.free_pages);
	z->first_deferred = zone_field(z, l->zone.first_deferred_pfn);
	z->deferred = zone_field(z, l->zone.deferred_pages);
	z->locked = zone_field(z, l->zone.lock_next) !=
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
				     c->z->name, c->what, node, held(c->z));
		return false;
	}
	*pfn = off / l->page.size;
	if (insp_read(in, pva, page, l->page.size)) {
		if (!c->bad++)
			insp_problem(in, "zone %s %s: pfn 0x%" PRIx64 "'s struct page: %s",
				     c->z->name, c->what, *pfn, in->err);
		return false;
	}
	return true;
}

static bool check_node(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct list_check *c = opaque;
	const struct zone_copy *z = c->z;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t pfn, flags, order;

	if (!node_page(in, node, c, &pfn, page))
		return true;
	flags = field_get(page, l->page.size, l->page.flags);
	order = field_get(page, l->page.size, l->page.private_);
	/* differences, not sums: start and spanned are the guest's, unchecked */
	if (!(flags & c->flag) || order != c->order ||
	    pfn < z->start || (1ULL << c->order) > z->spanned ||
	    pfn - z->start > z->spanned - (1ULL << c->order) ||
	    (pfn & ((1ULL << c->order) - 1))) {
		if (!c->bad++)
			insp_problem(in, "zone %s %s: pfn 0x%" PRIx64 " (flags 0x%" PRIx64 ", order %" PRIu64 ") is not a free order-%u block of the zone%s%s",
				     z->name, c->what, pfn, flags, order,
				     c->order, flags & c->flag ? "" : ": no ",
				     flags & c->flag ? "" : c->flag_name);
	}
	return true;
}

/* Walks one list; the blocks found, or -1 when the walk did not finish. */
static long walk_checked(struct insp *in, uint64_t head, struct list_check *c)
{
	struct insp_walk w;
	unsigned long limit = (c->z->spanned >> c->order) + 1;
	int r = insp_list_walk(in, head, limit, check_node, c, &w);

	if (w.bad_prev)
		insp_problem(in, "zone %s %s: %s%s", c->z->name, c->what,
			     w.prev_why, held(c->z));
	if (r) {
		insp_problem(in, "zone %s %s: %s%s", c->z->name, c->what,
			     w.why, held(c->z));
		return -1;
	}
	return (long)w.nodes;
}

static json_t *zone_free_area(struct insp *in, const struct zone_copy *z,
			      uint64_t *buddy_pages)
{
	const struct mm_layout *l = in->lay;
	json_t *fa = json_array();

	*buddy_pages = 0;
	for (unsigned int o = 0; o < l->zone.free_area.count &&
				 o < MAX_ORDER_READ; o++) {
		struct field area = field_elem(l->zone.free_area, o);
		uint64_t nr = zone_field(z, field_in(area, l->free_area.nr_free));
		char what[32];
		struct list_check c = {
			.z = z, .what = what, .order = o,
			.flag = 1ULL << l->pg.buddy, .flag_name = "PG_buddy",
		};
		long found;

		snprintf(what, sizeof(what), "free_area[%u]", o);
		json_array_append_new(fa, json_integer((json_int_t)nr));
		*buddy_pages += nr << o;
		found = walk_checked(in, z->va + area.off +
				     l->free_area.free_list.off, &c);
		if (found >= 0 && (uint64_t)found != nr)
			insp_problem(in, "zone %s free_area[%u]: nr_free %" PRIu64 " but %ld blocks on the free list%s",
				     z->name, o, nr, found, held(z));
	}
	return fa;
}

/* CPU @cpu's per-CPU lists: the pages on them, or -1 if a walk broke. */
static int64_t pcp_lists_pages(struct insp *in, const struct zone_copy *z,
			       unsigned int cpu, struct field pcp)
{
	const struct mm_layout *l = in->lay;
	uint64_t pages = 0;
	bool complete = true;

	for (unsigned int o = 0; o < l->pcp.lists.count &&
				 o < MAX_ORDER_READ; o++) {
		char what[48];
		struct list_check c = {
			.z = z, .what = what, .order = o,
			.flag = 1ULL << l->pg.pcp, .flag_name = "PG_pcp",
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

static json_t *zone_pcp(struct insp *in, const struct zone_copy *z,
			uint64_t *pcp_pages)
{
	const struct mm_layout *l = in->lay;
	json_t *list = json_array();

	*pcp_pages = 0;
	for (unsigned int cpu = 0; cpu < z->roots->nr_cpus; cpu++) {
		struct field pcp = field_elem(l->zone.pcp, cpu);
		int32_t count = (int32_t)zone_field(z, field_in(pcp, l->pcp.count));
		int64_t pages;

		json_array_append_new(list, json_pack("{s:i,s:i,s:i,s:i}",
			"cpu", cpu, "count", count,
			"high", (int)(int32_t)zone_field(z, field_in(pcp, l->pcp.high)),
			"batch", (int)(int32_t)zone_field(z, field_in(pcp, l->pcp.batch))));
		if (count > 0)
			*pcp_pages += (uint64_t)count;
		pages = pcp_lists_pages(in, z, cpu, pcp);
		if (pages >= 0 && (count < 0 || (uint64_t)pages != (uint64_t)count))
			insp_problem(in, "zone %s cpu %u: pcp count %d but %" PRId64 " pages on its lists",
				     z->name, cpu, count, pages);
	}
	return list;
}

static void zone_checks(struct insp *in, const struct zone_copy *z,
			const uint64_t *wm, uint64_t buddy_pages)
{
	uint64_t max_pfn = z->roots->max_pfn;

	if (z->spanned > max_pfn || z->start > max_pfn - z->spanned)
		insp_problem(in, "zone %s: start_pfn 0x%" PRIx64 " + spanned 0x%" PRIx64 " is beyond max_pfn 0x%" PRIx64,
			     z->name, z->start, z->spanned, max_pfn);
	if (z->present > z->spanned || z->managed > z->present)
		insp_problem(in, "zone %s: managed %" PRIu64 " <= present %" PRIu64 " <= spanned %" PRIu64 " does not hold",
			     z->name, z->managed, z->present, z->spanned);
	if (z->free > z->managed)
		insp_problem(in, "zone %s: free %" PRIu64 " is more than managed %" PRIu64 "%s",
			     z->name, z->free, z->managed, held(z));
	if (z->first_deferred < z->start ||
	    z->first_deferred - z->start > z->spanned)
		insp_problem(in, "zone %s: first_deferred_pfn 0x%" PRIx64 " is outside the zone",
			     z->name, z->first_deferred);
	if (!(wm[0] <= wm[1] && wm[1] <= wm[2]))
		insp_problem(in, "zone %s: watermarks min %" PRIu64 " low %" PRIu64 " high %" PRIu64 " are not in order",
			     z->name, wm[0], wm[1], wm[2]);
	if (buddy_pages + z->deferred != z->free)
		insp_problem(in, "zone %s: free_pages %" PRIu64 " but the free areas hold %" PRIu64 " and deferred_pages %" PRIu64 "%s",
			     z->name, z->free, buddy_pages, z->deferred, held(z));
}

/* Reads zone @idx; its JSON (NULL if unreadable); pages free and on pcp lists. */
static json_t *zone_read(struct insp *in, unsigned int idx,
			 const struct zone_roots *roots, uint64_t *freep,
			 uint64_t *pcp, uint64_t *managed)
{
	const struct mm_layout *l = in->lay;
	struct zone_copy z;
	json_t *fa, *pcps, *j;
	uint64_t wm[3], buddy_pages;

	if (zone_copy_read(in, idx, roots, &z)) {
		free(z.buf);
		return NULL;
	}
	for (unsigned int i = 0; i < 3; i++)
		wm[i] = zone_field(&z, field_elem(l->zone.watermark, i));
	fa = zone_free_area(in, &z, &buddy_pages);
	pcps = zone_pcp(in, &z, pcp);
	zone_checks(in, &z, wm, buddy_pages);
	*freep = z.free;
	*managed = z.managed;
	j = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}",
		      "name", z.name, "start_pfn", (json_int_t)z.start,
		      "spanned", (json_int_t)z.spanned,
		      "present", (json_int_t)z.present,
		      "managed", (json_int_t)z.managed,
		      "free", (json_int_t)z.free, "min", (json_int_t)wm[0],
		      "low", (json_int_t)wm[1], "high", (json_int_t)wm[2],
		      "deferred", (json_int_t)z.deferred,
		      "first_deferred_pfn", (json_int_t)z.first_deferred,
		      "free_area", fa, "pcp", pcps);
	free(z.buf);
	return j;
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

/* An answer that could not start: the reason is its one inconsistency. */
static json_t *answer_unopened(const char *key, const struct errbuf *e)
{
	return json_pack("{s:[],s:[s]}", key, "inconsistencies", e->msg);
}

json_t *inspect_zones(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, const struct insp_bounds *b)
{
	struct zone_roots roots;
	struct insp in;
	struct errbuf e;
	json_t *zones, *ans;

	if (insp_open(&in, gm, lay, cr3, &e)) {
		insp_close(&in);
		return answer_unopened("zones", &e);
	}
	insp_bound(&in, b);
	zones = json_array();
	if (zone_roots_read(&in, &roots))
		goto out;
	for (unsigned int i = 0; i < lay->root.nr_zones; i++) {
		uint64_t f, p, m;
		json_t *z = zone_read(&in, i, &roots, &f, &p, &m);

		if (z)
			json_array_append_new(zones, z);
	}
out:
	ans = json_pack("{s:o}", "zones", zones);
	insp_mark_incomplete(&in, ans);
	json_object_set_new(ans, "inconsistencies", insp_take_problems(&in));
	insp_close(&in);
	return ans;
}

/* ---- memstats ------------------------------------------------------------ */

/*
 * libvirt's virDomainMemoryStatTags (libvirt-domain.h, through libvirt.h:
 * headers only, nothing links against libvirt) and the names virsh
 * dommemstat prints for them.
 */
#ifdef HAVE_LIBVIRT_LIBVIRT_H
#include <libvirt/libvirt.h>
#else
/* libvirt-domain.h's values (a stable ABI), when it is not installed. */
enum {
	VIR_DOMAIN_MEMORY_STAT_SWAP_IN, VIR_DOMAIN_MEMORY_STAT_SWAP_OUT,
	VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT, VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT,
	VIR_DOMAIN_MEMORY_STAT_UNUSED, VIR_DOMAIN_MEMORY_STAT_AVAILABLE,
	VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, VIR_DOMAIN_MEMORY_STAT_RSS,
	VIR_DOMAIN_MEMORY_STAT_USABLE, VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE,
	VIR_DOMAIN_MEMORY_STAT_DISK_CACHES,
	VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC,
	VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, VIR_DOMAIN_MEMORY_STAT_NR
};
#endif

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

/*
 * What the guest's state gives: actual (the RAM the VMM gave it), unused
 * (free: the buddy lists, deferred pages and per-CPU lists), available
 * (what the allocator manages), usable (unused: guestmm has no page cache
 * or reclaimable slab to count), disk_caches (0: no page cache) and
 * last_update (when this read was made, seconds since the epoch). No swap,
 * no fault counters, no hugetlb: those are left out.
 */
json_t *inspect_memstats(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay, uint64_t ram_bytes,
			 const struct insp_bounds *b)
{
	uint64_t val[VIR_DOMAIN_MEMORY_STAT_NR] = { 0 };
	bool have[VIR_DOMAIN_MEMORY_STAT_NR] = { false };
	uint64_t free_pages = 0, pcp_pages = 0, managed = 0;
	json_t *stats = json_object(), *ans, *problems;
	struct zone_roots roots;
	struct insp in;
	struct errbuf e;
	bool opened = !insp_open(&in, gm, lay, cr3, &e);

	insp_bound(&in, b);
	opened = opened && !zone_roots_read(&in, &roots);

	val[VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = ram_bytes >> 10;
	have[VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON] = true;
	val[VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = (uint64_t)time(NULL);
	have[VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE] = true;
	for (unsigned int i = 0; opened && i < lay->root.nr_zones; i++) {
		uint64_t f = 0, p = 0, m = 0;
		json_t *z = zone_read(&in, i, &roots, &f, &p, &m);

		if (!z)
			continue;
		json_decref(z);
		free_pages += f;
		pcp_pages += p;
		managed += m;
	}
	if (opened) {
		val[VIR_DOMAIN_MEMORY_STAT_UNUSED] = (free_pages + pcp_pages) << 2;
		val[VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = managed << 2;
		val[VIR_DOMAIN_MEMORY_STAT_USABLE] = val[VIR_DOMAIN_MEMORY_STAT_UNUSED];
		have[VIR_DOMAIN_MEMORY_STAT_UNUSED] = true;
		have[VIR_DOMAIN_MEMORY_STAT_AVAILABLE] = true;
		have[VIR_DOMAIN_MEMORY_STAT_USABLE] = true;
		have[VIR_DOMAIN_MEMORY_STAT_DISK_CACHES] = true;
	} else if (!in.lay) {
		json_array_append_new(in.problems, json_string(e.msg));
	}
	problems = insp_take_problems(&in);
	for (unsigned int t = 0; t < VIR_DOMAIN_MEMORY_STAT_NR; t++)
		if (have[t])
			json_object_set_new(stats, memstat_name[t],
					    json_integer((json_int_t)val[t]));
	ans = json_pack("{s:o}", "stats", stats);
	insp_mark_incomplete(&in, ans);
	if (json_array_size(problems))
		json_object_set(ans, "inconsistencies", problems);
	json_decref(problems);
	insp_close(&in);
	return ans;
}

/* ---- memblock -------------------------------------------------------------- */

/*
 * Regions one answer lists per type: 64 times what the guest starts with
 * (INIT_MEMBLOCK_REGIONS). A region costs about 500 bytes of jansson
 * objects in the VMM: 2 x 8192 stay under 10 MiB, where 2 x 65536 would
 * pass the 64 MiB one query may take.
 */
#define MEMBLOCK_MAX_REGIONS	8192

static json_t *memblock_type(struct insp *in, const uint8_t *mb,
			     struct field type, const char *name)
{
	const struct mm_layout *l = in->lay;
	uint32_t mb_size = l->memblock.size, rsize = l->memblock_region.size;
#define TYPE(f)	field_get(mb, mb_size, field_in(type, l->memblock_type.f))
	uint64_t cnt = TYPE(cnt), max = TYPE(max), total = TYPE(total_size);
	uint64_t regions = TYPE(regions), sum = 0, end = 0;
#undef TYPE
	json_t *list = json_array();
	uint8_t *buf;

	if (cnt > max || max > MEMBLOCK_MAX_REGIONS) {
		insp_problem(in, "memblock.%s: cnt %" PRIu64 " max %" PRIu64 " (cnt <= max <= %u expected)",
			     name, cnt, max, MEMBLOCK_MAX_REGIONS);
		if (cnt > MEMBLOCK_MAX_REGIONS)
			return list;
	}
	buf = malloc(cnt * rsize + 1);
	if (!buf)
		return list;
	if (cnt && insp_read(in, regions, buf, cnt * rsize)) {
		insp_problem(in, "memblock.%s: regions at 0x%" PRIx64 ": %s", name,
			     regions, in->err);
		free(buf);
		return list;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		const uint8_t *r = buf + i * rsize;
		uint64_t base = field_get(r, rsize, l->memblock_region.base);
		uint64_t size = field_get(r, rsize, l->memblock_region.size_);

		json_array_append_new(list, json_pack("{s:I,s:I}", "base",
			(json_int_t)base, "size", (json_int_t)size));
		if (base + size < base)
			insp_problem(in, "memblock.%s[%" PRIu64 "]: [0x%" PRIx64 "+0x%" PRIx64 ") wraps",
				     name, i, base, size);
		else if (i && base < end)
			insp_problem(in, "memblock.%s[%" PRIu64 "]: 0x%" PRIx64 " overlaps or precedes the region before (ends 0x%" PRIx64 ")",
				     name, i, base, end);
		end = base + size;
		sum += size;
	}
	if (sum != total)
		insp_problem(in, "memblock.%s: total_size 0x%" PRIx64 " but the regions add up to 0x%" PRIx64,
			     name, total, sum);
	free(buf);
	return list;
}

json_t *inspect_memblock(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay,
			 const struct insp_bounds *b)
{
	struct insp in;
	struct errbuf e;
	uint8_t *mb;
	json_t *ans;

	if (insp_open(&in, gm, lay, cr3, &e)) {
		insp_close(&in);
		return json_pack("{s:[],s:[],s:[s]}", "memory", "reserved",
				 "inconsistencies", e.msg);
	}
	insp_bound(&in, b);
	mb = malloc(lay->memblock.size);
	if (!mb || insp_read(&in, lay->root.memblock, mb, lay->memblock.size)) {
		insp_problem(&in, "memblock at 0x%" PRIx64 ": %s",
			     lay->root.memblock, mb ? in.err : "out of memory");
		ans = json_pack("{s:[],s:[]}", "memory", "reserved");
	} else {
		json_t *mem = memblock_type(&in, mb, lay->memblock.memory,
					    "memory");
		json_t *res = memblock_type(&in, mb, lay->memblock.reserved,
					    "reserved");

		ans = json_pack("{s:o,s:o}", "memory", mem, "reserved", res);
	}
	insp_mark_incomplete(&in, ans);
	json_object_set_new(ans, "inconsistencies", insp_take_problems(&in));
	free(mb);
	insp_close(&in);
	return ans;
}

/* ---- e820 ------------------------------------------------------------------ */

json_t *inspect_e820(const struct gmem *gm, const struct memmap *mm)
{
	struct mv_boot_params *bp = malloc(sizeof(*bp));
	json_t *entries = json_array(), *ans;
	struct insp in;

	insp_init(&in, gm);
	for (unsigned int i = 0; i < mm->nr_e820; i++)
		json_array_append_new(entries, json_pack("{s:o,s:I,s:s}",
			"addr", qmp_addr(mm->e820[i].addr),
			"size", (json_int_t)mm->e820[i].size,
			"type", e820_type_name(mm->e820[i].type)));
	/* The guest's copy, in its boot params (the VMM wrote it there). */
	if (!bp || gmem_read(gm, MV_BOOT_PARAMS_GPA, bp, sizeof(*bp))) {
		insp_problem(&in, "boot params at 0x%llx: %s",
			     (unsigned long long)MV_BOOT_PARAMS_GPA,
			     bp ? "not in guest RAM" : "out of memory");
	} else if (bp->e820_entries != mm->nr_e820) {
		insp_problem(&in, "the guest's e820 copy has %u entries, the VMM's map %u",
			     bp->e820_entries, mm->nr_e820);
	} else {
		for (unsigned int i = 0; i < mm->nr_e820 && i < E820_MAX_ENTRIES; i++)
			if (bp->e820[i].addr != mm->e820[i].addr ||
			    bp->e820[i].size != mm->e820[i].size ||
			    bp->e820[i].type != mm->e820[i].type)
				insp_problem(&in, "the guest's e820[%u] [0x%" PRIx64 "+0x%" PRIx64 ") type %u differs from the VMM's [0x%" PRIx64 "+0x%" PRIx64 ") type %u",
					     i, (uint64_t)bp->e820[i].addr,
					     (uint64_t)bp->e820[i].size,
					     bp->e820[i].type,
					     (uint64_t)mm->e820[i].addr,
					     (uint64_t)mm->e820[i].size,
					     mm->e820[i].type);
	}
	free(bp);
	ans = json_pack("{s:o,s:o}", "entries", entries, "inconsistencies",
			insp_take_problems(&in));
	insp_close(&in);
	return ans;
}
