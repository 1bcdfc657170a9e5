// SPDX-License-Identifier: MIT
/* query-vmallocinfo (vmalloc_cmds.h). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <memvisor/mminfo.h>	/* MV_VM_*: the guest's kinds */

#include "inspect.h"
#include "inspect_query.h"
#include "pagewalk.h"
#include "vmalloc_cmds.h"
#include "vm.h"

#define PAGE_SZ		4096ULL
#define MAX_AREA	4096U		/* bytes of a struct vmap_area, at most */

/* A field of the copy @a of a struct vmap_area. */
#define VA(a, f)	field_get(a, r->lay->vmap_area.size, r->lay->vmap_area.f)

int vmalloc_open(struct insp *r, const struct gmem *gm,
		 const struct mm_layout *lay, uint64_t cr3, struct errbuf *e)
{
	if (insp_open(r, gm, lay, cr3, e) ||
	    (lay->vmap_area.size > MAX_AREA &&
	     errf(e, "kernel image: struct vmap_area is %u bytes, over %u",
		  lay->vmap_area.size, MAX_AREA))) {
		insp_close(r);
		return -1;
	}
	return 0;
}

static enum vmap_kind kind_of(uint32_t flags)
{
	if (flags == MV_VM_ALLOC)
		return VMAP_KIND_VMALLOC;
	if (flags == MV_VM_MAP)
		return VMAP_KIND_VMAP;
	if (flags == MV_VM_IOREMAP)
		return VMAP_KIND_IOREMAP;
	return VMAP_KIND_UNKNOWN;
}

/* The area the copy @a of the struct vmap_area at @va says. */
static void area_info(struct insp *r, uint64_t va, const uint8_t *a,
		      struct vmap_area_info *info)
{
	*info = (struct vmap_area_info){
		.va = va, .start = VA(a, va_start), .end = VA(a, va_end),
		.caller = VA(a, caller), .flags = VA(a, flags),
		.kind = kind_of(VA(a, flags) & ~MV_VM_UNINITIALIZED),
		.uninitialized = VA(a, flags) & MV_VM_UNINITIALIZED,
		.nr_pages = VA(a, nr_pages),
		.phys_addr = VA(a, phys_addr), .pages = VA(a, pages),
	};
}

const char *vmap_area_misplaced(const struct mm_layout *lay,
				const struct vmap_area_info *a,
				uint64_t prev_end, struct vmap_evidence *ev)
{
	uint64_t start = a->start, end = a->end;

	if (start < prev_end) {
		snprintf(ev->expected, sizeof(ev->expected), "start >= 0x%" PRIx64, prev_end);
		snprintf(ev->found, sizeof(ev->found), "start 0x%" PRIx64, start);
		return "overlaps or precedes the area before it on the list";
	}
	/* end - start, not start + PAGE_SZ: a start near 2^64 must not wrap */
	if (end <= start || end - start <= PAGE_SZ ||
	    (start | end) & (PAGE_SZ - 1)) {
		snprintf(ev->expected, sizeof(ev->expected), "page-aligned, a page and a guard page");
		snprintf(ev->found, sizeof(ev->found), "[0x%" PRIx64 ", 0x%" PRIx64 ")", start, end);
		return "is not a page-aligned range with a guard page";
	}
	if (start < lay->k.vmalloc_start || end > lay->k.vmalloc_end) {
		snprintf(ev->expected, sizeof(ev->expected), "in [0x%" PRIx64 ", 0x%" PRIx64 ")",
			 lay->k.vmalloc_start, lay->k.vmalloc_end);
		snprintf(ev->found, sizeof(ev->found), "[0x%" PRIx64 ", 0x%" PRIx64 ")", start, end);
		return "lies outside the vmalloc range";
	}
	return NULL;
}

