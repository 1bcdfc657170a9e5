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
 * and free slabs of poisoned caches only, each freelist by slab_obj.h's
 * walk (each object once, inside its slab), POISON_MAX_BYTES of objects
 * per run, the run's deadline.
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
#include "slab_obj.h"

#define POISON_MAX_BYTES	(16ULL << 20)	/* of objects read per run */
#define POISON_CHUNK		4096U		/* bytes of an object read at once */

struct poison_walk {
	struct check_run *run;
	uint64_t bytes;			/* of objects read this run */
	uint64_t objects;		/* free objects checked */
};

/* One slab's geometry and its cache, as the checker needs them. */
struct poison_slab {
	struct poison_walk *w;
	struct slab_geom g;		/* slab_obj.h's */
	uint32_t track_offset;
	bool tracks;
	char name[CACHE_NAME_BUF];
};

struct poison_cache {
	struct poison_walk *w;
	uint64_t va, mem_map, max_pfn;
	const uint8_t *copy;		/* the cache, lay->cache.size bytes */
	struct slab_geom geom;		/* its numbers (slab_cache_geom_read()) */
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
	    insp_read_field(check_insp(run), obj - s->g.red_left_pad +
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
	uint8_t want = at == s->g.object_size - 1 ? MV_POISON_END : MV_POISON_FREE;

	track_name(run, s, obj, 0, alloc, sizeof(alloc));
	track_name(run, s, obj, 1, freer, sizeof(freer));
	snprintf(exp, sizeof(exp), "poison 0x%02x at offset %u", want, at);
	snprintf(found, sizeof(found), "0x%02x at offset %u", found_byte, at);
	check_violation(run, "free_object", obj, exp, found,
			"cache %s: free object 0x%" PRIx64 " written after its free (offset %u of %u); allocated by %s, freed by %s",
			s->name, obj, at, s->g.object_size, alloc, freer);
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

/*
 * The slab at frame @pfn of the poisoned cache @c as the checker reads it:
 * false when its free pointer lies inside the object (not the layout
 * slab.c gives a poisoned cache: then nothing is read).
 */
static bool poison_slab_of(struct insp *in, const struct poison_cache *c,
			   uint64_t pfn, struct poison_slab *s)
{
	const struct mm_layout *l = in->lay;

	*s = (struct poison_slab){
		.w = c->w,
		.g = c->geom,
		.track_offset = field_get(c->copy, l->cache.size,
					  l->cache.track_offset),
		.tracks = c->geom.flags & MV_SLAB_STORE_USER,
	};
	if (s->g.offset < s->g.red_left_pad + s->g.object_size)
		return false;
	slab_geom_place(in, &s->g, c->w->run->direct_map, pfn);
	cache_name(l, c->copy, s->name, sizeof(s->name));
	return true;
}

/* One free object of the slab @opaque: its poison whole? */
static bool poison_obj(uint64_t obj, void *opaque)
{
	struct poison_slab *s = opaque;
	struct poison_walk *w = s->w;
	struct insp *in = check_insp(w->run);
	uint32_t at;
	uint8_t found;

	if (w->bytes + s->g.object_size > POISON_MAX_BYTES || insp_spent(in))
		return false;
	w->bytes += s->g.object_size;
	w->objects++;
	if (first_bad_byte(in, obj, s->g.object_size, &at, &found) == 1)
		report_object(w->run, s, obj, at, found);
	return true;
}

/* The free objects of the slab at frame @pfn (struct page @page). */
static void poison_one_slab(struct insp *in, const struct poison_cache *c,
			    uint64_t pfn, const uint8_t *page)
{
	const struct mm_layout *l = in->lay;
	struct poison_slab s;
	struct slab_walk walk;

	if (!poison_slab_of(in, c, pfn, &s))
		return;
	/* A broken freelist is check_slabs' to name: here it only ends. */
	slab_freelist_walk(in, &s.g, field_get(page, l->page.size, l->page.freelist),
			   poison_obj, &s, &walk);
}

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
	poison_one_slab(in, c, off / l->page.size, page);
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
	    !(flags & MV_SLAB_POISON) ||
	    slab_cache_geom_read(in, c->va, &c->geom))
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
