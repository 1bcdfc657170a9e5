// SPDX-License-Identifier: MIT
/*
 * The allocator-state commands against the real guest, over a real socket:
 * vmm runs as a child with --control, an in-guest fixture
 * (guestmm/mm/tests/inspect_test.c) prints its own view and holds still for
 * inspect_hold=MS while this test reads the same state through QMP.
 *
 *   counters  query-zones agrees with the counters the guest prints before
 *             and after its hold (within a tolerance, see below); e820,
 *             memblock, memstats and dirty answer and agree with it
 *   modules   a module the guest loaded (guestmm/kernel/tests/
 *             module_inspect_test.c) is listed by query-modules as the
 *             guest sees it: name, core size and address, taint O
 *   corrupt   a free-list cycle, a lying nr_free and a pointer outside RAM,
 *             made by the guest on purpose, are each named in
 *             "inconsistencies"; vmm keeps serving, the guest undoes the
 *             damage and ends its cases, vmm exits 0
 *
 * Environment: MEMVISOR_VMM (else vmm/vmm), MEMVISOR_ACCEL (passed to vmm as
 * --accel). Needs /dev/kvm (tests/run-test sends it through the nested
 * runner otherwise). Links Criterion and jansson.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm_qmp.h"

#define HOLD_MS		"6000"
#define WAIT_S		120	/* a boot, nested under TCG at worst */

static struct vq v;

static void start(const char *tests)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	const char *args[] = { "--mem", "64M", "--test", tests, "--cmdline",
			       "inspect_hold=" HOLD_MS " module_hold=" HOLD_MS,
			       NULL, NULL, NULL };

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no /dev/kvm");
	if (accel) {
		args[6] = "--accel";
		args[7] = accel;
	}
	cr_assert_eq(vq_start_args(&v, args, 0), 0, "cannot start vmm: %s",
		     strerror(errno));
	cr_assert_eq(vq_connect(&v), 0, "no control socket at %s", v.sock);
}

static void stop(void)
{
	vq_stop(&v);
}

TestSuite(inspect, .fini = stop);

/* Reads the console until @s appears after @from; its offset or -1. */
static long wait_for(const char *s, size_t from)
{
	return vq_find(&v, s, from, WAIT_S);
}

/* The console so far. */
static const char *console(void)
{
	return v.log ? v.log : "";
}

static json_t *qmp(const char *cmd)
{
	json_t *ret = vq_cmd(&v, cmd, NULL);

	cr_assert_not_null(ret, "%s: no answer (an error is on stderr)", cmd);
	return ret;
}

static json_t *zone_named(json_t *zones, const char *name)
{
	size_t i;
	json_t *z;

	json_array_foreach(zones, i, z)
		if (!strcmp(json_string_value(json_object_get(z, "name")), name))
			return z;
	return NULL;
}