/* Does the area keep the list's order and lie in the vmalloc area? */
static bool area_in_order(struct insp *r, const struct vmap_area_info *a,
			  uint64_t prev_end)
{
	struct vmap_evidence ev;

	if (vmap_area_misplaced(r->lay, a, prev_end, &ev)) {
		insp_problem(r, "vmap_area 0x%" PRIx64 ": [0x%" PRIx64 ", 0x%" PRIx64 ") is out of order or out of the vmalloc area",
		       a->va, a->start, a->end);
		return false;
	}
	if (a->kind == VMAP_KIND_UNKNOWN)
		insp_problem(r, "vmap_area 0x%" PRIx64 ": unknown kind flags 0x%x", a->va, a->flags);
	if (a->kind != VMAP_KIND_IOREMAP && !a->uninitialized &&
	    a->nr_pages != (a->end - a->start) / PAGE_SZ - 1)
		insp_problem(r, "vmap_area 0x%" PRIx64 ": %u pages in %" PRIu64 " bytes (a guard page included)",
		       a->va, a->nr_pages, a->end - a->start);
	return true;
}

/* ---- the edge: JSON ------------------------------------------------------ */

static const char *const kind_name[] = {
	[VMAP_KIND_UNKNOWN] = "unknown",
	[VMAP_KIND_VMALLOC] = "vmalloc",
	[VMAP_KIND_VMAP] = "vmap",
	[VMAP_KIND_IOREMAP] = "ioremap",
};

json_t *vmap_area_json(const struct vmap_area_info *a, const struct ksyms *ks)
{
	char sym[KSYM_FORMAT_MAX];
	json_t *o = json_pack("{s:o,s:o,s:I,s:o,s:s}",
			      "start", qmp_addr(a->start), "end", qmp_addr(a->end),
			      "size", (json_int_t)(a->end - a->start),
			      "caller", qmp_addr(a->caller),
			      "kind", kind_name[a->kind]);

	if (ks && !ksyms_format(ks, a->caller, sym, sizeof(sym)))
		json_object_set_new(o, "caller_symbol", json_string(sym));
	if (a->kind == VMAP_KIND_IOREMAP)
		json_object_set_new(o, "phys_addr", qmp_addr(a->phys_addr));
	else
		json_object_set_new(o, "pages", json_integer(a->nr_pages));
	return o;
}

json_t *vmap_page_json(const struct vmap_page *p, const struct ksyms *ks)
{
	json_t *o = vmap_area_json(&p->area, ks);

	json_object_set_new(o, "page_index", json_integer((json_int_t)p->page_index));
	json_object_set_new(o, "address", qmp_addr(p->address));
	return o;
}

/* ---- the walk ------------------------------------------------------------ */

/* A walk of the area list: each area's copy, and the order so far. */
struct area_walk {
	uint8_t a[MAX_AREA];
	uint64_t prev, end;	/* the node before, the end of its area */
	bool stopped;		/* a problem, or @fn, ended it */
	bool unchecked;		/* every area to @fn, its order not checked */
	vmap_walk_fn fn;
	void *arg;
};

/* insp_walk_list()'s view of one area: its links checked, then @fn. */
static bool walk_area(struct insp *r, uint64_t node, void *opaque)
{
	struct area_walk *aw = opaque;
	const struct mm_layout *lay = r->lay;
	struct field prev_f = { lay->vmap_area.list.off + lay->list_head.prev.off, 8 };
	uint64_t back = field_get(aw->a, lay->vmap_area.size, prev_f);
	struct vmap_area_info info;

	area_info(r, node - lay->vmap_area.list.off, aw->a, &info);
	/* each bad link is named (the walker notes the first only) */
	if (back != aw->prev)
		insp_problem(r, "vmap_area 0x%" PRIx64 ": prev is 0x%" PRIx64 ", not 0x%" PRIx64,
		       info.va, back, aw->prev);
	if (aw->unchecked) {
		aw->stopped = aw->fn(r, &info, aw->arg);
		return !aw->stopped;
	}
	/* one being set up takes its place but is not listed (Linux's s_show) */
	if (!area_in_order(r, &info, aw->end) ||
	    (!info.uninitialized && aw->fn(r, &info, aw->arg))) {
		aw->stopped = true;
		return false;
	}
	aw->end = info.end;
	aw->prev = node;
	return true;
}

