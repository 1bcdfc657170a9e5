// SPDX-License-Identifier: MIT
/*
 * The example modules (examples/), built by make check through the
 * installed tree only (guestmm/build/stage: `make install-guest
 * DESTDIR=...`, then `make -C tests/modules/NAME` with pkg-config pointed
 * at the stage; tests/local.mk), loaded into a running guest on 1 and on
 * 2 vCPUs with `vmmctl insmod`: each scull's own KTEST cases must pass,
 * `vmmctl slabinfo` and `vmmctl mempools` must show scullc's cache and
 * pool while it is loaded, `vmmctl lsmod` each module's /proc/modules line
 * (and none after), and `vmmctl rmmod` must say "NAME: no leaks". leaky's
 * rmmod must list each kind it leaks, with its count and bytes. One boot
 * per vCPU count: every module goes through the same guest, in turn.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_cmd.h"
#include "vmm_qmp.h"
#include "vmmctl_run.h"

#define VMMCTL_S	120	/* an insmod runs the module's tests */

static struct vq v;

/* vmmctl ARGS... on our socket must succeed: its stdout (free it). */
static char *ok(const char *const args[])
{
	return vmmctl_ok(&v, VMMCTL_S, false, args);
}

static void boot(unsigned int cpus)
{
	cr_assert_eq(vq_boot(&v, "256M", cpus, NULL, NULL), 0, "%s:\n%s",
		     v.why, v.log ? v.log : "");
}

static void finish(void)
{
	vq_stop(&v);
}

TestSuite(modules, .fini = finish, .timeout = 600);

/* Is there a line in @out beginning @head and holding @tail after it? */
static bool has_line(const char *out, const char *head, const char *tail)
{
	const char *line = strstr(out, head), *end, *found;

	if (!line || (line != out && line[-1] != '\n'))
		return false;
	end = strchr(line, '\n');
	found = strstr(line + strlen(head), tail);
	return found && (!end || found < end);
}

/* insmod NAME (its tests pass), the check while loaded, rmmod: no leaks. */
static void load_check_unload(const char *name, const char *param,
			      void (*while_loaded)(void))
{
	char *out, want[128], row[128];

	out = ok((const char *[]){ "insmod", example_ko(name), param, NULL });
	snprintf(want, sizeof(want), "%s: ", name);
	cr_expect(strstr(out, want) && strstr(out, "passed") &&
		  !strstr(out, "failed"),
		  "insmod %s: want its tests passed, got: %s", name, out);
	free(out);
	if (while_loaded)
		while_loaded();
	/* /proc/modules' line: name size refcount users state core (taints) */
	snprintf(row, sizeof(row), "%s ", name);
	out = ok((const char *[]){ "lsmod", NULL });
	cr_expect(has_line(out, row, " 0 - Live 0xffffffffc"),
		  "lsmod: no '%s... 0 - Live 0xffffffffc...' line in:\n%s",
		  name, out);
	free(out);
	out = ok((const char *[]){ "rmmod", name, NULL });
	snprintf(want, sizeof(want), "%s: no leaks\n", name);
	cr_expect_str_eq(out, want, "rmmod %s", name);
	free(out);
	out = ok((const char *[]){ "lsmod", NULL });
	cr_expect(!has_line(out, row, ""), "lsmod after rmmod %s:\n%s", name,
		  out);
	free(out);
}

/* scullc's cache in slabinfo, its mempool over it in mempools. */
static void scullc_cache_shown(void)
{
	char *out;

	out = ok((const char *[]){ "slabinfo", NULL });
	cr_expect(strstr(out, "scullc "), "slabinfo shows no scullc cache:\n%s",
		  out);
	free(out);
	out = ok((const char *[]){ "mempools", NULL });
	cr_expect(strstr(out, " slab:scullc\n"),
		  "mempools shows no pool over the scullc cache:\n%s", out);
	free(out);
}

/*
 * leaky's four leaks (objects=3 order=1, its defaults), each one of
 * vmmctl rmmod's lines (tools/vmmctl/fmt_module.c): kind, what (the cache
 * or the caller), count, bytes; and the console saying them as SLUB and
 * kmemleak do.
 */
static void leaky_reported(void)
{
	static const char *const lines[][2] = {
		{ "leaky: leaked objects leaky", ": 3, 288 bytes at 0x" },
		{ "leaky: leaked pages leaky_init+0x", ": 2, 8192 bytes at pfn 0x" },
		{ "leaky: leaked vmalloc leaky_init+0x", ": 1, 12288 bytes at 0x" },
		{ "leaky: leaked percpu leaky_init+0x", ": 1, 8 bytes at 0x" },
	};
	char *out;
	int nr_lines = 0;

	free(ok((const char *[]){ "insmod", example_ko("leaky"), NULL }));
	out = ok((const char *[]){ "rmmod", "leaky", NULL });
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_expect(has_line(out, lines[i][0], lines[i][1]),
			  "rmmod leaky: no '%s...%s' line in:\n%s", lines[i][0],
			  lines[i][1], out);
	for (const char *nl = out; (nl = strchr(nl, '\n')); nl++)
		nr_lines++;
	cr_expect_eq(nr_lines, 4, "rmmod leaky: 4 leaks, got:\n%s", out);
	free(out);
	cr_expect(strstr(vq_console(&v, 1), "kmem_cache_destroy leaky: Slab cache "
			  "still has objects when called from 0xffffffffc") &&
		  strstr(v.log, "kmemleak:     [<ffffffffc") &&
		  strstr(v.log, "leaky_init+0x"),
		  "leaky's leaks not on the console as SLUB and kmemleak say them:\n%s",
		  v.log);
}

static void all_examples(unsigned int cpus)
{
	boot(cpus);
	load_check_unload("scullc", "quantum=3000", scullc_cache_shown);
	load_check_unload("scullp", "order=1", NULL);
	load_check_unload("scullp", "zone=dma", NULL);
	load_check_unload("scullp", "zone=high", NULL);
	load_check_unload("scullv", "order=2", NULL);
	leaky_reported();
}

Test(modules, examples_on_1_cpu)
{
	all_examples(1);
}

Test(modules, examples_on_2_cpus)
{
	all_examples(2);
}
