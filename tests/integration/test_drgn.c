// SPDX-License-Identifier: MIT
/*
 * vmmctl drgn on a running guestmm (2 vCPUs, 256M), with Debian's drgn
 * (python3-drgn, which tools/setup installs: a python3 that cannot import
 * drgn fails these tests, it does not skip them). The guest is stopped
 * (QMP stop) while drgn and the VMM's own readers both look, so that the
 * two must agree exactly: every zone's free and managed pages and its free
 * blocks per order against query-zones, the caches of slab_caches (walked
 * with drgn's list_for_each_entry, and with for_each_slab_cache) against
 * query-slabinfo, and memvisor_drgn's other helpers. Then what goes wrong
 * says so in one line: no drgn, an image that is not the guest's.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define VENDOR		"__org.memvisor_"
#define DRGN_S		120

static struct vq v;

static void boot(void)
{
	cr_assert_eq(vq_boot(&v, "256M", 2, NULL, "boot complete"), 0,
		     "%s:\n%s", v.why, v.log ? v.log : "");
}

static void stop_guest(void)
{
	json_t *r = vq_cmd(&v, "stop", NULL);

	cr_assert_not_null(r, "stop failed");
	json_decref(r);
}

static void finish(void)
{
	vq_stop(&v);
}

TestSuite(drgn, .init = boot, .fini = finish, .timeout = 600);

/* `vmmctl drgn ARGS...` on our socket: its result (free it). */
static void drgn(struct run_result *r, const char *const args[])
{
	char path[PATH_MAX];
	char *argv[16];
	int n = 0;

	snprintf(path, sizeof(path), "%s/tools/vmmctl/vmmctl", build_top());
	argv[n++] = path;
	argv[n++] = "--socket";
	argv[n++] = v.sock[0] ? v.sock : "/nonexistent.qmp";
	argv[n++] = "drgn";
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, DRGN_S, r), 0, "cannot run %s", path);
	cr_assert(!r->timed_out, "vmmctl drgn: no answer in %d s", DRGN_S);
}

/* Runs @code in drgn, asserting it succeeded: its stdout (free it). */
static char *drgn_code(const char *code)
{
	struct run_result r;
	char *out;

	drgn(&r, (const char *[]){ "-c", code, NULL });
	cr_assert_eq(r.status, 0, "vmmctl drgn -c failed (%d):\n%s%s\ncode:\n%s",
		     r.status, r.out, r.err, code);
	out = strdup(r.out);
	run_result_free(&r);
	return out;
}

static json_t *query(const char *cmd)
{
	json_t *r = vq_cmd(&v, cmd, NULL);

	cr_assert_not_null(r, "%s failed", cmd);
	return r;
}

/* "DMA 3443 3460 f0 f1 ...": drgn's line of a zone, as query-zones has it. */
static void zone_line(json_t *z, char *line, size_t max)
{
	json_t *nr;
	size_t i, len;

	len = snprintf(line, max, "%s %lld %lld",
		       json_string_value(json_object_get(z, "name")),
		       json_integer_value(json_object_get(z, "free")),
		       json_integer_value(json_object_get(z, "managed")));
	json_array_foreach(json_object_get(z, "free_area"), i, nr)
		len += snprintf(line + len, max - len, " %lld",
				json_integer_value(nr));
	snprintf(line + len, max - len, "\n");
}

Test(drgn, zones_agree_with_query_zones)
{
	char *out, line[256];
	json_t *ret, *z;
	size_t i, n = 0;

	stop_guest();
	out = drgn_code(
		"for z in for_each_populated_zone(prog):\n"
		"    print(z.name.string_().decode(), z.free_pages.value_(),\n"
		"          z.managed_pages.value_(), *zone_free_blocks(z))\n");
	ret = query(VENDOR "query-zones");
	json_array_foreach(json_object_get(ret, "zones"), i, z) {
		if (!json_integer_value(json_object_get(z, "present")))
			continue;
		zone_line(z, line, sizeof(line));
		cr_expect(strstr(out, line), "drgn has no line '%.*s' in:\n%s",
			  (int)strlen(line) - 1, line, out);
		n++;
	}
	cr_expect_geq(n, 2, "query-zones has %zu populated zones", n);
	json_decref(ret);
	free(out);
}

/* Each cache's "name objsize\n", in list order, by query-slabinfo. */
static char *slabinfo_lines(void)
{
	json_t *ret = query(VENDOR "query-slabinfo"), *c;
	size_t i, len = 0, max = 1 << 16;
	char *s = calloc(1, max);

	cr_assert_not_null(s);
	cr_assert(!json_is_true(json_object_get(ret, "truncated")));
	json_array_foreach(json_object_get(ret, "caches"), i, c)
		len += snprintf(s + len, max - len, "%s %lld\n",
				json_string_value(json_object_get(c, "name")),
				json_integer_value(json_object_get(c, "objsize")));
	json_decref(ret);
	return s;
}

Test(drgn, slab_caches_by_list_for_each_entry)
{
	char *out, *helper, *want;

	stop_guest();
	out = drgn_code(
		"head = prog['slab_caches'].address_of_()\n"
		"for c in list_for_each_entry('struct kmem_cache', head, 'list'):\n"
		"    print(c.name.string_().decode(), c.object_size.value_())\n");
	helper = drgn_code(
		"for c in for_each_slab_cache(prog):\n"
		"    print(c.name.string_().decode(), c.object_size.value_())\n");
	want = slabinfo_lines();
	cr_expect(strstr(want, "kmalloc-128 128\n"), "slabinfo:\n%s", want);
	cr_expect_str_eq(out, want, "drgn's walk of slab_caches");
	cr_expect_str_eq(helper, want, "for_each_slab_cache");
	free(out);
	free(helper);
	free(want);
}

