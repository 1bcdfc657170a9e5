// SPDX-License-Identifier: MIT
/*
 * check_mempools() (check.h): every mempool on the guest's list (read by
 * slab_cmds.c's reader) holds at most min_nr elements, curr_nr of them in
 * its elements[] stack, none twice, each a live object of the pool's
 * source:
 *   - a slab pool's: an object of its kmem_cache: in a PG_slab page of
 *     that cache, at an object boundary of its slab, not on the slab's
 *     freelist, in no CPU's magazine and not in the cache's depot;
 *   - a kmalloc pool's: such an object of a cache at least the pool's size,
 *     or a large block (a compound page, allocated, big enough);
 *   - a page pool's: a block of the pool's order, allocated: a reference
 *     held, not PG_buddy nor PG_pcp nor PG_slab, inside no free block.
 * A custom pool's elements are only counted. A read that fails is no
 * verdict, nor does a broken freelist give one (check_slabs names it); the
 * walks are bounded by the slab's objects, the magazines' limits and
 * MEMPOOL_MAX_ELEMENTS, and end on insp_spent(). The cache's numbers, the
 * freelist walk and the magazine lookup are slab_obj.h's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "inspect.h"
#include "pagewalk.h"
#include "slab_cmds.h"
#include "slab_obj.h"

#define PAGE_SZ			4096ULL
#define MEMPOOL_MAX_ELEMENTS	65536	/* elements one pool's check reads */

struct pool_check {
	struct check_run *run;
	uint64_t mem_map, max_pfn;
	bool stopped;
};

/* Why an element is not live, or found[0] == 0 if it is (or no verdict). */
struct verdict {
	char found[CHECK_TEXT_MAX];
};

static bool flag(uint64_t flags, uint64_t bit)
{
	return bit < 64 && (flags >> bit & 1);
}

/* The struct page of @pfn into @page (lay->page.size bytes): 0 or -1. */
static int read_page(struct insp *in, const struct pool_check *pc, uint64_t pfn,
		     uint8_t *page)
{
	if (pfn >= pc->max_pfn || in->lay->page.size > INSP_PAGE_STRUCT_MAX)
		return -1;
	return insp_read(in, pc->mem_map + pfn * in->lay->page.size, page,
			 in->lay->page.size);
}

#define PG(p, f)	field_get(p, in->lay->page.size, in->lay->page.f)

/* The free block of a higher order @pfn lies in, or -1. */
static int in_free_block(struct insp *in, const struct pool_check *pc,
			 uint64_t pfn, uint64_t *head)
{
	uint8_t page[INSP_PAGE_STRUCT_MAX];

	for (uint32_t o = 1; o < in->lay->zone.free_area.count; o++) {
		uint64_t h = pfn & ~((1ULL << o) - 1);

		if (h == pfn || read_page(in, pc, h, page))
			continue;
		if (flag(PG(page, flags), in->lay->pg.buddy) && PG(page, private_) >= o) {
			*head = h;
			return (int)PG(page, private_);
		}
	}
	return -1;
}

/* A block of @order at frame @pfn, allocated? */
static void judge_block(struct insp *in, const struct pool_check *pc,
			uint64_t pfn, uint32_t order, struct verdict *v)
{
	const struct mm_layout *lay = in->lay;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t flags, head;
	int free_order;

	if (order < 64 && pfn & ((1ULL << order) - 1)) {
		snprintf(v->found, sizeof(v->found), "pfn 0x%" PRIx64 ", not aligned to order %u",
			 pfn, order);
		return;
	}
	if (read_page(in, pc, pfn, page))
		return;
	flags = PG(page, flags);
	if (flag(flags, lay->pg.buddy))
		snprintf(v->found, sizeof(v->found), "free: PG_buddy, order %" PRIu64,
			 PG(page, private_));
	else if (flag(flags, lay->pg.pcp))
		snprintf(v->found, sizeof(v->found), "free: PG_pcp, on a per-CPU list");
	else if (flag(flags, lay->pg.slab))
		snprintf(v->found, sizeof(v->found), "a slab page");
	else if (!(uint32_t)PG(page, refcount))
		snprintf(v->found, sizeof(v->found), "refcount 0");
	else if ((free_order = in_free_block(in, pc, pfn, &head)) >= 0)
		snprintf(v->found, sizeof(v->found), "inside the free block at pfn 0x%" PRIx64 ", order %d",
			 head, free_order);
	else if (PG(page, order) != order)
		snprintf(v->found, sizeof(v->found), "allocated with order %" PRIu64,
			 PG(page, order));
}

/* The frame of the struct page pointer @page, or -1. */
static int64_t page_pfn(struct insp *in, const struct pool_check *pc, uint64_t page)
{
	uint64_t off = page - pc->mem_map, size = in->lay->page.size;

	if (page < pc->mem_map || !size || off % size || off / size >= pc->max_pfn)
		return -1;
	return (int64_t)(off / size);
}

