/* SPDX-License-Identifier: MIT */
/*
 * Allocation requests from outside: V alloc posts a request into the
 * guest's allocation ring (devices/allocq.h) and answers {"request": N} at once;
 * the checked outcome comes later as the event V ALLOC_DONE, as insmod's
 * MODULE_LOADED does.
 */
#ifndef VMM_CONTROL_ALLOC_CMDS_H
#define VMM_CONTROL_ALLOC_CMDS_H

#include <jansson.h>

#include "allocq.h"
#include "qmp.h"

/* V alloc's arguments into @r: 0, or -1 with a one-line error. Pure. */
int alloc_request(json_t *args, struct allocq_req *r, struct qmp_error *err);

/* ALLOC_DONE's data for outcome @r (a new reference); guest strings escaped. Pure. */
json_t *alloc_event_data(const struct allocq_result *r);

/* Linux's name of errno @err (12: "ENOMEM"), or NULL. */
const char *alloc_errno_name(int err);

json_t *cmd_alloc(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);

#define ALLOC_COMMANDS							\
	{ .name = QMP_VENDOR "alloc", .fn = cmd_alloc,			\
	  .args = { { "op", QMP_ARG_STR, false },			\
		    { "cpu", QMP_ARG_INT, true },			\
		    { "atomic", QMP_ARG_BOOL, true },			\
		    { "flags", QMP_ARG_STR, true },			\
		    { "size", QMP_ARG_INT, true },			\
		    { "handle", QMP_ARG_INT, true },			\
		    { "name", QMP_ARG_STR, true },			\
		    { "align", QMP_ARG_INT, true },			\
		    { "order", QMP_ARG_INT, true },			\
		    { "min-nr", QMP_ARG_INT, true },			\
		    { "value", QMP_ARG_INT, true },			\
		    { "slab-flags", QMP_ARG_INT, true } } },

#endif
