// SPDX-License-Identifier: MIT
/*
 * query-slabinfo and query-mempools: the guest's slab caches and mempools,
 * read by the VMM from guest memory through the kernel image's layout
 * (mm_layout.h; see slab_cmds.h). The readers fill struct cache_info and
 * struct mempool_info; the commands' JSON is made from them at the edge,
 * the end of this file. page-owner is page_owner.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/mminfo.h>

#include "guest_str.h"
#include "inspect.h"
#include "inspect_query.h"
#include "pagewalk.h"
#include "pgtable.h"
#include "slab_cmds.h"
#include "vmalloc_cmds.h"
#include "vm.h"

#define PAGE_SZ		4096ULL
#define MAX_STRUCT	16384U		/* no guest struct read whole is larger */

/* A string of at most @max - 1 characters; "?" when unreadable. */
static void read_str(struct insp *r, uint64_t va, char *dst, size_t max)
{
	if (insp_read_str(r, va, dst, max))
		snprintf(dst, max, "?");
}

static int read_u64(struct insp *r, uint64_t va, uint64_t *v)
{
	return insp_read(r, va, v, sizeof(*v));
}

/* ---- the inspection -------------------------------------------------- */

/* A member of a struct member: @inner of the struct at @outer. */
static struct field member(struct field outer, struct field inner)
{
	return (struct field){ outer.off + inner.off, inner.size };
}

int slab_open(struct insp *r, const struct gmem *gm,
	      const struct mm_layout *lay, uint64_t cr3, struct errbuf *e)
{
	if (insp_open(r, gm, lay, cr3, e)) {
		insp_close(r);
		return -1;
	}
	/* the copies below are on the stack: the image's sizes must fit */
	if (lay->page.size > MAX_STRUCT || lay->cache.size > MAX_STRUCT ||
	    lay->mempool.size > MAX_STRUCT || lay->array_cache.size > MAX_STRUCT) {
		insp_close(r);
		return errf(e, "kernel image: struct page, kmem_cache, array_cache or mempool_t is over %u bytes",
			    MAX_STRUCT);
	}
	return 0;
}

/* ---- slabinfo ---------------------------------------------------------- */

enum slab_list { SL_FULL, SL_PARTIAL, SL_FREE, SL_NR };
static const char *const slab_list_name[SL_NR] = {
	"slabs_full", "slabs_partial", "slabs_free"
};

struct cache_count {
	uint64_t slabs, active_slabs, objs, active_objs;
};

/* The struct page array, read from the roots at query time. */
struct frames {
	uint64_t mem_map, max_pfn;
	uint32_t nr_cpus;
	slab_page_fn slab_fn;		/* each slab, for the checker; or NULL */
	void *slab_opaque;
};

/* The pfn of the struct page at @page_va, or -1 if it is none in mem_map. */
static int64_t page_pfn(struct insp *r, const struct frames *fr,
			uint64_t page_va)
{
	uint64_t off = page_va - fr->mem_map, size = r->lay->page.size;

	if (page_va < fr->mem_map || !size || off % size ||
	    off / size >= fr->max_pfn)
		return -1;
	return off / size;
}

static bool test_flag(uint64_t flags, uint64_t bit)
{
	return bit < 64 && (flags & (1ULL << bit));
}

/*
 * Walks one slab list of a cache: bounded by the frames (each slab is seen
 * at most once across every list of every cache: @seen), checked entry by
 * entry.
 */
static void walk_slab_list(struct insp *r, const struct frames *fr,
			   const char *name, uint64_t cache_va,
			   const uint8_t *cache, uint32_t num,
			   enum slab_list which, uint64_t *seen,
			   struct cache_count *cc)
{
	const struct mm_layout *lay = r->lay;
	const char *ln = slab_list_name[which];
	uint64_t head = cache_va + (which == SL_FULL ? lay->cache.slabs_full.off :
				    which == SL_PARTIAL ? lay->cache.slabs_partial.off :
				    lay->cache.slabs_free.off);
	struct field next = member(lay->page.slab_list, lay->list_head.next);
	struct field prev_f = member(lay->page.slab_list, lay->list_head.prev);
	uint32_t psz = lay->page.size;
	uint8_t page[MAX_STRUCT];
	uint64_t node, prev = head;
	unsigned long steps = 0;

