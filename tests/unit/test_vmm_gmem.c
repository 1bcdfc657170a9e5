// SPDX-License-Identifier: MIT
/* Bounds-checked guest memory access, and lazy RAM reservation. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../vmm/memory/gmem.h"

#define LOW_GPA		0x0ULL
#define LOW_SIZE	0x10000ULL
#define HIGH_GPA	0x100000000ULL
#define HIGH_SIZE	0x8000ULL

static unsigned char low[LOW_SIZE], high[HIGH_SIZE];
static struct gmem gm;

static void setup(void)
{
	gmem_init(&gm);
	memset(low, 0, sizeof(low));
	memset(high, 0, sizeof(high));
	cr_assert_eq(gmem_add(&gm, LOW_GPA, LOW_SIZE, low), 0);
	cr_assert_eq(gmem_add(&gm, HIGH_GPA, HIGH_SIZE, high), 0);
}

TestSuite(gmem, .init = setup);

Test(gmem, pointers_inside_a_region)
{
	cr_assert_eq(gmem_ptr(&gm, 0, 1), low);
	cr_assert_eq(gmem_ptr(&gm, 0, LOW_SIZE), low);
	cr_assert_eq(gmem_ptr(&gm, LOW_SIZE - 1, 1), low + LOW_SIZE - 1);
	cr_assert_eq(gmem_ptr(&gm, HIGH_GPA + 8, 8), high + 8);
	cr_assert_eq(gmem_ptr(&gm, HIGH_GPA, HIGH_SIZE), high);
}

Test(gmem, edges_of_a_region)
{
	cr_assert_null(gmem_ptr(&gm, LOW_SIZE - 1, 2));
	cr_assert_null(gmem_ptr(&gm, LOW_SIZE, 1));
	cr_assert_null(gmem_ptr(&gm, 0, LOW_SIZE + 1));
	cr_assert_null(gmem_ptr(&gm, HIGH_GPA - 1, 2));
	cr_assert_null(gmem_ptr(&gm, HIGH_GPA + HIGH_SIZE, 1));
	cr_assert_null(gmem_ptr(&gm, HIGH_GPA + HIGH_SIZE - 4, 8));
	/* length 0: the address itself must be inside */
	cr_assert_not_null(gmem_ptr(&gm, LOW_SIZE - 1, 0));
	cr_assert_null(gmem_ptr(&gm, LOW_SIZE, 0));
}

Test(gmem, overflowing_ranges)
{
	cr_assert_null(gmem_ptr(&gm, 8, UINT64_MAX));
	cr_assert_null(gmem_ptr(&gm, 8, UINT64_MAX - 7));
	cr_assert_null(gmem_ptr(&gm, UINT64_MAX, 2));
	cr_assert_null(gmem_ptr(&gm, HIGH_GPA + 16, UINT64_MAX - HIGH_GPA));
	cr_assert_null(gmem_ptr(&gm, UINT64_MAX - 1, 1));
}

Test(gmem, nothing_crosses_regions)
{
	struct gmem two;
	static unsigned char a[0x1000], b[0x1000];

	/* adjacent regions are still separate mappings */
	gmem_init(&two);
	cr_assert_eq(gmem_add(&two, 0, 0x1000, a), 0);
	cr_assert_eq(gmem_add(&two, 0x1000, 0x1000, b), 0);
	cr_assert_null(gmem_ptr(&two, 0xff8, 16));
	cr_assert_eq(gmem_ptr(&two, 0x1000, 16), b);
	cr_assert_eq(gmem_read(&two, 0xff8, a, 16), -EFAULT);
}

Test(gmem, add_rejects_bad_regions)
{
	static unsigned char x[16];

	cr_assert_eq(gmem_add(&gm, 0x20000, 0, x), -EINVAL);
	cr_assert_eq(gmem_add(&gm, UINT64_MAX - 4, 16, x), -EINVAL);
	cr_assert_eq(gmem_add(&gm, 0x20000, 16, x), -ENOSPC);
	gm.nr = 1;
	cr_assert_eq(gmem_add(&gm, LOW_SIZE - 8, 16, x), -EEXIST);
}

Test(gmem, read_write_fill)
{
	uint32_t v = 0x12345678, r = 0;

	cr_assert_eq(gmem_write(&gm, 0x100, &v, sizeof(v)), 0);
	cr_assert_eq(low[0x100], 0x78);
	cr_assert_eq(gmem_read(&gm, 0x100, &r, sizeof(r)), 0);
	cr_assert_eq(r, v);
	cr_assert_eq(gmem_write(&gm, LOW_SIZE - 2, &v, sizeof(v)), -EFAULT);
	cr_assert_eq(low[LOW_SIZE - 2], 0, "a failed write must write nothing");
	cr_assert_eq(gmem_fill(&gm, 0x200, 0xaa, 16), 0);
	cr_assert_eq(low[0x20f], 0xaa);
	cr_assert_eq(low[0x210], 0);
	cr_assert_eq(gmem_fill(&gm, HIGH_GPA + HIGH_SIZE - 1, 0, 2), -EFAULT);
}

Test(gmem, strings_always_terminated)
{
	char buf[8];

	memcpy(low + 0x300, "hi\0", 3);
	cr_assert_eq(gmem_read_str(&gm, 0x300, buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "hi");

	/* longer than the buffer: cut, terminated */
	memcpy(low + 0x400, "abcdefghijkl", 12);
	cr_assert_eq(gmem_read_str(&gm, 0x400, buf, sizeof(buf)), 7);
	cr_assert_str_eq(buf, "abcdefg");

	/* unterminated at the end of the region: stops there */
	memset(high + HIGH_SIZE - 3, 'z', 3);
	cr_assert_eq(gmem_read_str(&gm, HIGH_GPA + HIGH_SIZE - 3, buf,
				   sizeof(buf)), 3);
	cr_assert_str_eq(buf, "zzz");

	memset(buf, 'q', sizeof(buf));
	cr_assert_eq(gmem_read_str(&gm, LOW_SIZE, buf, sizeof(buf)), -EFAULT);
	cr_assert_str_eq(buf, "");
}

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

Test(gmem_ram, mem_64g_is_reserved_not_committed)
{
	struct memmap mm;
	struct gmem g;
	struct errbuf e;
	long before, after;
	uint64_t v = 42;

	cr_assert_eq(memmap_build(&mm, 64ULL << 30, 0, NULL, 0, &e), 0, "%s", e.msg);
	gmem_init(&g);
	before = rss_kib();
	cr_assert_eq(gmem_map_ram(&g, &mm, &e), 0, "%s", e.msg);
	cr_assert_eq(g.nr, 2);
	cr_assert_eq(g.r[1].gpa, 4ULL << 30);
	cr_assert_eq(g.r[1].size, 61ULL << 30);
	/* touch a page in each region, and the very last byte of RAM */
	cr_assert_eq(gmem_write(&g, 0x1000, &v, sizeof(v)), 0);
	cr_assert_eq(gmem_write(&g, (65ULL << 30) - 8, &v, sizeof(v)), 0);
	cr_assert_eq(gmem_write(&g, (65ULL << 30) - 4, &v, sizeof(v)), -EFAULT);
	after = rss_kib();
	cr_assert_lt(after - before, 16 * 1024, "RSS grew by %ld KiB", after - before);
	gmem_release(&g);
	cr_assert_eq(g.nr, 0);
}
