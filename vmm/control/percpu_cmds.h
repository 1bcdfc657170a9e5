/* SPDX-License-Identifier: MIT */
/*
 * query-percpu: the guest's per-CPU chunks (guest mm/percpu.c), read by the
 * VMM from guest memory (the pcpu_info symbol, fields by the image's DWARF),
 * like /sys/kernel/debug/percpu_stats. Every guest-virtual pointer is
 * translated with pagewalk() and read through gmem; the chunk walk is
 * bounded and detects cycles; what fails a check goes to "inconsistencies".
 */
#ifndef VMM_CONTROL_PERCPU_CMDS_H
#define VMM_CONTROL_PERCPU_CMDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "inspect_query.h"
#include "mm_layout.h"
#include "qmp.h"

#define PERCPU_MAX_CHUNKS	4096	/* chunks one walk reads */
#define PERCPU_PAGE_CHUNKS	1024	/* chunks one answer lists */

struct insp;
struct insp_pager;

/* What the reader uses of the guest's struct mv_percpu_info. */
struct percpu_info {
	uint64_t magic, static_start, per_cpu_offset, chunks;
	uint32_t version, unit_size, nr_units, static_size, min_alloc_size;
	uint32_t nr_chunks, nr_max_chunks;
	uint64_t nr_alloc, nr_dealloc, nr_cur_alloc, nr_max_alloc;
	uint64_t min_alloc_size_seen, max_alloc_size_seen, nr_failed;
	bool have_cpu0_offset;		/* percpu_read_units() read CPU 0's: */
	uint64_t cpu0_offset;
};

/* A CPU's unit: its chunk-0 copy is at base = static_start + offset. */
struct percpu_unit {
	unsigned int cpu;
	uint64_t offset, base;
};

/* A struct mv_percpu_chunk, as the reader found it. */
struct percpu_chunk {
	uint64_t addr;			/* the chunk's own address: the key */
	unsigned int index;		/* its place on the list */
	uint64_t magic, next, base;
	uint32_t flags, start_offset, free_bytes, contig_bytes, nr_alloc;
	uint32_t first_free, max_alloc_size;
	bool first;			/* MV_PERCPU_CHUNK_FIRST */
	uint64_t used_bytes;		/* of the unit; 0 if free_bytes is over it */
};

typedef void (*percpu_unit_fn)(const struct percpu_unit *u, void *arg);
typedef void (*percpu_chunk_fn)(const struct percpu_chunk *c, void *arg);

/*
 * The reader, through @r (insp_open()): the info (0, or -1 with @e set:
 * not set up yet, or not one this VMM reads); then each CPU's unit (CPU
 * 0's offset kept in @pi for the chunk check); then the chunks @pager
 * places, walked by insp_walk_list() (bounded, cycles caught), each
 * listed one checked and handed to @fn, the list's counts checked against
 * the info. What fails a check goes to @r's problems.
 */
int percpu_read_info(struct insp *r, struct percpu_info *pi, struct errbuf *e);
void percpu_read_units(struct insp *r, struct percpu_info *pi,
		       percpu_unit_fn fn, void *arg);
void percpu_read_chunks(struct insp *r, const struct percpu_info *pi,
			struct insp_pager *pager, percpu_chunk_fn fn, void *arg);

/*
 * The command's "return" object, or NULL with @e set (no descriptor): the
 * page of chunks @b says (NULL: the first; the key is a chunk's address).
 */
json_t *percpu_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, const struct insp_bounds *b,
		    struct errbuf *e);

json_t *cmd_query_percpu(struct qmp_ctx *ctx, json_t *args,
			 struct qmp_error *err);

#define PERCPU_COMMANDS							\
	{ .name = QMP_VENDOR "query-percpu", .fn = cmd_query_percpu,	\
	  .args = { INSP_PAGE_ARGS } },

#endif