	if (read_u64(r, head, &node)) {
		insp_problem(r, "cache %s: %s head at 0x%" PRIx64 " is not readable",
		       name, ln, head);
		return;
	}
	while (node != head) {
		uint64_t page_va = node - lay->page.slab_list.off, flags;
		int64_t pfn = page_pfn(r, fr, page_va);
		uint32_t inuse, objects;

		if (++steps > fr->max_pfn) {
			insp_problem(r, "cache %s: %s is longer than there are frames",
			       name, ln);
			return;
		}
		if (pfn < 0) {
			insp_problem(r, "cache %s: %s entry 0x%" PRIx64 " is no struct page in mem_map",
			       name, ln, node);
			return;
		}
		if (seen[pfn / 64] & (1ULL << (pfn % 64))) {
			insp_problem(r, "cache %s: slab at pfn %" PRId64 " seen twice (a cycle in %s, or a slab on two lists)",
			       name, pfn, ln);
			return;
		}
		seen[pfn / 64] |= 1ULL << (pfn % 64);
		if (insp_read(r, page_va, page, psz)) {
			insp_problem(r, "cache %s: %s: struct page of pfn %" PRId64 " is not readable",
			       name, ln, pfn);
			return;
		}
		if (field_get(page, psz, prev_f) != prev)
			insp_problem(r, "cache %s: %s: pfn %" PRId64 "'s prev is 0x%" PRIx64 ", not 0x%" PRIx64,
			       name, ln, pfn, field_get(page, psz, prev_f), prev);
		flags = field_get(page, psz, lay->page.flags);
		inuse = field_get(page, psz, lay->page.inuse);
		objects = field_get(page, psz, lay->page.objects);
		if (!test_flag(flags, lay->pg.slab))
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " is not PG_slab", name, ln, pfn);
		if (field_get(page, psz, lay->page.slab_cache) != cache_va)
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " belongs to cache 0x%" PRIx64,
			       name, ln, pfn, field_get(page, psz, lay->page.slab_cache));
		if (objects != num)
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " has %u objects, the cache %u per slab",
			       name, ln, pfn, objects, num);
		if (inuse > objects) {
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " has %u of %u objects in use",
			       name, ln, pfn, inuse, objects);
			inuse = objects;
		}
		if ((which == SL_FULL && inuse != objects) ||
		    (which == SL_PARTIAL && (inuse == 0 || inuse == objects)) ||
		    (which == SL_FREE && inuse != 0))
			insp_problem(r, "cache %s: pfn %" PRId64 " with %u of %u objects in use is on %s",
			       name, pfn, inuse, objects, ln);
		if (fr->slab_fn)
			fr->slab_fn(cache_va, cache, page_va, (uint64_t)pfn,
				    page, fr->slab_opaque);
		cc->slabs++;
		cc->objs += objects;
		cc->active_objs += inuse;
		if (inuse)
			cc->active_slabs++;
		prev = node;
		node = field_get(page, psz, next);
	}
}

/* The avail, limit of an array_cache; false if unreadable (reported). */
static bool read_ac(struct insp *r, const char *name, const char *what,
		    uint64_t va, uint32_t *avail, uint32_t *limit)
{
	const struct mm_layout *lay = r->lay;
	uint8_t ac[MAX_STRUCT];

	if (insp_read(r, va, ac, lay->array_cache.size)) {
		insp_problem(r, "cache %s: %s at 0x%" PRIx64 " is not readable", name, what, va);
		return false;
	}
	*avail = field_get(ac, lay->array_cache.size, lay->array_cache.avail);
	*limit = field_get(ac, lay->array_cache.size, lay->array_cache.limit);
	if (*avail > *limit) {
		insp_problem(r, "cache %s: %s holds %u objects, over its limit %u",
		       name, what, *avail, *limit);
		*avail = *limit;
	}
	return true;
}

