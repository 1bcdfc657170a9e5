// SPDX-License-Identifier: MIT
/*
 * The zone and buddy checkers (check.h), from guest memory alone.
 *
 * check_zones walks every free list and per-CPU list once, through
 * zone_read.c's reader (zone_read_blocks: its walk, bounded and
 * cycle-checked, hands each block here), and marks each free page in a map
 * of the frames (one byte a pfn). It checks per zone:
 *   - nr_free of each order against the blocks on its list, each CPU's pcp
 *     count against its lists;
 *   - the free counter: the free lists' pages + deferred == free_pages
 *     (pages on per-CPU lists are out of free_pages in this guest, as in
 *     Linux: rmqueue_bulk takes them off NR_FREE_PAGES);
 *   - the watermarks: min <= low <= high.
 * check_buddy then reads every struct page of each zone below its first
 * deferred pfn (the ones above are not initialised yet) against the map:
 *   - every free block on exactly one list, at its order (the head's
 *     private), aligned to it, inside its zone (met on the walk);
 *   - every PG_buddy head on a list (a block unlinked without its counters
 *     fixed is a leaked page);
 *   - no two buddies both free at the same order (the guest always
 *     merges: page_alloc.c's __merge_free_block up to MAX_ORDER - 1);
 *   - no page both free and owned (PG_slab, PG_reserved or a reference);
 *   - free + allocated + reserved == managed + reserved, where, from the
 *     struct pages: free is a page on a free or per-CPU list, reserved is
 *     PG_reserved (never given to the buddy: outside managed), allocated
 *     is every other initialised page of the zone; plus deferred_pages
 *     for the part not initialised yet. So free + allocated + deferred
 *     == managed exactly on an honest guest.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zone_read.h"

#define CHECK_ZONES_MAX		8
#define CHECK_PAGE_CHUNK	4096	/* bytes of mem_map read at a time */

/* A frame's byte in the map. */
#define MAP_ORDER	0x1f		/* the block's order, for a head */
#define MAP_HEAD	0x20		/* first page of a free block */
#define MAP_TAIL	0x40		/* inside a free block */
#define MAP_PCP		0x80		/* on a per-CPU list (head or tail) */
#define MAP_FREE	(MAP_HEAD | MAP_TAIL)

struct zone_seen {
	char name[ZONE_NAME_MAX];
	uint64_t va;			/* the struct zone */
	uint64_t start_pfn, spanned, first_deferred_pfn;
	uint64_t managed, deferred, free;
	uint64_t pcp_pages;		/* on its per-CPU lists, counted */
	bool walked;			/* every list walked to its end */
};

struct zones_state {
	uint64_t mem_map, max_pfn;
	unsigned int nr;
	struct zone_seen z[CHECK_ZONES_MAX];
	uint64_t blocks[ZONE_MAX_ORDER];	/* the zone being walked */
	uint64_t pcp[64];			/* its CPUs' pages, counted */
	uint8_t map[];				/* max_pfn bytes */
};

struct zone_walk {
	struct check_run *run;
	struct zones_state *st;
};

static uint64_t zone_va(const struct mm_layout *l, unsigned int idx)
{
	return l->root.zones + (uint64_t)idx * l->zone.size;
}

/* Marks block @pfn of 2^@order pages in the map; a page marked twice is named. */
static void mark_block(struct check_run *run, struct zones_state *st,
		       const struct zone_info *z, int cpu, unsigned int order,
		       uint64_t pfn, uint64_t page_va)
{
	uint64_t n = 1ULL << order;
	uint8_t pcp = cpu >= 0 ? MAP_PCP : 0;

	if (pfn >= st->max_pfn || n > st->max_pfn - pfn)
		return;		/* zone_read names it; nothing to mark */
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *m = &st->map[pfn + i];

		if (*m) {
			check_violation(run, "page", page_va, "on one free list",
					"on two",
					"zone %s: pfn 0x%" PRIx64 " is on two free lists (met again on %s %u)",
					z->name, pfn + i,
					cpu >= 0 ? "a pcp list" : "free_area",
					order);
			return;
		}
		*m = (i ? MAP_TAIL : MAP_HEAD | order) | pcp;
	}
}

