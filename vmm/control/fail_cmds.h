/* SPDX-License-Identifier: MIT */
/*
 * Failure injection from outside, as Linux's failslab and fail_page_alloc
 * (the guest's <linux/fault-inject.h>):
 *
 *   fail {target: "kmalloc" | "cache" (with name) | "pages" (with order),
 *         probability?, times?, interval?, gfp-mask?, verbose?,
 *         ignore-gfp-wait?, ignore-gfp-highmem?}   arms the target's attr
 *   fail {clear: true, target?}                     disarms it (or both)
 *   query-fail                                      both attrs: settings,
 *                                                   calls seen, failures
 *
 * The VMM writes the guest's structs itself, found by symbol and DWARF
 * (mm_layout.h's "fail" part), with every vCPU parked (insp_query): no
 * guest help, so it works on a guest whose allocation thread is stuck or
 * not up yet, and nothing the guest says is needed. Each value is range
 * checked here before it is written; the write order (armed flag off
 * first, on last) keeps an allocation from seeing half a setting, and a
 * vCPU parked inside should_fail() sees at worst one call under the old
 * one (as Linux's debugfs writes, which take no lock either).
 *
 * Targets: kmalloc and cache NAME are failslab's, with its cache filter:
 * the VMM sets SLAB_FAILSLAB on the kmalloc caches (SLAB_KMALLOC) or on
 * the caches named NAME, and clears it on every other cache (a cache's
 * flags are written once before it is listed on slab_caches, so the
 * VMM's store is never lost to a guest's). For cache NAME it also writes
 * NAME into failslab.cache_name, so a cache created later under that name
 * is marked as it is made (a driver's own cache, before its insmod). pages ORDER is
 * fail_page_alloc's min_order: that order and above fail. Arming resets
 * the attr's counters; clearing keeps them for query-fail.
 *
 * gfp-mask: only allocations whose GFP flags include every flag of the
 * mask fail (0, the default: any). __GFP_NOFAIL allocations never fail.
 * Unlike Linux's debugfs defaults, ignore-gfp-wait is off (GFP_KERNEL
 * allocations fail too) unless asked.
 */
#ifndef VMM_CONTROL_FAIL_CMDS_H
#define VMM_CONTROL_FAIL_CMDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include <memvisor/allocreq.h>

#include "qmp.h"

enum fail_target { FAIL_KMALLOC, FAIL_CACHE, FAIL_PAGES, FAIL_ALL };

#define FAIL_MAX_ORDER	31	/* pages ORDER: the guest's orders are fewer */

/* One command's settings, checked. */
struct fail_set {
	bool clear;
	enum fail_target target;	/* FAIL_ALL: clear only */
	char cache[MV_ALLOC_NAME_MAX];	/* FAIL_CACHE */
	uint32_t order;			/* FAIL_PAGES */
	uint32_t probability;		/* 0..100 (percent), default 100 */
	uint32_t interval;		/* 1.., default 1 */
	int32_t times;			/* -1 or 0.., default 1 */
	uint32_t verbose;		/* 0..2, default 1 */
	uint32_t gfp_mask;		/* default 0 */
	bool ignore_gfp_wait, ignore_gfp_highmem;
};

/* @args into @s (pure): 0, or -1 with one line in @err. */
int fail_parse(json_t *args, struct fail_set *s, struct qmp_error *err);

json_t *cmd_fail(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);
json_t *cmd_query_fail(struct qmp_ctx *ctx, json_t *args,
		       struct qmp_error *err);

#define FAIL_COMMANDS							\
	{ .name = QMP_VENDOR "fail", .fn = cmd_fail,			\
	  .args = { { "target", QMP_ARG_STR, true },			\
		    { "name", QMP_ARG_STR, true },			\
		    { "order", QMP_ARG_INT, true },			\
		    { "probability", QMP_ARG_INT, true },		\
		    { "times", QMP_ARG_INT, true },			\
		    { "interval", QMP_ARG_INT, true },			\
		    { "gfp-mask", QMP_ARG_STR, true },			\
		    { "verbose", QMP_ARG_INT, true },			\
		    { "ignore-gfp-wait", QMP_ARG_BOOL, true },		\
		    { "ignore-gfp-highmem", QMP_ARG_BOOL, true },	\
		    { "clear", QMP_ARG_BOOL, true } } },		\
	{ .name = QMP_VENDOR "query-fail", .fn = cmd_query_fail },

#endif