/*
 * The cache's name, from its copy: at most CACHE_NAME_MAX bytes, valid
 * UTF-8 (guest_str.h), terminated. How many bytes were not UTF-8.
 */
static size_t copy_name(const struct mm_layout *lay, const uint8_t *c,
			char name[CACHE_NAME_BUF])
{
	uint32_t len = lay->cache.name.count * lay->cache.name.elem_size;

	if (len > CACHE_NAME_MAX)
		len = CACHE_NAME_MAX;
	return guest_str_escape(name, CACHE_NAME_BUF,
				(const char *)c + lay->cache.name.off, len);
}

/* @ci: the cache at @va, from its copy @c, checked against its slabs. */
static void read_cache(struct insp *r, const struct frames *fr,
		       uint64_t va, const uint8_t *c, uint64_t *seen,
		       struct cache_info *ci)
{
	const struct mm_layout *lay = r->lay;
	const uint32_t csz = lay->cache.size;
#define CF(f)	field_get(c, csz, lay->cache.f)
	char *name = ci->name;
	struct cache_count cc = { 0 };
	size_t bad;
	uint32_t num = CF(num), order = CF(order);
	uint32_t limit = CF(limit), batch = CF(batchcount);
	uint64_t flags = CF(flags), shared = CF(shared);
	uint64_t cpu_cached = 0, sharedavail = 0, sharedfactor = 0;
	uint32_t avail, aclimit;
	uint64_t v;

	/* a name that is not UTF-8 keeps its record, escaped, and is named */
	bad = copy_name(lay, c, name);
	if (bad)
		insp_problem(r, "cache %s at 0x%" PRIx64 ": its name is not UTF-8, %zu byte%s shown as \\xHH",
			     name, va, bad, bad == 1 ? "" : "s");
	if (CF(magic) != lay->k.cache_magic)
		insp_problem(r, "cache %s at 0x%" PRIx64 ": bad magic 0x%" PRIx64,
		       name, va, CF(magic));
	if (order > 31) {
		insp_problem(r, "cache %s: order %u", name, order);
		order = 31;
	}
	for (int i = 0; i < SL_NR; i++)
		walk_slab_list(r, fr, name, va, c, num, i, seen, &cc);
	for (uint32_t cpu = 0; cpu < fr->nr_cpus; cpu++) {
		uint64_t ac = field_get(c, csz, field_elem(lay->cache.cpu_cache, cpu));
		char what[32];

		snprintf(what, sizeof(what), "cpu %u's magazine", cpu);
		if (ac && read_ac(r, name, what, ac, &avail, &aclimit))
			cpu_cached += avail;
	}
	if (shared && read_ac(r, name, "the depot", shared, &avail, &aclimit)) {
		sharedavail = avail;
		sharedfactor = aclimit / (batch ? batch : 1);
	}
	if (flags & lay->k.cache_no_tunables)
		limit = 0;
	if (!limit)
		batch = 0;

