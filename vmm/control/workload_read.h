/* SPDX-License-Identifier: MIT */
/*
 * query-workloads: the guest's workloads (struct workload in its array
 * 'workloads', fields by the image's layout), read by the VMM itself:
 * each slot in use with its name, parameters, state, threads, counters
 * (operations, failures, bytes allocated, held now, leaked at the last
 * stop) and how long it has run by the guest's jiffies, so a rate needs
 * no second reading (vmmctl top still takes one: the rate now). A name
 * or parameter text is a guest string (escaped; one that fills its array
 * without a NUL is named); an unknown state, a thread count over the
 * limit, a zero clock rate or a negative count held is named in
 * "inconsistencies" and the slot is listed as read. A kernel without
 * workloads (no symbol 'workloads') is one error line.
 */
#ifndef VMM_CONTROL_WORKLOAD_READ_H
#define VMM_CONTROL_WORKLOAD_READ_H

#include <stdint.h>

#include <jansson.h>

#include <memvisor/workload.h>

#include "err.h"
#include "gmem.h"
#include "inspect.h"
#include "qmp.h"

/* A guest string's bytes each may become \xHH, plus its NUL. */
#define WORKLOAD_NAME_BUF	(4 * MV_WORKLOAD_NAME_MAX + 1)
#define WORKLOAD_PARAMS_BUF	(4 * MV_WORKLOAD_PARAMS_MAX + 1)

struct mm_layout;

enum workload_info_state {
	WORKLOAD_INFO_STARTING,
	WORKLOAD_INFO_RUNNING,
	WORKLOAD_INFO_STOPPING,
	WORKLOAD_INFO_STOPPED,
	WORKLOAD_INFO_FAILED,
	WORKLOAD_INFO_UNKNOWN,	/* a value the image's enum does not have */
};

/* One slot in use, as the reader found it. */
struct workload_info {
	unsigned int slot;
	char name[WORKLOAD_NAME_BUF];
	char params[WORKLOAD_PARAMS_BUF];
	enum workload_info_state state;
	uint32_t raw_state;
	uint32_t threads;
	int32_t error;			/* FAILED: -errno */
	uint64_t elapsed_ms;		/* since start, to its stop or now */
	uint64_t seconds;		/* seconds=: 0 none */
	int64_t ops, failures, bytes, held_bytes, leaked_bytes;
};

typedef void (*workload_info_fn)(const struct workload_info *w, void *arg);

/*
 * Every slot in use, read through @r (insp_open() over @r->lay, whose
 * workload part is present), in slot order; what fails a check goes to
 * @r's problems. The guest's jiffies now into *@jiffies.
 */
void workload_read_all(struct insp *r, uint64_t *jiffies, workload_info_fn fn,
		       void *arg);

/* The edge: one slot's query-workloads entry. */
json_t *workload_info_json(const struct workload_info *w);

/* The command's "return" object, or NULL with @e set (pure: no vm). */
json_t *workload_read_workloads(const struct gmem *gm, uint64_t cr3,
				const struct mm_layout *lay,
				const struct insp_bounds *b, struct errbuf *e);

json_t *cmd_query_workloads(struct qmp_ctx *ctx, json_t *args,
			    struct qmp_error *err);

#define WORKLOAD_READ_COMMANDS						\
	{ .name = QMP_VENDOR "query-workloads", .fn = cmd_query_workloads },

#endif
