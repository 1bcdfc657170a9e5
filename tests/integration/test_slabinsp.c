// SPDX-License-Identifier: MIT
/*
 * The VMM's slab inspection against a real guest, over the real socket:
 * the in-guest case slabinsp.idle builds caches and mempools, prints the
 * guest's own /proc/slabinfo and then sleeps; we `stop` the guest and
 * compare __org.memvisor_query-slabinfo with that printout, every column of
 * every cache.
 *
 * Tolerance: none. After its dump the guest only sleeps (msleep: timers and
 * the scheduler, which allocate nothing from slab), and `stop` parks every
 * vCPU before the query, so both views are of one state. Should a kernel
 * thread ever allocate in between, the column named in the failure says
 * which cache moved.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm_qmp.h"

static struct vq v;

static void start(void)
{
	cr_assert_eq(vq_start(&v, "64M", "slabinsp.idle", NULL), 0);
	cr_assert_eq(vq_wait_for(&v, "slabinsp: ready", 120), 0,
		     "the guest never got ready:\n%s", v.log ? v.log : "");
	cr_assert_eq(vq_connect(&v), 0, "no QMP on %s", v.sock);
}

static void finish(void)
{
	vq_stop(&v);
}

TestSuite(slabinsp, .init = start, .fini = finish, .timeout = 240);

static json_t *find_cache(json_t *caches, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(caches, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	return NULL;
}

Test(slabinsp, slabinfo_equals_the_guests_own_under_stop)
{
	static const char *const col[] = {
		"active_objs", "num_objs", "objsize", "objperslab",
		"pagesperslab", "limit", "batchcount", "sharedfactor",
		"active_slabs", "num_slabs", "sharedavail"
	};
	json_t *r = vq_cmd(&v, "stop", NULL), *si, *caches;
	unsigned int lines = 0;
	char *line, *save;

	cr_assert_not_null(r);
	json_decref(r);
	si = vq_cmd(&v, "__org.memvisor_query-slabinfo", NULL);
	cr_assert_not_null(si);
	cr_expect_eq(json_array_size(json_object_get(si, "inconsistencies")), 0,
		     "%s", json_dumps(json_object_get(si, "inconsistencies"), 0));
	caches = json_object_get(si, "caches");
	for (line = strtok_r(v.log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long val[11];
		char name[64], *p = strstr(line, " : tunables ");
		json_t *c;

		if (!p)
			continue;
		/* the name is the last word before the first number column */
		while (p > line && p[-1] != ']' && !(p[-1] == ' ' && p[-2] == ':'))
			p--;
		while (*p == ' ')
			p++;
		if (sscanf(p, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   name, &val[0], &val[1], &val[2], &val[3], &val[4],
			   &val[5], &val[6], &val[7], &val[8], &val[9],
			   &val[10]) != 12)
			continue;
		lines++;
		c = find_cache(caches, name);
		cr_assert_not_null(c, "cache %s missing from the VMM's answer", name);
		for (int i = 0; i < 11; i++)
			cr_expect_eq(json_integer_value(json_object_get(c, col[i])),
				     (json_int_t)val[i], "%s %s: VMM %lld, guest %lu",
				     name, col[i],
				     (long long)json_integer_value(json_object_get(c, col[i])),
				     val[i]);
	}
	cr_expect_gt(lines, 10, "slabinfo lines in the console:\n%s", v.log);
	cr_expect_eq(json_array_size(caches), lines);
	cr_expect_not_null(find_cache(caches, "insp-a"));
	cr_expect_not_null(find_cache(caches, "insp-b"));
	json_decref(si);
}

Test(slabinsp, mempools_and_page_owner)
{
	json_t *r = vq_cmd(&v, "__org.memvisor_query-mempools", NULL), *p, *o;
	json_int_t pfn;
	size_t i;
	int slab_pools = 0;

	cr_assert_not_null(r);
	cr_expect_eq(json_array_size(json_object_get(r, "inconsistencies")), 0);
	json_array_foreach(json_object_get(r, "mempools"), i, p) {
		json_t *src = json_object_get(p, "source");

		if (!strcmp(json_string_value(json_object_get(src, "type")), "slab") &&
		    !strcmp(json_string_value(json_object_get(src, "cache")), "insp-a")) {
			slab_pools++;
			cr_expect_eq(json_integer_value(json_object_get(p, "min_nr")), 4);
			cr_expect_eq(json_integer_value(json_object_get(p, "curr_nr")), 4);
		}
	}
	cr_expect_eq(slab_pools, 1);
	/* The first pool's struct lives in a kmalloc slab: pfn of its gpa. */
	p = json_array_get(json_object_get(r, "mempools"), 0);
	cr_assert_not_null(p);
	pfn = (strtoull(json_string_value(json_object_get(p, "addr")), NULL, 16) -
	       0xffff888000000000ULL) >> 12;
	o = vq_cmd(&v, "__org.memvisor_page-owner", json_pack("{s:I}", "pfn", pfn));
	cr_assert_not_null(o);
	cr_expect_str_eq(json_string_value(json_object_get(o, "owner")), "slab");
	cr_expect_eq(strncmp(json_string_value(json_object_get(o, "cache")), "kmalloc-", 8), 0);
	json_decref(o);
	o = vq_cmd(&v, "__org.memvisor_page-owner", json_pack("{s:I}", "pfn", 0x100 + 1));
	cr_assert_not_null(o);
	cr_expect_str_eq(json_string_value(json_object_get(o, "owner")), "kernel");
	json_decref(o);
	json_decref(r);
}
