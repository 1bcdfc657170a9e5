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

/* insp_open() through @lay: a vmap_area must fit the reader's copy. */
static int vmalloc_open(struct insp *r, const struct gmem *gm,
			const struct mm_layout *lay, uint64_t cr3,
			struct errbuf *e)
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

static const char *kind_name(uint32_t flags)
{
	if (flags == MV_VM_ALLOC)
		return "vmalloc";
	if (flags == MV_VM_MAP)
		return "vmap";
	if (flags == MV_VM_IOREMAP)
		return "ioremap";
	return NULL;
}

/* Does the area keep the list's order and lie in the vmalloc area? */
static bool area_in_order(struct insp *r, uint64_t va, const uint8_t *a,
			  uint64_t prev_end)
{
	uint64_t start = VA(a, va_start), end = VA(a, va_end);
	uint32_t flags = VA(a, flags), nr = VA(a, nr_pages);

	/* end - start, not start + PAGE_SZ: a start near 2^64 must not wrap */
	if (start < prev_end || end <= start || end - start <= PAGE_SZ ||
	    start < r->lay->k.vmalloc_start || end > r->lay->k.vmalloc_end ||
	    (start | end) & (PAGE_SZ - 1)) {
		insp_problem(r, "vmap_area 0x%" PRIx64 ": [0x%" PRIx64 ", 0x%" PRIx64 ") is out of order or out of the vmalloc area",
		       va, start, end);
		return false;
	}
	if (!kind_name(flags))
		insp_problem(r, "vmap_area 0x%" PRIx64 ": unknown kind flags 0x%x", va, flags);
	if (flags != MV_VM_IOREMAP && nr != (end - start) / PAGE_SZ - 1)
		insp_problem(r, "vmap_area 0x%" PRIx64 ": %u pages in %" PRIu64 " bytes (a guard page included)",
		       va, nr, end - start);
	return true;
}

/* One area's JSON, as query-vmallocinfo lists it. */
static json_t *area_json(struct insp *r, const uint8_t *a)
{
	uint64_t start = VA(a, va_start), end = VA(a, va_end);
	uint32_t flags = VA(a, flags);
	const char *kind = kind_name(flags);
	json_t *o;

	o = json_pack("{s:o,s:o,s:I,s:o,s:s}",
		      "start", qmp_addr(start), "end", qmp_addr(end),
		      "size", (json_int_t)(end - start),
		      "caller", qmp_addr(VA(a, caller)),
		      "kind", kind ? kind : "unknown");
	if (flags == MV_VM_IOREMAP)
		json_object_set_new(o, "phys_addr", qmp_addr(VA(a, phys_addr)));
	else
		json_object_set_new(o, "pages", json_integer(VA(a, nr_pages)));
	return o;
}

/* Called for each area in order; non-zero stops the walk. */
typedef int (*area_fn)(struct insp *r, uint64_t va, const uint8_t *a,
		       void *arg);

/*
 * The bounded, checked walk of the area list. The number of areas seen,
 * or -1 when it stopped early (a problem reported, or @fn said so).
 */
static long walk_areas(struct insp *r, area_fn fn, void *arg)
{
	uint64_t head = r->lay->root.vmap_areas, prev = head, node, end = 0;
	struct field prev_f = {
		r->lay->vmap_area.list.off + r->lay->list_head.prev.off, 8
	};
	unsigned long n = 0;
	uint8_t a[MAX_AREA];

	if (insp_read(r, head, &node, sizeof(node))) {
		insp_problem(r, "vmap_areas: the list head at 0x%" PRIx64 " is not readable", head);
		return -1;
	}
	for (; node != head; n++) {
		uint64_t va = node - r->lay->vmap_area.list.off;

		if (n >= VMALLOC_MAX_AREAS) {
			insp_problem(r, "vmap_areas: more than %u areas; the rest is not listed",
			       VMALLOC_MAX_AREAS);
			return -1;
		}
		if (insp_read(r, va, a, r->lay->vmap_area.size)) {
			insp_problem(r, "vmap_areas: area at 0x%" PRIx64 " is not readable", va);
			return -1;
		}
		if (field_get(a, r->lay->vmap_area.size, prev_f) != prev)
			insp_problem(r, "vmap_area 0x%" PRIx64 ": prev is 0x%" PRIx64 ", not 0x%" PRIx64,
			       va, field_get(a, r->lay->vmap_area.size, prev_f), prev);
		if (!area_in_order(r, va, a, end) || fn(r, va, a, arg))
			return -1;
		end = VA(a, va_end);
		prev = node;
		node = field_get(a, r->lay->vmap_area.size, (struct field){
			r->lay->vmap_area.list.off + r->lay->list_head.next.off, 8 });
	}
	return (long)n;
}

/* The page of areas one answer lists. */
struct area_page {
	struct insp_pager pager;
	json_t *areas;
};

