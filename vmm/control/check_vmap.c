// SPDX-License-Identifier: MIT
/*
 * check_vmap() (check.h): the vmap areas on vmap_area_list, read by
 * vmalloc_cmds.c's walk, and their page mappings, read by the VMM's own
 * page walk of the kernel's tables.
 *
 *   - the areas ascend by address and are disjoint, each page-aligned with
 *     a guard page, inside [VMALLOC_START, VMALLOC_END) (module mappings
 *     are not vmap areas: arch/x86_64/module.c has its own range);
 *   - a known kind; a vmalloc or vmap area counts its pages (its size less
 *     the guard page), each of its pages[] a struct page of mem_map mapped
 *     at start + i * PAGE_SIZE; an ioremap area maps phys_addr contiguously;
 *     no area's guard page is mapped;
 *   - nr_vmap_areas counts the list.
 * An area still being set up (VM_UNINITIALIZED: vmalloc, vmap and ioremap
 * map its pages outside the lock) takes its place but its pages are not
 * looked at. The pages one check walks are bounded (VMALLOC_MAX_POINTERS)
 * and the inspection's budget and deadline end it early.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "check.h"
#include "inspect.h"
#include "pagewalk.h"
#include "vmalloc_cmds.h"

#define PAGE_SZ		4096ULL
#define PTRS_PER_READ	512

_Static_assert(sizeof(((struct vmap_evidence *)0)->expected) <= CHECK_TEXT_MAX,
	       "vmap evidence longer than a violation's");

struct vmap_check {
	struct check_run *run;
	uint64_t prev_end;		/* of the area before on the list */
	uint64_t mem_map, max_pfn;
	bool have_mem_map;
	uint64_t pages_left;		/* page walks still allowed */
	unsigned int since_clock;
};

/* May one more page be walked? False when a bound or budget ends the check. */
static bool take_page(struct insp *in, struct vmap_check *vc)
{
	if (!vc->pages_left)
		return false;
	vc->pages_left--;
	if (++vc->since_clock < 64)
		return true;
	vc->since_clock = 0;
	return !insp_spent(in);
}

/* The frame @va maps (0 with *@mapped false if none), by the VMM's walk. */
static uint64_t mapped_frame(struct insp *in, uint64_t va, bool *mapped)
{
	struct pagewalk w;

	*mapped = !pagewalk(in->gm, in->cr3, va, &w);
	return *mapped ? w.gpa / PAGE_SZ : 0;
}

static void describe_frame(char *buf, size_t size, uint64_t pfn, bool mapped)
{
	if (mapped)
		snprintf(buf, size, "pfn 0x%" PRIx64, pfn);
	else
		snprintf(buf, size, "not mapped");
}