static long long geti(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/*
 * A paged list (slabinfo, vmallocinfo, percpu, mempools) read two entries
 * at a time, each page after the last one's key ("start-after"), gives the
 * whole list's entries in order; one entry at a time says how many follow.
 * The guest holds still meanwhile.
 */
static void pages_add_up(const char *cmd, const char *list, const char *key)
{
	json_t *whole = qmp(cmd), *all = json_object_get(whole, list);
	json_t *ret, *after = NULL;
	size_t seen = 0, n = json_array_size(all);

	cr_assert_gt(n, 0, "%s: no entries", cmd);
	cr_assert(json_is_false(json_object_get(whole, "truncated")), "%s", cmd);
	ret = vq_cmd(&v, cmd, json_pack("{s:i}", "max", 1));
	cr_assert_not_null(ret, "%s max 1", cmd);
	cr_assert_eq(json_is_true(json_object_get(ret, "truncated")), n > 1,
		     "%s", cmd);
	cr_assert_eq(geti(ret, "skipped"), (long long)n - 1, "%s", cmd);
	json_decref(ret);
	for (;;) {
		json_t *args = json_pack("{s:i}", "max", 2), *page, *x;
		size_t i;

		if (after)
			json_object_set_new(args, "start-after", after);
		ret = vq_cmd(&v, cmd, args);
		cr_assert_not_null(ret, "%s page after %zu", cmd, seen);
		page = json_object_get(ret, list);
		json_array_foreach(page, i, x)
			cr_assert(json_equal(json_object_get(x, key),
					     json_object_get(json_array_get(all, seen + i), key)),
				  "%s entry %zu", cmd, seen + i);
		seen += i;
		if (!json_is_true(json_object_get(ret, "truncated"))) {
			json_decref(ret);
			break;
		}
		cr_assert_gt(i, 0, "%s: an empty page that says more follow", cmd);
		after = json_incref(json_object_get(json_array_get(page, i - 1), key));
		json_decref(ret);
	}
	cr_assert_eq(seen, n, "%s: %zu of %zu entries in pages", cmd, seen, n);
	json_decref(whole);
}

/*
 * The tolerance: between the guest's print and the VMM's read, the guest
 * goes on running (it prints over a hypercall, its timer ticks, the ktest
 * runner's thread sleeps): a task stack or a page table page may come and
 * go, and a per-CPU list refill or drain moves a batch of pages between the
 * buddy lists and the pcp lists (which free_pages does not count). 64 pages
 * covers that many times over; a reader that got a field wrong is off by
 * thousands (or reports an inconsistency). `managed` does not move: exact.
 */
#define FREE_TOLERANCE	64

Test(inspect, counters_agree_with_the_guest, .timeout = 300)
{
	static const char *zones[] = { "DMA", "Normal", "HighMem" };
	json_t *ans, *zl, *mb, *ms, *d;
	long held;

	start("inspect.counters");
	held = wait_for("inspect hold: counters", 0);
	cr_assert_geq(held, 0, "the guest never held still:\n%s", console());
	ans = qmp("__org.memvisor_query-zones");
	cr_assert_eq(json_array_size(json_object_get(ans, "inconsistencies")), 0,
		     "%s", json_dumps(ans, 0));
	zl = json_object_get(ans, "zones");
	/* The rest while the guest still holds (it shuts down after). */
	mb = qmp("__org.memvisor_query-memblock");
	cr_assert_gt(json_array_size(json_object_get(mb, "memory")), 0);
	cr_assert_eq(json_array_size(json_object_get(mb, "inconsistencies")), 0);
	ms = qmp("__org.memvisor_query-memstats");
	cr_assert_eq(geti(json_object_get(ms, "stats"), "actual"), 65536);
	cr_assert_gt(geti(json_object_get(ms, "stats"), "unused"), 0);
	json_decref(qmp("__org.memvisor_query-e820"));
	d = qmp("__org.memvisor_query-dirty");
	cr_assert_eq(json_array_size(json_object_get(d, "zones")), 3);
	json_decref(d);
	d = qmp("__org.memvisor_query-dirty");
	cr_assert_eq(json_array_size(json_object_get(d, "zones")), 3);
	json_decref(d);
	pages_add_up("__org.memvisor_query-slabinfo", "caches", "addr");
	pages_add_up("__org.memvisor_query-vmallocinfo", "areas", "start");
	pages_add_up("__org.memvisor_query-percpu", "chunks", "addr");
	pages_add_up("__org.memvisor_query-mempools", "mempools", "addr");
	cr_assert_geq(wait_for("inspect after: zone HighMem", held), 0,
		      "no counters after the hold:\n%s", console());
	for (size_t i = 0; i < 3; i++) {
		json_t *z = zone_named(zl, zones[i]);
		char key[64], *p;
		unsigned long managed, fb, fa;

		cr_assert_not_null(z, "no zone %s", zones[i]);
		snprintf(key, sizeof(key), "inspect before: zone %s ", zones[i]);
		p = strstr(console(), key);
		cr_assert_not_null(p);
		cr_assert_eq(sscanf(p + strlen(key), "managed %lu free %lu",
				    &managed, &fb), 2);
		snprintf(key, sizeof(key), "inspect after: zone %s ", zones[i]);
		p = strstr(console(), key);
		cr_assert_not_null(p);
		cr_assert_eq(sscanf(p + strlen(key), "managed %*u free %lu", &fa), 1);
		cr_assert_eq(geti(z, "managed"), (long long)managed, "zone %s",
			     zones[i]);
		cr_assert_geq(geti(z, "free") + FREE_TOLERANCE,
			      (long long)(fb < fa ? fb : fa), "zone %s: VMM %lld, guest %lu..%lu",
			      zones[i], geti(z, "free"), fb, fa);
		cr_assert_leq(geti(z, "free"),
			      (long long)(fb > fa ? fb : fa) + FREE_TOLERANCE,
			      "zone %s: VMM %lld, guest %lu..%lu", zones[i],
			      geti(z, "free"), fb, fa);
	}

	json_decref(ans);
	json_decref(mb);
	json_decref(ms);
	cr_assert_eq(vq_wait_exit(&v, WAIT_S), 0, "%s", console());
}

static bool named(json_t *ans, const char *a, const char *b)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(ans, "inconsistencies"), i, s)
		if (strstr(json_string_value(s), a) &&
		    strstr(json_string_value(s), b))
			return true;
	return false;
}

