// SPDX-License-Identifier: MIT
/*
 * The vmap, per-CPU and mempool checkers (check_vmap.c, check_percpu.c,
 * check_mempool.c) over a fake guest built by the real guest allocator
 * (inspect_fake_guest.h): an honest one gives no violation; each structure
 * broken on purpose gives a violation naming it, its address, and the
 * value expected and the one found. And the slab reader they share with
 * the DMA device (slab_obj.h): its freelist walk stopped by a loop, a
 * pointer outside its slab or off an object's start; its object look.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fake_guest_open.h"
#include "gmem.h"
#include "inspect.h"
#include "inspect_fake_guest.h"
#include "slab_obj.h"

#define FAKE_MEM	(64UL << 20)

/* ---- the fake ------------------------------------------------------------ */

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;
static struct check_run run;

static void boot(void)
{
	fake_guest_open(&g, FAKE_MEM, 0, &gm, &lay);
	cr_assert_eq(fake_guest_checkable(&g), 0, "the fake's arena is too small");
}

TestSuite(checkers, .init = boot, .timeout = 60);

static void run_checker(void (*checker)(struct check_run *))
{
	fake_check_run_open(&run, &g, &gm, &lay, 0);
	checker(&run);
	cr_assert_eq(run.in.stop, INSP_STOP_NONE, "the check ran out of budget");
	cr_assert_eq(run.nr_violations, run.nr_kept);
	check_run_close(&run);
}

static const char *all_kept(void)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < run.nr_kept && n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - n, "[%s 0x%" PRIx64 " expected '%s' found '%s': %s] ",
			      run.kept[i].structure, run.kept[i].addr,
			      run.kept[i].expected, run.kept[i].found, run.kept[i].what);
	return buf;
}

/* The one violation the run found: of @structure at @addr. */
static const struct check_violation *the_violation(const char *structure,
						   uint64_t addr)
{
	cr_assert_eq(run.nr_kept, 1, "%u violations: %s", run.nr_kept, all_kept());
	cr_assert_str_eq(run.kept[0].structure, structure, "%s", all_kept());
	cr_assert_eq(run.kept[0].addr, addr, "at 0x%" PRIx64 ", not 0x%" PRIx64 ": %s",
		     run.kept[0].addr, addr, all_kept());
	return &run.kept[0];
}

static void assert_text(const char *got, const char *fmt, ...)
{
	char want[CHECK_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	cr_assert_str_eq(got, want, "'%s', not '%s': %s", got, want, all_kept());
}

/* Damage @d, run @checker: its one violation, of @structure, at the damage. */
static const struct check_violation *
damaged(enum fake_check_damage d, void (*checker)(struct check_run *),
	const char *structure, struct fake_evidence *ev)
{
	fake_guest_check_damage(d, ev);
	run_checker(checker);
	return the_violation(structure, ev->addr);
}

/* ---- honest ------------------------------------------------------------- */

Test(checkers, honest_guest_has_no_violation)
{
	run_checker(check_vmap);
	cr_assert_eq(run.nr_kept, 0, "vmap: %s", all_kept());
	run_checker(check_percpu);
	cr_assert_eq(run.nr_kept, 0, "percpu: %s", all_kept());
	run_checker(check_mempools);
	cr_assert_eq(run.nr_kept, 0, "mempools: %s", all_kept());
}

/* ---- vmap areas ----------------------------------------------------------- */

Test(checkers, overlapping_vmap_areas)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_VMAP_OVERLAP, check_vmap, "vmap_area", &ev);

	assert_text(v->expected, "start >= 0x%" PRIx64, ev.expected);
	assert_text(v->found, "start 0x%" PRIx64, ev.found);
}

Test(checkers, vmalloc_page_mapped_elsewhere)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_VMAP_PAGE_ELSEWHERE, check_vmap, "vmap_area", &ev);

	assert_text(v->expected, "pfn 0x%" PRIx64, ev.expected);
	assert_text(v->found, "pfn 0x%" PRIx64, ev.found);
	cr_assert(strstr(v->what, "page 1 "), "%s", v->what);
}