static int list_area(struct insp *r, uint64_t va, const uint8_t *a, void *arg)
{
	struct area_page *pg = arg;

	/* the list is sorted by start: the key of the cursor */
	if (insp_pager_place(&pg->pager, VA(a, va_start)) ==
	    INSP_PAGE_IN)
		json_array_append_new(pg->areas, area_json(r, a));
	return 0;
}

static void list_areas(struct insp *r, struct area_page *pg)
{
	long n = walk_areas(r, list_area, pg);
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
	json_t *found;
	uint64_t pointers_left;		/* struct page pointers still to read */
};

/* Where @pfn is among the area's struct page pointers: its index, or -1. */
static long pfn_in_pages(struct insp *r, const uint8_t *a,
			 struct pfn_search *ps)
{
	uint64_t pages = VA(a, pages), want;
	uint32_t nr = VA(a, nr_pages);
	uint64_t ptr[PAGES_PER_READ];

	want = ps->page;
	for (uint32_t i = 0; i < nr; i += PAGES_PER_READ) {
		uint32_t n = nr - i < PAGES_PER_READ ? nr - i : PAGES_PER_READ;

		if (ps->pointers_left < n) {
			insp_problem(r, "page owner: more than %u page pointers in vmap areas; the rest not searched",
				     VMALLOC_MAX_POINTERS);
			return -2;
		}
		ps->pointers_left -= n;
		if (insp_read(r, pages + (uint64_t)i * 8, ptr, (size_t)n * 8)) {
			insp_problem(r, "vmap_area pages at 0x%" PRIx64 ": %s",
				     pages, r->err);
			return -2;
		}
		for (uint32_t j = 0; j < n; j++)
			if (ptr[j] == want)
				return (long)(i + j);
	}
	return -1;
}

static int match_pfn(struct insp *r, uint64_t va, const uint8_t *a, void *arg)
{
	struct pfn_search *ps = arg;
	uint64_t start = VA(a, va_start), end = VA(a, va_end);
	uint64_t phys = VA(a, phys_addr);
	long idx;

	if (VA(a, flags) == MV_VM_IOREMAP) {
		/* the window's pages, the guard page not included */
		uint64_t first = phys / PAGE_SZ, nr = (end - start) / PAGE_SZ - 1;

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
	ps->found = area_json(r, a);
	json_object_set_new(ps->found, "page_index", json_integer(idx));
	json_object_set_new(ps->found, "address",
			    qmp_addr(start + (uint64_t)idx * PAGE_SZ));
	return 1;
}

json_t *vmalloc_area_of_pfn(struct insp *r, uint64_t pfn)
{
	struct pfn_search ps = { pfn, 0, NULL, VMALLOC_MAX_POINTERS };
	uint64_t mem_map, max_pfn;

	if (r->lay->vmap_area.size > MAX_AREA ||
	    insp_mem_map(r, &mem_map, &max_pfn))
		return NULL;	/* vmalloc_open() or the caller says why */
	ps.page = mem_map + pfn * r->lay->page.size;
	walk_areas(r, match_pfn, &ps);
	return ps.found;
}

json_t *vmalloc_read_vmallocinfo(const struct gmem *gm, uint64_t cr3,
				 const struct mm_layout *lay,
				 const struct insp_bounds *b, struct errbuf *e)
{
	struct area_page pg;
	struct insp r;
	json_t *ret;

	if (vmalloc_open(&r, gm, lay, cr3, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&pg.pager, b, VMALLOC_PAGE_AREAS, true);
	pg.areas = json_array();
	list_areas(&r, &pg);
	ret = json_pack("{s:I,s:o}", "nr_areas", (json_int_t)json_array_size(pg.areas),
			"areas", pg.areas);
	insp_pager_end(&r, &pg.pager, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

void vmalloc_name_caller(json_t *area, const struct ksyms *ks)
{
	char sym[KSYM_FORMAT_MAX];
	uint64_t caller;

	if (!json_is_object(area) ||
	    qmp_get_addr(json_object_get(area, "caller"), &caller) ||
	    ksyms_format(ks, caller, sym, sizeof(sym)))
		return;
	json_object_set_new(area, "caller_symbol", json_string(sym));
}

json_t *cmd_query_vmallocinfo(struct qmp_ctx *ctx, json_t *args,
			      struct qmp_error *err)
{
	struct insp_bounds page;
	json_t *ret, *a;
	size_t i;

	if (insp_page_args(args, VMALLOC_PAGE_AREAS, &page, err))
		return NULL;
	ret = insp_query_reader(ctx, "query-vmallocinfo",
				vmalloc_read_vmallocinfo, &page, err);
	if (ret && ctx->vm)
		json_array_foreach(json_object_get(ret, "areas"), i, a)
			vmalloc_name_caller(a, &ctx->vm->ksyms);
	return ret;
}