Test(inspect, corruption_is_named_and_vmm_goes_on, .timeout = 300)
{
	static const struct {
		const char *hold, *a, *b;
	} cases[] = {
		{ "inspect hold: freelist", "zone DMA free_area[", "cycle" },
		{ "inspect hold: nr_free", "zone DMA free_area[", "blocks on the free list" },
		{ "inspect hold: pointer", "zone DMA free_area[", "not mapped" },
	};
	long at = -1;

	start("inspect.corrupt_freelist,inspect.corrupt_nr_free,inspect.corrupt_pointer");
	/* The runner picks the order: take each hold as it comes. */
	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		size_t i;
		json_t *ans, *st;

		at = wait_for("inspect hold: ", (size_t)at + 1);
		cr_assert_geq(at, 0, "hold %zu never came:\n%s", n, console());
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (!strncmp(v.log + at, cases[i].hold,
				     strlen(cases[i].hold)))
				break;
		cr_assert_lt(i, sizeof(cases) / sizeof(cases[0]), "%.60s",
			     v.log + at);
		ans = qmp("__org.memvisor_query-zones");
		cr_assert(named(ans, cases[i].a, cases[i].b), "%s: %s",
			  cases[i].hold, json_dumps(ans, 0));
		cr_log_info("%s: %s", cases[i].hold,
			    json_dumps(json_object_get(ans, "inconsistencies"), 0));
		json_decref(ans);
		st = qmp("query-status");
		cr_assert_str_eq(json_string_value(json_object_get(st, "status")),
				 "running");
		json_decref(st);
	}
	cr_assert_eq(vq_wait_exit(&v, WAIT_S), 0, "%s", console());
}

/* The module the guest loaded and holds, as query-modules reads it. */
Test(inspect, modules_agree_with_the_guest, .timeout = 300)
{
	unsigned long size, base, taints;
	json_t *ans, *m;
	long held;
	char *p;

	start("inspect.module_loaded");
	held = wait_for("module hold: loaded", 0);
	cr_assert_geq(held, 0, "the guest never held still:\n%s", console());
	p = strstr(console(), "module loaded: mt_good ");
	cr_assert_not_null(p, "%s", console());
	cr_assert_eq(sscanf(p, "module loaded: mt_good size %lu base %lx taints %lx",
			    &size, &base, &taints), 3, "%s", p);
	ans = qmp("__org.memvisor_query-modules");
	cr_assert_eq(json_array_size(json_object_get(ans, "inconsistencies")), 0,
		     "%s", json_dumps(ans, 0));
	cr_assert_eq(json_array_size(json_object_get(ans, "modules")), 1, "%s",
		     json_dumps(ans, 0));
	m = json_array_get(json_object_get(ans, "modules"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(m, "name")), "mt_good");
	cr_assert_str_eq(json_string_value(json_object_get(m, "state")), "live");
	cr_assert_eq(geti(m, "size"), (long long)size);
	cr_assert_eq(strtoull(json_string_value(json_object_get(m, "base")), NULL, 16),
		     base);
	cr_assert_eq(taints, 1UL << 12, "the guest's taint: TAINT_OOT_MODULE");
	cr_assert_str_eq(json_string_value(json_object_get(m, "taints")), "O");
	json_decref(ans);
	pages_add_up("__org.memvisor_query-modules", "modules", "addr");
	cr_assert_geq(wait_for("module hold: unloaded", held), 0, "%s",
		      console());
	/* unloaded: the list is empty again */
	ans = qmp("__org.memvisor_query-modules");
	cr_assert_eq(json_array_size(json_object_get(ans, "modules")), 0, "%s",
		     json_dumps(ans, 0));
	json_decref(ans);
	cr_assert_eq(vq_wait_exit(&v, WAIT_S), 0, "%s", console());
}
