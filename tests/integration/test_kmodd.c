// SPDX-License-Identifier: MIT
/*
 * The guest's loader thread (kmodd) end to end, with the module.* tests'
 * own .ko files (guestmm/kernel/tests/modules/, built with the kernel):
 * `vmm --module` loads at boot, before "boot complete", and a refused one
 * is one line on stderr; `vmmctl insmod` reports the module's core, its
 * own KTEST cases (one failing on request) and its own name (whatever the
 * file's), `vmmctl rmmod` its leaks; each refusal (already loaded, not
 * loaded, unknown symbol, an R_X86_64_32 that cannot reach the module
 * area) is the loader's line, exit 1; mt_leaky's leaks are named with
 * their callers, twice over: a module loaded again gets a new range and is
 * not blamed for the first one's, and an init that fails has its leaks
 * counted in the refusal; a module whose export another uses cannot be
 * unloaded before it, nor one whose case never ends (it fails after
 * module_test_timeout=). One boot (the examples are test_modules').
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define BOOT_S		120
#define VMMCTL_S	120

static struct vq v;

struct ctl {
	int status;
	json_t *json;		/* stdout as JSON, or NULL */
	char err[512];
};

/* vmmctl --json ARGS... on our socket. */
static struct ctl vmmctl(const char *const args[])
{
	char path[PATH_MAX];
	char *argv[12];
	struct run_result r;
	struct ctl c = { 0 };
	int n = 0;

	snprintf(path, sizeof(path), "%s/tools/vmmctl/vmmctl", build_top());
	argv[n++] = path;
	argv[n++] = "--socket";
	argv[n++] = v.sock;
	argv[n++] = "--json";
	for (int i = 0; args[i] && n < 11; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, VMMCTL_S, &r), 0, "cannot run %s", path);
	cr_assert(!r.timed_out, "vmmctl %s: no answer in %d s\n%s", args[0],
		  VMMCTL_S, v.log ? v.log : "");
	c.status = r.status;
	c.json = json_loads(r.out, 0, NULL);
	snprintf(c.err, sizeof(c.err), "%s", r.err);
	run_result_free(&r);
	return c;
}

static char *ko(const char *name)
{
	char *path;

	cr_assert(asprintf(&path, "%s/guestmm/kernel/tests/modules/%s.ko",
			   build_top(), name) > 0);
	cr_assert_eq(access(path, R_OK), 0, "%s: not built", path);
	return path;
}

/* A copy of the file @path as renamed.ko: loaded, it keeps its own name. */
static const char *renamed_path(void)
{
	static char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s/renamed.ko", v.dir);
	return copy;
}

static const char *renamed_copy(const char *path)
{
	const char *copy = renamed_path();
	char buf[1 << 16];
	FILE *in = fopen(path, "rb"), *out;
	size_t n;

	out = fopen(copy, "wb");
	cr_assert(in && out, "cannot copy %s to %s", path, copy);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	cr_assert_eq(fclose(out), 0);
	return copy;
}

static long num(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	cr_assert(json_is_integer(x), "no number \"%s\" in %s", key,
		  json_dumps(o, 0));
	return (long)json_integer_value(x);
}

/* vmmctl ARGS must fail (exit 1) saying "vmmctl: OP: LINE". */
static void refused(const char *const args[], const char *line)
{
	struct ctl c = vmmctl(args);
	char want[512];

	snprintf(want, sizeof(want), "vmmctl: %s: %s", args[0], line);
	cr_expect_eq(c.status, 1, "vmmctl %s %s: exit %d", args[0], args[1],
		     c.status);
	cr_expect(strstr(c.err, want), "vmmctl %s %s said \"%s\", not \"%s\"",
		  args[0], args[1], c.err, want);
	json_decref(c.json);
}

static void loaded(const char *const args[], long tests_failed)
{
	struct ctl c = vmmctl(args);

	cr_assert_eq(c.status, 0, "vmmctl insmod %s: exit %d: %s", args[1],
		     c.status, c.err);
	cr_assert_not_null(c.json, "vmmctl --json insmod: not JSON");
	cr_expect_str_eq(json_string_value(json_object_get(c.json, "name")),
			 "mt_good");
	cr_expect_gt(num(c.json, "size"), 0);
	cr_expect_eq(num(c.json, "tests-run"), 2);
	cr_expect_eq(num(c.json, "tests-failed"), tests_failed);
	json_decref(c.json);
}