/* The frame a kernel address is in (by the VMM's walk), or -1. */
static int64_t virt_pfn(struct insp *in, const struct pool_check *pc, uint64_t va)
{
	struct pagewalk w;

	if (pagewalk(in->gm, in->cr3, va, &w) || w.gpa / PAGE_SZ >= pc->max_pfn)
		return -1;
	return (int64_t)(w.gpa / PAGE_SZ);
}

/*
 * Is @obj, in frame @pfn, a live object of the cache whose numbers @g
 * holds (slab_cache_geom_read())?
 */
static void obj_live(struct insp *in, const struct pool_check *pc,
		     struct slab_geom *g, uint64_t obj, uint64_t pfn,
		     struct verdict *v)
{
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t head = pfn & ~((1ULL << g->order) - 1), off;
	struct slab_walk w;
	int cpu;

	if (read_page(in, pc, head, page))
		return;
	if (!flag(PG(page, flags), in->lay->pg.slab) || PG(page, slab_cache) != g->cache) {
		snprintf(v->found, sizeof(v->found), "pfn 0x%" PRIx64 ": no slab of the cache (slab_cache 0x%" PRIx64 ")",
			 head, PG(page, slab_cache));
		return;
	}
	slab_geom_place(in, g, pc->run->direct_map, head);
	/* its offset in the slab, whatever mapping @obj was given in */
	off = (pfn - head) * PAGE_SZ + (obj & (PAGE_SZ - 1));
	if (slab_obj_index(g, g->base + off) < 0) {
		snprintf(v->found, sizeof(v->found), "offset %" PRIu64 " in its slab: no object's start",
			 off);
		return;
	}
	if (slab_freelist_has(in, g, PG(page, freelist), obj, &w))
		snprintf(v->found, sizeof(v->found), "free: on its slab's freelist");
	else if (!slab_obj_cached(in, g->cache, obj, &cpu))
		return;
	else if (cpu < 0)
		snprintf(v->found, sizeof(v->found), "free: in the cache's depot");
	else
		snprintf(v->found, sizeof(v->found), "free: in CPU %d's magazine", cpu);
}

/* A slab pool's element: of the cache at @cache. */
static void judge_slab_obj(struct insp *in, const struct pool_check *pc,
			   uint64_t cache, uint64_t obj, struct verdict *v)
{
	int64_t pfn = virt_pfn(in, pc, obj);
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	struct slab_geom g;

	if (pfn < 0) {
		snprintf(v->found, sizeof(v->found), "0x%" PRIx64 ", not mapped to RAM", obj);
		return;
	}
	if (read_page(in, pc, (uint64_t)pfn, page))
		return;
	if (!flag(PG(page, flags), in->lay->pg.slab) || PG(page, slab_cache) != cache) {
		snprintf(v->found, sizeof(v->found), "pfn 0x%" PRIx64 ": not a page of the cache",
			 (uint64_t)pfn);
		return;
	}
	if (!slab_cache_geom_read(in, cache, &g))
		obj_live(in, pc, &g, obj, (uint64_t)pfn, v);
}

/* A kmalloc pool's element: a slab object, or a large block, of @size. */
static void judge_kmalloc(struct insp *in, const struct pool_check *pc,
			  uint64_t size, uint64_t obj, struct verdict *v)
{
	int64_t pfn = virt_pfn(in, pc, obj);
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	struct slab_geom g;
	uint64_t order;

	if (pfn < 0) {
		snprintf(v->found, sizeof(v->found), "0x%" PRIx64 ", not mapped to RAM", obj);
		return;
	}
	if (read_page(in, pc, (uint64_t)pfn, page))
		return;
	if (!flag(PG(page, flags), in->lay->pg.slab)) {
		order = PG(page, order);
		if (obj & (PAGE_SZ - 1)) {
			snprintf(v->found, sizeof(v->found), "no slab object nor a page's start");
			return;
		}
		/* freed first: a freed block's head has lost PG_head too */
		judge_block(in, pc, (uint64_t)pfn, (uint32_t)order, v);
		if (v->found[0])
			return;
		if (!flag(PG(page, flags), in->lay->pg.head))
			snprintf(v->found, sizeof(v->found), "no slab object nor the head of a large block");
		else if (order >= 32 || PAGE_SZ << order < size)
			snprintf(v->found, sizeof(v->found), "a block of order %" PRIu64, order);
		return;
	}
	if (slab_cache_geom_read(in, PG(page, slab_cache), &g))
		return;
	if (g.object_size < size) {
		snprintf(v->found, sizeof(v->found), "an object of %u bytes", g.object_size);
		return;
	}
	obj_live(in, pc, &g, obj, (uint64_t)pfn, v);
}

static void judge_element(struct insp *in, const struct pool_check *pc,
			  const struct mempool_info *p, uint64_t el,
			  struct verdict *v)
{
	int64_t pfn;

	switch (p->source) {
	case MEMPOOL_SLAB:
		judge_slab_obj(in, pc, p->arg, el, v);
		break;
	case MEMPOOL_KMALLOC:
		judge_kmalloc(in, pc, p->arg, el, v);
		break;
	case MEMPOOL_PAGE:
		pfn = page_pfn(in, pc, el);
		if (pfn < 0)
			snprintf(v->found, sizeof(v->found), "0x%" PRIx64 ", no struct page", el);
		else
			judge_block(in, pc, (uint64_t)pfn, (uint32_t)p->arg, v);
		break;
	default:
		break;		/* custom: the pool's own functions know */
	}
}

