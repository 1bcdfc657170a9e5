// SPDX-License-Identifier: MIT
/*
 * The free-page check (vmm/control/check_uaf.h) over a fake guest built by
 * the real guest allocator (inspect_fake_guest.h), the dirty log played by
 * the test: a page free at two runs and written between them is reported
 * with its last owner; a block allocated and freed again between them is
 * not, whatever was written; nothing is compared without a dirty log.
 * And a freed object of a poisoned cache written after its free is
 * reported with the byte, its offset, the cache and the tracks.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_uaf.h"
#include "fake_guest_open.h"
#include "gmem.h"
#include "inspect.h"
#include "inspect_fake_guest.h"
#include "slab_obj.h"

#define FAKE_MEM	(64UL << 20)
#define BLOCK_ORDER	9

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;
static uint64_t dirty[(FAKE_MEM >> 12) / 64];

static void boot(void)
{
	fake_guest_open(&g, FAKE_MEM, 200, &gm, &lay);
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

/* ---- Freed objects of poisoned caches (check_poison.c) ------------------- */

static struct check_run *poison_run(void)
{
	static struct check_run r;

	fake_check_run_open(&r, &g, &gm, &lay, 0);
	check_free_objects(&r);
	return &r;
}

static uint64_t covered(const struct check_run *r, const char *what)
{
	for (unsigned int i = 0; i < r->nr_cover; i++)
		if (!strcmp(r->cover[i].what, what))
			return r->cover[i].n;
	return 0;
}

Test(check_uaf, a_freed_object_written_is_reported)
{
	uint64_t obj = fake_guest_freed_object(3, 0x42, true);
	struct check_run *r;

	cr_assert_neq(obj, 0);
	r = poison_run();
	cr_assert_eq(r->nr_violations, 1, "%lu violations", r->nr_violations);
	cr_assert_str_eq(r->kept[0].structure, "free_object");
	cr_assert_eq(r->kept[0].addr, obj);
	cr_assert_str_eq(r->kept[0].expected, "poison 0x6b at offset 3");
	cr_assert_str_eq(r->kept[0].found, "0x42 at offset 3");
	cr_assert(strstr(r->kept[0].what, "cache fake-poison"), "%s",
		  r->kept[0].what);
	/* the tracks: no symbols here, so the callers' addresses */
	cr_assert(strstr(r->kept[0].what, "allocated by 0x"), "%s",
		  r->kept[0].what);
	cr_assert(strstr(r->kept[0].what, "freed by 0x"), "%s", r->kept[0].what);
	check_run_close(r);
}

Test(check_uaf, the_poison_end_byte_counts_too)
{
	uint64_t obj = fake_guest_freed_object(95, 0x6b, true);
	struct check_run *r;

	r = poison_run();
	cr_assert_eq(r->nr_violations, 1);
	cr_assert_eq(r->kept[0].addr, obj);
	cr_assert_str_eq(r->kept[0].expected, "poison 0xa5 at offset 95");
	check_run_close(r);
}

Test(check_uaf, freed_objects_left_alone_are_not_reported)
{
	struct check_run *r;

	cr_assert_neq(fake_guest_freed_object(0, 0, false), 0);
	r = poison_run();
	cr_assert_eq(r->nr_violations, 0, "%s", r->kept[0].what);
	/* the slab's free objects were looked at: the freed one and the rest */
	cr_assert_geq(covered(r, "free objects poisoned"), 2);
	check_run_close(r);
}

/*
 * A freelist looped back on its written object (obj -> obj): the walk
 * (slab_obj.h's) ends at the object met again, so it is read and reported
 * once, not once per object the slab holds.
 */
Test(check_uaf, a_looped_freelist_reads_its_object_once)
{
	uint64_t obj = fake_guest_freed_object(3, 0x42, true);
	uint64_t dm = fake_guest_direct_map();
	struct check_run *r = poison_run();
	struct slab_geom sg;

	cr_assert_eq(r->nr_violations, 1);
	cr_assert_eq(slab_geom_read(&r->in, dm, (obj - dm) / 4096, &sg), 0);
	cr_assert_gt(sg.num, 2);
	check_run_close(r);
	*(uint64_t *)(uintptr_t)(obj - sg.red_left_pad + sg.offset) = obj;
	r = poison_run();
	cr_assert_eq(r->nr_violations, 1, "%lu violations", r->nr_violations);
	cr_assert_eq(r->kept[0].addr, obj);
	cr_assert_eq(covered(r, "free objects poisoned"), 1);
	check_run_close(r);
}
