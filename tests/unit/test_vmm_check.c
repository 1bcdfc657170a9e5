// SPDX-License-Identifier: MIT
/*
 * The allocators' checkers (vmm/control/check.h) over a fake guest built by
 * the real guest allocator (inspect_fake_guest.h): an honest guest gives no
 * violation and covers every zone, page and slab; each structure broken on
 * purpose gives the violation that names it, at its address. The slab
 * checker is not run here: this fake guest's slab_caches list lives in
 * the test binary, outside the guest memory it maps (test_check's planted
 * bugs cover it on a real guest).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "check.h"
#include "fake_guest_open.h"
#include "gmem.h"
#include "inspect_fake_guest.h"

#define FAKE_MEM	(64UL << 20)

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;

static void boot(void)
{
	fake_guest_open(&g, FAKE_MEM, 200, &gm, &lay);
}

TestSuite(check, .init = boot, .timeout = 60);

static struct check_run run;

/* A run until @deadline_ns (0: none). */
static void run_until(uint64_t deadline_ns)
{
	fake_check_run_open(&run, &g, &gm, &lay, deadline_ns);
	check_run_all(&run);
}

static void check_all(void)
{
	char why[256];

	run_until(0);
	cr_assert_not(check_run_incomplete(&run, why, sizeof(why)), "%s", why);
}

static uint64_t covered(const char *what)
{
	for (unsigned int i = 0; i < run.nr_cover; i++)
		if (!strcmp(run.cover[i].what, what))
			return run.cover[i].n;
	return 0;
}

static const char *dump(void)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < run.nr_kept && n < sizeof(buf) - 300; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s 0x%" PRIx64 ": %s (expected %s, found %s)\n",
			      run.kept[i].structure, run.kept[i].addr,
			      run.kept[i].what, run.kept[i].expected,
			      run.kept[i].found);
	return buf;
}

/* The violation of @structure at @addr (0: any address), or NULL. */
static const struct check_violation *reported(const char *structure,
					      uint64_t addr)
{
	for (unsigned int i = 0; i < run.nr_kept; i++)
		if (!strcmp(run.kept[i].structure, structure) &&
		    (!addr || run.kept[i].addr == addr))
			return &run.kept[i];
	return NULL;
}

Test(check, honest_guest_has_no_violation)
{
	check_all();
	cr_assert_eq(run.nr_violations, 0, "%s", dump());
	cr_assert_eq(covered("zones"), g.nr_zones);
	cr_assert_gt(covered("pages"), 0);
	cr_assert_gt(covered("free_blocks"), 0);
	check_run_close(&run);
}

/* @d done to the fake guest: a violation of @structure (at @addr, 0: any). */
static void damaged(enum fake_damage d, const char *structure, uint64_t addr)
{
	fake_guest_damage(&g, d);
	check_all();
	cr_assert_not_null(reported(structure, addr), "%s", dump());
	check_run_close(&run);
}

Test(check, nr_free_disagrees) { damaged(FAKE_NR_FREE, "free_area", 0); }
Test(check, free_pages_disagrees) { damaged(FAKE_FREE_PAGES, "zone", g.pgdat); }
Test(check, pcp_count_disagrees) { damaged(FAKE_PCP_COUNT, "pcp", 0); }
Test(check, listed_block_not_buddy) { damaged(FAKE_NOT_BUDDY, "page", 0); }

Test(check, leaked_free_block)
{
	uint64_t page = fake_guest_leak_block();
	const struct check_violation *v;

	cr_assert_neq(page, 0);
	check_all();
	v = reported("page", page);
	cr_assert_not_null(v, "%s", dump());
	cr_assert_str_eq(v->expected, "on a free list");
	cr_assert_not_null(reported("free_area", 0), "%s", dump());
	check_run_close(&run);
}


/* A deadline already past: the run says incomplete, and blames no one. */
Test(check, spent_budget_is_incomplete_not_a_violation)
{
	char why[256];

	run_until(1);
	cr_assert(check_run_incomplete(&run, why, sizeof(why)));
	cr_assert_not_null(strstr(why, "out of time"), "%s", why);
	cr_assert_eq(run.nr_violations, 0, "%s", dump());
	check_run_close(&run);
}
