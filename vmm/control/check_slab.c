// SPDX-License-Identifier: MIT
/*
 * The slab checker (check.h), through slab_cmds.c's walk of every cache's
 * slab lists (slab_caches_walk: bounded, each slab seen once), which hands
 * each slab here. Per slab:
 *   - every freelist pointer inside the slab, at its first object +
 *     k * size (index_to_obj in the guest's slab.h), none twice (the walk
 *     and the cache's numbers, read once per cache, are slab_obj.h's);
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
#include "slab_obj.h"

struct slab_sums {
	struct check_run *run;
	uint64_t cache;			/* the cache summed */
	struct slab_geom geom;		/* its numbers, read once */
	bool geom_ok;
	uint64_t slabs, active_slabs, objs, free_objs;
};

/* Walks the slab's freelist: the free objects, or -1 when it is broken. */
static int64_t freelist_len(struct check_run *run, const struct slab_geom *g,
			    uint64_t page_va, uint64_t first, const char *name)
{
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	struct slab_walk w;

	switch (slab_freelist_walk(check_insp(run), g, first, NULL, NULL, &w)) {
	case SLAB_WALK_END:
		return (int64_t)w.n;
	case SLAB_WALK_NOT_OBJECT:
		snprintf(exp, sizeof(exp), "0x%" PRIx64 " + k * %u",
			 g->base + g->red_left_pad, g->size);
		snprintf(found, sizeof(found), "0x%" PRIx64, w.at);
		check_violation(run, "slab", page_va, exp, found,
				"cache %s: slab 0x%" PRIx64 ": freelist pointer 0x%" PRIx64 " is not an object of the slab",
				name, page_va, w.at);
		return -1;
	case SLAB_WALK_TWICE:
		check_violation(run, "free_object", w.at,
				"on the freelist once", "twice",
				"cache %s: slab 0x%" PRIx64 ": object 0x%" PRIx64 " is on its freelist twice",
				name, page_va, w.at);
		return -1;
	default:
		return -1;	/* a budget, or named by the read */
	}
}

static void slab_one(uint64_t cache_va, const uint8_t *cache, uint64_t page_va,
		     uint64_t pfn, const uint8_t *page, void *opaque)
{
	struct slab_sums *s = opaque;
	struct check_run *run = s->run;
	struct insp *in = check_insp(run);
	const struct mm_layout *l = in->lay;
	uint32_t psz = l->page.size;
	uint32_t inuse = field_get(page, psz, l->page.inuse);
	uint32_t objects = field_get(page, psz, l->page.objects);
	char name[CACHE_NAME_BUF];
	char exp[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	int64_t nfree = -1;

	if (s->cache != cache_va) {
		memset(s, 0, sizeof(*s));
		s->run = run;
		s->cache = cache_va;
		s->geom_ok = !slab_cache_geom_read(in, cache_va, &s->geom);
	}
	snprintf(name, sizeof(name), "0x%" PRIx64, cache_va);
	if (s->geom_ok) {
		slab_geom_place(in, &s->geom, run->direct_map, pfn);
		nfree = freelist_len(run, &s->geom, page_va,
				     field_get(page, psz, l->page.freelist), name);
	}
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
