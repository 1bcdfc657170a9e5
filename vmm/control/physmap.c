// SPDX-License-Identifier: MIT
/*
 * query-physmap (physmap.h): every frame's owner in one pass over mem_map,
 * read a batch of struct pages at a time. A free or allocated block's head
 * says its order; its tail pages say nothing, and take the block's class
 * while the pass is inside it (a block begun before start-pfn is found by
 * its head, page_state_of_head()). What struct pages cannot tell apart
 * (an allocated page that is a page table, a vmalloc or module page, a
 * per-CPU chunk's; a reserved one that is the kernel image or bootmem) is
 * read once per query into an overlay of the range.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/dmadev.h>
#include <memvisor/layout.h>
#include <memvisor/module.h>

#include "dmadev.h"
#include "inspect.h"
#include "inspect_query.h"
#include "page_owner.h"
#include "pagewalk.h"
#include "percpu_cmds.h"
#include "physmap.h"
#include "slab_cmds.h"
#include "vm.h"
#include "vmalloc_cmds.h"
#include "zone_read.h"

#define PAGE_SZ		4096ULL
#define BATCH_BYTES	16384U		/* struct pages read at once */
#define POINTER_BATCH	512U		/* a vmalloc area's page pointers */

static const char *const class_name[PHYSMAP_NR_CLASSES] = {
	[PHYSMAP_HOLE] = "hole",
	[PHYSMAP_FREE] = "free",
	[PHYSMAP_PCP] = "pcp",
	[PHYSMAP_SLAB] = "slab",
	[PHYSMAP_PAGETABLE] = "pagetable",
	[PHYSMAP_VMALLOC] = "vmalloc",
	[PHYSMAP_MODULE] = "module",
	[PHYSMAP_PERCPU] = "percpu",
	[PHYSMAP_DMA] = "dma",
	[PHYSMAP_BOOTMEM] = "bootmem",
	[PHYSMAP_KERNEL] = "kernel",
	[PHYSMAP_RESERVED] = "reserved",
	[PHYSMAP_ALLOCATED] = "allocated",
	[PHYSMAP_UNKNOWN] = "unknown",
};

const char *physmap_class_name(enum physmap_class c)
{
	return c < PHYSMAP_NR_CLASSES ? class_name[c] : "?";
}

/* ---- Linux's fragmentation figures (mm/vmstat.c) ------------------------ */

struct contig_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

/* fill_contig_page_info(), for one zone's counts. */
static void contig_info(const uint64_t *nr_free, unsigned int nr_orders,
			unsigned int order, struct contig_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	for (unsigned int o = 0; o < nr_orders && o < 64; o++) {
		ci->free_blocks_total += nr_free[o];
		ci->free_pages += nr_free[o] << o;
		if (o >= order)
			ci->free_blocks_suitable += nr_free[o] << (o - order);
	}
}

int physmap_unusable_index(const uint64_t *nr_free, unsigned int nr_orders,
			   unsigned int order)
{
	struct contig_info ci;

	contig_info(nr_free, nr_orders, order, &ci);
	if (!ci.free_pages)
		return 0;
	return (int)((ci.free_pages - (ci.free_blocks_suitable << order)) *
		     1000ULL / ci.free_pages);
}

int physmap_extfrag_index(const uint64_t *nr_free, unsigned int nr_orders,
			  unsigned int order)
{
	struct contig_info ci;

	contig_info(nr_free, nr_orders, order, &ci);
	if (!ci.free_blocks_total)
		return 0;
	if (ci.free_blocks_suitable)
		return -1000;
	return (int)(1000 - (1000 + ci.free_pages * 1000ULL / (1ULL << order)) /
			    ci.free_blocks_total);
}

/* ---- the reader's state ------------------------------------------------- */

/* One frame's owner, as the map draws it. */
struct pm_page {
	uint8_t cls;		/* enum physmap_class */
	int8_t order;		/* FREE, PCP, ALLOCATED: the block's; else -1 */
	uint16_t cache;		/* SLAB: index in caches[] + 1; 0 none */
};

