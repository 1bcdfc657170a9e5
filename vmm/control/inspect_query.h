/* SPDX-License-Identifier: MIT */
/*
 * The one way an inspection command reads the guest: park every vCPU
 * (vm_pause, the pause point "stop" uses), read, let them go (vm_resume),
 * answer. An answer with "inconsistencies" may be read again after the
 * guest ran a little (@attempts), keeping the answer with the fewest.
 * The vCPUs stay parked at most INSP_QUERY_PARK_NS per query, every attempt
 * included, counted from the first vCPU's parking (vm->parked_since_ns;
 * what the guest ran meanwhile is not parked): the reader gets a deadline (q->deadline_ns) that its reads
 * check as they go, and a further attempt runs only in the time left.
 */
#ifndef VMM_CONTROL_INSPECT_QUERY_H
#define VMM_CONTROL_INSPECT_QUERY_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "inspect.h"
#include "qmp.h"

#define INSP_QUERY_ATTEMPTS	3	/* for readers a half-done update can fool */
#define INSP_QUERY_MIN_LEFT_NS	2000000ULL	/* an attempt needs this much */
#define INSP_QUERY_SLACK_NS	2000000ULL	/* after the deadline: finish, resume */

/* What a reader sees, the vCPUs parked. */
struct insp_query {
	struct vm *vm;
	const struct gmem *gm;
	const struct mm_layout *lay;	/* vm->layout: the image's */
	/* the kernel's page-table root: the boot tables (inspect.h's rule) */
	uint64_t boot_cr3;
	uint64_t gen;		/* vm->run_gen while parked */
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC: stop reading then */
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

/*
 * A pure reader of the kernel's state from @cr3, within @b (the deadline,
 * and for a paged list its page): NULL with @e set.
 */
typedef json_t *(*insp_reader_fn)(const struct gmem *gm, uint64_t cr3,
				  const struct mm_layout *lay,
				  const struct insp_bounds *b, struct errbuf *e);

/*
 * A paged list's arguments: "start-after" (the last key of the page
 * before) and "max" (1..@page_max entries, @page_max when absent) into @b.
 * 0, or -1 with @err set.
 */
#define INSP_PAGE_ARGS							\
	{ "start-after", QMP_ARG_ADDR, true }, { "max", QMP_ARG_INT, true }
int insp_page_args(json_t *args, unsigned int page_max,
		   struct insp_bounds *b, struct qmp_error *err);

/*
 * insp_query() of @read over the boot page tables, read once; @page (may be
 * NULL) is the page of a paged list (insp_page_args).
 */
json_t *insp_query_reader(struct qmp_ctx *ctx, const char *name,
			  insp_reader_fn read, const struct insp_bounds *page,
			  struct qmp_error *err);
/*
 * The same, read up to @attempts times while the answer has inconsistencies
 * (a list the guest was changing when its vCPUs parked).
 */
json_t *insp_query_reader_retry(struct qmp_ctx *ctx, const char *name,
				unsigned int attempts, insp_reader_fn read,
				const struct insp_bounds *page,
				struct qmp_error *err);

#endif
