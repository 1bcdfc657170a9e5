// SPDX-License-Identifier: MIT
/*
 * query-physmap and vmmctl physmap against a real, fragmented guest: vmm
 * runs the in-guest fixture physmap.fragment (guestmm/mm/tests/
 * physmap_test.c), which leaves ZONE_NORMAL fragmented and holds still for
 * physmap_hold=MS while this test reads it.
 *
 *   adds_up    one answer covers 256 MiB (65536 pages, inside the 20 ms
 *              a query may park the guest); its runs tile the range; the
 *              classes' counts add up to the pages; its free pages agree
 *              with the zones' (the same answer's, and query-zones'); free
 *              pages per order with the zones' nr_free; the fixture's slab
 *              cache and vmalloc area are there, and the DMA engine's
 *              ring; Normal's unusable index is the one the guest printed
 *   paging     count, start-pfn and group: an answer ends where asked,
 *              the next one goes on from next-pfn, groups count whole
 *              pages; bad arguments are named
 *   vmmctl     vmmctl physmap writes a PNG and an SVG and prints the map
 *              with the zones and the fragmentation figures
 *
 * Environment: MEMVISOR_VMM (else vmm/vmm), MEMVISOR_ACCEL (vmm's --accel),
 * MEMVISOR_BUILD_TOP (vmmctl; default "."). Needs /dev/kvm.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define PHYSMAP		"__org.memvisor_query-physmap"
#define ZONES		"__org.memvisor_query-zones"
#define DMA		"__org.memvisor_query-dma"
#define HOLD		"physmap hold:"
#define WAIT_S		180	/* a boot and the fixture, nested at worst */
#define PAGES		65536	/* --mem 256M */

static struct vq v;

static void start(void)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	const char *args[] = { "--mem", "256M", "--cpus", "2", "--test",
			       "physmap.fragment", "--cmdline",
			       "physmap_hold=30000", NULL, NULL, NULL };

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no /dev/kvm");
	if (accel) {
		args[8] = "--accel";
		args[9] = accel;
	}
	cr_assert_eq(vq_start_args(&v, args, 0), 0, "cannot start vmm: %s",
		     strerror(errno));
	cr_assert_eq(vq_connect(&v), 0, "no control socket at %s", v.sock);
	cr_assert_geq(vq_find(&v, HOLD, 0, WAIT_S), 0,
		      "the fixture never held; console:\n%s", v.log ? v.log : "");
}

static void stop(void)
{
	vq_stop(&v);
}

TestSuite(physmap, .init = start, .fini = stop, .timeout = 400);

static long long geti(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/*
 * An answer vmm's 20 ms budget cut short ("incomplete") is asked again, a
 * few times: under the nested runner's TCG a preempted VMM can spend it
 * before 4096 pages are read.
 */
static json_t *physmap(json_t *args)
{
	json_t *ret = NULL;

	for (int n = 0; n < 5; n++) {
		json_decref(ret);
		ret = vq_cmd(&v, PHYSMAP, args ? json_deep_copy(args) : NULL);
		cr_assert_not_null(ret, "query-physmap: no answer (the error is on stderr)");
		if (!json_object_get(ret, "incomplete"))
			break;
	}
	json_decref(args);
	return ret;
}

static json_t *zone_named(json_t *zones, const char *name)
{
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z)
		if (!strcmp(json_string_value(json_object_get(z, "name")), name))
			return z;
	cr_assert_fail("no zone %s", name);
	return NULL;
}

/* The runs tile [start-pfn, end-pfn): each begins where the last ended. */
static void runs_tile(json_t *ans)
{
	long long at = geti(ans, "start-pfn");
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(ans, "runs"), i, run) {
		cr_assert_eq(geti(run, "pfn"), at, "run %zu starts at %lld, not %lld",
			     i, geti(run, "pfn"), at);
		cr_assert_gt(geti(run, "count"), 0);
		at += geti(run, "count");
	}
	cr_assert_eq(at, geti(ans, "end-pfn"));
}

/* The classes' counts, summed. */
static long long counted(json_t *ans)
{
	json_t *counts = json_object_get(ans, "counts"), *n;
	const char *k;
	long long sum = 0;

	json_object_foreach(counts, k, n)
		if (json_is_integer(n))
			sum += json_integer_value(n);
	return sum;
}

static long long zones_free(json_t *zones)
{
	long long sum = 0;
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z)
		sum += geti(z, "free");
	return sum;
}

/* Pages in zones' free blocks of @order, by their nr_free. */
static long long zones_order_pages(json_t *zones, size_t order)
{
	long long sum = 0;
	json_t *z;
	size_t i;

	json_array_foreach(zones, i, z)
		sum += json_integer_value(json_array_get(
			json_object_get(z, "nr_free"), order)) << order;
	return sum;
}

static bool has_cache_run(json_t *ans, const char *cache)
{
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(ans, "runs"), i, run)
		if (!strcmp(json_string_value(json_object_get(run, "kind")), "slab") &&
		    !strcmp(json_string_value(json_object_get(run, "cache")) ?: "", cache))
			return true;
	return false;
}

