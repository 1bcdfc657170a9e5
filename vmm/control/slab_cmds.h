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
 * The readers are pure (no vm, no locks): the commands park the vCPUs
 * around them; the unit tests run them over a hosted guest's memory.
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

/*
 * Each returns the command's "return" object (a new reference) or NULL with
 * @e set when the inspection cannot start (@lay absent, a root unreadable
 * or beyond RAM). A root the guest has not set up yet (mem_map) gives an
 * answer that says so in "incomplete".
 */
json_t *slab_read_slabinfo(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e);
json_t *slab_read_mempools(const struct gmem *gm, uint64_t cr3,
			   const struct mm_layout *lay,
			   const struct insp_bounds *b, struct errbuf *e);

struct insp;

/*
 * For page_owner.c, which reads struct pages through the same layout:
 * insp_open() through @lay, whose struct sizes must fit the reader's
 * copies, the walks from @cr3 (0 or -1 with @e); slab_close() steals @ret, adds the inconsistencies and ends the
 * inspection; slab_cache_name() names the kmem_cache at @cache ("?" and an
 * inconsistency when it is none).
 */
int slab_open(struct insp *r, const struct gmem *gm,
	      const struct mm_layout *lay, uint64_t cr3, struct errbuf *e);
json_t *slab_close(struct insp *r, json_t *ret);
void slab_cache_name(struct insp *r, uint64_t cache, char *name, size_t max);

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