/*
 * for_each_free_block walks as many blocks as nr_free says, each a head
 * page of its zone whose order (page->private, PG_buddy) is the list's;
 * find_slab_cache finds kmalloc-128; vmap areas and modules are walked.
 */
Test(drgn, helpers)
{
	char *out;

	stop_guest();
	out = drgn_code(
		"bad = 0\n"
		"for z in for_each_populated_zone(prog):\n"
		"    start = z.zone_start_pfn.value_()\n"
		"    end = start + z.spanned_pages.value_()\n"
		"    for order, nr in enumerate(zone_free_blocks(z)):\n"
		"        n = 0\n"
		"        for page in for_each_free_block(z, order):\n"
		"            pfn = page_to_pfn(page)\n"
		"            n += 1\n"
		"            if not start <= pfn < end or page.private.value_() != order \\\n"
		"               or pfn % (1 << order) or pfn_to_page(prog, pfn) != page:\n"
		"                bad += 1\n"
		"        if n != nr:\n"
		"            print('zone', z.name.string_(), 'order', order, n, '!=', nr)\n"
		"            bad += 1\n"
		"print('bad', bad)\n"
		"print('kmalloc-128', find_slab_cache(prog, 'kmalloc-128').object_size.value_())\n"
		"print('nope', find_slab_cache(prog, 'no-such-cache'))\n"
		"print('vmap', sum(1 for va in for_each_vmap_area(prog) if va.va_end > va.va_start))\n"
		"print('modules', len(list(for_each_module(prog))))\n"
		"print('reads', read_counts()[0] > 0)\n");
	cr_expect(strstr(out, "bad 0\n"), "free blocks:\n%s", out);
	cr_expect(strstr(out, "kmalloc-128 128\n"), "find_slab_cache:\n%s", out);
	cr_expect(strstr(out, "nope None\n"), "find_slab_cache:\n%s", out);
	cr_expect(strstr(out, "modules 0\n"), "for_each_module:\n%s", out);
	cr_expect(strstr(out, "reads True\n"), "read_counts:\n%s", out);
	cr_expect(strstr(out, "vmap ") && !strstr(out, "vmap 0\n"),
		  "for_each_vmap_area:\n%s", out);
	free(out);
}

/* A script file, its arguments, and --stats' line. */
Test(drgn, script_and_stats)
{
	char script[] = "/tmp/test_drgn-XXXXXX";
	struct run_result r;
	int fd = mkstemp(script);
	static const char text[] =
		"import sys\n"
		"print(sys.argv[1], prog['contig_page_data'].nr_zones.value_())\n";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	drgn(&r, (const char *[]){ "--stats", script, "zones:", NULL });
	unlink(script);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "zones: 3\n");
	cr_expect(strstr(r.err, "vmmctl drgn: ") && strstr(r.err, " reads ("),
		  "no --stats line: %s", r.err);
	run_result_free(&r);
}

Test(drgn, wrong_image_is_refused)
{
	char image[PATH_MAX];
	struct run_result r;

	snprintf(image, sizeof(image), "%s/tests/unit/fixtures/hello.elf",
		 build_top());
	drgn(&r, (const char *[]){ "--kernel", image, "-c", "print(1)", NULL });
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.out, "");
	cr_expect(strstr(r.err, "is not the kernel the guest runs"), "%s", r.err);
	cr_expect_eq(strchr(r.err, '\n'), strrchr(r.err, '\n'),
		     "more than one line: %s", r.err);
	run_result_free(&r);
}

/* No guest needed from here on: vmmctl drgn stops before the socket. */
TestSuite(drgn_host, .timeout = 120);

/* This test's python3 is CI's: it must have drgn, not skip without it. */
Test(drgn_host, python_has_drgn)
{
	struct run_result r;

	cr_assert_eq(run_cmd((char *[]){ "/usr/bin/python3", "-c",
				 "import drgn", NULL }, 60, &r), 0);
	cr_expect_eq(r.status, 0, "/usr/bin/python3 cannot import drgn "
		     "(tools/setup installs python3-drgn): %s", r.err);
	run_result_free(&r);
}

/* A python3 without drgn (a drgn that fails to import stands in). */
Test(drgn_host, no_drgn_says_so)
{
	char dir[] = "/tmp/test_drgn-XXXXXX", path[128];
	struct run_result r;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/drgn.py", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("raise ImportError('no drgn here')\n", f);
	fclose(f);
	setenv("PYTHONPATH", dir, 1);
	drgn(&r, (const char *[]){ "-c", "print(1)", NULL });
	unsetenv("PYTHONPATH");
	unlink(path);
	rmdir(dir);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "cannot import drgn: install Debian's python3-drgn"),
		  "%s", r.err);
	run_result_free(&r);

	setenv("MEMVISOR_PYTHON", "/nonexistent/python3", 1);
	drgn(&r, (const char *[]){ "-c", "print(1)", NULL });
	unsetenv("MEMVISOR_PYTHON");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "cannot run /nonexistent/python3"), "%s", r.err);
	run_result_free(&r);
}
