// SPDX-License-Identifier: MIT
/* query-vmallocinfo (vmalloc_cmds.h). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <memvisor/mminfo.h>

#include "inspect.h"
#include "inspect_legacy.h"
#include "inspect_query.h"
#include "pagewalk.h"
#include "vmalloc_cmds.h"
#include "vm.h"

#define PAGE_SZ		4096ULL
#define MAX_AREA	4096U		/* bytes of a struct vmap_area, at most */

static int check_layout(const struct mv_vmap_layout *l, struct errbuf *e)
{
	const struct { const char *name; uint32_t off, width; } f[] = {
		{ "va_start", l->va_start, 8 }, { "va_end", l->va_end, 8 },
		{ "list", l->list, 16 }, { "pages", l->pages, 8 },
		{ "nr_pages", l->nr_pages, 4 }, { "flags", l->flags, 4 },
		{ "phys_addr", l->phys_addr, 8 }, { "caller", l->caller, 8 },
	};

	if (!l->sizeof_area || l->sizeof_area > MAX_AREA)
		return errf(e, "descriptor: sizeof vmap_area %u is 0 or over %u",
			    l->sizeof_area, MAX_AREA);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if ((uint64_t)f[i].off + f[i].width > l->sizeof_area)
			return errf(e, "descriptor: vmap_area.%s (offset %u) lies outside its struct (%u bytes)",
				    f[i].name, f[i].off, l->sizeof_area);
	if (l->vmalloc_start >= l->vmalloc_end)
		return errf(e, "descriptor: vmalloc area [0x%" PRIx64 ", 0x%" PRIx64 ") is empty",
			    l->vmalloc_start, l->vmalloc_end);
	return 0;
}

/* insp_open_mminfo(), the vmap layout's checks, the walk from @cr3. */
static int vmalloc_open(struct insp *r, const struct gmem *gm, uint64_t cr3,
			uint64_t gpa, struct errbuf *e)
{
	if (insp_open_mminfo(r, gm, gpa, e) ||
	    (r->mi.vmap_areas && check_layout(&r->mi.vmap, e))) {
		insp_close(r);
		return -1;
	}
	r->cr3 = cr3;
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
	const struct mv_vmap_layout *l = &r->mi.vmap;
	uint64_t start = insp_u64(a, l->va_start), end = insp_u64(a, l->va_end);
	uint32_t flags = insp_u32(a, l->flags), nr = insp_u32(a, l->nr_pages);

	/* end - start, not start + PAGE_SZ: a start near 2^64 must not wrap */
	if (start < prev_end || end <= start || end - start <= PAGE_SZ ||
	    start < l->vmalloc_start || end > l->vmalloc_end ||
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
	const struct mv_vmap_layout *l = &r->mi.vmap;
	uint64_t start = insp_u64(a, l->va_start), end = insp_u64(a, l->va_end);
	uint32_t flags = insp_u32(a, l->flags);
	const char *kind = kind_name(flags);
	json_t *o;

	o = json_pack("{s:o,s:o,s:I,s:o,s:s}",
		      "start", qmp_addr(start), "end", qmp_addr(end),
		      "size", (json_int_t)(end - start),
		      "caller", qmp_addr(insp_u64(a, l->caller)),
		      "kind", kind ? kind : "unknown");
	if (flags == MV_VM_IOREMAP)
		json_object_set_new(o, "phys_addr", qmp_addr(insp_u64(a, l->phys_addr)));
	else
		json_object_set_new(o, "pages", json_integer(insp_u32(a, l->nr_pages)));
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
	const struct mv_vmap_layout *l = &r->mi.vmap;
	uint64_t head = r->mi.vmap_areas, prev = head, node, end = 0;
	unsigned long n = 0;
	uint8_t a[MAX_AREA];

	if (insp_read(r, head, &node, sizeof(node))) {
		insp_problem(r, "vmap_areas: the list head at 0x%" PRIx64 " is not readable", head);
		return -1;
	}
	for (; node != head; n++) {
		uint64_t va = node - l->list;

		if (n >= VMALLOC_MAX_AREAS) {
			insp_problem(r, "vmap_areas: more than %u areas; the rest is not listed",
			       VMALLOC_MAX_AREAS);
			return -1;
		}
		if (insp_read(r, va, a, l->sizeof_area)) {
			insp_problem(r, "vmap_areas: area at 0x%" PRIx64 " is not readable", va);
			return -1;
		}
		if (insp_u64(a, l->list + 8) != prev)
			insp_problem(r, "vmap_area 0x%" PRIx64 ": prev is 0x%" PRIx64 ", not 0x%" PRIx64,
			       va, insp_u64(a, l->list + 8), prev);
		if (!area_in_order(r, va, a, end) || fn(r, va, a, arg))
			return -1;
		end = insp_u64(a, l->va_end);
		prev = node;
		node = insp_u64(a, l->list);
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
	if (insp_pager_place(&pg->pager, insp_u64(a, r->mi.vmap.va_start)) ==
	    INSP_PAGE_IN)
		json_array_append_new(pg->areas, area_json(r, a));
	return 0;
}

static void list_areas(struct insp *r, struct area_page *pg)
{
	long n = walk_areas(r, list_area, pg);
	uint64_t count;

	if (n >= 0 && !insp_read(r, r->mi.vmap.nr_areas, &count, sizeof(count)) &&
	    count != (uint64_t)n)
		insp_problem(r, "vmap_areas: %ld areas on the list, nr_vmap_areas says %" PRIu64,
		       n, count);
}

/* ---- the area that owns a page frame ----------------------------------- */

#define PAGES_PER_READ	512

struct pfn_search {
	uint64_t pfn;
	json_t *found;
	uint64_t pointers_left;		/* struct page pointers still to read */
};

/* Where @pfn is among the area's struct page pointers: its index, or -1. */
static long pfn_in_pages(struct insp *r, const uint8_t *a,
			 struct pfn_search *ps)
{
	const struct mv_vmap_layout *l = &r->mi.vmap;
	uint64_t pages = insp_u64(a, l->pages), want;
	uint32_t nr = insp_u32(a, l->nr_pages);
	uint64_t ptr[PAGES_PER_READ];

	want = r->mi.mem_map + ps->pfn * r->mi.sizeof_page;
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
	const struct mv_vmap_layout *l = &r->mi.vmap;
	struct pfn_search *ps = arg;
	uint64_t start = insp_u64(a, l->va_start), end = insp_u64(a, l->va_end);
	uint64_t phys = insp_u64(a, l->phys_addr);
	long idx;

	if (insp_u32(a, l->flags) == MV_VM_IOREMAP) {
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
	struct pfn_search ps = { pfn, NULL, VMALLOC_MAX_POINTERS };
	struct errbuf e = { "" };

	if (!r->mi.vmap_areas)
		return NULL;
	if (check_layout(&r->mi.vmap, &e)) {
		insp_problem(r, "%s", e.msg);
		return NULL;
	}
	walk_areas(r, match_pfn, &ps);
	return ps.found;
}

json_t *vmalloc_read_vmallocinfo(const struct gmem *gm, uint64_t cr3,
				 uint64_t mminfo_gpa, const struct insp_bounds *b,
				 struct errbuf *e)
{
	struct area_page pg;
	struct insp r;
	json_t *ret;

	if (vmalloc_open(&r, gm, cr3, mminfo_gpa, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&pg.pager, b, VMALLOC_PAGE_AREAS, true);
	pg.areas = json_array();
	if (!r.mi.vmap_areas)
		insp_problem(&r, "vmap_areas: not published (vmalloc not up yet)");
	else
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