static void zone_block(const struct zone_info *z, int cpu, unsigned int order,
		       uint64_t pfn, uint64_t page_va, const uint8_t *page,
		       void *opaque)
{
	struct zone_walk *w = opaque;
	struct check_run *run = w->run;
	const struct mm_layout *l = check_insp(run)->lay;
	uint64_t flags = field_get(page, l->page.size, l->page.flags);
	uint64_t got = field_get(page, l->page.size, l->page.private_);
	uint64_t flag = 1ULL << (cpu >= 0 ? l->pg.pcp : l->pg.buddy);
	uint64_t n = 1ULL << order;
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];

	if (!(flags & flag) || got != order) {
		snprintf(exp, sizeof(exp), "%s, order %u",
			 cpu >= 0 ? "PG_pcp" : "PG_buddy", order);
		snprintf(found, sizeof(found), "flags 0x%" PRIx64 ", order %" PRIu64,
			 flags, got);
		check_violation(run, "page", page_va, exp, found,
				"zone %s: pfn 0x%" PRIx64 " on %s list %u is not a free block of that order",
				z->name, pfn, cpu >= 0 ? "a pcp" : "a free",
				order);
	}
	if (pfn & (n - 1)) {
		snprintf(exp, sizeof(exp), "aligned to %" PRIu64 " pages", n);
		snprintf(found, sizeof(found), "pfn 0x%" PRIx64, pfn);
		check_violation(run, "page", page_va, exp, found,
				"zone %s: free block at pfn 0x%" PRIx64 " of order %u is not aligned",
				z->name, pfn, order);
	}
	if (pfn < z->start_pfn || n > z->spanned ||
	    pfn - z->start_pfn > z->spanned - n) {
		snprintf(exp, sizeof(exp), "pfn 0x%" PRIx64 "..0x%" PRIx64,
			 z->start_pfn, z->start_pfn + z->spanned);
		snprintf(found, sizeof(found), "pfn 0x%" PRIx64, pfn);
		check_violation(run, "page", page_va, exp, found,
				"zone %s: free block at pfn 0x%" PRIx64 " is outside the zone",
				z->name, pfn);
	}
	if (cpu < 0)
		w->st->blocks[order < ZONE_MAX_ORDER ? order : 0]++;
	else if (cpu < 64)
		w->st->pcp[cpu] += n;
	mark_block(run, w->st, z, cpu, order, pfn, page_va);
}

static void zone_counts(struct check_run *run, const struct zone_info *z,
			uint64_t va, struct zones_state *st)
{
	const struct mm_layout *l = check_insp(run)->lay;
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	uint64_t buddy = 0;

	for (unsigned int o = 0; o < z->nr_orders; o++) {
		uint64_t area = va + field_elem(l->zone.free_area, o).off;

		buddy += z->nr_free[o] << o;
		if (st->blocks[o] == z->nr_free[o])
			continue;
		snprintf(exp, sizeof(exp), "%" PRIu64, st->blocks[o]);
		snprintf(found, sizeof(found), "%" PRIu64, z->nr_free[o]);
		check_violation(run, "free_area", area, exp, found,
				"zone %s free_area[%u]: nr_free %" PRIu64 " but %" PRIu64 " blocks on its list",
				z->name, o, z->nr_free[o], st->blocks[o]);
	}
	for (unsigned int cpu = 0; cpu < z->nr_pcp && cpu < 64; cpu++) {
		int32_t count = z->pcp[cpu].count;

		if (count >= 0 && (uint64_t)count == st->pcp[cpu])
			continue;
		snprintf(exp, sizeof(exp), "%" PRIu64, st->pcp[cpu]);
		snprintf(found, sizeof(found), "%d", count);
		check_violation(run, "pcp", va + field_elem(l->zone.pcp, cpu).off,
				exp, found,
				"zone %s cpu %u: pcp count %d but %" PRIu64 " pages on its lists",
				z->name, cpu, count, st->pcp[cpu]);
	}
	if (buddy + z->deferred != z->free) {
		snprintf(exp, sizeof(exp), "%" PRIu64, buddy + z->deferred);
		snprintf(found, sizeof(found), "%" PRIu64, z->free);
		check_violation(run, "zone", va, exp, found,
				"zone %s: free_pages %" PRIu64 " but the free lists hold %" PRIu64 " and deferred_pages %" PRIu64,
				z->name, z->free, buddy, z->deferred);
	}
	if (!(z->min <= z->low && z->low <= z->high)) {
		snprintf(found, sizeof(found), "min %" PRIu64 " low %" PRIu64 " high %" PRIu64,
			 z->min, z->low, z->high);
		check_violation(run, "zone", va, "min <= low <= high", found,
				"zone %s: watermarks not in order", z->name);
	}
}

