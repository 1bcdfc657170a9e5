// SPDX-License-Identifier: MIT
/*
 * query-slabinfo and query-mempools: the guest's slab caches and mempools,
 * read by the VMM from guest memory through the descriptor's struct
 * mv_slab_layout (see slab_cmds.h). page-owner is page_owner.c's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/mminfo.h>

#include "inspect.h"
#include "inspect_legacy.h"
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

/* ---- the descriptor ---------------------------------------------------- */

static bool in_struct(uint32_t off, uint32_t width, uint32_t size)
{
	return (uint64_t)off + width <= size;
}

static int check_layout(const struct mv_mminfo *mi, struct errbuf *e)
{
	const struct mv_slab_layout *l = &mi->slab;
	const struct {
		const char *name;
		uint32_t off, width, size;
	} f[] = {
#define C(field, w)	{ #field, l->field, w, l->sizeof_cache }
		C(cache_magic, 8), C(cache_flags, 8), C(cache_size, 4),
		C(cache_object_size, 4), C(cache_order, 4), C(cache_num, 4),
		C(cache_limit, 4), C(cache_batchcount, 4), C(cache_shared, 8),
		C(cache_slabs_full, 16), C(cache_slabs_partial, 16),
		C(cache_slabs_free, 16), C(cache_free_objects, 8),
		C(cache_stat_active_objs, 8), C(cache_stat_total_objs, 8),
		C(cache_stat_active_slabs, 8), C(cache_stat_total_slabs, 8),
		C(cache_list, 16),
		{ "cache_name", l->cache_name, l->cache_name_len, l->sizeof_cache },
		{ "cache_cpu_cache", l->cache_cpu_cache, l->nr_cpus * 8U,
		  l->sizeof_cache },
#undef C
#define P(field, w)	{ #field, l->field, w, mi->sizeof_page }
		P(page_flags, 8), P(page_private, 8), P(page_slab_list, 16),
		P(page_slab_cache, 8), P(page_inuse, 4), P(page_objects, 4),
		P(page_refcount, 4), P(page_order, 4),
#undef P
#define M(field, w)	{ #field, l->field, w, l->sizeof_mempool }
		M(pool_min_nr, 4), M(pool_curr_nr, 4), M(pool_source, 4),
		M(pool_source_arg, 8), M(pool_magic, 8), M(pool_list, 16),
#undef M
#define Z(field)	{ #field, l->field, 8, mi->sizeof_zone }
		Z(zone_name), Z(zone_start_pfn), Z(zone_spanned),
		Z(zone_first_deferred_pfn),
#undef Z
		{ "region_base", l->region_base, 8, l->sizeof_region },
		{ "region_size", l->region_size, 8, l->sizeof_region },
	};

	if (l->size < sizeof(*l))
		return errf(e, "descriptor: slab layout size %u is less than %zu",
			    l->size, sizeof(*l));
	if (l->sizeof_cache > MAX_STRUCT || mi->sizeof_page > MAX_STRUCT ||
	    l->sizeof_mempool > MAX_STRUCT ||
	    l->sizeof_region > MAX_STRUCT || !mi->sizeof_page)
		return errf(e, "descriptor: a struct size is over %u bytes (or 0)",
			    MAX_STRUCT);
	if (l->nr_cpus > 4096 || l->max_order > 32 || l->cache_name_len > 256)
		return errf(e, "descriptor: nr_cpus %u, max_order %u or cache_name_len %u out of range",
			    l->nr_cpus, l->max_order, l->cache_name_len);
	if (l->pg_reserved > 63 || l->pg_buddy > 63 || l->pg_pcp > 63 ||
	    l->pg_slab > 63 || l->pg_head > 63)
		return errf(e, "descriptor: a PG_ bit number is over 63");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!in_struct(f[i].off, f[i].width, f[i].size))
			return errf(e, "descriptor: %s (offset %u, %u bytes) lies outside its struct (%u bytes)",
				    f[i].name, f[i].off, f[i].width, f[i].size);
	return 0;
}