/* The kind of the run that holds @pfn. */
static const char *kind_at(json_t *ans, long long pfn)
{
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(ans, "runs"), i, run)
		if (pfn >= geti(run, "pfn") && pfn < geti(run, "pfn") + geti(run, "count"))
			return json_string_value(json_object_get(run, "kind"));
	return "";
}

/* The DMA engine's ring (its driver set it up at boot) is drawn as dma. */
static void dma_ring_drawn(json_t *ans)
{
	json_t *dma = vq_cmd(&v, DMA, NULL), *regs;
	unsigned long long base, size;

	cr_assert_not_null(dma);
	regs = json_object_get(dma, "regs");
	cr_assert_eq(sscanf(json_string_value(json_object_get(regs, "ring_base")) ?: "",
			    "%llx", &base), 1);
	cr_assert_eq(sscanf(json_string_value(json_object_get(regs, "ring_size")) ?: "",
			    "%llx", &size), 1);
	cr_assert_gt(size, 0, "the driver set no ring up");
	cr_assert_str_eq(kind_at(ans, (long long)(base >> 12)), "dma");
	json_decref(dma);
}

/* The guest's "Normal unusable index (order 3) 0.082", in thousandths. */
static long long guest_unusable(void)
{
	const char *at = strstr(v.log, "unusable index (order 3) ");
	unsigned int whole, frac;

	cr_assert_not_null(at, "the fixture printed no unusable index");
	cr_assert_eq(sscanf(at + strlen("unusable index (order 3) "), "%u.%u",
			    &whole, &frac), 2);
	return whole * 1000LL + frac;
}

/*
 * The whole map as vmmctl merges it: one answer covers 256 MiB only when
 * reading 65536 struct pages fits the 20 ms the guest may stay parked,
 * which a VMM under the nested runner's TCG does not promise.
 */
static const char *build_path(const char *rel);

static json_t *merged_physmap(void)
{
	char *argv[] = { (char *)build_path("tools/vmmctl/vmmctl"), "--json",
			 "--socket", v.sock, "physmap", "--group", "1", NULL };
	struct run_result r;
	json_error_t jerr;
	json_t *ans;

	cr_assert_eq(run_cmd(argv, 60, &r), 0, "cannot run vmmctl");
	cr_assert_eq(r.status, 0, "vmmctl --json physmap: status %d: %s",
		     r.status, r.err);
	ans = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(ans, "vmmctl --json physmap: %s: %s", jerr.text, r.out);
	run_result_free(&r);
	return ans;
}

/*
 * The map asked for in pieces that start anywhere (777 pages: inside
 * blocks of every order) counts as the whole does: a block's tail at the
 * start of an answer takes its head's class (free, per-CPU, allocated).
 */
static void pieces_count_as_whole(json_t *whole_counts)
{
	json_t *sum = json_object(), *val, *a;
	long long pfn = 0, end;
	const char *kind;

	while (pfn < PAGES) {
		a = physmap(json_pack("{s:I,s:i,s:i}", "start-pfn", (json_int_t)pfn,
				      "count", 777, "group", 1));
		end = json_object_get(a, "next-pfn") ? geti(a, "next-pfn") :
		      geti(a, "end-pfn");
		cr_assert_gt(end, pfn, "no progress at pfn %lld", pfn);
		json_object_foreach(json_object_get(a, "counts"), kind, val)
			if (json_is_integer(val))
				json_object_set_new(sum, kind, json_integer(
					json_integer_value(json_object_get(sum, kind)) +
					json_integer_value(val)));
		json_decref(a);
		pfn = end;
	}
	json_object_foreach(whole_counts, kind, val)
		if (json_is_integer(val))
			cr_expect_eq(json_integer_value(json_object_get(sum, kind)),
				     json_integer_value(val),
				     "%s: %lld pages in pieces, %lld in the whole map",
				     kind, (long long)json_integer_value(json_object_get(sum, kind)),
				     (long long)json_integer_value(val));
	json_decref(sum);
}

