// SPDX-License-Identifier: MIT
/*
 * Freed slab objects changed (issue 18, item 2): the freed-object family of
 * the check run (check.h). In a SLAB_POISON cache every free object holds
 * the poison, object_size - 1 bytes of POISON_FREE then POISON_END
 * (<memvisor/slab_debug.h>): the guest's slab debugger writes it under the
 * cache's lock before the object goes back on its slab's freelist, and
 * looks at it again only when the object is next allocated. The VMM reads
 * every free object of every poisoned cache at each run, so a write after
 * free (or a wild write) is caught while the object is still free, with
 * the bytes that differ and the object's last alloc and free tracks.
 *
 * Why an honest guest is never reported: the free pointer and the tracks
 * live outside the object when it is poisoned (slab.c's calculate_sizes);
 * a ctor's cache is never poisoned; debug caches have no per-CPU magazines
 * (SLAB_NO_TUNABLES), so their free objects are on their slabs' freelists
 * only; the run parks at a quiet point, with every cache lock free, so no
 * object is half freed. Bounded: the caches' flags read, then the partial
 * and free slabs of poisoned caches only, POISON_MAX_BYTES of objects per
 * run, the run's deadline.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>
#include <memvisor/slab_debug.h>

#include "check.h"
#include "guest_str.h"
#include "ksyms.h"
#include "slab_cmds.h"

#define PAGE_SZ			4096ULL
#define POISON_MAX_BYTES	(16ULL << 20)	/* of objects read per run */
#define POISON_CHUNK		4096U		/* bytes of an object read at once */

struct poison_walk {
	struct check_run *run;
	uint64_t bytes;			/* of objects read this run */
	uint64_t objects;		/* free objects checked */
};

/* One slab's geometry and its cache, as the checker needs them. */
struct poison_slab {
	uint64_t cache_va, page_va;
	uint64_t base;			/* the first object */
	uint64_t size, nr;		/* slot size, objects */
	uint32_t object_size, red_left_pad, offset, track_offset;
	bool tracks;
	char name[CACHE_NAME_BUF];
};

/* The first byte of the object at @obj that is not the poison: 0 if one. */
static int first_bad_byte(struct insp *in, uint64_t obj, uint32_t size,
			  uint32_t *at, uint8_t *found)
{
	uint8_t buf[POISON_CHUNK];

	for (uint32_t off = 0; off < size; off += POISON_CHUNK) {
		uint32_t n = size - off < POISON_CHUNK ? size - off : POISON_CHUNK;

		if (insp_read(in, obj + off, buf, n))
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			uint8_t want = off + i == size - 1 ? MV_POISON_END :
							     MV_POISON_FREE;

			if (buf[i] != want) {
				*at = off + i;
				*found = buf[i];
				return 1;
			}
		}
	}
	return 0;
}

/* "name+0x1/0x2" for a track's caller, or its address, or "none". */
static void track_name(struct check_run *run, const struct poison_slab *s,
		       uint64_t obj, unsigned int which, char *out, size_t size)
{
	const struct mm_layout *l = check_insp(run)->lay;
	uint64_t addr = 0;

	snprintf(out, size, "none");
	if (!s->tracks ||
	    insp_read_field(check_insp(run), obj - s->red_left_pad +
			    s->track_offset + which * l->track.size,
			    l->track.addr, &addr) || !addr)
		return;
	if (ksyms_format(check_ksyms(run), addr, out, size))
		snprintf(out, size, "0x%" PRIx64, addr);
}

static void report_object(struct check_run *run, const struct poison_slab *s,
			  uint64_t obj, uint32_t at, uint8_t found_byte)
{
	char alloc[KSYM_FORMAT_MAX], freer[KSYM_FORMAT_MAX];
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	uint8_t want = at == s->object_size - 1 ? MV_POISON_END : MV_POISON_FREE;

	track_name(run, s, obj, 0, alloc, sizeof(alloc));
	track_name(run, s, obj, 1, freer, sizeof(freer));
	snprintf(exp, sizeof(exp), "poison 0x%02x at offset %u", want, at);
	snprintf(found, sizeof(found), "0x%02x at offset %u", found_byte, at);
	check_violation(run, "free_object", obj, exp, found,
			"cache %s: free object 0x%" PRIx64 " written after its free (offset %u of %u); allocated by %s, freed by %s",
			s->name, obj, at, s->object_size, alloc, freer);
}

