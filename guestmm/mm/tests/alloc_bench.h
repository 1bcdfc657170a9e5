/* SPDX-License-Identifier: MIT */
/*
 * The in-guest benches' rows (alloc_bench.c records them, one per case
 * and size) and their table (alloc_bench_table.c prints them).
 */
#ifndef _MM_ALLOC_BENCH_H
#define _MM_ALLOC_BENCH_H

#include <linux/types.h>

#define BENCH_MAX_ROWS	64

/* The table's order (the cases may run in any order). */
enum bench_family {
	BENCH_KMALLOC_NN, BENCH_KMALLOC_PAIR, BENCH_CACHE, BENCH_PAGES,
	BENCH_VMALLOC_PERCPU, BENCH_NR_FAMILIES
};

struct bench_row {
	enum bench_family family;
	const char *what;
	unsigned long size;
	unsigned int n;			/* 0: pairs */
	bool order;			/* size is a page order */
	unsigned long ops;		/* per run */
	unsigned long median, min, max;	/* tenths of a cycle per op */
};

extern struct bench_row bench_rows[BENCH_MAX_ROWS];
extern unsigned int nr_bench_rows;
extern int bench_runs;			/* bench_runs=: timed runs per case */
extern const char *bench_accel;		/* accel=: vmm names it; or NULL */

#endif
