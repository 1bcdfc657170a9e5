/* SPDX-License-Identifier: MIT */
/*
 * The one way an inspection command reads the guest: park every vCPU
 * (vm_pause, the pause point "stop" uses), read, let them go (vm_resume),
 * answer. An answer with "inconsistencies" may be read again after the
 * guest ran a little (@attempts), keeping the answer with the fewest.
 */
#ifndef VMM_CONTROL_INSPECT_QUERY_H
#define VMM_CONTROL_INSPECT_QUERY_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "qmp.h"

#define INSP_QUERY_ATTEMPTS	3	/* for readers a half-done update can fool */

/* What a reader sees, the vCPUs parked. */
struct insp_query {
	struct vm *vm;
	const struct gmem *gm;
	uint64_t mminfo_gpa;	/* where HC_MMINFO said the descriptor is, or 0 */
	uint64_t boot_cr3;	/* the page tables the VMM booted the guest with */
	uint64_t gen;		/* vm->run_gen while parked */
};

/* The answer, or NULL with @err set (NULL alone: out of memory). */
typedef json_t *(*insp_query_fn)(const struct insp_query *q, void *opaque,
				 struct qmp_error *err);

/*
 * Runs @fn with the vCPUs parked, up to @attempts times while its answer
 * has inconsistencies. @name names the command in messages and, with
 * MEMVISOR_INSPECT_TIMING set, in the timing line on stderr.
 */
json_t *insp_query(struct qmp_ctx *ctx, const char *name, unsigned int attempts,
		   insp_query_fn fn, void *opaque, struct qmp_error *err);

/* A pure reader of the kernel's state from @cr3: NULL with @e set. */
typedef json_t *(*insp_reader_fn)(const struct gmem *gm, uint64_t cr3,
				  uint64_t mminfo_gpa, struct errbuf *e);

/* insp_query() of @read over the boot page tables, read once. */
json_t *insp_query_reader(struct qmp_ctx *ctx, const char *name,
			  insp_reader_fn read, struct qmp_error *err);

#endif