/*
 * The cache's name (valid UTF-8 already, slab_cache_name()) with its
 * control characters as \xHH: it goes to the vmm's terminal line too.
 */
static void printable(char *dst, size_t size, const char *name)
{
	size_t n = 0, len;

	for (; *name; name += len) {
		unsigned char c = (unsigned char)*name;

		/* whole characters only: a cut one would not be UTF-8 */
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (n + 4 >= size)
			break;
		if (c < 0x20 || c == 0x7f)
			n += snprintf(dst + n, size - n, "\\x%02x", c);
		else
			for (size_t i = 0; i < len; i++)
				dst[n++] = name[i];
	}
	dst[n] = 0;
}

static const char *source_name(const struct mempool_info *p, char *buf, size_t size)
{
	char name[64];

	switch (p->source) {
	case MEMPOOL_SLAB:
		printable(name, sizeof(name), p->cache);
		snprintf(buf, size, "a live object of cache %s", name);
		break;
	case MEMPOOL_KMALLOC:
		snprintf(buf, size, "a live kmalloc object of %" PRIu64 " bytes", p->arg);
		break;
	case MEMPOOL_PAGE:
		snprintf(buf, size, "an allocated block of order %" PRIu64, p->arg);
		break;
	default:
		snprintf(buf, size, "an element");
		break;
	}
	return buf;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* No element twice (a double free into the pool): -1 or the index of one. */
static long find_twice(const uint64_t *el, int32_t n)
{
	uint64_t *sorted = malloc((size_t)n * sizeof(*sorted));
	long twice = -1;

	if (!sorted)
		return -1;
	memcpy(sorted, el, (size_t)n * sizeof(*sorted));
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_u64);
	for (int32_t i = 1; i < n && twice < 0; i++)
		if (sorted[i] == sorted[i - 1])
			for (int32_t j = 0; j < n; j++)
				if (el[j] == sorted[i]) {
					twice = j;
					break;
				}
	free(sorted);
	return twice;
}

static void check_elements(struct pool_check *pc, const struct mempool_info *p,
			   const uint64_t *el)
{
	struct insp *in = check_insp(pc->run);
	char expected[CHECK_TEXT_MAX];
	long twice = find_twice(el, p->curr_nr);

	source_name(p, expected, sizeof(expected));
	if (twice >= 0)
		check_violation(pc->run, "mempool", p->addr, "each element once", "twice",
				"it holds element 0x%" PRIx64 " twice", el[twice]);
	for (int32_t i = 0; i < p->curr_nr; i++) {
		struct verdict v = { { 0 } };

		if (insp_spent(in)) {
			pc->stopped = true;
			return;
		}
		if (!el[i])
			snprintf(v.found, sizeof(v.found), "NULL");
		else
			judge_element(in, pc, p, el[i], &v);
		if (v.found[0])
			check_violation(pc->run, "mempool", p->addr, expected, v.found,
					"element %d at 0x%" PRIx64 " is not %s",
					i, el[i], expected);
	}
}

static void check_pool(const struct mempool_info *p, void *opaque)
{
	struct pool_check *pc = opaque;
	struct insp *in = check_insp(pc->run);
	char expected[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	uint64_t elements, *el;

	if (pc->stopped || (pc->stopped = insp_spent(in)))
		return;
	check_covered(pc->run, "mempools", 1);
	if (p->min_nr < 0 || p->curr_nr < 0 || p->curr_nr > p->min_nr) {
		snprintf(expected, sizeof(expected), "0 <= curr_nr <= min_nr %d", p->min_nr);
		snprintf(found, sizeof(found), "curr_nr %d", p->curr_nr);
		check_violation(pc->run, "mempool", p->addr, expected, found,
				"it holds more elements than its reserve");
		return;
	}
	if (!p->curr_nr || p->curr_nr > MEMPOOL_MAX_ELEMENTS ||
	    insp_read_field(in, p->addr, in->lay->mempool.elements, &elements))
		return;
	el = malloc((size_t)p->curr_nr * sizeof(*el));
	if (!el)
		return;
	if (!insp_read(in, elements, el, (size_t)p->curr_nr * sizeof(*el))) {
		check_elements(pc, p, el);
		check_covered(pc->run, "mempool_elements", (uint64_t)p->curr_nr);
	}
	free(el);
}

void check_mempools(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct pool_check pc = { .run = run };
	struct insp_pager pager;
	uint32_t nr_cpus;
	struct errbuf e;

	if (insp_spent(in) || insp_mem_map(in, &pc.mem_map, &pc.max_pfn) ||
	    insp_nr_cpus(in, &nr_cpus))
		return;
	insp_pager_init(&pager, NULL, SLAB_MAX_POOLS, false);
	slab_mempools_read(in, &pager, check_pool, &pc, &e);
}
