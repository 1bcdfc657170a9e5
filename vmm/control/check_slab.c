// SPDX-License-Identifier: MIT
/*
 * The slab checker (check.h), through slab_cmds.c's walk of every cache's
 * slab lists (slab_caches_walk: bounded, each slab seen once), which hands
 * each slab here. Per slab:
 *   - every freelist pointer inside the slab, at its first object +
 *     k * size (index_to_obj in the guest's slab.h), none twice;
 *   - in-use equals the objects not on its freelist. Objects in the
 *     per-CPU magazines and the depot were taken off the slab (inuse
 *     counts them, slab.c's take_objects), so only the slab's own freelist
 *     holds its free objects.
 * Per cache: its counters (stats.active_objs, total_objs, active_slabs,
 * total_slabs, free_objects) equal the sums over its slabs.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "slab_cmds.h"

#define PAGE_SZ			4096ULL
#define SLAB_OBJS_TRACKED	8192	/* a freelist's duplicates found below */

struct slab_sums {
	struct check_run *run;
	uint64_t cache;			/* the cache summed */
	uint64_t slabs, active_slabs, objs, free_objs;
};

struct slab_geom {
	uint64_t base;			/* the first object */
	uint64_t size, num;
	uint32_t offset, red_left_pad;
};

/* @p's index in the slab, or -1 when it is no object of it. */
static int64_t obj_index(const struct slab_geom *g, uint64_t p)
{
	uint64_t off = p - g->base;

	if (p < g->base || !g->size || off % g->size || off / g->size >= g->num)
		return -1;
	return (int64_t)(off / g->size);
}

/* Walks the slab's freelist: the free objects, or -1 when it is broken. */
static int64_t freelist_len(struct check_run *run, const struct slab_geom *g,
			    uint64_t page_va, uint64_t first, const char *name)
{
	struct insp *in = check_insp(run);
	uint8_t seen[SLAB_OBJS_TRACKED / 8] = { 0 };
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	uint64_t p = first, n = 0;

	while (p) {
		int64_t i = obj_index(g, p);

		if (i < 0) {
			snprintf(exp, sizeof(exp), "0x%" PRIx64 " + k * %" PRIu64,
				 g->base, g->size);
			snprintf(found, sizeof(found), "0x%" PRIx64, p);
			check_violation(run, "slab", page_va, exp, found,
					"cache %s: slab 0x%" PRIx64 ": freelist pointer 0x%" PRIx64 " is not an object of the slab",
					name, page_va, p);
			return -1;
		}
		if (i < SLAB_OBJS_TRACKED) {
			if (seen[i / 8] & (1U << (i % 8))) {
				check_violation(run, "free_object", p,
						"on the freelist once", "twice",
						"cache %s: slab 0x%" PRIx64 ": object 0x%" PRIx64 " is on its freelist twice",
						name, page_va, p);
				return -1;
			}
			seen[i / 8] |= 1U << (i % 8);
		}
		if (++n > g->num)
			return -1;	/* only with more than SLAB_OBJS_TRACKED */
		if (insp_read_u64(in, p - g->red_left_pad + g->offset, &p))
			return -1;	/* a budget, or named by the read */
	}
	return (int64_t)n;
}

static void slab_one(uint64_t cache_va, const uint8_t *cache, uint64_t page_va,
		     uint64_t pfn, const uint8_t *page, void *opaque)
{
	struct slab_sums *s = opaque;
	struct check_run *run = s->run;
	const struct mm_layout *l = check_insp(run)->lay;
	uint32_t csz = l->cache.size, psz = l->page.size;
	uint32_t inuse = field_get(page, psz, l->page.inuse);
	uint32_t objects = field_get(page, psz, l->page.objects);
	char name[CACHE_NAME_BUF];
	struct slab_geom g = {
		.size = field_get(cache, csz, l->cache.size_),
		.num = objects,
		.offset = field_get(cache, csz, l->cache.offset),
		.red_left_pad = field_get(cache, csz, l->cache.red_left_pad),
	};
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	int64_t nfree;

	if (s->cache != cache_va) {
		memset(s, 0, sizeof(*s));
		s->run = run;
		s->cache = cache_va;
	}
	snprintf(name, sizeof(name), "0x%" PRIx64, cache_va);
	g.base = run->direct_map + pfn * PAGE_SZ + g.red_left_pad;
	nfree = freelist_len(run, &g, page_va,
			     field_get(page, psz, l->page.freelist), name);
	check_covered(run, "slabs", 1);
	check_covered(run, "objects", objects);
	s->slabs++;
	s->objs += objects;
	if (inuse)
		s->active_slabs++;
	if (nfree < 0)
		return;
	s->free_objs += (uint64_t)nfree;
	if ((uint64_t)nfree + inuse == objects)
		return;
	snprintf(exp, sizeof(exp), "%" PRIu64,
		 objects >= (uint64_t)nfree ? objects - (uint64_t)nfree : 0);
	snprintf(found, sizeof(found), "%u", inuse);
	check_violation(run, "slab", page_va, exp, found,
			"in-use %u but %" PRIu64 " objects not free (%u objects, %" PRId64 " on its freelist)",
			inuse, objects >= (uint64_t)nfree ? objects - (uint64_t)nfree : 0,
			objects, nfree);
}

static void cache_counter(struct check_run *run, const struct cache_info *c,
			  struct field f, const char *what, uint64_t want)
{
	uint64_t v;
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];

	if (insp_read_field(check_insp(run), c->addr, f, &v) || v == want)
		return;
	snprintf(exp, sizeof(exp), "%" PRIu64, want);
	snprintf(found, sizeof(found), "%" PRIu64, v);
	check_violation(run, "kmem_cache", c->addr, exp, found,
			"cache %s: %s %" PRIu64 " but its slabs say %" PRIu64,
			c->name, what, v, want);
}

static void cache_done(const struct cache_info *c, void *opaque)
{
	struct slab_sums *s = opaque;
	struct check_run *run = s->run;
	const struct mm_layout *l = check_insp(run)->lay;

	check_covered(run, "caches", 1);
	if (check_insp(run)->stop)
		return;		/* its slabs were not all read */
	if (s->cache != c->addr)
		memset(&s->slabs, 0, sizeof(*s) - offsetof(struct slab_sums, slabs));
	cache_counter(run, c, l->cache.total_slabs, "total_slabs", s->slabs);
	cache_counter(run, c, l->cache.active_slabs, "active_slabs",
		      s->active_slabs);
	cache_counter(run, c, l->cache.total_objs, "total_objs", s->objs);
	cache_counter(run, c, l->cache.active_objs, "active_objs",
		      c->active_objs);
	cache_counter(run, c, l->cache.free_objects, "free_objects",
		      c->num_objs - c->active_objs);
	s->cache = 0;
}

void check_slabs(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct slab_sums s = { .run = run };
	struct insp_pager pg;
	struct errbuf e;

	insp_pager_init(&pg, NULL, SLAB_MAX_CACHES, false);
	if (slab_caches_walk(in, &pg, cache_done, slab_one, &s, &e))
		insp_problem(in, "check: slab caches: %s", e.msg);
}
