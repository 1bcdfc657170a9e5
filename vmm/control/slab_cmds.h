/* SPDX-License-Identifier: MIT */
/*
 * The slab and mempool inspections: read by the VMM itself from
 * guest memory, through the kernel image's layout (mm_layout.h: every
 * field through field_get(), the roots by symbol). Every guest-virtual
 * pointer is translated with pagewalk() from the boot page tables and read
 * through gmem; every list walk is bounded and
 * detects cycles; whatever fails a check is reported in the answer's
 * "inconsistencies" and the reader goes on.
 *
 * The readers fill C structs (struct cache_info, struct mempool_info) and
 * JSON is made from them at the edge. They are pure (no vm, no locks): the
 * commands park the vCPUs around them; the unit tests run them over a
 * hosted guest's memory.
 * The reads, the list walks and the inconsistencies are inspect.h's.
 */
#ifndef VMM_CONTROL_SLAB_CMDS_H
#define VMM_CONTROL_SLAB_CMDS_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "inspect_query.h"
#include "mm_layout.h"
#include "qmp.h"

/* Upper bounds of the walks (besides cycle detection). */
#define SLAB_MAX_CACHES		4096	/* caches on slab_caches */
#define SLAB_MAX_POOLS		4096	/* mempools */
#define SLAB_PAGE_CACHES	1024	/* caches one answer lists */
#define SLAB_PAGE_POOLS		1024	/* mempools one answer lists */

#define CACHE_NAME_MAX	256	/* bytes of a cache's name read */
#define CACHE_NAME_BUF	(4 * CACHE_NAME_MAX + 1)	/* each may become \xHH */

/* One cache, as a line of /proc/slabinfo 2.1 gives it. */
struct cache_info {
	uint64_t addr;			/* the kmem_cache: the pager's key */
	char name[CACHE_NAME_BUF];	/* valid UTF-8, bad bytes as \xHH */
	uint64_t active_objs, num_objs;	/* counted on its slab lists */
	uint64_t objsize;
	uint32_t objperslab;
	uint64_t pagesperslab;
	uint32_t limit, batchcount;	/* 0, 0 without tunables */
	uint64_t sharedfactor, sharedavail;	/* the depot's */
	uint64_t active_slabs, num_slabs;
};

/* Where a mempool's elements come from (the guest's MV_MEMPOOL_SRC_*). */
enum mempool_source {
	MEMPOOL_CUSTOM,
	MEMPOOL_SLAB,		/* arg: the kmem_cache, named in cache */
	MEMPOOL_KMALLOC,	/* arg: the size */
	MEMPOOL_PAGE,		/* arg: the order */
	MEMPOOL_UNKNOWN,	/* a value no source has (an inconsistency) */
};

struct mempool_info {
	uint64_t addr;			/* the mempool_t: the pager's key */
	int32_t min_nr, curr_nr;
	enum mempool_source source;
	uint64_t arg;
	char cache[CACHE_NAME_MAX + 1];	/* SLAB: "?" when no live cache */
};

struct insp;
struct insp_pager;

/*
 * The readers: over @r (slab_open(), insp_bound() for the deadline), each
 * walks its guest list and hands @fn every entry of @pg's page, filled, as
 * it is read; nothing is held after @fn returns, so a caller keeps what it
 * needs. What fails a check is @r's inconsistency and the walk goes on;
 * a spent budget (r->stop) ends it, and @pg counts what it did not list
 * (insp_pager_end() says so in an answer). 0, or -1 with @e set when the
 * walk cannot start (out of memory, a root unreadable with budget left).
 */
typedef void (*cache_info_fn)(const struct cache_info *c, void *opaque);
typedef void (*mempool_info_fn)(const struct mempool_info *p, void *opaque);

int slab_caches_read(struct insp *r, struct insp_pager *pg,
		     cache_info_fn fn, void *opaque, struct errbuf *e);
/*
 * A slab met on a cache's lists (the checker's): its cache's address and
 * copy (lay->cache.size bytes), its head struct page's address, pfn and
 * copy (lay->page.size bytes), after the reader's own checks of it.
 */
typedef void (*slab_page_fn)(uint64_t cache_va, const uint8_t *cache,
			     uint64_t page_va, uint64_t pfn,
			     const uint8_t *page, void *opaque);
/* slab_caches_read(), handing every slab to @slab_fn too (may be NULL). */
int slab_caches_walk(struct insp *r, struct insp_pager *pg,
		     cache_info_fn fn, slab_page_fn slab_fn, void *opaque,
		     struct errbuf *e);
int slab_mempools_read(struct insp *r, struct insp_pager *pg,
		       mempool_info_fn fn, void *opaque, struct errbuf *e);

/*
 * insp_open() through @lay, whose struct sizes must fit the readers'
 * copies, the walks from @cr3 (0, or -1 with @e and @r closed); the caller
 * ends it with insp_close(). For the readers above and page_owner.c, which
 * reads struct pages through the same layout: slab_cache_name() names the
 * kmem_cache at @cache ("?" and an inconsistency when it is none).
 */
int slab_open(struct insp *r, const struct gmem *gm,
	      const struct mm_layout *lay, uint64_t cr3, struct errbuf *e);
void slab_cache_name(struct insp *r, uint64_t cache, char *name, size_t max);

/*
 * The edge: each returns the command's "return" object (a new reference),
 * the JSON made from the structs above, or NULL with @e set when the
 * inspection cannot start (@lay absent, a root unreadable or beyond RAM).
 * A root the guest has not set up yet (mem_map) gives an answer that says
 * so in "incomplete".
 */
json_t *slab_read_slabinfo(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e);
json_t *slab_read_mempools(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e);

json_t *cmd_query_slabinfo(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);
json_t *cmd_query_mempools(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);

#define SLAB_COMMANDS							\
	{ .name = QMP_VENDOR "query-slabinfo", .fn = cmd_query_slabinfo,	\
	  .args = { INSP_PAGE_ARGS } },					\
	{ .name = QMP_VENDOR "query-mempools", .fn = cmd_query_mempools,	\
	  .args = { INSP_PAGE_ARGS } },

#endif