static void unloaded(void)
{
	struct ctl c = vmmctl((const char *[]){ "rmmod", "mt_good", NULL });

	cr_assert_eq(c.status, 0, "vmmctl rmmod: exit %d: %s", c.status, c.err);
	cr_assert_not_null(c.json, "vmmctl --json rmmod: not JSON");
	cr_expect_eq(json_array_size(json_object_get(c.json, "leaks")), 0);
	json_decref(c.json);
}

/* The leak of @kind in @leaks: its caller within the core, named @what. */
static void expect_leak(json_t *leaks, long core_size, const char *kind,
			const char *what)
{
	size_t i;
	json_t *l;

	json_array_foreach(leaks, i, l) {
		if (strcmp(json_string_value(json_object_get(l, "kind")), kind))
			continue;
		cr_expect(!strncmp(json_string_value(json_object_get(l, "what")),
				   what, strlen(what)), "%s leak named %s", kind,
			  json_string_value(json_object_get(l, "what")));
		cr_expect_lt(num(l, "caller-offset"), core_size);
		cr_expect_gt(num(l, "count"), 0);
		return;
	}
	cr_expect_fail("no %s leak in %s", kind, json_dumps(leaks, 0));
}

/* insmod, rmmod mt_leaky: exactly its four leaks, each named. */
static void leaky_round(void)
{
	struct ctl c = vmmctl((const char *[]){ "insmod", ko("mt_leaky"), NULL });
	json_t *leaks;
	long size;

	cr_assert_eq(c.status, 0, "vmmctl insmod mt_leaky: exit %d: %s",
		     c.status, c.err);
	cr_assert_not_null(c.json);
	size = num(c.json, "size");
	json_decref(c.json);
	c = vmmctl((const char *[]){ "rmmod", "mt_leaky", NULL });
	cr_assert_eq(c.status, 0, "vmmctl rmmod mt_leaky: exit %d: %s",
		     c.status, c.err);
	leaks = json_object_get(c.json, "leaks");
	cr_expect_eq(json_array_size(leaks), 4, "leaks: %s", json_dumps(leaks, 0));
	expect_leak(leaks, size, "cache", "mt_leaky");
	expect_leak(leaks, size, "objects", "mt_leaky");
	expect_leak(leaks, size, "pages", "mt_leaky_init+0x");
	expect_leak(leaks, size, "vmalloc", "mt_leaky_init+0x");
	json_decref(c.json);
}

/* vmmctl ARGS must succeed. */
static void ok(const char *const args[])
{
	struct ctl c = vmmctl(args);

	cr_expect_eq(c.status, 0, "vmmctl %s %s: exit %d: %s", args[0], args[1],
		     c.status, c.err);
	json_decref(c.json);
}

/* A module using another's export holds it until it is unloaded. */
static void exports_in_use(void)
{
	ok((const char *[]){ "insmod", ko("mt_export"), NULL });
	ok((const char *[]){ "insmod", ko("mt_import"), NULL });
	refused((const char *[]){ "rmmod", "mt_export", NULL },
		"Module mt_export is in use by: mt_import");
	ok((const char *[]){ "rmmod", "mt_import", NULL });
	ok((const char *[]){ "rmmod", "mt_export", NULL });
}

/* A case still running after module_test_timeout= fails and pins it. */
static void case_left_running(void)
{
	struct ctl c = vmmctl((const char *[]){ "insmod", ko("mt_hang"), NULL });

	cr_assert_eq(c.status, 0, "vmmctl insmod mt_hang: exit %d: %s",
		     c.status, c.err);
	cr_expect_eq(num(c.json, "tests-run"), 1);
	cr_expect_eq(num(c.json, "tests-failed"), 1);
	json_decref(c.json);
	cr_expect(vq_find(&v, "still running after 2 s: left running", 0, 5) >= 0,
		  "the timeout is not on the console:\n%s", v.log);
	refused((const char *[]){ "rmmod", "mt_hang", NULL },
		"Module mt_hang is in use");
}

