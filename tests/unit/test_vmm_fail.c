// SPDX-License-Identifier: MIT
/*
 * V fail's arguments (vmm/control/fail_cmds.h): targets and what each
 * needs, Linux's defaults as memvisor sets them, every range, the
 * gfp-mask through the shared GFP table, and clear.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <memvisor/gfp.h>

#include "fail_cmds.h"

static struct qmp_error err;

static int parse(const char *json, struct fail_set *s)
{
	json_t *args = json_loads(json, JSON_ALLOW_NUL, NULL);
	int ret;

	cr_assert_not_null(args, "%s", json);
	memset(&err, 0, sizeof(err));
	ret = fail_parse(args, s, &err);
	json_decref(args);
	return ret;
}

static void refused(const char *json, const char *why)
{
	struct fail_set s;

	cr_assert_eq(parse(json, &s), -1, "%s was taken", json);
	cr_assert_str_eq(err.desc, why, "%s", json);
}

Test(fail_parse, defaults)
{
	struct fail_set s;

	cr_assert_eq(parse("{\"target\": \"kmalloc\"}", &s), 0, "%s", err.desc);
	cr_assert_eq(s.target, FAIL_KMALLOC);
	cr_assert_eq(s.probability, 100);
	cr_assert_eq(s.interval, 1);
	cr_assert_eq(s.times, 1);
	cr_assert_eq(s.verbose, 1);
	cr_assert_eq(s.gfp_mask, 0);
	cr_assert(!s.clear && !s.ignore_gfp_wait && !s.ignore_gfp_highmem);
}

Test(fail_parse, every_setting)
{
	struct fail_set s;

	cr_assert_eq(parse("{\"target\": \"pages\", \"order\": 3, \"probability\": 50, "
			   "\"times\": -1, \"interval\": 7, \"verbose\": 0, "
			   "\"gfp-mask\": \"GFP_ATOMIC|__GFP_DMA\", "
			   "\"ignore-gfp-wait\": true, \"ignore-gfp-highmem\": true}",
			   &s), 0, "%s", err.desc);
	cr_assert_eq(s.target, FAIL_PAGES);
	cr_assert_eq(s.order, 3);
	cr_assert_eq(s.probability, 50);
	cr_assert_eq(s.times, -1);
	cr_assert_eq(s.interval, 7);
	cr_assert_eq(s.verbose, 0);
	cr_assert_eq(s.gfp_mask, MV_GFP_ATOMIC | MV___GFP_DMA);
	cr_assert(s.ignore_gfp_wait && s.ignore_gfp_highmem);
	cr_assert_eq(parse("{\"target\": \"cache\", \"name\": \"scullc\"}", &s), 0);
	cr_assert_eq(s.target, FAIL_CACHE);
	cr_assert_str_eq(s.cache, "scullc");
}

Test(fail_parse, clear)
{
	struct fail_set s;

	cr_assert_eq(parse("{\"clear\": true}", &s), 0, "%s", err.desc);
	cr_assert(s.clear);
	cr_assert_eq(s.target, FAIL_ALL);
	cr_assert_eq(parse("{\"clear\": true, \"target\": \"cache\"}", &s), 0,
		     "%s", err.desc);
	cr_assert_eq(s.target, FAIL_CACHE);
}

Test(fail_parse, refusals)
{
	refused("{}", "fail needs 'target' (kmalloc, cache or pages) or 'clear'");
	refused("{\"target\": \"vmalloc\"}",
		"unknown target 'vmalloc' (kmalloc, cache or pages)");
	refused("{\"target\": \"cache\"}", "target cache needs 'name'");
	refused("{\"target\": \"pages\"}", "target pages needs 'order'");
	refused("{\"target\": \"kmalloc\", \"name\": \"x\"}",
		"'name' goes with target cache only");
	refused("{\"target\": \"kmalloc\", \"order\": 1}",
		"'order' goes with target pages only");
	refused("{\"target\": \"cache\", \"name\": \"\"}",
		"'name' must be 1 to 31 bytes without NUL");
	refused("{\"target\": \"cache\", \"name\": \"a\\u0000b\"}",
		"'name' must be 1 to 31 bytes without NUL");
	refused("{\"target\": \"cache\", \"name\": \"0123456789abcdef0123456789abcdef\"}",
		"'name' must be 1 to 31 bytes without NUL");
	refused("{\"target\": \"pages\", \"order\": 32}", "'order' is 32, not in 0..31");
	refused("{\"target\": \"kmalloc\", \"probability\": 101}",
		"'probability' is 101, not in 0..100");
	refused("{\"target\": \"kmalloc\", \"probability\": -1}",
		"'probability' is -1, not in 0..100");
	refused("{\"target\": \"kmalloc\", \"times\": -2}",
		"'times' is -2, not in -1..2147483647");
	refused("{\"target\": \"kmalloc\", \"interval\": 0}",
		"'interval' is 0, not in 1..4294967295");
	refused("{\"target\": \"kmalloc\", \"verbose\": 3}", "'verbose' is 3, not in 0..2");
	refused("{\"target\": \"kmalloc\", \"gfp-mask\": \"GFP_NOPE\"}",
		"gfp-mask: unknown GFP flag 'GFP_NOPE'");
}
