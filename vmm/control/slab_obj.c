// SPDX-License-Identifier: MIT
/*
 * One slab, object by object (slab_obj.h): the object an address lies in,
 * and whether it is free, read from guest memory.
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

/* The numbers of the cache copy @c make a slab: a slot holds its object. */
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

int slab_geom_read(struct insp *r, uint64_t pfn, struct slab_geom *g)
{
	const struct mm_layout *l = r->lay;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t magic;

	memset(g, 0, sizeof(*g));
	if (read_page(r, pfn, page) ||
	    !test_flag(field_get(page, l->page.size, l->page.flags), l->pg.slab))
		return -1;
	g->cache = field_get(page, l->page.size, l->page.slab_cache);
#define CACHE_U32(f, dst)						\
	do {								\
		uint64_t v_;						\
		if (insp_read_field(r, g->cache, l->cache.f, &v_))	\
			return -1;					\
		dst = (uint32_t)v_;					\
	} while (0)
	if (insp_read_field(r, g->cache, l->cache.magic, &magic) ||
	    magic != l->k.cache_magic ||
	    insp_read_field(r, g->cache, l->cache.flags, &g->flags))
		return -1;
	CACHE_U32(size_, g->size);
	CACHE_U32(object_size, g->object_size);
	CACHE_U32(red_left_pad, g->red_left_pad);
	CACHE_U32(offset, g->offset);
	CACHE_U32(num, g->num);
	CACHE_U32(order, g->order);
#undef CACHE_U32
	if (g->order > SLAB_OBJ_MAX_ORDER || !geom_sane(r, g))
		return -1;
	g->head_pfn = pfn & ~((1ULL << g->order) - 1);
	g->base = MV_DIRECT_MAP_BASE + g->head_pfn * PAGE_SZ;
	g->head_page = r->mem_map + g->head_pfn * l->page.size;
	/* the head must be this cache's slab too */
	if (read_page(r, g->head_pfn, page) ||
	    !test_flag(field_get(page, l->page.size, l->page.flags), l->pg.slab) ||
	    field_get(page, l->page.size, l->page.slab_cache) != g->cache)
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

long slab_freelist_walk(struct insp *r, const struct slab_geom *g,
			uint64_t first, slab_obj_fn fn, void *opaque)
{
	uint64_t obj = first;
	long n = 0;

	while (obj) {
		uint64_t slot;

		if (slab_obj_index(g, obj) < 0) {
			insp_problem(r, "slab at pfn %" PRIu64 ": freelist entry 0x%" PRIx64 " is no object of it",
				     g->head_pfn, obj);
			return -1;
		}
		if ((uint64_t)n++ >= g->num) {
			insp_problem(r, "slab at pfn %" PRIu64 ": freelist longer than its %u objects",
				     g->head_pfn, g->num);
			return -1;
		}
		if (!fn(obj, opaque))
			return n;
		slot = obj - g->red_left_pad;
		if (insp_read_u64(r, slot + g->offset, &obj))
			return -1;
	}
	return n;
}

/* ---- is one object free? ------------------------------------------------- */

struct find {
	uint64_t obj;
	bool found;
};

static bool is_obj(uint64_t obj, void *opaque)
{
	struct find *f = opaque;

	f->found = obj == f->obj;
	return !f->found;
}

/* The head's (freelist, inuse): what changes when the slab gives or takes. */
static int slab_mark(struct insp *r, const struct slab_geom *g, uint64_t mark[2])
{
	const struct mm_layout *l = r->lay;

	return insp_read_field(r, g->head_page, l->page.freelist, &mark[0]) ||
	       insp_read_field(r, g->head_page, l->page.inuse, &mark[1]) ? -1 : 0;
}

/*
 * Is @obj among the avail objects of the array_cache at @ac (a magazine or
 * the depot)? entry[] follows cpu, pointer-aligned. A pointer there that
 * is not @obj proves nothing; one that is can only have been pushed by a
 * free after its avail was read, or have been there at that read: either
 * way @obj was freed.
 */
static bool in_array(struct insp *r, uint64_t ac, uint64_t obj)
{
	static __thread uint64_t entry[SLAB_OBJ_MAX_AVAIL];
	const struct mm_layout *l = r->lay;
	uint64_t avail, at = (l->array_cache.cpu.off + 4 + 7) & ~7ULL;

	if (insp_read_field(r, ac, l->array_cache.avail, &avail))
		return false;
	if (avail > SLAB_OBJ_MAX_AVAIL) {
		insp_problem(r, "array_cache 0x%" PRIx64 ": avail %" PRIu64, ac, avail);
		avail = SLAB_OBJ_MAX_AVAIL;
	}
	if (!avail || insp_read(r, ac + at, entry, avail * 8))
		return false;
	for (uint64_t i = 0; i < avail; i++)
		if (entry[i] == obj)
			return true;
	return false;
}

/* Which magazine (or the depot, -1) holds @obj: true if one does. */
static bool in_magazines(struct insp *r, const struct slab_geom *g,
			 uint64_t obj, int *cpu)
{
	const struct mm_layout *l = r->lay;
	uint32_t nr_cpus;
	uint64_t ac;

	if (insp_nr_cpus(r, &nr_cpus))
		return false;
	for (uint32_t c = 0; c < nr_cpus && c < l->cache.cpu_cache.count; c++) {
		if (insp_read_field(r, g->cache, field_elem(l->cache.cpu_cache, c),
				    &ac) || !ac)
			continue;
		if (in_array(r, ac, obj)) {
			*cpu = (int)c;
			return true;
		}
	}
	if (!insp_read_field(r, g->cache, l->cache.shared, &ac) && ac &&
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
	struct find f = { obj, false };
	long walked;

	if (slab_mark(r, g, before))
		return OBJECT_NONE;
	walked = slab_freelist_walk(r, g, before[0], is_obj, &f);
	if (slab_mark(r, g, after) || memcmp(before, after, sizeof(before)))
		return OBJECT_NONE;
	if (f.found)
		return OBJECT_FREE;
	if (walked < 0)
		return OBJECT_NONE;
	if (in_magazines(r, g, obj, cpu))
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
	o->addr = obj - MV_DIRECT_MAP_BASE;
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
		      const struct mm_layout *lay, uint64_t gpa, uint64_t len,
		      struct object_state *o, struct errbuf *e)
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
	if (len && gpa + len > gpa && !slab_geom_read(&r, gpa / PAGE_SZ, &g))
		object_of(&r, &g, MV_DIRECT_MAP_BASE + gpa, len, o);
	insp_close(&r);
	return 0;
}

int object_state_of_vm(void *opaque, uint64_t gpa, uint64_t len,
		       struct object_state *o)
{
	struct vm *vm = opaque;
	struct errbuf e;

	return object_state_read(&vm->gmem, vm->boot.pml4, vm->layout, gpa,
				 len, o, &e);
}
