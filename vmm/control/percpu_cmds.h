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

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "inspect_query.h"
#include "mm_layout.h"
#include "qmp.h"

#define PERCPU_MAX_CHUNKS	4096	/* walked, besides cycle detection */
#define PERCPU_PAGE_CHUNKS	1024	/* chunks one answer lists */

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
