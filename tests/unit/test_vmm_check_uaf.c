// SPDX-License-Identifier: MIT
/*
 * The free-page check (vmm/control/check_uaf.h) over a fake guest built by
 * the real guest allocator (inspect_fake_guest.h), the dirty log played by
 * the test: a page free at two runs and written between them is reported
 * with its last owner; a block allocated and freed again between them is
 * not, whatever was written; nothing is compared without a dirty log.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include <memvisor/layout.h>

#include "check_uaf.h"
#include "fake_layout.h"
#include "gmem.h"
#include "inspect.h"
#include "inspect_fake_guest.h"

#define FAKE_MEM	(64UL << 20)
#define BLOCK_ORDER	9

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;
static uint64_t dirty[(FAKE_MEM >> 12) / 64];

static void boot(void)
{
	fake_guest_boot(&g, FAKE_MEM);
	fake_guest_churn(200);
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, g.ram_size, g.ram), 0);
	cr_assert_eq(gmem_add(&gm, g.image_gpa, g.image_size, g.image), 0);
	fake_layout_load(&lay, g.pgdat, MV_KERNEL_VIRT_BASE + g.kernel_start,
			 MV_KERNEL_VIRT_BASE + g.kernel_end);
	cr_assert(lay.hist.present, "the fake guest has no page history");
}

TestSuite(check_uaf, .init = boot, .timeout = 60);

struct seen {
	unsigned int n;
	struct uaf_report r[UAF_MAX_REPORTS];
};

static void seen(const struct uaf_report *r, void *opaque)
{
	struct seen *s = opaque;

	s->r[s->n++] = *r;
}

static void run(struct uaf_watch *w, const uint64_t *bits, struct seen *s,
		struct uaf_stats *st)
{
	struct errbuf e = { "" };
	struct insp in;

	cr_assert_eq(insp_open(&in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	insp_bound(&in, NULL);
	cr_assert_eq(uaf_check_free_pages(w, &in, bits, FAKE_MEM >> 12, seen, s,
					  st), 0);
	insp_close(&in);
}

static void mark(uint64_t pfn, uint64_t n)
{
	for (uint64_t p = pfn; p < pfn + n; p++)
		dirty[p / 64] |= 1ULL << (p % 64);
}

Test(check_uaf, a_page_written_after_its_free_is_reported)
{
	uint64_t block = fake_guest_alloc_free(BLOCK_ORDER);
	struct uaf_watch w;
	struct uaf_stats st;
	struct seen s = { 0 };

	cr_assert_neq(block, 0);
	uaf_watch_init(&w);
	run(&w, dirty, &s, &st);
	cr_assert_not(st.checked, "the first run has nothing to compare to");
	cr_assert_geq(st.free_pages, 1UL << BLOCK_ORDER);
	mark(block + 5, 1);
	run(&w, dirty, &s, &st);
	cr_assert(st.checked);
	cr_assert_geq(st.watched, 1UL << BLOCK_ORDER);
	cr_assert_eq(s.n, 1, "%u pages reported", s.n);
	cr_assert_eq(s.r[0].pfn, block + 5);
	cr_assert_eq(s.r[0].order, BLOCK_ORDER);
	cr_assert_neq(s.r[0].alloc_caller, 0);
	cr_assert_neq(s.r[0].free_caller, 0);
	uaf_watch_release(&w);
}

Test(check_uaf, a_block_allocated_again_in_between_is_not)
{
	struct uaf_watch w;
	struct uaf_stats st;
	struct seen s = { 0 };
	uint64_t block;

	uaf_watch_init(&w);
	run(&w, dirty, &s, &st);
	block = fake_guest_alloc_free(BLOCK_ORDER);
	cr_assert_neq(block, 0);
	mark(block, 1UL << BLOCK_ORDER);
	run(&w, dirty, &s, &st);
	cr_assert(st.checked);
	cr_assert_eq(st.written, 1UL << BLOCK_ORDER);
	cr_assert_eq(st.reallocated, 1UL << BLOCK_ORDER);
	cr_assert_eq(s.n, 0, "pfn 0x%lx reported", (unsigned long)s.r[0].pfn);
	uaf_watch_release(&w);
}

Test(check_uaf, without_a_dirty_log_nothing_is_compared)
{
	uint64_t block = fake_guest_alloc_free(BLOCK_ORDER);
	struct uaf_watch w;
	struct uaf_stats st;
	struct seen s = { 0 };

	uaf_watch_init(&w);
	run(&w, dirty, &s, &st);
	mark(block, 1);
	run(&w, NULL, &s, &st);
	cr_assert_not(st.checked);
	/* and the run after a missing log only starts again */
	run(&w, dirty, &s, &st);
	cr_assert_not(st.checked);
	cr_assert_eq(s.n, 0);
	uaf_watch_release(&w);
}