struct pm_cache {
	uint64_t addr;
	char name[INSP_STR_MAX];
};

struct pm_zone {
	char name[ZONE_NAME_MAX];
	uint64_t start_pfn, spanned, managed, free;
	uint64_t first_deferred_pfn;	/* struct pages not initialised from */
	unsigned int nr_orders;
	uint64_t nr_free[ZONE_MAX_ORDER];
};

#define PM_MAX_ZONES	8

struct physmap {
	struct insp *r;
	uint64_t start, end;		/* what this answer reads */
	uint64_t asked_end;		/* the range asked: more answers to it */
	uint8_t *overlay;		/* per page: a class, 0 for none */
	struct pm_page *pages;		/* per page of [start, end) */
	struct pm_cache caches[PHYSMAP_MAX_CACHES];
	unsigned int nr_caches;
	struct pm_zone zones[PM_MAX_ZONES];
	unsigned int nr_zones;
	struct memblock_info mb;
	unsigned long pointers;		/* vmalloc page pointers read */
};

static void mark(struct physmap *pm, uint64_t pfn, enum physmap_class c)
{
	if (pfn >= pm->start && pfn < pm->end &&
	    pm->overlay[pfn - pm->start] != PHYSMAP_DMA)
		pm->overlay[pfn - pm->start] = (uint8_t)c;
}

/* ---- read once per query ------------------------------------------------ */

static void keep_zone(const struct zone_info *z, void *opaque)
{
	struct physmap *pm = opaque;
	struct pm_zone *k;

	if (pm->nr_zones >= PM_MAX_ZONES)
		return;
	k = &pm->zones[pm->nr_zones++];
	snprintf(k->name, sizeof(k->name), "%s", z->name);
	k->start_pfn = z->start_pfn;
	k->spanned = z->spanned;
	k->managed = z->managed;
	k->free = z->free;
	k->first_deferred_pfn = z->first_deferred_pfn;
	k->nr_orders = z->nr_orders;
	memcpy(k->nr_free, z->nr_free, sizeof(k->nr_free));
}

static bool mark_table(void *opaque, uint64_t table_gpa, unsigned int level)
{
	struct physmap *pm = opaque;

	mark(pm, table_gpa / PAGE_SZ, PHYSMAP_PAGETABLE);
	return !insp_spent(pm->r);
}

static void mark_page_tables(struct physmap *pm)
{
	bool truncated;

	pagewalk_tables(pm->r->gm, pm->r->cr3, PAGE_OWNER_MAX_TABLES,
			mark_table, pm, &truncated);
	if (truncated)
		insp_problem(pm->r, "page tables: more than %u table pages, not all were looked at",
			     PAGE_OWNER_MAX_TABLES);
}

/* The frame a struct page pointer names, or UINT64_MAX. */
static uint64_t pfn_of_page_ptr(const struct insp *r, uint64_t page)
{
	uint64_t size = r->lay->page.size, off = page - r->mem_map;

	if (page < r->mem_map || off % size || off / size >= r->max_pfn)
		return UINT64_MAX;
	return off / size;
}

static void mark_area(const struct vmap_area_info *a, void *arg)
{
	struct physmap *pm = arg;
	enum physmap_class c = a->start >= MV_MODULES_BASE &&
			       a->start < MV_MODULES_END ? PHYSMAP_MODULE :
			       PHYSMAP_VMALLOC;
	uint64_t ptrs[POINTER_BATCH];

	if (a->kind == VMAP_KIND_IOREMAP || !a->pages)
		return;
	for (uint32_t i = 0; i < a->nr_pages; i += POINTER_BATCH) {
		uint32_t n = a->nr_pages - i < POINTER_BATCH ?
			     a->nr_pages - i : POINTER_BATCH;

		if (pm->pointers + n > VMALLOC_MAX_POINTERS) {
			insp_problem(pm->r, "vmap areas: more than %u page pointers, not all were read",
				     VMALLOC_MAX_POINTERS);
			return;
		}
		pm->pointers += n;
		if (insp_read(pm->r, a->pages + (uint64_t)i * 8, ptrs, n * 8ULL)) {
			insp_problem(pm->r, "vmap area 0x%" PRIx64 ": its pages are not readable",
				     a->va);
			return;
		}
		for (uint32_t k = 0; k < n; k++)
			mark(pm, pfn_of_page_ptr(pm->r, ptrs[k]), c);
	}
}