	/* The cache's own counters against what its lists say. */
#define CROSS(field, counted)							\
	do {									\
		v = CF(field);							\
		if (v != (counted))						\
			insp_problem(r, "cache %s: %s says %" PRIu64 ", its slabs %" PRIu64,	\
			       name, #field, v, (uint64_t)(counted));		\
	} while (0)
	CROSS(active_objs, cc.active_objs);
	CROSS(total_objs, cc.objs);
	CROSS(active_slabs, cc.active_slabs);
	CROSS(total_slabs, cc.slabs);
#undef CROSS
	v = CF(free_objects);
	if (v != cc.objs - cc.active_objs)
		insp_problem(r, "cache %s: free_objects says %" PRIu64 ", its slabs %" PRIu64,
		       name, v, cc.objs - cc.active_objs);
	if (cpu_cached > cc.active_objs ||
	    sharedavail > cc.active_objs - cpu_cached)	/* no sum: no wrap */
		insp_problem(r, "cache %s: %" PRIu64 " objects in magazines and depot, only %" PRIu64 " out of its slabs",
		       name, cpu_cached + sharedavail, cc.active_objs);

	ci->addr = va;
	ci->active_objs = cc.active_objs;
	ci->num_objs = cc.objs;
	ci->objsize = CF(size_);
	ci->objperslab = num;
	ci->pagesperslab = 1ULL << order;
	ci->limit = limit;
	ci->batchcount = batch;
	ci->sharedfactor = sharedfactor;
	ci->sharedavail = sharedavail;
	ci->active_slabs = cc.active_slabs;
	ci->num_slabs = cc.slabs;
}
#undef CF

/*
 * Calls @fn for each entry of the guest list at @head (the node's address),
 * at most @max, stopping at a cycle or an unreadable node (reported). The
 * walk is insp_list_walk()'s; the entries are looked at after it, up to the
 * first one seen twice (Brent's check finds a cycle a little after it
 * closes), so no entry is reported twice.
 */
typedef void (*node_fn)(struct insp *r, uint64_t node, void *opaque);

struct collect {
	uint64_t *node;
	unsigned long nr;
};

static bool collect_node(struct insp *r, uint64_t node, void *opaque)
{
	struct collect *c = opaque;

	c->node[c->nr++] = node;
	return true;
}

static void walk_list(struct insp *r, const char *what, uint64_t head,
		      unsigned long max, node_fn fn, void *opaque)
{
	struct collect c = { calloc(max, sizeof(uint64_t)), 0 };
	struct insp_walk w;
	unsigned long i, j;
	uint64_t next;

	if (!c.node) {
		insp_problem(r, "%s: out of memory", what);
		return;
	}
	insp_list_walk(r, head, max, collect_node, &c, &w);
	for (i = 0; i < c.nr; i++) {
		for (j = 0; w.cycle && j < i && c.node[j] != c.node[i]; j++)
			;
		if (w.cycle && j < i)
			break;
		fn(r, c.node[i], opaque);
	}
	/* The cycle closes at the first entry seen twice, or the next one. */
	if (w.cycle && (i < c.nr || (c.nr && !read_u64(r, c.node[c.nr - 1] +
					r->lay->list_head.next.off, &next))))
		insp_problem(r, "%s: a cycle through 0x%" PRIx64 " that misses the head",
			     what, i < c.nr ? c.node[i] : next);
	else if (w.cycle || w.broken)
		insp_problem(r, "%s: %s", what, w.why);
	else if (w.truncated)
		insp_problem(r, "%s: more than %lu entries", what, max);
	if (w.bad_prev)
		insp_problem(r, "%s: %s", what, w.prev_why);
	free(c.node);
}

struct slabinfo_walk {
	struct frames fr;
	uint64_t *seen;
	struct insp_pager *pager;	/* key: the cache's address */
	cache_info_fn fn;
	void *opaque;
};

static void slabinfo_node(struct insp *r, uint64_t node, void *opaque)
{
	struct slabinfo_walk *w = opaque;
	uint64_t va = node - r->lay->cache.list.off;
	uint8_t c[MAX_STRUCT];
	struct cache_info ci;

	if (insp_pager_place(w->pager, va) != INSP_PAGE_IN)
		return;
	if (insp_read(r, va, c, r->lay->cache.size)) {
		insp_problem(r, "slab_caches: cache at 0x%" PRIx64 " is not readable", va);
		return;
	}
	read_cache(r, &w->fr, va, c, w->seen, &ci);
	w->fn(&ci, w->opaque);
}

int slab_caches_read(struct insp *r, struct insp_pager *pg,
		     cache_info_fn fn, void *opaque, struct errbuf *e)
{
	return slab_caches_walk(r, pg, fn, NULL, opaque, e);
}

int slab_caches_walk(struct insp *r, struct insp_pager *pg,
		     cache_info_fn fn, slab_page_fn slab_fn, void *opaque,
		     struct errbuf *e)
{
	struct slabinfo_walk w = { .pager = pg, .fn = fn, .opaque = opaque };