Test(checkers, vmap_guard_page_mapped)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_VMAP_GUARD_MAPPED, check_vmap, "vmap_area", &ev);

	assert_text(v->expected, "not mapped");
	assert_text(v->found, "pfn 0x%" PRIx64, ev.found);
	cr_assert(strstr(v->what, "guard page"), "%s", v->what);
}

/* ---- per-CPU chunks -------------------------------------------------------- */

Test(checkers, pcpu_chunk_free_bytes_off)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_PCPU_FREE_BYTES, check_percpu, "pcpu_chunk", &ev);

	assert_text(v->expected, "free_bytes %" PRIu64, ev.expected);
	assert_text(v->found, "free_bytes %" PRIu64, ev.found);
}

Test(checkers, pcpu_chunk_nr_alloc_off)
{
	struct fake_evidence ev;

	fake_guest_check_damage(FAKE_PCPU_NR_ALLOC, &ev);
	run_checker(check_percpu);
	/* the chunk's own count, and then the sum pcpu_info keeps */
	cr_assert_eq(run.nr_kept, 2, "%s", all_kept());
	cr_assert_str_eq(run.kept[0].structure, "pcpu_chunk");
	cr_assert_eq(run.kept[0].addr, ev.addr, "%s", all_kept());
	assert_text(run.kept[0].expected, "nr_alloc %" PRIu64, ev.expected);
	assert_text(run.kept[0].found, "nr_alloc %" PRIu64, ev.found);
	cr_assert(strstr(run.kept[1].what, "nr_cur_alloc"), "%s", all_kept());
	cr_assert_eq(run.kept[1].addr, lay.root.percpu, "%s", all_kept());
}

Test(checkers, pcpu_chunk_contig_bytes_below_a_run)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_PCPU_CONTIG, check_percpu,
						  "pcpu_chunk", &ev);

	cr_assert(!strncmp(v->expected, "contig_bytes ", 13), "%s", all_kept());
	cr_assert_str_neq(v->expected, "contig_bytes 0", "%s", all_kept());
	assert_text(v->found, "contig_bytes 0");
}

Test(checkers, pcpu_chunk_first_free_past_a_hole)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_PCPU_FIRST_FREE, check_percpu,
						  "pcpu_chunk", &ev);

	/* the first free byte: the guest's own first_free before the damage */
	assert_text(v->expected, "first_free %" PRIu64, ev.expected);
	assert_text(v->found, "first_free %" PRIu64, ev.found);
}

/* ---- mempools ------------------------------------------------------------- */

Test(checkers, mempool_slab_element_freed_behind_its_back)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_SLAB_FREED, check_mempools, "mempool", &ev);

	assert_text(v->expected, "a live object of cache fake_pool_obj");
	assert_text(v->found, "free: in CPU 0's magazine");
	cr_assert(strstr(v->what, "element 0 "), "%s", v->what);
}

/* A cache's name is the guest's: its control characters go out as \xHH. */
Test(checkers, mempool_cache_name_escaped)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_ESC_NAME, check_mempools,
						  "mempool", &ev);

	assert_text(v->expected, "a live object of cache fake\\x1bpool_obj");
	cr_assert_null(strchr(v->what, '\x1b'), "%s", v->what);
}

Test(checkers, mempool_kmalloc_element_freed_behind_its_back)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_KMALLOC_FREED, check_mempools, "mempool", &ev);

	assert_text(v->expected, "a live kmalloc object of 100 bytes");
	cr_assert(!strncmp(v->found, "free: ", 6), "%s", all_kept());
	cr_assert(strstr(v->what, "element 1 "), "%s", v->what);
}

Test(checkers, mempool_page_element_freed_behind_its_back)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_PAGE_FREED, check_mempools, "mempool", &ev);

	assert_text(v->expected, "an allocated block of order 1");
	cr_assert(!strncmp(v->found, "free: PG_", 9), "%s", all_kept());
}

Test(checkers, mempool_large_kmalloc_element_freed_behind_its_back)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_LARGE_FREED, check_mempools,
						  "mempool", &ev);

	assert_text(v->expected, "a live kmalloc object of %" PRIu64 " bytes",
		    ev.expected);
	cr_assert(strstr(v->what, "element 0 "), "%s", v->what);
	cr_assert(!strncmp(v->found, "free: PG_", 9), "%s", all_kept());
}