/* Page @i of area @a should map frame @pfn. */
static void check_page(struct vmap_check *vc, const struct vmap_area_info *a,
		       uint64_t i, uint64_t pfn)
{
	struct insp *in = check_insp(vc->run);
	uint64_t va = a->start + i * PAGE_SZ, got;
	char expected[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	bool mapped;

	got = mapped_frame(in, va, &mapped);
	if (mapped && got == pfn)
		return;
	snprintf(expected, sizeof(expected), "pfn 0x%" PRIx64, pfn);
	describe_frame(found, sizeof(found), got, mapped);
	check_violation(vc->run, "vmap_area", a->va, expected, found,
			"area [0x%" PRIx64 ", 0x%" PRIx64 ") page %" PRIu64 " at 0x%" PRIx64 " does not map the frame the area says",
			a->start, a->end, i, va);
}

/* The frame of the struct page pointer @page, or -1 if it is none of mem_map. */
static int64_t page_pfn(struct vmap_check *vc, uint64_t page)
{
	uint32_t size = check_insp(vc->run)->lay->page.size;
	uint64_t off = page - vc->mem_map;

	if (page < vc->mem_map || !size || off % size || off / size >= vc->max_pfn)
		return -1;
	return (int64_t)(off / size);
}

/* A vmalloc or vmap area: each of its pages[] mapped in order. */
static int check_page_array(struct vmap_check *vc, const struct vmap_area_info *a)
{
	struct insp *in = check_insp(vc->run);
	uint64_t ptr[PTRS_PER_READ];

	if (!vc->have_mem_map)
		return 0;	/* insp_mem_map() failed: nothing to compare with */
	for (uint32_t i = 0; i < a->nr_pages; i += PTRS_PER_READ) {
		uint32_t n = a->nr_pages - i < PTRS_PER_READ ? a->nr_pages - i : PTRS_PER_READ;

		if (insp_read(in, a->pages + (uint64_t)i * 8, ptr, (size_t)n * 8))
			return in->stop ? 1 : 0;	/* a failed read: no verdict */
		for (uint32_t j = 0; j < n; j++) {
			int64_t pfn = page_pfn(vc, ptr[j]);
			char found[CHECK_TEXT_MAX];

			if (!take_page(in, vc))
				return 1;
			if (pfn >= 0) {
				check_page(vc, a, i + j, (uint64_t)pfn);
				continue;
			}
			snprintf(found, sizeof(found), "0x%" PRIx64, ptr[j]);
			check_violation(vc->run, "vmap_area", a->va, "a struct page of mem_map",
					found, "area [0x%" PRIx64 ", 0x%" PRIx64 ") pages[%u] is no struct page",
					a->start, a->end, i + j);
		}
	}
	return 0;
}

/* An ioremap area: phys_addr on, one page after another. */
static int check_window(struct vmap_check *vc, const struct vmap_area_info *a)
{
	struct insp *in = check_insp(vc->run);
	uint64_t nr = (a->end - a->start) / PAGE_SZ - 1;

	for (uint64_t i = 0; i < nr; i++) {
		if (!take_page(in, vc))
			return 1;
		check_page(vc, a, i, a->phys_addr / PAGE_SZ + i);
	}
	return 0;
}

static void check_guard(struct vmap_check *vc, const struct vmap_area_info *a)
{
	struct insp *in = check_insp(vc->run);
	char found[CHECK_TEXT_MAX];
	uint64_t pfn;
	bool mapped;

	pfn = mapped_frame(in, a->end - PAGE_SZ, &mapped);
	if (!mapped)
		return;
	describe_frame(found, sizeof(found), pfn, mapped);
	check_violation(vc->run, "vmap_area", a->va, "not mapped", found,
			"area [0x%" PRIx64 ", 0x%" PRIx64 ") has its guard page at 0x%" PRIx64 " mapped",
			a->start, a->end, (uint64_t)(a->end - PAGE_SZ));
}

/* The area's own counts, then its pages. Non-zero: stop the walk. */
static int check_pages(struct vmap_check *vc, const struct vmap_area_info *a)
{
	uint64_t want = (a->end - a->start) / PAGE_SZ - 1;
	char expected[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];

	if (a->kind == VMAP_KIND_UNKNOWN) {
		snprintf(found, sizeof(found), "flags 0x%x", a->flags);
		check_violation(vc->run, "vmap_area", a->va, "vmalloc, vmap or ioremap",
				found, "area [0x%" PRIx64 ", 0x%" PRIx64 ") is of no known kind",
				a->start, a->end);
		return 0;
	}
	if (!take_page(check_insp(vc->run), vc))
		return 1;
	check_guard(vc, a);
	if (a->kind == VMAP_KIND_IOREMAP)
		return check_window(vc, a);
	if (a->nr_pages != want) {
		snprintf(expected, sizeof(expected), "%" PRIu64 " pages", want);
		snprintf(found, sizeof(found), "%u pages", a->nr_pages);
		check_violation(vc->run, "vmap_area", a->va, expected, found,
				"area [0x%" PRIx64 ", 0x%" PRIx64 ") counts other than its size less the guard page",
				a->start, a->end);
		return 0;
	}
	return check_page_array(vc, a);
}

static int check_area(struct insp *in, const struct vmap_area_info *a, void *arg)
{
	struct vmap_check *vc = arg;
	struct vmap_evidence ev;
	const char *why = vmap_area_misplaced(in->lay, a, vc->prev_end, &ev);

	if (why) {
		check_violation(vc->run, "vmap_area", a->va, ev.expected, ev.found,
				"area [0x%" PRIx64 ", 0x%" PRIx64 ") %s",
				a->start, a->end, why);
		/* its pages are not judged: where it ends is in doubt */
		if (a->end > vc->prev_end)
			vc->prev_end = a->end;
		return insp_spent(in);
	}
	vc->prev_end = a->end;
	if (a->uninitialized)
		return 0;
	return check_pages(vc, a);
}

void check_vmap(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct vmap_check vc = { .run = run, .pages_left = VMALLOC_MAX_POINTERS };
	char expected[CHECK_TEXT_MAX], found[CHECK_TEXT_MAX];
	uint64_t count;
	long n;

	if (!in->lay->vmap_area.size || insp_spent(in))
		return;
	vc.have_mem_map = !insp_mem_map(in, &vc.mem_map, &vc.max_pfn);
	n = vmalloc_walk_all(in, check_area, &vc);
	check_covered(run, "vmap_areas", n < 0 ? 0 : (uint64_t)n);
	check_covered(run, "vmap_pages", VMALLOC_MAX_POINTERS - vc.pages_left);
	if (n < 0 || insp_read_u64(in, in->lay->root.nr_vmap_areas, &count) ||
	    count == (uint64_t)n)
		return;
	snprintf(expected, sizeof(expected), "%ld", n);
	snprintf(found, sizeof(found), "%" PRIu64, count);
	check_violation(run, "vmap_area", in->lay->root.nr_vmap_areas, expected,
			found, "nr_vmap_areas does not count the areas on vmap_area_list");
}