Test(physmap, adds_up)
{
	/* stopped: the answers vmmctl merges, and query-zones, see one state */
	json_t *stopped = vq_cmd(&v, "stop", NULL);
	json_t *ans = merged_physmap(), *zones = json_object_get(ans, "zones");
	json_t *counts = json_object_get(ans, "counts"), *q;
	json_t *by_order = json_object_get(counts, "free_by_order");

	cr_assert_eq(geti(ans, "start-pfn"), 0);
	cr_assert_eq(geti(ans, "end-pfn"), PAGES, "the map should cover 256 MiB");
	cr_assert_null(json_object_get(ans, "next-pfn"));
	cr_assert_null(json_object_get(ans, "incomplete"));
	cr_assert_eq(json_array_size(json_object_get(ans, "inconsistencies")), 0,
		     "%s", json_dumps(json_object_get(ans, "inconsistencies"), 0));
	runs_tile(ans);
	cr_assert_eq(counted(ans), PAGES, "the classes count %lld pages",
		     counted(ans));
	cr_assert_eq(geti(counts, "free"), zones_free(zones),
		     "the map's free pages %lld, the zones' %lld; counts: %s",
		     geti(counts, "free"), zones_free(zones),
		     json_dumps(counts, JSON_COMPACT));
	for (size_t o = 0; o < json_array_size(by_order); o++)
		cr_assert_eq(json_integer_value(json_array_get(by_order, o)),
			     zones_order_pages(zones, o), "order %zu", o);
	q = vq_cmd(&v, ZONES, NULL);
	cr_assert_not_null(q);
	cr_assert_eq(zones_free(json_object_get(q, "zones")), geti(counts, "free"),
		     "query-zones and query-physmap disagree on free pages");
	json_decref(q);
	pieces_count_as_whole(counts);
	cr_assert(has_cache_run(ans, "physmap_frag"), "the fixture's cache is not drawn");
	cr_assert_geq(geti(counts, "vmalloc"), 64, "the fixture's 256 KiB vmalloc area");
	cr_assert_gt(geti(counts, "kernel"), 0);
	cr_assert_gt(geti(counts, "pagetable"), 0);
	dma_ring_drawn(ans);
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(
			zone_named(zones, "Normal"), "unusable_index"), 3)),
		     guest_unusable());
	json_decref(ans);
	cr_assert_not_null(stopped, "stop");
	json_decref(stopped);
	json_decref(vq_cmd(&v, "cont", NULL));
}

Test(physmap, paging)
{
	json_t *whole = physmap(json_pack("{s:i}", "count", 4096));
	json_t *a = physmap(json_pack("{s:i,s:i}", "start-pfn", 0, "count", 4096));
	json_t *g = physmap(json_pack("{s:i,s:i,s:i}", "start-pfn", 4096,
				      "count", 4096, "group", 16));
	json_t *run;
	size_t i;

	cr_assert_eq(geti(whole, "end-pfn"), 4096);
	cr_assert_null(json_object_get(whole, "next-pfn"), "the count asked was read");
	cr_assert(json_equal(json_object_get(whole, "counts"),
			     json_object_get(a, "counts")));
	cr_assert_eq(counted(a), 4096);
	cr_assert_eq(geti(g, "start-pfn"), 4096);
	cr_assert_eq(geti(g, "group"), 16);
	runs_tile(g);
	json_array_foreach(json_object_get(g, "runs"), i, run)
		cr_assert_eq(geti(run, "count") % 16, 0, "a run of part of a cell");
	cr_assert_eq(counted(g), 4096, "counts are pages, whatever the group");
	json_decref(whole);
	json_decref(a);
	json_decref(g);
	cr_assert_null(vq_cmd(&v, PHYSMAP, json_pack("{s:I}", "start-pfn",
						     (json_int_t)1 << 40)));
	cr_assert_null(vq_cmd(&v, PHYSMAP, json_pack("{s:i}", "group", 0)));
	cr_assert_null(vq_cmd(&v, PHYSMAP, json_pack("{s:i}", "count", -1)));
	json_decref(physmap(NULL));	/* still serving */
}

static const char *build_path(const char *rel)
{
	static char path[PATH_MAX];
	const char *top = getenv("MEMVISOR_BUILD_TOP");

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	return path;
}

static struct run_result vmmctl(char *const extra[])
{
	char *argv[16] = { (char *)build_path("tools/vmmctl/vmmctl"),
			   "--socket", v.sock, "physmap" };
	struct run_result r;
	int n = 4;

	for (int i = 0; extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	cr_assert_eq(run_cmd(argv, 60, &r), 0, "cannot run vmmctl");
	cr_assert_eq(r.status, 0, "vmmctl physmap: status %d: %s", r.status, r.err);
	return r;
}

Test(physmap, vmmctl)
{
	char dir[] = "/tmp/physmap-test-XXXXXX", png[64], svg[64];
	unsigned char sig[8];
	struct run_result r;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(png, sizeof(png), "%s/map.png", dir);
	snprintf(svg, sizeof(svg), "%s/map.svg", dir);
	r = vmmctl((char *[]){ "--png", png, "--svg", svg, NULL });
	run_result_free(&r);
	f = fopen(png, "rb");
	cr_assert_not_null(f, "no PNG written");
	cr_assert_eq(fread(sig, 1, 8, f), 8);
	fclose(f);
	cr_assert_eq(memcmp(sig, "\x89PNG\r\n\x1a\n", 8), 0);
	f = fopen(svg, "r");
	cr_assert_not_null(f, "no SVG written");
	fclose(f);
	r = vmmctl((char *[]){ "--color=never", NULL });
	cr_assert_not_null(strstr(r.out, "Normal"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "unusable  extfrag"), "%s", r.out);
	cr_assert_null(strchr(r.out, '\033'), "escapes with --color=never");
	run_result_free(&r);
	unlink(png);
	unlink(svg);
	rmdir(dir);
}
