/* SPDX-License-Identifier: MIT */
/*
 * The allocator cases that the hosted benches and the in-guest bench
 * (guestmm/mm/tests/alloc_bench.c, `vmm --test 'bench.*'`) share, so that
 * both tables cover the same sizes and counts. slab_bench takes its kmalloc
 * sizes from here; page_bench's orders 1-4 and batch of 1024 mirror
 * BENCH_PAGE_MAX_ORDER and BENCH_PAGE_BATCH_N (its loop is being reworked
 * for issue 19, item 1).
 * Host programs and the freestanding guest both include it: plain macros,
 * and one formatter that needs only snprintf (declared by the includer).
 */
#ifndef BENCH_ALLOC_CASES_H
#define BENCH_ALLOC_CASES_H

/* kmalloc pairs and N-then-N: every power of two from 8 B to 128 KiB */
#define BENCH_KMALLOC_SIZES						\
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,	\
	32768, 65536, 131072
#define BENCH_KMALLOC_N		256	/* kmalloc N-then-N */
#define BENCH_CACHE_SIZE	64	/* the kmem_cache's objects */
#define BENCH_CACHE_N		1024	/* kmem_cache N-then-N */
#define BENCH_PAGE_MAX_ORDER	4	/* page pairs of orders 0..4 */
#define BENCH_PAGE_BATCH_N	1024	/* N order-0 pages, then N frees */

/*
 * The guest table's first two columns, "case" and "size": a row is found
 * (tests/integration/test_guest_bench) by printing its key the same way.
 */
#define BENCH_ROW_KEY_FMT	"%-26s %8s"

/* "8 B", "4 KiB", "128 KiB", "2 MiB": the size column. */
static inline const char *bench_size_str(char *buf, unsigned long len,
					 unsigned long bytes)
{
	if (bytes >= (1UL << 20) && !(bytes & ((1UL << 20) - 1)))
		snprintf(buf, len, "%lu MiB", bytes >> 20);
	else if (bytes >= 1024 && !(bytes & 1023))
		snprintf(buf, len, "%lu KiB", bytes >> 10);
	else
		snprintf(buf, len, "%lu B", bytes);
	return buf;
}

#endif
