// SPDX-License-Identifier: MIT
/*
 * The in-guest bench (guestmm/mm/tests/alloc_bench.c), once with tiny
 * counts: a smoke run, not a measurement. vmm --test 'bench.*' must pass
 * (every allocation made, the counts adding up, nothing leaked) and print
 * one table with a row for every case of bench/alloc_cases.h, each with a
 * figure, under a header that names the accelerator (vmm's accel=).
 *
 * Environment: MEMVISOR_VMM (else vmm/vmm), MEMVISOR_ACCEL (vmm reads it).
 * Needs /dev/kvm (tests/run-test sends it through the nested runner
 * otherwise).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "../../bench/alloc_cases.h"

#define TIMEOUT_S	240	/* ~15 s on an emulating KVM, less nested */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define UNNAMED		"an accelerator vmm did not name"

static const char *tail(const char *s)
{
	size_t n = strlen(s);

	return n > 2000 ? s + n - 2000 : s;
}

/* The table's line for (what, size): "# " and the row's key at a line start. */
static const char *find_row(const char *out, const char *what, const char *size)
{
	char key[96];
	const char *p;

	snprintf(key, sizeof(key), "\n# " BENCH_ROW_KEY_FMT " ", what, size);
	p = strstr(out, key);
	return p ? p + strlen(key) : NULL;
}

/* The row exists and its median (after N and ops/run) is a positive figure. */
static void expect_row(const char *out, const char *what, const char *size)
{
	const char *row = find_row(out, what, size);
	char n[16];
	unsigned long ops;
	double median = 0;

	cr_expect_not_null(row, "no table row \"%s, %s\":\n%s", what, size, tail(out));
	if (!row)
		return;
	cr_expect_eq(sscanf(row, "%15s %lu %lf", n, &ops, &median), 3,
		     "row \"%s, %s\" unreadable: %.120s", what, size, row);
	cr_expect_gt(ops, 0, "row \"%s, %s\": no ops", what, size);
	cr_expect_gt(median, 0.0, "row \"%s, %s\": no figure: %.120s", what, size, row);
}

static void expect_size_row(const char *out, const char *what, unsigned long bytes)
{
	char size[32];

	expect_row(out, what, bench_size_str(size, sizeof(size), bytes));
}

/* The accelerator in the header: named, and TCG+ inside the nested runner. */
static void expect_accel_named(const char *out)
{
	const char *head = "# bench: guest figures on ";
	const char *p = strstr(out, head);
	const char *depth = getenv("MEMVISOR_NESTED_DEPTH");
	char name[64] = "";

	cr_assert_not_null(p, "no table header:\n%s", tail(out));
	p += strlen(head);
	cr_expect_neq(strncmp(p, UNNAMED, strlen(UNNAMED)), 0,
		      "the accelerator is not named: %.120s", p);
	cr_expect_eq(sscanf(p, "%63[^:]", name), 1, "no name: %.120s", p);
	cr_expect_not_null(strstr(p, ": not comparable with hosted figures\n"),
			   "the header does not say the figures are not native ones: %.120s", p);
	if (depth && *depth && strcmp(depth, "0"))
		cr_expect_eq(strncmp(name, "TCG+", 4), 0,
			     "inside the nested runner, yet named \"%s\"", name);
}

Test(guest_bench, table_has_every_case_and_the_accelerator, .timeout = TIMEOUT_S + 30)
{
	static const unsigned long kmalloc_sizes[] = { BENCH_KMALLOC_SIZES };
	char *argv[] = { (char *)vmm_path(), "--mem", "256M", "--test", "bench.*",
			 "--cmdline", "bench_ops=1 bench_runs=1", NULL };
	unsigned int rows = 0;
	struct run_result r;
	char end[64], order[16];

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no usable /dev/kvm (run under tools/nested/nested-run)");
	cr_assert_eq(run_cmd(argv, TIMEOUT_S, &r), 0, "cannot run %s", argv[0]);
	cr_expect_eq(r.status, 0, "vmm --test 'bench.*': status %d\n%s\n%s",
		     r.status, tail(r.out), tail(r.err));
	expect_accel_named(r.out);
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		expect_size_row(r.out, "kmalloc N-then-N", kmalloc_sizes[i]);
		expect_size_row(r.out, "kmalloc pair", kmalloc_sizes[i]);
		rows += 2;
	}
	expect_size_row(r.out, "cache pair", BENCH_CACHE_SIZE);
	expect_size_row(r.out, "cache N-then-N", BENCH_CACHE_SIZE);
	for (unsigned int o = 0; o <= BENCH_PAGE_MAX_ORDER; o++) {
		snprintf(order, sizeof(order), "order %u", o);
		expect_row(r.out, "page pair", order);
	}
	expect_row(r.out, "page batch", "order 0");
	expect_size_row(r.out, "vmalloc pair", 4096);
	expect_size_row(r.out, "vmalloc pair", 65536);
	expect_size_row(r.out, "alloc_percpu pair", 8);
	rows += 2 + BENCH_PAGE_MAX_ORDER + 1 + 1 + 3;
	snprintf(end, sizeof(end), "# bench: end of table (%u rows)\n", rows);
	cr_expect_not_null(strstr(r.out, end), "no \"%s\":\n%s", end, tail(r.out));
	run_result_free(&r);
}