/* The highest guest-physical frame + 1 that RAM holds. */
static uint64_t ram_pfns(const struct gmem *gm)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < gm->nr; i++)
		if (gm->r[i].gpa + gm->r[i].size > end)
			end = gm->r[i].gpa + gm->r[i].size;
	return end / PAGE_SZ;
}

int slab_open(struct insp *r, const struct gmem *gm, uint64_t cr3,
		     uint64_t gpa, struct errbuf *e)
{
	if (insp_open_mminfo(r, gm, gpa, e) || check_layout(&r->mi, e)) {
		insp_close(r);
		return -1;
	}
	if (r->mi.max_pfn > ram_pfns(gm)) {
		insp_close(r);
		return errf(e, "descriptor: max_pfn %" PRIu64 " is beyond guest RAM (%" PRIu64 " frames)",
			    r->mi.max_pfn, ram_pfns(gm));
	}
	r->cr3 = cr3;
	return 0;
}

json_t *slab_close(struct insp *r, json_t *ret)
{
	json_object_set_new(ret, "inconsistencies", insp_take_problems(r));
	insp_close(r);
	return ret;
}

/* ---- slabinfo ---------------------------------------------------------- */

enum slab_list { SL_FULL, SL_PARTIAL, SL_FREE, SL_NR };
static const char *const slab_list_name[SL_NR] = {
	"slabs_full", "slabs_partial", "slabs_free"
};

struct cache_count {
	uint64_t slabs, active_slabs, objs, active_objs;
};

/* The pfn of the struct page at @page_va, or -1 if it is none in mem_map. */
static int64_t page_pfn(struct insp *r, uint64_t page_va)
{
	uint64_t off = page_va - r->mi.mem_map;

	if (page_va < r->mi.mem_map || off % r->mi.sizeof_page ||
	    off / r->mi.sizeof_page >= r->mi.max_pfn)
		return -1;
	return off / r->mi.sizeof_page;
}

static bool test_flag(uint64_t flags, uint32_t bit)
{
	return flags & (1ULL << bit);
}

/*
 * Walks one slab list of a cache: bounded by the frames (each slab is seen
 * at most once across every list of every cache: @seen), checked entry by
 * entry.
 */
static void walk_slab_list(struct insp *r, const char *name, uint64_t cache_va,
			   uint32_t num, enum slab_list which, uint64_t *seen,
			   struct cache_count *cc)
{
	const struct mv_slab_layout *l = &r->mi.slab;
	const char *ln = slab_list_name[which];
	uint64_t head = cache_va + (which == SL_FULL ? l->cache_slabs_full :
				    which == SL_PARTIAL ? l->cache_slabs_partial :
				    l->cache_slabs_free);
	uint8_t page[MAX_STRUCT];
	uint64_t node, prev = head;
	unsigned long steps = 0;

	if (read_u64(r, head, &node)) {
		insp_problem(r, "cache %s: %s head at 0x%" PRIx64 " is not readable",
		       name, ln, head);
		return;
	}
	while (node != head) {
		uint64_t page_va = node - l->page_slab_list, flags;
		int64_t pfn = page_pfn(r, page_va);
		uint32_t inuse, objects;

		if (++steps > r->mi.max_pfn) {
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
		if (insp_read(r, page_va, page, r->mi.sizeof_page)) {
			insp_problem(r, "cache %s: %s: struct page of pfn %" PRId64 " is not readable",
			       name, ln, pfn);
			return;
		}
		if (insp_u64(page, l->page_slab_list + 8) != prev)
			insp_problem(r, "cache %s: %s: pfn %" PRId64 "'s prev is 0x%" PRIx64 ", not 0x%" PRIx64,
			       name, ln, pfn, insp_u64(page, l->page_slab_list + 8), prev);
		flags = insp_u64(page, l->page_flags);
		inuse = insp_u32(page, l->page_inuse);
		objects = insp_u32(page, l->page_objects);
		if (!test_flag(flags, l->pg_slab))
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " is not PG_slab", name, ln, pfn);
		if (insp_u64(page, l->page_slab_cache) != cache_va)
			insp_problem(r, "cache %s: %s: pfn %" PRId64 " belongs to cache 0x%" PRIx64,
			       name, ln, pfn, insp_u64(page, l->page_slab_cache));
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
		cc->slabs++;
		cc->objs += objects;
		cc->active_objs += inuse;
		if (inuse)
			cc->active_slabs++;
		prev = node;
		node = insp_u64(page, l->page_slab_list);
	}
}