/* Names what ended the walk @w short of the list's end. */
static void walk_ended(struct insp *r, const struct insp_walk *w)
{
	uint64_t va = w->at - r->lay->vmap_area.list.off;

	if (w->truncated)
		insp_problem(r, "vmap_areas: more than %u areas; the rest is not listed",
			     VMALLOC_MAX_AREAS);
	else if (w->broken && w->at == r->lay->root.vmap_areas)
		insp_problem(r, "vmap_areas: the list head at 0x%" PRIx64 " is not readable",
			     w->at);
	else if (w->broken)
		insp_problem(r, "vmap_areas: area at 0x%" PRIx64 " is not readable", va);
	else
		insp_problem(r, "vmap_areas: %s", w->why);
}

/*
 * The bounded, checked walk of the area list (insp_walk_list(), the order
 * checked at each area, which also catches cycles). The number of areas
 * seen, or -1 when it stopped early (a problem reported, or @fn said so).
 */
static long walk_areas(struct insp *r, bool unchecked, vmap_walk_fn fn,
		       void *arg)
{
	const struct mm_layout *lay = r->lay;
	struct area_walk aw = { .prev = lay->root.vmap_areas, .unchecked = unchecked,
				.fn = fn, .arg = arg };
	struct insp_list l = {
		.end = INSP_LIST_CIRCULAR, .head = lay->root.vmap_areas,
		.limit = VMALLOC_MAX_AREAS, .copy_off = lay->vmap_area.list.off,
		.copy_size = lay->vmap_area.size, .copy = aw.a,
	};
	struct insp_walk w;

	if (insp_walk_list(r, &l, walk_area, &aw, &w)) {
		walk_ended(r, &w);
		return -1;
	}
	return aw.stopped ? -1 : (long)w.nodes;
}

long vmalloc_walk_all(struct insp *r, vmap_walk_fn fn, void *arg)
{
	if (r->lay->vmap_area.size > MAX_AREA) {
		insp_problem(r, "kernel image: struct vmap_area is %u bytes, over %u",
			     r->lay->vmap_area.size, MAX_AREA);
		return -1;
	}
	return walk_areas(r, true, fn, arg);
}

/* The page of areas one answer lists. */
struct area_page {
	struct insp_pager *pager;
	vmap_area_fn fn;
	void *arg;
};

static int list_area(struct insp *r, const struct vmap_area_info *a, void *arg)
{
	struct area_page *pg = arg;

	(void)r;
	/* the list is sorted by start: the key of the cursor */
	if (insp_pager_place(pg->pager, a->start) == INSP_PAGE_IN)
		pg->fn(a, pg->arg);
	return 0;
}

void vmalloc_read_areas(struct insp *r, struct insp_pager *pager,
			vmap_area_fn fn, void *arg)
{
	struct area_page pg = { pager, fn, arg };
	long n = walk_areas(r, false, list_area, &pg);
	uint64_t count;

	if (n >= 0 && !insp_read(r, r->lay->root.nr_vmap_areas, &count, sizeof(count)) &&
	    count != (uint64_t)n)
		insp_problem(r, "vmap_areas: %ld areas on the list, nr_vmap_areas says %" PRIu64,
		       n, count);
}

/* ---- the area that owns a page frame ----------------------------------- */

#define PAGES_PER_READ	512

struct pfn_search {
	uint64_t pfn;
	uint64_t page;			/* its struct page's address */
	struct vmap_page *found;
	bool hit;
	uint64_t pointers_left;		/* struct page pointers still to read */
};

/* Where @pfn is among the area's struct page pointers: its index, or -1. */
static long pfn_in_pages(struct insp *r, const struct vmap_area_info *a,
			 struct pfn_search *ps)
{
	uint64_t ptr[PAGES_PER_READ];
	uint32_t nr = a->nr_pages;

