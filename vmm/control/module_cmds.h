/* SPDX-License-Identifier: MIT */
/*
 * Modules: insmod and rmmod queue a request for the guest's loader
 * (io/modq.h) and answer {"request": N} at once; the outcome comes later
 * as an event (MODULE_LOADED, MODULE_UNLOADED or MODULE_FAILED), as
 * QEMU's device_del answers before DEVICE_DELETED.
 */
#ifndef VMM_CONTROL_MODULE_CMDS_H
#define VMM_CONTROL_MODULE_CMDS_H

#include <jansson.h>

#include "modq.h"
#include "qmp.h"

/* The commands' work on queue @q (pure but for the queue's kick). */
json_t *module_insmod(struct modq *q, json_t *args, struct qmp_error *err);
json_t *module_rmmod(struct modq *q, json_t *args, struct qmp_error *err);

/*
 * The event for outcome @d: its name (with QMP_VENDOR) in *@name, its data
 * (a new reference). Guest strings are escaped to UTF-8. Pure.
 */
json_t *module_event_data(const struct modq_done *d, const char **name);

json_t *cmd_insmod(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);
json_t *cmd_rmmod(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);

#define MODULE_COMMANDS							\
	{ .name = QMP_VENDOR "insmod", .fn = cmd_insmod,		\
	  .args = { { "name", QMP_ARG_STR, false },			\
		    { "data", QMP_ARG_STR, false },			\
		    { "params", QMP_ARG_STR, true } } },			\
	{ .name = QMP_VENDOR "rmmod", .fn = cmd_rmmod,			\
	  .args = { { "name", QMP_ARG_STR, false } } },

#endif
