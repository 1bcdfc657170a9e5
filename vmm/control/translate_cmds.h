/* SPDX-License-Identifier: MIT */
/*
 * The address-space commands: translate, query-mappings, read-phys and
 * read-virt (README.md), answered by the VMM's own page walk (pagewalk.h)
 * over guest memory read through gmem, with the vCPUs parked.
 */
#ifndef VMM_CONTROL_TRANSLATE_CMDS_H
#define VMM_CONTROL_TRANSLATE_CMDS_H

#include "qmp.h"

#define READ_MAX		(64U << 10)	/* read-phys, read-virt: bytes */
#define MAPPINGS_DEFAULT	1024		/* query-mappings' max */
#define MAPPINGS_MAX		16384
#define MAPPINGS_MAX_TABLES	8192		/* table pages one dump reads */

json_t *cmd_translate(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);
json_t *cmd_query_mappings(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err);
json_t *cmd_read_phys(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);
json_t *cmd_read_virt(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);

#define TRANSLATE_COMMANDS						\
	{ .name = QMP_VENDOR "translate", .fn = cmd_translate,		\
	  .args = { { "addr", QMP_ARG_ADDR, false },			\
		    { "cr3", QMP_ARG_ADDR, true },			\
		    { "cpu", QMP_ARG_INT, true } } },			\
	{ .name = QMP_VENDOR "query-mappings", .fn = cmd_query_mappings, \
	  .args = { { "cr3", QMP_ARG_ADDR, true },			\
		    { "start", QMP_ARG_ADDR, true },			\
		    { "end", QMP_ARG_ADDR, true },			\
		    { "max", QMP_ARG_INT, true } } },			\
	{ .name = QMP_VENDOR "read-phys", .fn = cmd_read_phys,		\
	  .args = { { "addr", QMP_ARG_ADDR, false },			\
		    { "size", QMP_ARG_INT, false } } },			\
	{ .name = QMP_VENDOR "read-virt", .fn = cmd_read_virt,		\
	  .args = { { "addr", QMP_ARG_ADDR, false },			\
		    { "size", QMP_ARG_INT, false },			\
		    { "cr3", QMP_ARG_ADDR, true } } },

#endif