	for (uint32_t i = 0; i < nr; i += PAGES_PER_READ) {
		uint32_t n = nr - i < PAGES_PER_READ ? nr - i : PAGES_PER_READ;

		if (ps->pointers_left < n) {
			insp_problem(r, "page owner: more than %u page pointers in vmap areas; the rest not searched",
				     VMALLOC_MAX_POINTERS);
			return -2;
		}
		ps->pointers_left -= n;
		if (insp_read(r, a->pages + (uint64_t)i * 8, ptr, (size_t)n * 8)) {
			insp_problem(r, "vmap_area pages at 0x%" PRIx64 ": %s",
				     a->pages, r->err);
			return -2;
		}
		for (uint32_t j = 0; j < n; j++)
			if (ptr[j] == ps->page)
				return (long)(i + j);
	}
	return -1;
}

static int match_pfn(struct insp *r, const struct vmap_area_info *a, void *arg)
{
	struct pfn_search *ps = arg;
	long idx;

	if (a->kind == VMAP_KIND_IOREMAP) {
		/* the window's pages, the guard page not included */
		uint64_t first = a->phys_addr / PAGE_SZ;
		uint64_t nr = (a->end - a->start) / PAGE_SZ - 1;

		if (ps->pfn < first || ps->pfn - first >= nr)
			return 0;
		idx = (long)(ps->pfn - first);
	} else {
		idx = pfn_in_pages(r, a, ps);
		if (idx == -2)
			return 1;
		if (idx < 0)
			return 0;
	}
	ps->hit = true;
	ps->found->area = *a;
	ps->found->page_index = (uint64_t)idx;
	ps->found->address = a->start + (uint64_t)idx * PAGE_SZ;
	return 1;
}

bool vmalloc_area_of_pfn(struct insp *r, uint64_t pfn, struct vmap_page *vp)
{
	struct pfn_search ps = { pfn, 0, vp, false, VMALLOC_MAX_POINTERS };
	uint64_t mem_map, max_pfn;

	if (r->lay->vmap_area.size > MAX_AREA ||
	    insp_mem_map(r, &mem_map, &max_pfn))
		return false;	/* vmalloc_open() or the caller says why */
	ps.page = mem_map + pfn * r->lay->page.size;
	walk_areas(r, false, match_pfn, &ps);
	return ps.hit;
}

/* ---- the command --------------------------------------------------------- */

struct area_list {
	json_t *areas;
	const struct ksyms *ks;
};

static void append_area(const struct vmap_area_info *a, void *arg)
{
	struct area_list *l = arg;

	json_array_append_new(l->areas, vmap_area_json(a, l->ks));
}

json_t *vmalloc_read_vmallocinfo(const struct gmem *gm, uint64_t cr3,
				 const struct mm_layout *lay,
				 const struct insp_bounds *b, struct errbuf *e)
{
	struct insp_pager pager;
	struct area_list l = { NULL, b ? b->ksyms : NULL };
	struct insp r;
	json_t *ret, *areas;

	if (vmalloc_open(&r, gm, lay, cr3, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&pager, b, VMALLOC_PAGE_AREAS, true);
	areas = l.areas = json_array();
	vmalloc_read_areas(&r, &pager, append_area, &l);
	ret = json_pack("{s:I,s:o}", "nr_areas", (json_int_t)json_array_size(areas),
			"areas", areas);
	insp_pager_end(&r, &pager, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

json_t *cmd_query_vmallocinfo(struct qmp_ctx *ctx, json_t *args,
			      struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, VMALLOC_PAGE_AREAS, &page, err))
		return NULL;
	/*
	 * A vmalloc or vfree parked inside vmap_area_lock (between list_add
	 * and nr_vmap_areas++) reads as a passing mismatch: read again.
	 */
	return insp_query_reader_retry(ctx, "query-vmallocinfo",
				       INSP_QUERY_ATTEMPTS,
				       vmalloc_read_vmallocinfo, &page, err);
}
