/* SPDX-License-Identifier: MIT */
/*
 * The inspection commands: each answers from guest memory, read by the VMM
 * itself (see inspect.h). Their table entries, for qmp_cmds.c.
 */
#ifndef VMM_CONTROL_INSPECT_CMDS_H
#define VMM_CONTROL_INSPECT_CMDS_H

#include "qmp.h"

/* Allocator state (zone_cmds.c) */
#define ZONE_CMD_DECL(fn) \
	json_t *fn(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
ZONE_CMD_DECL(cmd_query_e820);
ZONE_CMD_DECL(cmd_query_zones);
ZONE_CMD_DECL(cmd_query_memblock);
ZONE_CMD_DECL(cmd_query_memstats);
ZONE_CMD_DECL(cmd_query_dirty);
#define INSPECT_ZONE_COMMANDS						\
	{ .name = QMP_VENDOR "query-e820", .fn = cmd_query_e820 },	\
	{ .name = QMP_VENDOR "query-zones", .fn = cmd_query_zones },	\
	{ .name = QMP_VENDOR "query-memblock", .fn = cmd_query_memblock }, \
	{ .name = QMP_VENDOR "query-memstats", .fn = cmd_query_memstats }, \
	{ .name = QMP_VENDOR "query-dirty", .fn = cmd_query_dirty },

#define INSPECT_COMMANDS INSPECT_ZONE_COMMANDS

#endif