static void mark_vmap_areas(struct physmap *pm)
{
	struct insp_pager pager;

	insp_pager_init(&pager, NULL, VMALLOC_MAX_AREAS, true);
	vmalloc_read_areas(pm->r, &pager, mark_area, pm);
}

struct percpu_mark {
	struct physmap *pm;
	uint64_t bytes;		/* a chunk's: units x unit size */
};

static void mark_percpu_chunk(const struct percpu_chunk *c, void *arg)
{
	struct percpu_mark *m = arg;
	uint64_t pa;

	if (c->base < MV_DIRECT_MAP_BASE)
		return;		/* not in the direct map: its pages say */
	pa = c->base - MV_DIRECT_MAP_BASE;
	for (uint64_t off = 0; off < m->bytes && !insp_spent(m->pm->r);
	     off += PAGE_SZ)
		mark(m->pm, (pa + off) / PAGE_SZ, PHYSMAP_PERCPU);
}

static void mark_percpu(struct physmap *pm)
{
	struct percpu_info pi;
	struct insp_pager pager;
	struct percpu_mark m = { pm, 0 };
	struct errbuf e;

	if (percpu_read_info(pm->r, &pi, &e))
		return;		/* not set up yet: nothing to mark */
	m.bytes = (uint64_t)pi.unit_size * pi.nr_units;
	if (m.bytes > PHYSMAP_MAX_PAGES * PAGE_SZ) {
		insp_problem(pm->r, "per-CPU chunks: %" PRIu64 " bytes each", m.bytes);
		return;
	}
	insp_pager_init(&pager, NULL, VMALLOC_MAX_AREAS, false);
	percpu_read_chunks(pm->r, &pi, &pager, mark_percpu_chunk, &m);
}

/* The DMA engine's ranges, each at most a command's (MV_DMADEV_MAX_LEN). */
static void mark_dma(struct physmap *pm, const struct physmap_args *a)
{
	for (unsigned int i = 0; i < a->nr_dma && i < PHYSMAP_MAX_DMA; i++) {
		const struct physmap_range *d = &a->dma[i];
		uint64_t len = d->len < MV_DMADEV_MAX_LEN ? d->len : MV_DMADEV_MAX_LEN;

		if (!len || d->pa + len < d->pa)
			continue;
		for (uint64_t pfn = d->pa / PAGE_SZ; pfn <= (d->pa + len - 1) / PAGE_SZ;
		     pfn++)
			mark(pm, pfn, PHYSMAP_DMA);
	}
}

static void read_once(struct physmap *pm, const struct physmap_args *a)
{
	mark_dma(pm, a);
	zone_read_all(pm->r, keep_zone, pm);
	memblock_read(pm->r, &pm->mb);
	mark_page_tables(pm);
	mark_vmap_areas(pm);
	mark_percpu(pm);
}

/* ---- the pass over mem_map ---------------------------------------------- */

static bool in_regions(const struct memblock_type_info *t, uint64_t pfn)
{
	uint64_t pa = pfn * PAGE_SZ;

	for (unsigned int i = 0; i < t->nr; i++)
		if (pa >= t->regions[i].base &&
		    pa - t->regions[i].base < t->regions[i].size)
			return true;
	return false;
}

