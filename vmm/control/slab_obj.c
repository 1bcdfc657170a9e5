// SPDX-License-Identifier: MIT
/*
 * One slab, object by object (slab_obj.h): its geometry, its freelist, the
 * object an address lies in and whether it is free, read from guest
 * memory; the DMA device's and the checkers' one reader of them.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <memvisor/layout.h>
#include <memvisor/slab_debug.h>

#include "clock.h"
#include "guest_str.h"
#include "inspect.h"
#include "slab_cmds.h"
#include "slab_obj.h"
#include "vm.h"

#define PAGE_SZ		4096ULL
#define STRUCT_MAX	16384U		/* slab_open()'s bound on the copies */

static bool test_flag(uint64_t flags, uint64_t bit)
{
	return bit < 64 && (flags & (1ULL << bit));
}

static int read_page(struct insp *r, uint64_t pfn, uint8_t *page)
{
	if (pfn >= r->max_pfn)
		return -1;
	return insp_read(r, r->mem_map + pfn * r->lay->page.size, page,
			 r->lay->page.size);
}

/* @g's numbers make a slab: a slot holds its object and free pointer. */
static bool geom_sane(struct insp *r, const struct slab_geom *g)
{
	uint64_t bytes = PAGE_SZ << g->order;

	if (g->size && g->object_size && g->num &&
	    (uint64_t)g->num * g->size <= bytes &&
	    (uint64_t)g->red_left_pad + g->object_size <= g->size &&
	    (uint64_t)g->offset + 8 <= g->size)
		return true;
	insp_problem(r, "cache 0x%" PRIx64 ": size %u, object_size %u, red_left_pad %u, offset %u, %u objects of order %u make no slab",
		     g->cache, g->size, g->object_size, g->red_left_pad,
		     g->offset, g->num, g->order);
	return false;
}

int slab_cache_geom_read(struct insp *r, uint64_t cache, struct slab_geom *g)
{
	const struct mm_layout *l = r->lay;
	uint64_t magic;

	memset(g, 0, sizeof(*g));
	g->cache = cache;
#define CACHE_U32(f, dst)						\
	do {								\
		uint64_t v_;						\
		if (insp_read_field(r, cache, l->cache.f, &v_))		\
			return -1;					\
		dst = (uint32_t)v_;					\
	} while (0)
	if (insp_read_field(r, cache, l->cache.magic, &magic) ||
	    magic != l->k.cache_magic ||
	    insp_read_field(r, cache, l->cache.flags, &g->flags))
		return -1;
	CACHE_U32(size_, g->size);
	CACHE_U32(object_size, g->object_size);
	CACHE_U32(red_left_pad, g->red_left_pad);
	CACHE_U32(offset, g->offset);
	CACHE_U32(num, g->num);
	CACHE_U32(order, g->order);
#undef CACHE_U32
	return g->order <= SLAB_OBJ_MAX_ORDER && geom_sane(r, g) ? 0 : -1;
}

void slab_geom_place(struct insp *r, struct slab_geom *g, uint64_t direct_map,
		     uint64_t head_pfn)
{
	g->head_pfn = head_pfn;
	g->base = direct_map + head_pfn * PAGE_SZ;
	g->head_page = r->mem_map + head_pfn * r->lay->page.size;
}

/* Is the struct page @page a slab page of the cache at @cache? */
static bool slab_page_of(const struct mm_layout *l, const uint8_t *page,
			 uint64_t cache)
{
	return test_flag(field_get(page, l->page.size, l->page.flags), l->pg.slab) &&
	       field_get(page, l->page.size, l->page.slab_cache) == cache;
}

int slab_geom_read(struct insp *r, uint64_t direct_map, uint64_t pfn,
		   struct slab_geom *g)
{
	const struct mm_layout *l = r->lay;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t cache;

	memset(g, 0, sizeof(*g));
	if (read_page(r, pfn, page))
		return -1;
	cache = field_get(page, l->page.size, l->page.slab_cache);
	if (!slab_page_of(l, page, cache) || slab_cache_geom_read(r, cache, g))
		return -1;
	slab_geom_place(r, g, direct_map, pfn & ~((1ULL << g->order) - 1));
	/* the head must be this cache's slab too */
	if (read_page(r, g->head_pfn, page) || !slab_page_of(l, page, cache))
		return -1;
	return 0;
}

int64_t slab_obj_index(const struct slab_geom *g, uint64_t va)
{
	uint64_t off;

	if (va < g->base + g->red_left_pad)
		return -1;
	off = va - g->base - g->red_left_pad;
	if (off % g->size || off / g->size >= g->num)
		return -1;
	return (int64_t)(off / g->size);
}

/* Ends @w at @at for @why: the walk's end. */
static enum slab_walk_end walk_end(struct slab_walk *w, enum slab_walk_end why,
				   uint64_t at)
{
	w->end = why;
	w->at = at;
	return why;
}