/* The cache's name, valid UTF-8 and without control bytes (a vmm line). */
static void cache_name(const struct mm_layout *l, const uint8_t *cache,
		       char *out, size_t size)
{
	struct field_array a = l->cache.name;
	uint32_t len = a.count < CACHE_NAME_MAX ? a.count : CACHE_NAME_MAX;

	guest_str_escape(out, size, (const char *)cache + a.off, len);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static bool poison_slab_of(const struct mm_layout *l, uint64_t cache_va,
			   const uint8_t *cache, uint64_t page_va, uint64_t pfn,
			   const uint8_t *page, struct poison_slab *s)
{
	uint32_t csz = l->cache.size;
	uint64_t flags = field_get(cache, csz, l->cache.flags);
	uint64_t order = field_get(cache, csz, l->cache.order);
	uint64_t first = field_get(page, l->page.size, l->page.freelist), slab;

	if (!(flags & MV_SLAB_POISON))
		return false;
	*s = (struct poison_slab){
		.cache_va = cache_va, .page_va = page_va,
		.size = field_get(cache, csz, l->cache.size_),
		.nr = field_get(page, l->page.size, l->page.objects),
		.object_size = field_get(cache, csz, l->cache.object_size),
		.red_left_pad = field_get(cache, csz, l->cache.red_left_pad),
		.offset = field_get(cache, csz, l->cache.offset),
		.track_offset = field_get(cache, csz, l->cache.track_offset),
		.tracks = flags & MV_SLAB_STORE_USER,
	};
	/* The geometry slab.c gives a poisoned cache, or nothing is read. */
	if (!s->object_size || s->object_size > s->size || !s->nr ||
	    s->offset < s->red_left_pad + s->object_size || s->offset >= s->size ||
	    order >= 16 || !first)
		return false;
	/*
	 * The slab's address: where its first free object's slab starts
	 * (slabs are naturally aligned blocks): in the guest, its page's
	 * direct-map address, which anything else is not; in the hosted
	 * build's fake guest, the arena's own.
	 */
	slab = (first - s->red_left_pad) & ~((PAGE_SZ << order) - 1);
	if (first >= MV_DIRECT_MAP_BASE && slab != MV_DIRECT_MAP_BASE + pfn * PAGE_SZ)
		return false;
	s->base = slab + s->red_left_pad;
	cache_name(l, cache, s->name, sizeof(s->name));
	return true;
}

static bool in_slab(const struct poison_slab *s, uint64_t p)
{
	uint64_t off = p - s->base;

	return p >= s->base && off % s->size == 0 && off / s->size < s->nr;
}

static void poison_one_slab(uint64_t cache_va, const uint8_t *cache,
			    uint64_t page_va, uint64_t pfn, const uint8_t *page,
			    void *opaque)
{
	struct poison_walk *w = opaque;
	struct insp *in = check_insp(w->run);
	const struct mm_layout *l = in->lay;
	struct poison_slab s;
	uint64_t p = field_get(page, l->page.size, l->page.freelist);

	if (!poison_slab_of(l, cache_va, cache, page_va, pfn, page, &s))
		return;
	/* A broken freelist is check_slabs' to name: here it only ends. */
	for (uint64_t n = 0; p && n < s.nr && in_slab(&s, p); n++) {
		uint32_t at;
		uint8_t found;

		if (w->bytes + s.object_size > POISON_MAX_BYTES || insp_spent(in))
			return;
		w->bytes += s.object_size;
		w->objects++;
		if (first_bad_byte(in, p, s.object_size, &at, &found) == 1)
			report_object(w->run, &s, p, at, found);
		if (insp_read_u64(in, p - s.red_left_pad + s.offset, &p))
			return;
	}
}

struct poison_cache {
	struct poison_walk *w;
	uint64_t va, mem_map, max_pfn;
	const uint8_t *copy;		/* the cache, lay->cache.size bytes */
};

/* A slab on a poisoned cache's partial or free list: its free objects. */
static bool slab_node(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct poison_cache *c = opaque;
	uint64_t page_va = node - l->page.slab_list.off;
	uint64_t off = page_va - c->mem_map;
	uint8_t page[INSP_PAGE_STRUCT_MAX];

	if (page_va < c->mem_map || off % l->page.size ||
	    off / l->page.size >= c->max_pfn ||
	    insp_read(in, page_va, page, l->page.size))
		return !insp_spent(in);	/* check_slabs names a bad one */
	poison_one_slab(c->va, c->copy, page_va, off / l->page.size, page, c->w);
	return !insp_spent(in);
}

/*
 * A cache on slab_caches: only a poisoned one is read whole, and only its
 * partial and free slabs (a full slab has no free object).
 */
static bool cache_node(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct poison_cache *c = opaque;
	uint64_t flags, limit = c->max_pfn + 1;
	struct insp_walk walk;
	uint8_t *copy;

	c->va = node - l->cache.list.off;
	if (insp_read_field(in, c->va, l->cache.flags, &flags) ||
	    !(flags & MV_SLAB_POISON))
		return !insp_spent(in);
	copy = malloc(l->cache.size);
	if (!copy || insp_read(in, c->va, copy, l->cache.size)) {
		free(copy);
		return !insp_spent(in);
	}
	c->copy = copy;
	insp_list_walk(in, c->va + l->cache.slabs_partial.off, limit, slab_node,
		       c, &walk);
	insp_list_walk(in, c->va + l->cache.slabs_free.off, limit, slab_node, c,
		       &walk);
	free(copy);
	return !insp_spent(in);
}

void check_free_objects(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct poison_walk w = { .run = run };
	struct poison_cache c = { .w = &w };
	struct insp_walk walk;

	if (insp_mem_map(in, &c.mem_map, &c.max_pfn))
		return;		/* not set up yet, or named: the run says */
	insp_list_walk(in, in->lay->root.slab_caches, SLAB_MAX_CACHES,
		       cache_node, &c, &walk);
	check_covered(run, "free objects poisoned", w.objects);
}