static bool in_kernel_image(const struct insp *r, uint64_t pfn)
{
	uint64_t start = r->lay->root.kernel_start - MV_KERNEL_VIRT_BASE;
	uint64_t end = r->lay->root.kernel_end - MV_KERNEL_VIRT_BASE;

	return pfn >= start / PAGE_SZ && pfn < (end + PAGE_SZ - 1) / PAGE_SZ;
}

/* The index + 1 of the cache at @addr in pm->caches, named once. */
static uint16_t cache_index(struct physmap *pm, uint64_t addr)
{
	for (unsigned int i = 0; i < pm->nr_caches; i++)
		if (pm->caches[i].addr == addr)
			return (uint16_t)(i + 1);
	if (pm->nr_caches == PHYSMAP_MAX_CACHES) {
		insp_problem(pm->r, "more than %u slab caches: cache 0x%" PRIx64 " not named",
			     PHYSMAP_MAX_CACHES, addr);
		return 0;
	}
	pm->caches[pm->nr_caches].addr = addr;
	slab_cache_name(pm->r, addr, pm->caches[pm->nr_caches].name,
			sizeof(pm->caches[pm->nr_caches].name));
	return (uint16_t)++pm->nr_caches;
}

/* What the overlay or memblock says of a frame its struct page says is
 * allocated, reserved or nothing. */
static enum physmap_class refine(struct physmap *pm, uint64_t pfn,
				 enum page_state_kind kind)
{
	uint8_t over = pm->overlay[pfn - pm->start];

	if (over)
		return over;
	if (kind == PAGE_STATE_ALLOCATED)
		return PHYSMAP_ALLOCATED;
	if (kind != PAGE_STATE_RESERVED)
		return PHYSMAP_UNKNOWN;
	if (in_kernel_image(pm->r, pfn))
		return PHYSMAP_KERNEL;
	if (in_regions(&pm->mb.reserved, pfn))
		return PHYSMAP_BOOTMEM;
	return PHYSMAP_RESERVED;
}

static void classify(struct physmap *pm, uint64_t pfn,
		     const struct page_state *s)
{
	struct pm_page *p = &pm->pages[pfn - pm->start];

	p->order = -1;
	p->cache = 0;
	if (pm->overlay[pfn - pm->start] == PHYSMAP_DMA &&
	    s->kind != PAGE_STATE_FREE && s->kind != PAGE_STATE_PCP) {
		p->cls = PHYSMAP_DMA;	/* a slab's page too: it is in flight */
		return;
	}
	switch (s->kind) {
	case PAGE_STATE_FREE:
		p->cls = PHYSMAP_FREE;
		p->order = (int8_t)s->order;
		return;
	case PAGE_STATE_PCP:
		p->cls = PHYSMAP_PCP;
		p->order = (int8_t)s->order;
		return;
	case PAGE_STATE_SLAB:
		p->cls = PHYSMAP_SLAB;
		p->cache = cache_index(pm, s->cache);
		return;
	default:
		p->cls = refine(pm, pfn, s->kind);
		if (p->cls == PHYSMAP_ALLOCATED && s->order >= 0 && s->order < 64)
			p->order = (int8_t)s->order;
	}
}

/* The block the pass is inside: its class for the tails that say nothing. */
struct pm_block {
	struct page_state s;
	uint64_t end;		/* first frame after it */
};

static void block_start(struct pm_block *blk, uint64_t pfn,
			const struct page_state *s)
{
	if ((s->kind == PAGE_STATE_FREE || s->kind == PAGE_STATE_ALLOCATED ||
	     s->kind == PAGE_STATE_PCP) &&
	    s->order > 0 && s->order < 64 && !(pfn & ((1ULL << s->order) - 1))) {
		blk->s = *s;
		blk->s.head_pfn = pfn;
		blk->end = pfn + (1ULL << s->order);
	}
}

static bool is_ram(const struct gmem *gm, uint64_t pfn)
{
	return gmem_region_of(gm, pfn * PAGE_SZ, PAGE_SZ) != NULL;
}