	if (insp_mem_map(r, &w.fr.mem_map, &w.fr.max_pfn) ||
	    insp_nr_cpus(r, &w.fr.nr_cpus)) {
		if (!r->stop)
			return errf(e, "%s", r->err);
		/* not set up yet: max_pfn may be anything read before */
		memset(&w.fr, 0, sizeof(w.fr));
	}
	w.fr.slab_fn = slab_fn;
	w.fr.slab_opaque = opaque;
	w.seen = calloc(w.fr.max_pfn / 64 + 1, sizeof(uint64_t));
	if (!w.seen)
		return errf(e, "out of memory");
	if (!r->stop)
		walk_list(r, "slab_caches", r->lay->root.slab_caches,
			  SLAB_MAX_CACHES, slabinfo_node, &w);
	free(w.seen);
	return 0;
}

/* ---- mempools ---------------------------------------------------------- */

void slab_cache_name(struct insp *r, uint64_t cache, char *name, size_t max)
{
	uint64_t magic;

	const struct mm_layout *lay = r->lay;
	uint64_t len = lay->cache.name.count * lay->cache.name.elem_size;

	if (read_u64(r, cache + lay->cache.magic.off, &magic) ||
	    magic != lay->k.cache_magic) {
		snprintf(name, max, "?");
		insp_problem(r, "cache 0x%" PRIx64 ": not a live kmem_cache", cache);
		return;
	}
	read_str(r, cache + lay->cache.name.off, name,
		 max < len + 1 ? max : len + 1);
}

struct mempools_walk {
	struct insp_pager *pager;	/* key: the pool's address */
	mempool_info_fn fn;
	void *opaque;
};

static void mempool_node(struct insp *r, uint64_t node, void *opaque)
{
	const struct mm_layout *lay = r->lay;
	const uint32_t psz = lay->mempool.size;
#define PF(f)	field_get(p, psz, lay->mempool.f)
	struct mempools_walk *w = opaque;
	uint64_t va = node - lay->mempool.list.off;
	uint8_t p[MAX_STRUCT];
	struct mempool_info mp = { .addr = va };

	if (insp_pager_place(w->pager, va) != INSP_PAGE_IN)
		return;
	if (insp_read(r, va, p, psz)) {
		insp_problem(r, "mempools: pool at 0x%" PRIx64 " is not readable", va);
		return;
	}
	if (PF(magic) != lay->k.mempool_magic)
		insp_problem(r, "mempool 0x%" PRIx64 ": bad magic 0x%" PRIx64, va,
		       PF(magic));
	mp.min_nr = (int32_t)PF(min_nr);
	mp.curr_nr = (int32_t)PF(curr_nr);
	if (mp.min_nr < 0 || mp.curr_nr < 0 || mp.curr_nr > mp.min_nr)
		insp_problem(r, "mempool 0x%" PRIx64 ": %d elements in a reserve of %d",
		       va, mp.curr_nr, mp.min_nr);
	mp.arg = PF(source_arg);
	switch (PF(source)) {
	case MV_MEMPOOL_SRC_CUSTOM:
		mp.source = MEMPOOL_CUSTOM;
		break;
	case MV_MEMPOOL_SRC_SLAB:
		mp.source = MEMPOOL_SLAB;
		slab_cache_name(r, mp.arg, mp.cache, sizeof(mp.cache));
		break;
	case MV_MEMPOOL_SRC_KMALLOC:
		mp.source = MEMPOOL_KMALLOC;
		break;
	case MV_MEMPOOL_SRC_PAGE:
		mp.source = MEMPOOL_PAGE;
		break;
	default:
		insp_problem(r, "mempool 0x%" PRIx64 ": unknown source %u", va,
		       (uint32_t)PF(source));
		mp.source = MEMPOOL_UNKNOWN;
		break;
	}
	w->fn(&mp, w->opaque);
}
#undef PF

int slab_mempools_read(struct insp *r, struct insp_pager *pg,
		       mempool_info_fn fn, void *opaque, struct errbuf *e)
{
	struct mempools_walk w = { .pager = pg, .fn = fn, .opaque = opaque };

	walk_list(r, "mempools", r->lay->root.mempools, SLAB_MAX_POOLS,
		  mempool_node, &w);
	return 0;
}

/* ---- the edge: JSON from the structs ----------------------------------- */

static void cache_append(const struct cache_info *c, void *opaque)
{
	json_array_append_new(opaque, json_pack(
		"{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
		"name", c->name,
		"active_objs", (json_int_t)c->active_objs,
		"num_objs", (json_int_t)c->num_objs,
		"objsize", (json_int_t)c->objsize,
		"objperslab", (json_int_t)c->objperslab,
		"pagesperslab", (json_int_t)c->pagesperslab,
		"limit", (json_int_t)c->limit,
		"batchcount", (json_int_t)c->batchcount,
		"sharedfactor", (json_int_t)c->sharedfactor,
		"active_slabs", (json_int_t)c->active_slabs,
		"num_slabs", (json_int_t)c->num_slabs,
		"sharedavail", (json_int_t)c->sharedavail,
		"addr", qmp_addr(c->addr)));	/* the cursor's key */
}

static json_t *mempool_source_json(const struct mempool_info *p)
{
	switch (p->source) {
	case MEMPOOL_CUSTOM:
		return json_pack("{s:s}", "type", "custom");
	case MEMPOOL_SLAB:
		return json_pack("{s:s,s:s,s:o}", "type", "slab",
				 "cache", p->cache, "cache_addr", qmp_addr(p->arg));
	case MEMPOOL_KMALLOC:
		return json_pack("{s:s,s:I}", "type", "kmalloc",
				 "size", (json_int_t)p->arg);
	case MEMPOOL_PAGE:
		return json_pack("{s:s,s:I}", "type", "page",
				 "order", (json_int_t)p->arg);
	default:
		return json_pack("{s:s}", "type", "unknown");
	}
}

static void mempool_append(const struct mempool_info *p, void *opaque)
{
	json_array_append_new(opaque, json_pack("{s:o,s:i,s:i,s:o}",
						"addr", qmp_addr(p->addr),
						"min_nr", p->min_nr,
						"curr_nr", p->curr_nr,
						"source", mempool_source_json(p)));
}

/* One paged list's reader, appending to a JSON array. */
typedef int (*slab_list_read_fn)(struct insp *r, struct insp_pager *pg,
				 json_t *list, struct errbuf *e);

static int caches_json(struct insp *r, struct insp_pager *pg, json_t *list,
		       struct errbuf *e)
{
	return slab_caches_read(r, pg, cache_append, list, e);
}

static int mempools_json(struct insp *r, struct insp_pager *pg, json_t *list,
			 struct errbuf *e)
{
	return slab_mempools_read(r, pg, mempool_append, list, e);
}

/* {@key: [...]} and the page's and the inspection's marks, or NULL. */
static json_t *slab_answer(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, const char *key,
			   unsigned int page_max, slab_list_read_fn read,
			   struct errbuf *e)
{
	struct insp_pager pg;
	struct insp r;
	json_t *list, *ret;

