// SPDX-License-Identifier: MIT
/*
 * bench.table: prints the rows the bench cases before it recorded
 * (alloc_bench.c) as one table, under the accelerator's name. A file of
 * its own, linked after alloc_bench.c, so that its case comes after theirs
 * in the ktest_cases section: the compiler may emit one file's cases in
 * any order, the linker keeps the files' order.
 */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/string.h>

#include "alloc_bench.h"
#include "../../../bench/alloc_cases.h"

/* "order 2" for page rows, else the byte size. */
static const char *row_size(const struct bench_row *r, char *buf, unsigned long len)
{
	if (!r->order)
		return bench_size_str(buf, len, r->size);
	snprintf(buf, len, "order %lu", r->size);
	return buf;
}

static void print_row(const struct bench_row *r)
{
	char size[16], n[12], key[48];

	snprintf(n, sizeof(n), r->n ? "%u" : "-", r->n);
	snprintf(key, sizeof(key), BENCH_ROW_KEY_FMT, r->what,
		 row_size(r, size, sizeof(size)));
	ktest_diag("%s %5s %7lu %9lu.%lu %9lu.%lu %9lu.%lu", key, n, r->ops,
		   r->median / 10, r->median % 10, r->min / 10, r->min % 10,
		   r->max / 10, r->max % 10);
}

KTEST(bench, table)
{
	char key[48];

	ktest_diag("bench: guest figures on %s: not comparable with hosted figures",
		   bench_accel ? bench_accel : "an accelerator vmm did not name");
	ktest_diag("bench: TSC cycles per op (a pair, or one object's alloc and free), median of %d runs",
		   bench_runs);
	snprintf(key, sizeof(key), BENCH_ROW_KEY_FMT, "case", "size");
	ktest_diag("%s %5s %7s %11s %11s %11s", key, "N", "ops/run", "median",
		   "min", "max");
	for (unsigned int f = 0; f < BENCH_NR_FAMILIES; f++)
		for (unsigned int i = 0; i < nr_bench_rows; i++)
			if (bench_rows[i].family == f)
				print_row(&bench_rows[i]);
	ktest_diag("bench: end of table (%u rows)", nr_bench_rows);
	/* alone, it has nothing to print: run it with the cases, bench.* */
	KTEST_EXPECT_GT(t, nr_bench_rows, 0);
}