static void hole(struct physmap *pm, uint64_t pfn)
{
	pm->pages[pfn - pm->start] = (struct pm_page){ PHYSMAP_HOLE, -1, 0 };
}

/*
 * A frame whose struct page is not initialised yet (deferred, as
 * page_owner.c says): memblock tells bootmem from free.
 */
static bool deferred(struct physmap *pm, uint64_t pfn)
{
	for (unsigned int i = 0; i < pm->nr_zones; i++) {
		const struct pm_zone *z = &pm->zones[i];

		if (pfn < z->start_pfn || pfn - z->start_pfn >= z->spanned ||
		    pfn < z->first_deferred_pfn)
			continue;
		pm->pages[pfn - pm->start] = (struct pm_page){
			in_regions(&pm->mb.reserved, pfn) ? PHYSMAP_BOOTMEM :
			PHYSMAP_FREE, -1, 0 };
		return true;
	}
	return false;
}

/* A per-CPU list's block keeps its order in private, as a free one does. */
static int pcp_order(const struct insp *r, const uint8_t *page)
{
	uint64_t order = field_get(page, r->lay->page.size, r->lay->page.private_);

	return order < r->lay->zone.free_area.count ? (int)order : -1;
}

static void one_page(struct physmap *pm, struct pm_block *blk, uint64_t pfn,
		     const uint8_t *page)
{
	struct page_state s = { PAGE_STATE_UNKNOWN, -1, pfn, 0, 0 };

	if (!is_ram(pm->r->gm, pfn)) {
		hole(pm, pfn);
		return;
	}
	if (deferred(pm, pfn))
		return;
	if (page_state_says(pm->r, pfn, page, &s)) {
		if (s.kind == PAGE_STATE_PCP)
			s.order = pcp_order(pm->r, page);
		block_start(blk, pfn, &s);
	}
	else if (pfn < blk->end)
		s = blk->s;
	else
		page_state_of_head(pm->r, pfn, &s);
	classify(pm, pfn, &s);
}

/* Struct pages that cannot be read: named, their frames unknown. */
static void unreadable(struct physmap *pm, uint64_t pfn, uint64_t n)
{
	insp_problem(pm->r, "struct pages of pfn %" PRIu64 "..%" PRIu64 " are not readable: %s",
		     pfn, pfn + n - 1, pm->r->err);
	for (uint64_t i = 0; i < n; i++)
		pm->pages[pfn - pm->start + i] =
			(struct pm_page){ PHYSMAP_UNKNOWN, -1, 0 };
}

/* Classifies [pm->start, ...) until the end or a spent budget: the end. */
static uint64_t pass(struct physmap *pm)
{
	uint64_t size = pm->r->lay->page.size, per = BATCH_BYTES / size;
	uint8_t *buf = malloc(BATCH_BYTES);
	struct pm_block blk = { .end = 0 };
	uint64_t pfn = pm->start;

	if (!buf)
		return pfn;
	while (pfn < pm->end && !insp_spent_now(pm->r)) {
		uint64_t n = pm->end - pfn < per ? pm->end - pfn : per;

		if (pfn >= pm->r->max_pfn) {
			hole(pm, pfn++);
			continue;
		}
		if (n > pm->r->max_pfn - pfn)
			n = pm->r->max_pfn - pfn;
		if (insp_read(pm->r, pm->r->mem_map + pfn * size, buf, n * size)) {
			if (pm->r->stop != INSP_STOP_NONE)
				break;	/* the budget: the answer ends here */
			unreadable(pm, pfn, n);
		} else {
			for (uint64_t i = 0; i < n; i++)
				one_page(pm, &blk, pfn + i, buf + i * size);
			/*
			 * The budget ran out on a read one_page() made (a
			 * block's head, a cache's name): the batch's later
			 * frames were not classified, so it is not answered.
			 */
			if (pm->r->stop != INSP_STOP_NONE)
				break;
		}
		pfn += n;
	}
	free(buf);
	return pfn;
}

/* ---- the answer ----------------------------------------------------------- */