static void boot(void)
{
	char good[PATH_MAX + 16];

	snprintf(good, sizeof(good), "%s value=5", ko("mt_good"));
	cr_assert_eq(vq_boot(&v, "256M", 2, (const char *[]){ "--cmdline",
			"module_test_timeout=2", "--module", good, "--module",
			ko("mt_unknown"), NULL }, "running (vmmctl quit to stop)"),
		     0, "%s:\n%s", v.why, v.log ? v.log : "");
}

Test(kmodd, modules_from_vmm_and_vmmctl, .timeout = BOOT_S + 8 * VMMCTL_S)
{
	const char *tested, *booted;

	boot();
	tested = strstr(v.log, "mt_good: 2 ktest cases passed or skipped, 0 failed");
	booted = strstr(v.log, "guestmm: boot complete");
	cr_expect(tested && booted && tested < booted,
		  "vmm --module's mt_good not tested before boot completed:\n%s",
		  v.log);
	cr_expect(strstr(v.log, "vmm: --module mt_unknown.ko: mt_unknown: Unknown "
			 "symbol kmodd_not_exported_fn (err -2)"),
		  "vmm --module's refusal not on stderr:\n%s", v.log);

	refused((const char *[]){ "insmod", ko("mt_good"), NULL },
		"Module mt_good already loaded");
	unloaded();
	refused((const char *[]){ "rmmod", "mt_good", NULL },
		"ERROR: Module mt_good is not currently loaded");
	loaded((const char *[]){ "insmod", ko("mt_good"), "fail_test=1", NULL }, 1);
	cr_expect(vq_find(&v, "mt_good: 1 ktest cases passed or skipped, 1 failed",
			  0, 5) >= 0 &&
		  strstr(v.log, ": GUEST_ASSERT(!fail_test) failed\n"),
		  "the failed case is not on the console:\n%s", v.log);
	unloaded();
	loaded((const char *[]){ "insmod", renamed_copy(ko("mt_good")), NULL }, 0);
	unloaded();
	refused((const char *[]){ "insmod", ko("mt_unknown"), NULL },
		"mt_unknown: Unknown symbol kmodd_not_exported_fn (err -2)");
	refused((const char *[]){ "insmod", ko("mt_abs32"), NULL },
		"mt_abs32: overflow in relocation type 10 val ffffffffc");
	leaky_round();
	cr_expect(vq_find(&v, "kmemleak:     [<ffffffffc", 0, 5) >= 0 &&
		  strstr(v.log, "kmem_cache mt_leaky: created by mt_leaky_init+"),
		  "leaks not on the console as kmemleak and SLUB say them:\n%s",
		  v.log);
	leaky_round();
	refused((const char *[]){ "insmod", ko("mt_leaky"), "fail_init=1", NULL },
		"mt_leaky: init_module failed: -19, and left 4 leaks behind");
	exports_in_use();
	case_left_running();
	unlink(renamed_path());
	cr_expect(!strstr(v.log, "TAP version"),
		  "a module's cases reached vmm's test ledger:\n%s", v.log);
	vq_stop(&v);
}

/* With --test, a module's cases (one failing) stay out of vmm's TAP. */
Test(kmodd, module_cases_are_not_vmm_tests, .timeout = BOOT_S + 10)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	char accel_arg[64], good[PATH_MAX + 16];
	struct run_result r;

	snprintf(accel_arg, sizeof(accel_arg), "--accel=%s",
		 accel ? accel : "auto");
	snprintf(good, sizeof(good), "%s fail_test=1", ko("mt_good"));
	cr_assert_eq(run_cmd((char *[]){ (char *)vmm_path(), accel_arg,
			"--mem", "256M", "--module", good, "--test",
			"module.abs32_overflow", NULL }, BOOT_S, &r), 0);
	cr_expect_eq(r.status, 0, "vmm exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "\n1..1\n") && strstr(r.out, "\nok 1 - module.abs32_overflow\n"),
		  "vmm's TAP: %s", r.out);
	cr_expect(!strstr(r.out, "\nnot ok") && !strstr(r.out, "\nok 2"),
		  "a module case counted as vmm's: %s", r.out);
	cr_expect(strstr(r.out, "mt_good: 1 ktest cases passed or skipped, 1 failed"),
		  "the module's failed case not on the console: %s", r.out);
	run_result_free(&r);
}