enum slab_walk_end slab_freelist_walk(struct insp *r, const struct slab_geom *g,
				      uint64_t first, slab_obj_fn fn,
				      void *opaque, struct slab_walk *w)
{
	uint8_t seen[SLAB_OBJ_MAX_OBJECTS / 8] = { 0 };
	uint64_t obj = first, next;

	w->n = 0;
	while (obj) {
		int64_t i = slab_obj_index(g, obj);

		if (i < 0)
			return walk_end(w, SLAB_WALK_NOT_OBJECT, obj);
		if (i < SLAB_OBJ_MAX_OBJECTS) {
			if (seen[i / 8] & (1U << (i % 8)))
				return walk_end(w, SLAB_WALK_TWICE, obj);
			seen[i / 8] |= 1U << (i % 8);
		}
		/* only when indices past SLAB_OBJ_MAX_OBJECTS loop */
		if (w->n >= g->num)
			return walk_end(w, SLAB_WALK_TOO_LONG, obj);
		w->n++;
		if (fn && !fn(obj, opaque))
			return walk_end(w, SLAB_WALK_STOPPED, obj);
		/* offset + 8 <= size (geom_sane): inside this slot */
		if (insp_read_u64(r, obj - g->red_left_pad + g->offset, &next))
			return walk_end(w, SLAB_WALK_UNREADABLE, obj);
		obj = next;
	}
	return walk_end(w, SLAB_WALK_END, 0);
}

/* ---- is one object free? ------------------------------------------------- */

static bool not_obj(uint64_t obj, void *opaque)
{
	return obj != *(const uint64_t *)opaque;
}

bool slab_freelist_has(struct insp *r, const struct slab_geom *g,
		       uint64_t first, uint64_t obj, struct slab_walk *w)
{
	return slab_freelist_walk(r, g, first, not_obj, &obj, w) ==
	       SLAB_WALK_STOPPED;
}

/* The head's (freelist, inuse): what changes when the slab gives or takes. */
static int slab_mark(struct insp *r, const struct slab_geom *g, uint64_t mark[2])
{
	const struct mm_layout *l = r->lay;

	return insp_read_field(r, g->head_page, l->page.freelist, &mark[0]) ||
	       insp_read_field(r, g->head_page, l->page.inuse, &mark[1]) ? -1 : 0;
}

#define ENTRIES_READ	256	/* a magazine's pointers read at a time */

/*
 * Is @obj among the avail objects of the array_cache at @ac (a magazine or
 * the depot)? entry[] is the flexible array that ends it (DWARF gives it
 * no size): at sizeof(struct array_cache). A pointer there that is not
 * @obj proves nothing; one that is can only have been pushed by a free
 * after its avail was read, or have been there at that read: either way
 * @obj was freed.
 */
static bool in_array(struct insp *r, uint64_t ac, uint64_t obj)
{
	const struct mm_layout *l = r->lay;
	uint64_t avail, entry[ENTRIES_READ];

	if (!ac || insp_read_field(r, ac, l->array_cache.avail, &avail))
		return false;
	if (avail > SLAB_OBJ_MAX_AVAIL) {
		insp_problem(r, "array_cache 0x%" PRIx64 ": avail %" PRIu64, ac, avail);
		avail = SLAB_OBJ_MAX_AVAIL;
	}
	for (uint64_t i = 0; i < avail; i += ENTRIES_READ) {
		uint64_t n = avail - i < ENTRIES_READ ? avail - i : ENTRIES_READ;

		if (insp_read(r, ac + l->array_cache.size + i * 8, entry, n * 8))
			return false;
		for (uint64_t j = 0; j < n; j++)
			if (entry[j] == obj)
				return true;
	}
	return false;
}

bool slab_obj_cached(struct insp *r, uint64_t cache, uint64_t obj, int *cpu)
{
	const struct mm_layout *l = r->lay;
	uint32_t nr_cpus;
	uint64_t ac;

	if (insp_nr_cpus(r, &nr_cpus))
		return false;
	for (uint32_t c = 0; c < nr_cpus && c < l->cache.cpu_cache.count; c++) {
		if (insp_read_field(r, cache, field_elem(l->cache.cpu_cache, c),
				    &ac))
			continue;
		if (in_array(r, ac, obj)) {
			*cpu = (int)c;
			return true;
		}
	}
	if (!insp_read_field(r, cache, l->cache.shared, &ac) &&
	    in_array(r, ac, obj)) {
		*cpu = -1;
		return true;
	}
	return false;
}

/*
 * One reading of @obj's liveness: LIVE, FREE, CPU_CACHE or SHARED, or
 * NONE when the slab's freelist changed under the walk (or could not be
 * read).
 */