Test(checkers, mempool_element_held_twice)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_TWICE, check_mempools, "mempool", &ev);

	assert_text(v->expected, "each element once");
	assert_text(v->found, "twice");
}

Test(checkers, mempool_over_its_reserve)
{
	struct fake_evidence ev;
	const struct check_violation *v = damaged(FAKE_MEMPOOL_OVERFULL, check_mempools, "mempool", &ev);

	assert_text(v->expected, "0 <= curr_nr <= min_nr %" PRIu64, ev.expected);
	assert_text(v->found, "curr_nr %" PRIu64, ev.found);
}

/* ---- in the run's table --------------------------------------------------- */

static uint64_t covered(const char *what)
{
	for (unsigned int i = 0; i < run.nr_cover; i++)
		if (!strcmp(run.cover[i].what, what))
			return run.cover[i].n;
	return 0;
}

/* check_run_all() calls the three, which say what they covered. */
Test(checkers, run_all_covers_the_three)
{
	fake_check_run_open(&run, &g, &gm, &lay, 0);
	check_run_all(&run);
	for (unsigned int i = 0; i < run.nr_kept; i++)
		cr_assert(strcmp(run.kept[i].structure, "vmap_area") &&
			  strcmp(run.kept[i].structure, "pcpu_chunk") &&
			  strcmp(run.kept[i].structure, "mempool"), "%s", all_kept());
	/* three vmalloc areas, a vmap, an ioremap window */
	cr_assert_eq(covered("vmap_areas"), 5, "%" PRIu64, covered("vmap_areas"));
	/* their pages and guard pages: 1 + 2 + 3 + 2 + 2, and 5 guards */
	cr_assert_eq(covered("vmap_pages"), 15, "%" PRIu64, covered("vmap_pages"));
	cr_assert_geq(covered("pcpu_chunks"), 1);
	cr_assert_eq(covered("mempools"), 4);
	cr_assert_eq(covered("mempool_elements"), 4 + 3 + 2 + 2);
	check_run_close(&run);
}

/* ---- slab_obj.h: the one freelist walker, on hostile freelists ------------ */

static struct slab_geom sg;

/* Object @i of the slab @sg. */
static uint64_t nth_obj(uint64_t i)
{
	return sg.base + sg.red_left_pad + i * sg.size;
}

/* Where @obj's free pointer lies: the guest's memory is this process's. */
static uint64_t *free_ptr(uint64_t obj)
{
	return (uint64_t *)(uintptr_t)(obj - sg.red_left_pad + sg.offset);
}

/*
 * A slab of the cache "fake-poison" (fake_guest_freed_object()), its
 * geometry in sg, read over run.in: the object freed last, its freelist's
 * head.
 */
static uint64_t poison_slab(void)
{
	uint64_t obj = fake_guest_freed_object(0, 0, false);
	uint64_t dm = fake_guest_direct_map(), mem_map, max_pfn, first;

	cr_assert_neq(obj, 0);
	fake_check_run_open(&run, &g, &gm, &lay, 0);
	cr_assert_eq(insp_mem_map(&run.in, &mem_map, &max_pfn), 0, "%s",
		     run.in.err);
	cr_assert_eq(slab_geom_read(&run.in, dm, (obj - dm) / 4096, &sg), 0);
	cr_assert_eq(sg.object_size, 96);
	cr_assert_geq(slab_obj_index(&sg, obj), 0);
	cr_assert_eq(insp_read_field(&run.in, sg.head_page, lay.page.freelist,
				     &first), 0);
	cr_assert_eq(first, obj, "the object freed last heads its freelist");
	return obj;
}

static enum slab_walk_end walk(uint64_t first, struct slab_walk *w)
{
	return slab_freelist_walk(&run.in, &sg, first, NULL, NULL, w);
}

Test(checkers, freelist_walk_honest)
{
	uint64_t obj = poison_slab(), inuse;
	struct slab_walk w;

	cr_assert_eq(insp_read_field(&run.in, sg.head_page, lay.page.inuse,
				     &inuse), 0);
	cr_assert_eq(walk(obj, &w), SLAB_WALK_END);
	/* four allocated, one of them freed again */
	cr_assert_eq(inuse, 3);
	cr_assert_eq(w.n, sg.num - inuse, "%" PRIu64 " of %u free", w.n, sg.num);
	cr_assert(slab_freelist_has(&run.in, &sg, obj, obj, &w));
	cr_assert_eq(w.end, SLAB_WALK_STOPPED);
	cr_assert_eq(w.n, 1);
	cr_assert_not(slab_freelist_has(&run.in, &sg, obj, nth_obj(sg.num), &w));
	cr_assert_eq(w.end, SLAB_WALK_END);
	check_run_close(&run);
}