static void zone_done(const struct zone_info *z, void *opaque)
{
	struct zone_walk *w = opaque;
	struct zones_state *st = w->st;
	const struct mm_layout *l = check_insp(w->run)->lay;
	struct zone_seen *s;

	if (st->nr < CHECK_ZONES_MAX && !check_insp(w->run)->stop) {
		s = &st->z[st->nr++];
		memcpy(s->name, z->name, sizeof(s->name));
		s->va = zone_va(l, z->idx);
		s->start_pfn = z->start_pfn;
		s->spanned = z->spanned;
		s->first_deferred_pfn = z->first_deferred_pfn;
		s->managed = z->managed;
		s->deferred = z->deferred;
		s->free = z->free;
		for (unsigned int c = 0; c < 64; c++)
			s->pcp_pages += st->pcp[c];
		s->walked = true;
		zone_counts(w->run, z, s->va, st);
	}
	check_covered(w->run, "zones", 1);
	memset(st->blocks, 0, sizeof(st->blocks));
	memset(st->pcp, 0, sizeof(st->pcp));
}

void check_zones(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct zones_state *st;
	struct zone_walk w = { run, NULL };
	uint64_t mem_map, max_pfn;

	free(run->zones);
	run->zones = NULL;
	if (insp_mem_map(in, &mem_map, &max_pfn))
		return;		/* not set up yet, or named: the run says */
	st = calloc(1, sizeof(*st) + max_pfn);
	if (!st) {
		insp_problem(in, "check: out of memory for %" PRIu64 " frames",
			     max_pfn);
		return;
	}
	st->mem_map = mem_map;
	st->max_pfn = max_pfn;
	w.st = st;
	run->zones = st;
	zone_read_blocks(in, zone_done, zone_block, &w);
}

/* ---- The struct pages against the map ----------------------------------- */

struct page_tally {
	uint64_t free, pcp, reserved, allocated;
};

static void page_check(struct check_run *run, const struct zones_state *st,
		       const struct zone_seen *zs, uint64_t pfn,
		       const uint8_t *page, struct page_tally *t)
{
	const struct mm_layout *l = check_insp(run)->lay;
	uint64_t va = st->mem_map + pfn * l->page.size;
	uint64_t flags = field_get(page, l->page.size, l->page.flags);
	uint32_t ref = (uint32_t)field_get(page, l->page.size, l->page.refcount);
	uint8_t m = st->map[pfn];
	uint64_t owned = flags & ((1ULL << l->pg.slab) | (1ULL << l->pg.reserved));
	char found[CHECK_TEXT_MAX];

	if ((flags & (1ULL << l->pg.buddy)) && !(m & MAP_HEAD)) {
		uint64_t order = field_get(page, l->page.size, l->page.private_);

		snprintf(found, sizeof(found), "on no list (order %" PRIu64 ")",
			 order);
		check_violation(run, "page", va, "on a free list", found,
				"zone %s: pfn 0x%" PRIx64 " is a free block (PG_buddy) on no free list: leaked",
				zs->name, pfn);
	}
	if (!m) {
		if (flags & (1ULL << l->pg.reserved))
			t->reserved++;
		else
			t->allocated++;
		return;
	}
	if (m & MAP_PCP)
		t->pcp++;
	else
		t->free++;
	if (owned || ref) {
		snprintf(found, sizeof(found), "flags 0x%" PRIx64 ", refcount %u",
			 flags, ref);
		check_violation(run, "page", va, "free: no owner", found,
				"zone %s: pfn 0x%" PRIx64 " is on a free list and owned (%s)",
				zs->name, pfn,
				flags & (1ULL << l->pg.slab) ? "PG_slab" :
				flags & (1ULL << l->pg.reserved) ? "PG_reserved" :
				"a reference");
	}
}

