// SPDX-License-Identifier: MIT
/*
 * query-physmap's reader (vmm/control/physmap.h) over the fake guest of
 * the inspection tests (inspect_fake_guest.h, the real allocator hosted):
 * the runs tile the range and the classes add up to the pages, free pages
 * agree with the allocator's own counters; the range, the group and the
 * deadline bound the answer and say where the next one starts; a guest
 * whose roots are damaged or not set up gets a named answer, never a
 * crash. And Linux's fragmentation indexes, against mm/vmstat.c's
 * formulas worked by hand.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "fake_guest_open.h"
#include "gmem.h"
#include "inspect.h"
#include "inspect_fake_guest.h"
#include "physmap.h"

#define FAKE_MEM	(64UL << 20)
#define FAKE_PAGES	(FAKE_MEM >> 12)

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;

static void boot(void)
{
	fake_guest_open(&g, FAKE_MEM, 200, &gm, &lay);
}

TestSuite(physmap, .init = boot, .timeout = 60);

static char *dump(json_t *j)
{
	static char buf[4096];
	char *s = json_dumps(j, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", s ? s : "?");
	free(s);
	return buf;
}

static long long geti(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static json_t *read_map(uint64_t start, uint64_t count, unsigned int group,
			const struct insp_bounds *b)
{
	struct physmap_args a = { .start_pfn = start, .count = count,
				  .group = group };
	struct errbuf e = { "" };
	json_t *ans = physmap_read(&gm, g.cr3, &lay, b, &a, &e);

	cr_assert_not_null(ans, "physmap_read: %s", e.msg);
	return ans;
}

static long long counted(json_t *ans)
{
	json_t *n;
	const char *k;
	long long sum = 0;

	json_object_foreach(json_object_get(ans, "counts"), k, n)
		if (json_is_integer(n))
			sum += json_integer_value(n);
	return sum;
}

/* Each run begins where the last ended; they end at end-pfn. */
static void runs_tile(json_t *ans)
{
	long long at = geti(ans, "start-pfn");
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(ans, "runs"), i, run) {
		cr_assert_eq(geti(run, "pfn"), at, "run %zu: %s", i, dump(run));
		at += geti(run, "count");
	}
	cr_assert_eq(at, geti(ans, "end-pfn"), "%s", dump(ans));
}

Test(physmap, classes_add_up_and_free_agrees_with_the_allocator)
{
	json_t *ans = read_map(0, 0, 1, NULL);
	json_t *counts = json_object_get(ans, "counts");
	uint64_t free = 0;

	for (unsigned int z = 0; z < g.nr_zones; z++)
		free += g.zone[z].free;
	cr_assert_eq(geti(ans, "start-pfn"), 0);
	cr_assert_eq(geti(ans, "end-pfn"), FAKE_PAGES, "%s", dump(ans));
	cr_assert_null(json_object_get(ans, "next-pfn"));
	runs_tile(ans);
	cr_assert_eq(counted(ans), FAKE_PAGES);
	cr_assert_eq((uint64_t)geti(counts, "free"), free, "%s", dump(counts));
	cr_assert_gt(geti(counts, "kernel") + geti(counts, "bootmem") +
		     geti(counts, "reserved") + geti(counts, "pagetable"), 0);
	cr_assert_eq(json_array_size(json_object_get(ans, "zones")), g.nr_zones);
	/* every struct page was read (the hosted slab caches are not on the
	 * image's cache list, so naming them is, rightly, an inconsistency) */
	cr_assert_null(strstr(dump(json_object_get(ans, "inconsistencies")),
			      "struct page"), "%s", dump(ans));
	json_decref(ans);
}

Test(physmap, range_and_group_bound_the_answer)
{
	json_t *a = read_map(100, 1000, 1, NULL);
	json_t *b = read_map(100, 1000, 8, NULL);
	json_t *run;
	size_t i;

	cr_assert_eq(geti(a, "start-pfn"), 100);
	cr_assert_eq(geti(a, "end-pfn"), 1100);
	cr_assert_null(json_object_get(a, "next-pfn"));
	runs_tile(a);
	runs_tile(b);
	cr_assert_eq(counted(a), 1000);
	/* counts are pages, the cells only draw them */
	cr_assert(json_equal(json_object_get(a, "counts"),
			     json_object_get(b, "counts")));
	json_array_foreach(json_object_get(b, "runs"), i, run)
		cr_assert_eq(geti(run, "count") % 8, 0, "%s", dump(run));
	json_decref(a);
	json_decref(b);
}

Test(physmap, start_beyond_the_last_frame_is_named)
{
	struct physmap_args a = { .start_pfn = FAKE_PAGES, .group = 1 };
	struct errbuf e = { "" };

	cr_assert_null(physmap_read(&gm, g.cr3, &lay, NULL, &a, &e));
	cr_assert(strstr(e.msg, "start-pfn") && strstr(e.msg, "beyond"), "%s", e.msg);
}

