// SPDX-License-Identifier: MIT
/*
 * vmalloc_bench: the guest's vmalloc/vfree, hosted, natively, against the
 * figures Linux's lib/test_vmalloc.c publishes (about 0.66 us for a one-page
 * vmalloc + vfree, fix_size_alloc_test; 11.8 us per operation with 15,000
 * live areas, long_busy_list_alloc_test).
 *
 * Cases, each vmalloc + touch (one byte of every page) + vfree:
 *   1page, 16k, 256k     with the vmalloc area empty, and again with
 *                        15,000 live one-page areas (the "busy" rows)
 *   linux-busy           long_busy_list_alloc_test's step: 100 pages and
 *                        1 page, both freed, 15,000 live areas
 * What a hosted figure includes: the page allocations (buddy + per-CPU
 * lists, HIGHMEM first), the pages array (kmalloc), the vmap_area (slab),
 * the free-tree search and clip, the busy tree and sorted list, writing
 * every PTE into a simulated four-level page table (walked from the root
 * for each page, as the guest's map_page() does), the touch (through
 * vmalloc_to_page(): a page walk per page, standing in for the TLB miss),
 * and on vfree the PTE clears, the page frees and the lazy purge list;
 * the purge's TLB shootdown is a counted no-op (no MMU, no other CPU), so
 * IPIs are not in these figures. Times: ns per case, median of RUNS runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/hosted.h>
#include <asm/pgtable.h>

#include "bench_util.h"

#define RUNS		7
#define BUSY_AREAS	15000

struct bcase {
	const char *name;
	unsigned long size, size2;	/* size2: a second area, freed too */
	bool busy;
	double linux_ns;		/* Linux's published figure, 0: none */
};

static const struct bcase cases[] = {
	{ "1page", PAGE_SIZE, 0, false, 660 },
	{ "16k", 16 << 10, 0, false, 0 },
	{ "256k", 256 << 10, 0, false, 0 },
	{ "1page-busy", PAGE_SIZE, 0, true, 0 },
	{ "16k-busy", 16 << 10, 0, true, 0 },
	{ "256k-busy", 256 << 10, 0, true, 0 },
	{ "linux-busy", 100 * PAGE_SIZE, PAGE_SIZE, true, 11800 },
};

static void touch(void *p, unsigned long size)
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		struct page *pg = vmalloc_to_page((char *)p + off);

		*(volatile char *)__va(page_to_phys(pg)) = 1;
	}
}

static void *one(unsigned long size)
{
	void *p = vmalloc(size);

	if (!p) {
		fprintf(stderr, "vmalloc(%lu) failed\n", size);
		exit(1);
	}
	touch(p, size);
	return p;
}

static double run_case(const struct bcase *c, unsigned long iters)
{
	double t0 = bench_now_ns();

	for (unsigned long i = 0; i < iters; i++) {
		void *a = one(c->size), *b = c->size2 ? one(c->size2) : NULL;

		vfree(a);
		vfree(b);
	}
	return (bench_now_ns() - t0) / iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned long iters = 20000;
	static void *busy[BUSY_AREAS] __attribute__((used));
	struct hosted_boot_config cfg;
	bool busy_up = false;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: %s [-n ITERATIONS]\n", argv[0]);
			return 2;
		}
		iters = strtoul(optarg, NULL, 0);
	}
	hosted_default_config(&cfg);
	cfg.mem_size = 512UL << 20;
	hosted_boot(&cfg);
	kmem_cache_init();
	vmalloc_init();
	printf("vmalloc_bench: hosted (native), %lu iterations, median of %d runs\n",
	       iters, RUNS);
	printf("%-12s %12s %14s %10s\n", "case", "ns/case", "linux ns", "ratio");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *c = &cases[i];
		double t[RUNS];

		if (c->busy && !busy_up) {
			for (int k = 0; k < BUSY_AREAS; k++)
				busy[k] = one(PAGE_SIZE);
			busy_up = true;
		}
		run_case(c, iters / 10 + 1);	/* warm: page tables, slabs */
		for (int r = 0; r < RUNS; r++)
			t[r] = run_case(c, iters);
		qsort(t, RUNS, sizeof(t[0]), cmp_double);
		if (c->linux_ns)
			printf("%-12s %12.0f %14.0f %10.2f\n", c->name, t[RUNS / 2],
			       c->linux_ns, t[RUNS / 2] / c->linux_ns);
		else
			printf("%-12s %12.0f %14s %10s\n", c->name, t[RUNS / 2], "-", "-");
	}
	printf("areas live %lu, purges %lu (shootdowns counted, not done: %lu)\n",
	       nr_vmap_areas, nr_vmap_purges, hosted_tlb_flushes);
	return 0;
}