static bool same(const struct pm_page *a, const struct pm_page *b)
{
	return a->cls == b->cls && a->order == b->order && a->cache == b->cache;
}

#define CELL_KEYS	16	/* distinct owners counted in a cell */

/* The owner most pages of the cell [@i, @i + @n) of pm->pages have. */
static struct pm_page cell_owner(const struct physmap *pm, uint64_t i,
				 uint64_t n)
{
	struct pm_page key[CELL_KEYS];
	uint64_t votes[CELL_KEYS] = { 0 };
	unsigned int nr = 0, best = 0;

	for (uint64_t k = i; k < i + n; k++) {
		unsigned int j = 0;

		while (j < nr && !same(&key[j], &pm->pages[k]))
			j++;
		if (j == nr && nr < CELL_KEYS)
			key[nr++] = pm->pages[k];
		if (j < nr)
			votes[j]++;
	}
	for (unsigned int j = 1; j < nr; j++)
		if (votes[j] > votes[best])
			best = j;
	return key[best];
}

static json_t *run_json(const struct physmap *pm, uint64_t pfn, uint64_t count,
			const struct pm_page *o)
{
	json_t *run = json_pack("{s:I,s:I,s:s}", "pfn", (json_int_t)pfn,
				"count", (json_int_t)count,
				"kind", physmap_class_name(o->cls));

	if (o->order >= 0)
		json_object_set_new(run, "order", json_integer(o->order));
	if (o->cache)
		json_object_set_new(run, "cache",
				    json_string(pm->caches[o->cache - 1].name));
	return run;
}

/*
 * The runs of cells of @group pages over [pm->start, @end): up to
 * PHYSMAP_MAX_RUNS; returns the first frame they do not cover.
 */
static uint64_t runs_json(const struct physmap *pm, uint64_t end,
			  unsigned int group, json_t *runs)
{
	struct pm_page cur = { 0 };
	uint64_t run_pfn = pm->start, pfn = pm->start;

	while (pfn < end) {
		uint64_t n = end - pfn < group ? end - pfn : group;
		struct pm_page o = cell_owner(pm, pfn - pm->start, n);

		if (pfn == run_pfn) {
			cur = o;
		} else if (!same(&o, &cur)) {
			if (json_array_size(runs) + 1 == PHYSMAP_MAX_RUNS)
				break;
			json_array_append_new(runs, run_json(pm, run_pfn,
							     pfn - run_pfn, &cur));
			run_pfn = pfn;
			cur = o;
		}
		pfn += n;
	}
	if (pfn > run_pfn)
		json_array_append_new(runs, run_json(pm, run_pfn, pfn - run_pfn,
						     &cur));
	return pfn;
}

/* Pages of each class in [pm->start, @end), and the free ones by order. */
static json_t *counts_json(const struct physmap *pm, uint64_t end)
{
	uint64_t n[PHYSMAP_NR_CLASSES] = { 0 }, by_order[64] = { 0 };
	json_t *counts = json_object(), *orders = json_array();
	int top = -1;

	for (uint64_t pfn = pm->start; pfn < end; pfn++) {
		const struct pm_page *p = &pm->pages[pfn - pm->start];

		n[p->cls]++;
		if (p->cls == PHYSMAP_FREE && p->order >= 0) {
			by_order[p->order]++;
			top = p->order > top ? p->order : top;
		}
	}
	for (unsigned int c = 0; c < PHYSMAP_NR_CLASSES; c++)
		json_object_set_new(counts, class_name[c], json_integer(n[c]));
	for (int o = 0; o <= top; o++)
		json_array_append_new(orders, json_integer(by_order[o]));
	json_object_set_new(counts, "free_by_order", orders);
	return counts;
}

static json_t *index_json(const struct pm_zone *z,
			  int (*index)(const uint64_t *, unsigned int,
				       unsigned int))
{
	json_t *a = json_array();

	for (unsigned int o = 0; o < z->nr_orders; o++)
		json_array_append_new(a, json_integer(index(z->nr_free,
							     z->nr_orders, o)));
	return a;
}