/* A deadline already past: nothing read, said, and where to go on from. */
Test(physmap, past_deadline_says_incomplete_and_where_to_go_on)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	json_t *ans = read_map(0, 0, 1, &b);

	cr_assert_not_null(json_object_get(ans, "incomplete"), "%s", dump(ans));
	cr_assert_eq(geti(ans, "next-pfn"), geti(ans, "end-pfn"), "%s", dump(ans));
	cr_assert_lt(geti(ans, "end-pfn"), FAKE_PAGES);
	runs_tile(ans);
	json_decref(ans);
}

Test(physmap, mem_map_not_set_up_is_named)
{
	struct physmap_args a = { .group = 1 };
	struct errbuf e = { "" };

	fake_guest_damage(&g, FAKE_MEM_MAP_UNSET);
	cr_assert_null(physmap_read(&gm, g.cr3, &lay, NULL, &a, &e));
	cr_assert(strstr(e.msg, "mem_map"), "%s", e.msg);
}

Test(physmap, max_pfn_beyond_ram_is_named)
{
	struct physmap_args a = { .group = 1 };
	struct errbuf e = { "" };

	fake_guest_damage(&g, FAKE_MAX_PFN);
	cr_assert_null(physmap_read(&gm, g.cr3, &lay, NULL, &a, &e));
	cr_assert(strstr(e.msg, "max_pfn"), "%s", e.msg);
}

/* A listed block without PG_buddy: drawn as something else, still whole. */
Test(physmap, a_damaged_block_still_tiles)
{
	json_t *ans;

	fake_guest_damage(&g, FAKE_NOT_BUDDY);
	ans = read_map(0, 0, 1, NULL);
	runs_tile(ans);
	cr_assert_eq(counted(ans), FAKE_PAGES);
	json_decref(ans);
}

/* The first run of @kind: its pfn. */
static long long first_run(json_t *ans, const char *kind)
{
	json_t *run;
	size_t i;

	json_array_foreach(json_object_get(ans, "runs"), i, run)
		if (!strcmp(json_string_value(json_object_get(run, "kind")), kind))
			return geti(run, "pfn");
	cr_assert_fail("no %s run in %s", kind, dump(ans));
	return -1;
}

/*
 * The DMA engine's ranges (the command fills them from its registers): a
 * held page in one is drawn as DMA, a free one stays free.
 */
Test(physmap, dma_ranges_are_drawn_over_held_pages_only)
{
	json_t *plain = read_map(0, 0, 1, NULL), *ans;
	long long kernel = first_run(plain, "kernel"), free = first_run(plain, "free");
	struct physmap_args a = { .group = 1, .nr_dma = 2 };
	struct errbuf e = { "" };

	a.dma[0] = (struct physmap_range){ (uint64_t)kernel * 4096 + 100, 4096 };
	a.dma[1] = (struct physmap_range){ (uint64_t)free * 4096, 4096 };
	ans = physmap_read(&gm, g.cr3, &lay, NULL, &a, &e);
	cr_assert_not_null(ans, "%s", e.msg);
	/* [kernel page + 100, + 4096) touches two pages */
	cr_assert_eq(geti(json_object_get(ans, "counts"), "dma"), 2, "%s",
		     dump(json_object_get(ans, "counts")));
	cr_assert_eq(geti(json_object_get(ans, "counts"), "free"),
		     geti(json_object_get(plain, "counts"), "free"));
	cr_assert_eq(first_run(ans, "dma"), kernel);
	runs_tile(ans);
	json_decref(ans);
	json_decref(plain);
}

/*
 * mm/vmstat.c by hand: nr_free {4, 2, 0, 1}: free pages 4 + 4 + 8 = 16,
 * blocks 7. Order 2: suitable 1 << (3 - 2) = 2 blocks of 4 pages, so
 * (16 - 8) * 1000 / 16 = 500 unusable; a block exists, extfrag -1000.
 * Order 4: none suitable; unusable (16 - 0) * 1000 / 16 = 1000; extfrag
 * 1000 - (1000 + 16 * 1000 / 16) / 7 = 1000 - 285 = 715.
 */
Test(physmap, linux_fragmentation_indexes)
{
	const uint64_t nr_free[] = { 4, 2, 0, 1, 0 };
	const uint64_t none[] = { 0, 0, 0 };

	cr_assert_eq(physmap_unusable_index(nr_free, 5, 0), 0);
	cr_assert_eq(physmap_unusable_index(nr_free, 5, 1), 250);
	cr_assert_eq(physmap_unusable_index(nr_free, 5, 2), 500);
	cr_assert_eq(physmap_unusable_index(nr_free, 5, 4), 1000);
	cr_assert_eq(physmap_extfrag_index(nr_free, 5, 2), -1000);
	cr_assert_eq(physmap_extfrag_index(nr_free, 5, 4), 715);
	cr_assert_eq(physmap_unusable_index(none, 3, 1), 0);
	cr_assert_eq(physmap_extfrag_index(none, 3, 1), 0);
}