	if (slab_open(&r, gm, lay, cr3, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&pg, b, page_max, false);
	list = json_array();
	if (read(&r, &pg, list, e)) {
		json_decref(list);
		insp_close(&r);
		return NULL;
	}
	ret = json_pack("{s:o}", key, list);
	insp_pager_end(&r, &pg, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

json_t *slab_read_slabinfo(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e)
{
	return slab_answer(gm, cr3, lay, b, "caches", SLAB_PAGE_CACHES,
			   caches_json, e);
}

json_t *slab_read_mempools(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e)
{
	return slab_answer(gm, cr3, lay, b, "mempools", SLAB_PAGE_POOLS,
			   mempools_json, e);
}

/* ---- the commands ------------------------------------------------------ */

json_t *cmd_query_slabinfo(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, SLAB_PAGE_CACHES, &page, err))
		return NULL;
	/* a cache parked mid-update (stats against slabs) reads as a passing mismatch */
	return insp_query_reader_retry(ctx, "query-slabinfo", INSP_QUERY_ATTEMPTS,
				       slab_read_slabinfo, &page, err);
}

json_t *cmd_query_mempools(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, SLAB_PAGE_POOLS, &page, err))
		return NULL;
	return insp_query_reader_retry(ctx, "query-mempools", INSP_QUERY_ATTEMPTS,
				       slab_read_mempools, &page, err);
}