static json_t *zones_json(const struct physmap *pm)
{
	json_t *zones = json_array();

	for (unsigned int i = 0; i < pm->nr_zones; i++) {
		const struct pm_zone *z = &pm->zones[i];
		json_t *nr_free = json_array();

		for (unsigned int o = 0; o < z->nr_orders; o++)
			json_array_append_new(nr_free, json_integer(z->nr_free[o]));
		json_array_append_new(zones, json_pack(
			"{s:s,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "name", z->name,
			"start_pfn", (json_int_t)z->start_pfn,
			"end_pfn", (json_int_t)(z->start_pfn + z->spanned),
			"managed", (json_int_t)z->managed,
			"free", (json_int_t)z->free, "nr_free", nr_free,
			"unusable_index", index_json(z, physmap_unusable_index),
			"extfrag_index", index_json(z, physmap_extfrag_index)));
	}
	return zones;
}

static json_t *answer(struct physmap *pm, uint64_t read_end,
		      const struct physmap_args *a)
{
	json_t *runs = json_array(), *ans;
	uint64_t end;

	if (read_end < pm->end)	/* cut short: whole cells only */
		read_end -= (read_end - pm->start) % a->group;
	end = runs_json(pm, read_end, a->group, runs);

	ans = json_pack("{s:I,s:I,s:I,s:i,s:o,s:o,s:o}",
			"start-pfn", (json_int_t)pm->start,
			"end-pfn", (json_int_t)end,
			"max-pfn", (json_int_t)pm->r->max_pfn,
			"group", (int)a->group, "runs", runs,
			"counts", counts_json(pm, end), "zones", zones_json(pm));
	if (end < pm->asked_end)
		json_object_set_new(ans, "next-pfn", json_integer(end));
	insp_mark_incomplete(pm->r, ans);
	json_object_set_new(ans, "inconsistencies", insp_take_problems(pm->r));
	return ans;
}

/*
 * [start, end) from the arguments, within mem_map's frames (max_pfn: RAM's
 * end, holes included): 0, or -1 with @e.
 */
static int range_of(struct physmap *pm, const struct physmap_args *a,
		    struct errbuf *e)
{
	uint64_t last = pm->r->max_pfn, count = a->count;

	if (a->start_pfn >= last)
		return errf(e, "start-pfn %" PRIu64 " is beyond the last frame (%" PRIu64 ")",
			    a->start_pfn, last - 1);
	if (!count || count > last - a->start_pfn)
		count = last - a->start_pfn;
	pm->start = a->start_pfn;
	pm->asked_end = a->start_pfn + count;
	if (count > PHYSMAP_MAX_PAGES)
		count = PHYSMAP_MAX_PAGES;
	pm->end = a->start_pfn + count;
	return 0;
}

static json_t *read_map(struct physmap *pm, const struct physmap_args *a,
			struct errbuf *e)
{
	uint64_t n;

	if (range_of(pm, a, e))
		return NULL;
	n = pm->end - pm->start;
	pm->overlay = calloc(n, 1);
	pm->pages = calloc(n, sizeof(*pm->pages));
	if (!pm->overlay || !pm->pages) {
		errf(e, "out of memory");
		return NULL;
	}
	read_once(pm, a);
	return answer(pm, pass(pm), a);
}

json_t *physmap_read(const struct gmem *gm, uint64_t cr3,
		     const struct mm_layout *lay, const struct insp_bounds *b,
		     const struct physmap_args *a, struct errbuf *e)
{
	struct physmap *pm = calloc(1, sizeof(*pm));
	struct insp r;
	uint64_t mem_map, max_pfn;
	char why[200];
	json_t *ans = NULL;

	if (!pm)
		return errf(e, "out of memory"), NULL;
	if (insp_open(&r, gm, lay, cr3, e))
		goto out;
	insp_bound(&r, b);
	pm->r = &r;
	if (insp_mem_map(&r, &mem_map, &max_pfn))
		errf(e, "%s", insp_stop_why(&r, why, sizeof(why)) ? why : r.err);
	else
		ans = read_map(pm, a, e);
	memblock_info_release(&pm->mb);
	free(pm->overlay);
	free(pm->pages);
out:
	insp_close(&r);
	free(pm);
	return ans;
}