/* The avail, limit of an array_cache; false if unreadable (reported). */
static bool read_ac(struct insp *r, const char *name, const char *what,
		    uint64_t va, uint32_t *avail, uint32_t *limit)
{
	if (insp_read(r, va + r->mi.slab.ac_avail, avail, 4) ||
	    insp_read(r, va + r->mi.slab.ac_limit, limit, 4)) {
		insp_problem(r, "cache %s: %s at 0x%" PRIx64 " is not readable", name, what, va);
		return false;
	}
	if (*avail > *limit) {
		insp_problem(r, "cache %s: %s holds %u objects, over its limit %u",
		       name, what, *avail, *limit);
		*avail = *limit;
	}
	return true;
}

static json_t *read_cache(struct insp *r, uint64_t va, const uint8_t *c,
			  uint64_t *seen)
{
	const struct mv_slab_layout *l = &r->mi.slab;
	char name[257];
	struct cache_count cc = { 0 };
	uint32_t num = insp_u32(c, l->cache_num), order = insp_u32(c, l->cache_order);
	uint32_t limit = insp_u32(c, l->cache_limit), batch = insp_u32(c, l->cache_batchcount);
	uint64_t flags = insp_u64(c, l->cache_flags), shared = insp_u64(c, l->cache_shared);
	uint64_t cpu_cached = 0, sharedavail = 0, sharedfactor = 0;
	uint32_t avail, aclimit;
	uint64_t v;

	memcpy(name, c + l->cache_name, l->cache_name_len);
	name[l->cache_name_len] = 0;
	if (insp_u64(c, l->cache_magic) != l->cache_magic_value)
		insp_problem(r, "cache %s at 0x%" PRIx64 ": bad magic 0x%" PRIx64,
		       name, va, insp_u64(c, l->cache_magic));
	if (order > 31) {
		insp_problem(r, "cache %s: order %u", name, order);
		order = 31;
	}
	for (int i = 0; i < SL_NR; i++)
		walk_slab_list(r, name, va, num, i, seen, &cc);
	for (uint32_t cpu = 0; cpu < l->nr_cpus; cpu++) {
		uint64_t ac = insp_u64(c, l->cache_cpu_cache + cpu * 8);
		char what[32];

		snprintf(what, sizeof(what), "cpu %u's magazine", cpu);
		if (ac && read_ac(r, name, what, ac, &avail, &aclimit))
			cpu_cached += avail;
	}
	if (shared && read_ac(r, name, "the depot", shared, &avail, &aclimit)) {
		sharedavail = avail;
		sharedfactor = aclimit / (batch ? batch : 1);
	}
	if (flags & l->cache_no_tunables)
		limit = 0;
	if (!limit)
		batch = 0;

	/* The cache's own counters against what its lists say. */
#define CROSS(field, counted)							\
	do {									\
		v = insp_u64(c, l->field);						\
		if (v != (counted))						\
			insp_problem(r, "cache %s: %s says %" PRIu64 ", its slabs %" PRIu64,	\
			       name, &(#field)[11], v, (uint64_t)(counted));	\
	} while (0)
	CROSS(cache_stat_active_objs, cc.active_objs);
	CROSS(cache_stat_total_objs, cc.objs);
	CROSS(cache_stat_active_slabs, cc.active_slabs);
	CROSS(cache_stat_total_slabs, cc.slabs);
#undef CROSS
	v = insp_u64(c, l->cache_free_objects);
	if (v != cc.objs - cc.active_objs)
		insp_problem(r, "cache %s: free_objects says %" PRIu64 ", its slabs %" PRIu64,
		       name, v, cc.objs - cc.active_objs);
	if (cpu_cached > cc.active_objs ||
	    sharedavail > cc.active_objs - cpu_cached)	/* no sum: no wrap */
		insp_problem(r, "cache %s: %" PRIu64 " objects in magazines and depot, only %" PRIu64 " out of its slabs",
		       name, cpu_cached + sharedavail, cc.active_objs);

	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "name", name,
			 "active_objs", (json_int_t)cc.active_objs,
			 "num_objs", (json_int_t)cc.objs,
			 "objsize", (json_int_t)insp_u32(c, l->cache_size),
			 "objperslab", (json_int_t)num,
			 "pagesperslab", (json_int_t)(1ULL << order),
			 "limit", (json_int_t)limit,
			 "batchcount", (json_int_t)batch,
			 "sharedfactor", (json_int_t)sharedfactor,
			 "active_slabs", (json_int_t)cc.active_slabs,
			 "num_slabs", (json_int_t)cc.slabs,
			 "sharedavail", (json_int_t)sharedavail);
}

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
					r->mi.alloc.list_next.off, &next))))
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
	json_t *caches;
	uint64_t *seen;
	struct insp_pager pager;	/* key: the cache's address */
};