/* Two buddies both free at one order: the guest would have merged them. */
static void buddy_pair(struct check_run *run, const struct zones_state *st,
		       const struct zone_seen *zs, uint64_t pfn)
{
	const struct mm_layout *l = check_insp(run)->lay;
	uint8_t m = st->map[pfn];
	unsigned int order = m & MAP_ORDER;
	uint64_t buddy = pfn ^ (1ULL << order);
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];

	if (!(m & MAP_HEAD) || (m & MAP_PCP) || buddy < pfn ||
	    order + 1 >= l->zone.free_area.count ||
	    buddy - zs->start_pfn >= zs->spanned || buddy >= st->max_pfn ||
	    st->map[buddy] != (MAP_HEAD | order))
		return;
	snprintf(exp, sizeof(exp), "one block of order %u", order + 1);
	snprintf(found, sizeof(found), "pfn 0x%" PRIx64 " and 0x%" PRIx64 " free at order %u",
		 pfn, buddy, order);
	check_violation(run, "page", st->mem_map + pfn * l->page.size, exp,
			found, "zone %s: buddies not merged", zs->name);
}

static void tally_check(struct check_run *run, const struct zone_seen *zs,
			const struct page_tally *t)
{
	uint64_t sum = t->free + t->pcp + t->allocated + zs->deferred;
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];

	if (sum == zs->managed)
		return;
	snprintf(exp, sizeof(exp), "%" PRIu64, zs->managed);
	snprintf(found, sizeof(found), "%" PRIu64, sum);
	check_violation(run, "zone", zs->va, exp, found,
			"zone %s: free %" PRIu64 " + per-CPU %" PRIu64 " + allocated %" PRIu64 " + deferred %" PRIu64 " is not managed_pages (reserved %" PRIu64 ")",
			zs->name, t->free, t->pcp, t->allocated, zs->deferred,
			t->reserved);
}

/* Reads zone @zs's initialised struct pages a chunk at a time. */
static void zone_pages(struct check_run *run, const struct zones_state *st,
		       const struct zone_seen *zs)
{
	struct insp *in = check_insp(run);
	uint32_t psz = in->lay->page.size;
	uint8_t buf[CHECK_PAGE_CHUNK];
	uint64_t per = psz <= sizeof(buf) ? sizeof(buf) / psz : 0;
	uint64_t end = zs->start_pfn + zs->spanned, pfn = zs->start_pfn;
	struct page_tally t = { 0 };

	if (!per)
		return;
	if (zs->first_deferred_pfn < end)
		end = zs->first_deferred_pfn;
	if (end > st->max_pfn)
		end = st->max_pfn;
	while (pfn < end) {
		uint64_t n = end - pfn < per ? end - pfn : per;

		if (insp_read(in, st->mem_map + pfn * psz, buf, n * psz))
			return;		/* budget or damage: coverage says */
		for (uint64_t i = 0; i < n; i++) {
			page_check(run, st, zs, pfn + i, buf + i * psz, &t);
			buddy_pair(run, st, zs, pfn + i);
		}
		check_covered(run, "pages", n);
		pfn += n;
	}
	tally_check(run, zs, &t);
}

void check_buddy(struct check_run *run)
{
	const struct zones_state *st = run->zones;

	if (!st)
		return;		/* check_zones could not read the zones */
	for (unsigned int i = 0; i < st->nr; i++) {
		if (check_insp(run)->stop)
			return;
		zone_pages(run, st, &st->z[i]);
	}
	for (uint64_t pfn = 0; pfn < st->max_pfn; pfn++)
		if (st->map[pfn] & MAP_HEAD)
			check_covered(run, "free_blocks", 1);
}