Test(checkers, freelist_walk_stops_at_a_loop)
{
	uint64_t obj = poison_slab(), second = *free_ptr(obj);
	struct slab_walk w;

	*free_ptr(second) = obj;	/* obj -> second -> obj */
	cr_assert_eq(walk(obj, &w), SLAB_WALK_TWICE);
	cr_assert_eq(w.at, obj);
	cr_assert_eq(w.n, 2);
	*free_ptr(obj) = obj;		/* obj -> obj */
	cr_assert_eq(walk(obj, &w), SLAB_WALK_TWICE);
	cr_assert_eq(w.n, 1);
	check_run_close(&run);
}

Test(checkers, freelist_walk_stops_at_a_pointer_outside_its_slab)
{
	uint64_t obj = poison_slab();
	uint64_t past = nth_obj(sg.num), before = sg.base - sg.size;
	struct slab_walk w;

	*free_ptr(obj) = past;
	cr_assert_eq(walk(obj, &w), SLAB_WALK_NOT_OBJECT);
	cr_assert_eq(w.at, past);
	cr_assert_eq(w.n, 1);
	*free_ptr(obj) = before;
	cr_assert_eq(walk(obj, &w), SLAB_WALK_NOT_OBJECT);
	cr_assert_eq(w.at, before);
	/* the first pointer too: nothing is read through it */
	cr_assert_eq(walk(UINT64_MAX - 7, &w), SLAB_WALK_NOT_OBJECT);
	cr_assert_eq(w.n, 0);
	check_run_close(&run);
}

Test(checkers, freelist_walk_stops_at_a_misaligned_pointer)
{
	uint64_t obj = poison_slab();
	struct slab_walk w;

	*free_ptr(obj) = obj + 8;
	cr_assert_eq(walk(obj, &w), SLAB_WALK_NOT_OBJECT);
	cr_assert_eq(w.at, obj + 8);
	cr_assert_eq(w.n, 1);
	check_run_close(&run);
}

/* The DMA device's look (object_state_read()) over the same slab. */
static struct object_state look(uint64_t va, uint64_t len)
{
	uint64_t dm = fake_guest_direct_map();
	struct object_state o;
	struct errbuf e = { "" };

	cr_assert_eq(object_state_read(&gm, g.cr3, &lay, dm, va - dm, len, &o,
				       &e), 0, "%s", e.msg);
	return o;
}

Test(checkers, object_look_free_live_and_outside)
{
	uint64_t obj = poison_slab(), dm = fake_guest_direct_map();
	struct object_state o = look(obj + 4, 8);

	cr_assert_eq(o.kind, OBJECT_FREE, "kind %d", o.kind);
	cr_assert_eq(o.addr, obj - dm);
	cr_assert_eq(o.size, 96);
	cr_assert_eq(o.cache, sg.cache);
	cr_assert_str_eq(o.cache_name, "fake-poison");
	o = look(nth_obj(0), 96);
	cr_assert_eq(o.kind, OBJECT_LIVE, "kind %d", o.kind);
	cr_assert_eq(o.addr, nth_obj(0) - dm);
	o = look(nth_obj(0) + 90, 8);
	cr_assert_eq(o.kind, OBJECT_OUTSIDE, "kind %d", o.kind);
	check_run_close(&run);
}

/* A broken freelist: a live object's state is nobody's to tell. */
Test(checkers, object_look_on_a_looped_freelist_is_none)
{
	uint64_t obj = poison_slab();

	*free_ptr(obj) = obj;
	cr_assert_eq(look(obj, 96).kind, OBJECT_FREE);
	cr_assert_eq(look(nth_obj(0), 96).kind, OBJECT_NONE);
	*free_ptr(obj) = obj + 8;
	cr_assert_eq(look(nth_obj(0), 96).kind, OBJECT_NONE);
	check_run_close(&run);
}
