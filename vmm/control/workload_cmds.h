/* SPDX-License-Identifier: MIT */
/*
 * workload-start {name, params?, cpu?} and workload-stop {name, cpu?}:
 * requests on the allocation ring (devices/allocq.h), served by the guest's
 * allocd thread of that CPU (0 by default), which starts or stops the
 * workload (<linux/workload.h>). Each answers {"request": N} at once; the
 * outcome is the ALLOC_DONE event of request N (op workload_start or
 * workload_stop, its "error" the guest's -errno: EINVAL for an unknown
 * name or key, EBUSY already running, ENOENT not running). The counters
 * are query-workloads' (workload_read.h).
 */
#ifndef VMM_CONTROL_WORKLOAD_CMDS_H
#define VMM_CONTROL_WORKLOAD_CMDS_H

#include <jansson.h>

#include "allocq.h"
#include "qmp.h"

/* The ring request for @kind from @args (pure): 0, or -1 with @err. */
int workload_request(json_t *args, enum mv_alloc_kind kind,
		     struct allocq_req *r, struct qmp_error *err);

json_t *cmd_workload_start(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);
json_t *cmd_workload_stop(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err);

#define WORKLOAD_COMMANDS						\
	{ .name = QMP_VENDOR "workload-start", .fn = cmd_workload_start,	\
	  .args = { { "name", QMP_ARG_STR, false },			\
		    { "params", QMP_ARG_STR, true },			\
		    { "cpu", QMP_ARG_INT, true } } },			\
	{ .name = QMP_VENDOR "workload-stop", .fn = cmd_workload_stop,	\
	  .args = { { "name", QMP_ARG_STR, false },			\
		    { "cpu", QMP_ARG_INT, true } } },

#endif