static void slabinfo_node(struct insp *r, uint64_t node, void *opaque)
{
	struct slabinfo_walk *w = opaque;
	uint64_t va = node - r->mi.slab.cache_list;
	uint8_t c[MAX_STRUCT];
	json_t *cache;

	if (insp_pager_place(&w->pager, va) != INSP_PAGE_IN)
		return;
	if (insp_read(r, va, c, r->mi.slab.sizeof_cache)) {
		insp_problem(r, "slab_caches: cache at 0x%" PRIx64 " is not readable", va);
		return;
	}
	cache = read_cache(r, va, c, w->seen);
	json_object_set_new(cache, "addr", qmp_addr(va));	/* the cursor's key */
	json_array_append_new(w->caches, cache);
}

json_t *slab_read_slabinfo(const struct gmem *gm, uint64_t cr3,
			   uint64_t mminfo_gpa, const struct insp_bounds *b,
			   struct errbuf *e)
{
	struct slabinfo_walk w;
	struct insp r;
	json_t *ret;

	if (slab_open(&r, gm, cr3, mminfo_gpa, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&w.pager, b, SLAB_PAGE_CACHES, false);
	w.caches = json_array();
	w.seen = calloc(r.mi.max_pfn / 64 + 1, sizeof(uint64_t));
	if (!w.seen) {
		json_decref(w.caches);
		insp_close(&r);
		errf(e, "out of memory");
		return NULL;
	}
	if (!r.mi.slab_caches)
		insp_problem(&r, "slab_caches: not published (slab not up yet)");
	else
		walk_list(&r, "slab_caches", r.mi.slab_caches, SLAB_MAX_CACHES,
			  slabinfo_node, &w);
	free(w.seen);
	ret = json_pack("{s:o}", "caches", w.caches);
	insp_pager_end(&r, &w.pager, ret);
	return slab_close(&r, ret);
}

/* ---- mempools ---------------------------------------------------------- */

void slab_cache_name(struct insp *r, uint64_t cache, char *name, size_t max)
{
	uint64_t magic;

	if (read_u64(r, cache + r->mi.slab.cache_magic, &magic) ||
	    magic != r->mi.slab.cache_magic_value) {
		snprintf(name, max, "?");
		insp_problem(r, "cache 0x%" PRIx64 ": not a live kmem_cache", cache);
		return;
	}
	read_str(r, cache + r->mi.slab.cache_name,
		  name, max < r->mi.slab.cache_name_len + 1 ? max : r->mi.slab.cache_name_len + 1);
}

struct mempools_walk {
	json_t *pools;
	struct insp_pager pager;	/* key: the pool's address */
};

static void mempool_node(struct insp *r, uint64_t node, void *opaque)
{
	const struct mv_slab_layout *l = &r->mi.slab;
	struct mempools_walk *w = opaque;
	uint64_t va = node - l->pool_list, arg;
	uint8_t p[MAX_STRUCT];
	int32_t min_nr, curr_nr;
	json_t *src;
	char name[257];

	if (insp_pager_place(&w->pager, va) != INSP_PAGE_IN)
		return;
	if (insp_read(r, va, p, l->sizeof_mempool)) {
		insp_problem(r, "mempools: pool at 0x%" PRIx64 " is not readable", va);
		return;
	}
	if (insp_u64(p, l->pool_magic) != l->pool_magic_value)
		insp_problem(r, "mempool 0x%" PRIx64 ": bad magic 0x%" PRIx64, va,
		       insp_u64(p, l->pool_magic));
	min_nr = (int32_t)insp_u32(p, l->pool_min_nr);
	curr_nr = (int32_t)insp_u32(p, l->pool_curr_nr);
	if (min_nr < 0 || curr_nr < 0 || curr_nr > min_nr)
		insp_problem(r, "mempool 0x%" PRIx64 ": %d elements in a reserve of %d",
		       va, curr_nr, min_nr);
	arg = insp_u64(p, l->pool_source_arg);
	switch (insp_u32(p, l->pool_source)) {
	case MV_MEMPOOL_SRC_CUSTOM:
		src = json_pack("{s:s}", "type", "custom");
		break;
	case MV_MEMPOOL_SRC_SLAB:
		slab_cache_name(r, arg, name, sizeof(name));
		src = json_pack("{s:s,s:s,s:o}", "type", "slab", "cache", name,
				"cache_addr", qmp_addr(arg));
		break;
	case MV_MEMPOOL_SRC_KMALLOC:
		src = json_pack("{s:s,s:I}", "type", "kmalloc", "size", (json_int_t)arg);
		break;
	case MV_MEMPOOL_SRC_PAGE:
		src = json_pack("{s:s,s:I}", "type", "page", "order", (json_int_t)arg);
		break;
	default:
		insp_problem(r, "mempool 0x%" PRIx64 ": unknown source %u", va,
		       insp_u32(p, l->pool_source));
		src = json_pack("{s:s}", "type", "unknown");
		break;
	}
	json_array_append_new(w->pools, json_pack("{s:o,s:i,s:i,s:o}",
						"addr", qmp_addr(va),
						"min_nr", min_nr,
						"curr_nr", curr_nr,
						"source", src));
}

json_t *slab_read_mempools(const struct gmem *gm, uint64_t cr3,
			   uint64_t mminfo_gpa, const struct insp_bounds *b,
			   struct errbuf *e)
{
	struct mempools_walk w;
	struct insp r;
	json_t *ret;

	if (slab_open(&r, gm, cr3, mminfo_gpa, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&w.pager, b, SLAB_PAGE_POOLS, false);
	w.pools = json_array();
	if (!r.mi.mempools)
		insp_problem(&r, "mempools: not published");
	else
		walk_list(&r, "mempools", r.mi.mempools, SLAB_MAX_POOLS,
			  mempool_node, &w);
	ret = json_pack("{s:o}", "mempools", w.pools);
	insp_pager_end(&r, &w.pager, ret);
	return slab_close(&r, ret);
}

/* ---- the commands ------------------------------------------------------ */

json_t *cmd_query_slabinfo(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, SLAB_PAGE_CACHES, &page, err))
		return NULL;
	return insp_query_reader(ctx, "query-slabinfo", slab_read_slabinfo,
				 &page, err);
}

json_t *cmd_query_mempools(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, SLAB_PAGE_POOLS, &page, err))
		return NULL;
	return insp_query_reader(ctx, "query-mempools", slab_read_mempools,
				 &page, err);
}
