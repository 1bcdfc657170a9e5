/* SPDX-License-Identifier: MIT */
/*
 * The allocator-state commands (zone_cmds.c; the readers are zone_read.c):
 * query-e820, query-zones, query-memblock, query-memstats, query-dirty.
 */
#ifndef VMM_CONTROL_ZONE_CMDS_H
#define VMM_CONTROL_ZONE_CMDS_H

#include "qmp.h"

json_t *cmd_query_e820(struct qmp_ctx *ctx, json_t *args,
		       struct qmp_error *err);
json_t *cmd_query_zones(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err);
json_t *cmd_query_memblock(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);
json_t *cmd_query_memstats(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);
json_t *cmd_query_dirty(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err);

#define ZONE_COMMANDS							\
	{ .name = QMP_VENDOR "query-e820", .fn = cmd_query_e820 },	\
	{ .name = QMP_VENDOR "query-zones", .fn = cmd_query_zones },	\
	{ .name = QMP_VENDOR "query-memblock", .fn = cmd_query_memblock }, \
	{ .name = QMP_VENDOR "query-memstats", .fn = cmd_query_memstats }, \
	{ .name = QMP_VENDOR "query-dirty", .fn = cmd_query_dirty },

#endif