/* ---- the command ------------------------------------------------------------ */

static void dma_range(struct physmap_args *a, uint64_t pa, uint64_t len)
{
	if (a->nr_dma < PHYSMAP_MAX_DMA && len)
		a->dma[a->nr_dma++] = (struct physmap_range){ pa, len };
}

/*
 * What the DMA engine holds, by its registers: its descriptor ring, and
 * while a command runs, the memory it reads or writes.
 */
static void dma_ranges(struct vm *vm, struct physmap_args *a)
{
	struct dmadev_snapshot s;
	uint64_t src, dst, len;

	a->nr_dma = 0;
	if (!vm->dmadev)
		return;
	dmadev_snapshot(vm->dmadev, &s);
	dma_range(a, s.regs[MV_DMADEV_RING_BASE / 8],
		  s.regs[MV_DMADEV_RING_SIZE / 8] * sizeof(struct mv_dmadev_desc));
	if (!s.busy)
		return;
	src = s.regs[MV_DMADEV_SRC / 8];
	dst = s.regs[MV_DMADEV_DST / 8];
	len = s.regs[MV_DMADEV_LEN / 8];
	switch (s.regs[MV_DMADEV_CMD / 8]) {
	case MV_DMADEV_OP_COPY:
		dma_range(a, src, len);
		dma_range(a, dst, len);
		break;
	case MV_DMADEV_OP_FILL:
	case MV_DMADEV_OP_TO_MEM:
		dma_range(a, dst, len);
		break;
	case MV_DMADEV_OP_FROM_MEM:
		dma_range(a, src, len);
		break;
	}
}

static json_t *physmap_query(const struct insp_query *q, void *opaque,
			     struct qmp_error *err)
{
	struct insp_bounds b = { .deadline_ns = q->deadline_ns };
	struct errbuf e = { "" };
	json_t *ret, *e820;

	dma_ranges(q->vm, opaque);	/* as it is while the vCPUs are parked */
	ret = physmap_read(q->gm, q->boot_cr3, q->lay, &b, opaque, &e);

	if (!ret) {
		qmp_errorf(err, "GenericError", "%s", e.msg);
		return NULL;
	}
	e820 = inspect_e820(q->gm, q->vm->mm);
	json_object_set(ret, "e820", json_object_get(e820, "entries"));
	json_decref(e820);
	return ret;
}

/* An optional integer argument in [min, max]: 0, or -1 with @err. */
static int int_arg(json_t *args, const char *name, uint64_t min, uint64_t max,
		   uint64_t *v, struct qmp_error *err)
{
	json_t *j = json_object_get(args, name);

	if (!j)
		return 0;
	if (json_integer_value(j) < 0 || (uint64_t)json_integer_value(j) < min ||
	    (uint64_t)json_integer_value(j) > max)
		return qmp_errorf(err, "GenericError",
				  "Parameter '%s' expects an integer in %" PRIu64 "..%" PRIu64,
				  name, min, max), -1;
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

json_t *cmd_query_physmap(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err)
{
	struct physmap_args a = { .group = 1 };
	uint64_t group = 1;

	if (int_arg(args, "start-pfn", 0, INT64_MAX, &a.start_pfn, err) ||
	    int_arg(args, "count", 1, INT64_MAX, &a.count, err) ||
	    int_arg(args, "group", 1, PHYSMAP_MAX_GROUP, &group, err))
		return NULL;
	a.group = (unsigned int)group;
	return insp_query(ctx, "query-physmap", INSP_QUERY_ATTEMPTS,
			  physmap_query, &a, err);
}