static enum object_state_kind liveness_once(struct insp *r,
					    const struct slab_geom *g,
					    uint64_t obj, int *cpu)
{
	uint64_t before[2], after[2];
	struct slab_walk w;
	bool on_freelist;

	if (slab_mark(r, g, before))
		return OBJECT_NONE;
	on_freelist = slab_freelist_has(r, g, before[0], obj, &w);
	if (slab_mark(r, g, after) || memcmp(before, after, sizeof(before)))
		return OBJECT_NONE;
	if (on_freelist)
		return OBJECT_FREE;
	if (w.end != SLAB_WALK_END)
		return OBJECT_NONE;
	if (slab_obj_cached(r, g->cache, obj, cpu))
		return *cpu < 0 ? OBJECT_SHARED : OBJECT_CPU_CACHE;
	return OBJECT_LIVE;
}

/*
 * @obj's liveness: a freed verdict must come out of two readings in a row
 * (a torn walk cannot make an honest guest's live object look free twice).
 */
static enum object_state_kind liveness(struct insp *r, const struct slab_geom *g,
				       uint64_t obj, int *cpu)
{
	enum object_state_kind k = OBJECT_NONE, prev = OBJECT_NONE;

	for (unsigned int i = 0; i < SLAB_OBJ_TRIES; i++) {
		k = liveness_once(r, g, obj, cpu);
		if (k == OBJECT_LIVE)
			return k;
		if (k != OBJECT_NONE && k == prev)
			return k;
		prev = k;
	}
	return OBJECT_NONE;
}

/*
 * Does the object at @obj (@size bytes) still hold a free object's poison
 * whole? Then nothing was written into it since its allocation (only a
 * SLAB_POISON cache's objects are poisoned, and they keep it through the
 * allocation unless __GFP_ZERO clears them).
 */
static bool still_poisoned(struct insp *r, uint64_t obj, uint32_t size)
{
	uint8_t buf[512];

	if (!size || size > SLAB_OBJ_MAX_POISON)
		return false;
	for (uint32_t off = 0; off < size; off += sizeof(buf)) {
		uint32_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);

		if (insp_read(r, obj + off, buf, n))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (buf[i] != (off + i + 1 == size ? MV_POISON_END :
				       MV_POISON_FREE))
				return false;
	}
	return true;
}

static void object_name(struct insp *r, uint64_t cache, struct object_state *o)
{
	char name[CACHE_NAME_MAX + 1];

	slab_cache_name(r, cache, name, sizeof(name));
	guest_str_escape(o->cache_name, sizeof(o->cache_name), name,
			 strnlen(name, sizeof(name)));
}

/* Fills @o for [va, va + len) of the slab @g. */
static void object_of(struct insp *r, const struct slab_geom *g, uint64_t va,
		      uint64_t len, struct object_state *o)
{
	uint64_t idx, obj;

	o->cache = g->cache;
	object_name(r, g->cache, o);
	o->size = g->object_size;
	if (va < g->base + g->red_left_pad) {
		o->kind = OBJECT_OUTSIDE;
		return;
	}
	idx = (va - g->base - g->red_left_pad) / g->size;
	obj = g->base + g->red_left_pad + idx * g->size;
	o->addr = g->head_pfn * PAGE_SZ + (obj - g->base);
	if (idx >= g->num || va - obj >= g->object_size ||
	    len > g->object_size - (va - obj)) {
		o->kind = OBJECT_OUTSIDE;
		return;
	}
	if (g->num > SLAB_OBJ_MAX_OBJECTS)
		return;		/* NONE: too long a walk for a device's look */
	o->kind = liveness(r, g, obj, &o->cpu);
	if (r->stop) {
		o->kind = OBJECT_NONE;	/* out of time: nobody can tell */
		return;
	}
	o->unwritten = o->kind == OBJECT_LIVE && (g->flags & MV_SLAB_POISON) &&
		       still_poisoned(r, obj, g->object_size);
}

int object_state_read(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, uint64_t direct_map,
		      uint64_t gpa, uint64_t len, struct object_state *o,
		      struct errbuf *e)
{
	struct insp_bounds b = { .deadline_ns = monotonic_ns() + SLAB_OBJ_DEADLINE_NS };
	struct slab_geom g;
	uint64_t mem_map, max_pfn;
	struct insp r;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	if (slab_open(&r, gm, lay, cr3, e))
		return -1;
	insp_bound(&r, &b);
	if (insp_mem_map(&r, &mem_map, &max_pfn)) {
		errf(e, "%s", r.err);
		insp_close(&r);
		return -1;
	}
	if (len && gpa + len > gpa &&
	    !slab_geom_read(&r, direct_map, gpa / PAGE_SZ, &g))
		object_of(&r, &g, direct_map + gpa, len, o);
	insp_close(&r);
	return 0;
}

int object_state_of_vm(void *opaque, uint64_t gpa, uint64_t len,
		       struct object_state *o)
{
	struct vm *vm = opaque;
	struct errbuf e;

	return object_state_read(&vm->gmem, vm->boot.pml4, vm->layout,
				 MV_DIRECT_MAP_BASE, gpa, len, o, &e);
}
