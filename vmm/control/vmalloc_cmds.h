/* SPDX-License-Identifier: MIT */
/*
 * query-vmallocinfo: the guest's vmalloc areas (struct vmap_area on the
 * list vmap_area_list heads, fields by the image's layout), read by the VMM itself through its page
 * walk and gmem, as /proc/vmallocinfo has them. The walk is bounded, each
 * node must follow the last (the list is sorted by address, which also
 * catches cycles: starts strictly ascend, compared without overflow) and
 * point back to it; what fails a check is reported in "inconsistencies"
 * and the walk stops there. An answer lists at most VMALLOC_PAGE_AREAS
 * areas; the next page starts after its last area's start ("start-after").
 */
#ifndef VMM_CONTROL_VMALLOC_CMDS_H
#define VMM_CONTROL_VMALLOC_CMDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "inspect_query.h"
#include "qmp.h"

#define VMALLOC_MAX_AREAS	(1U << 20)	/* areas one walk reads */
#define VMALLOC_PAGE_AREAS	4096		/* areas one answer lists */
#define VMALLOC_MAX_POINTERS	(1U << 22)	/* page pointers one search reads */

struct insp;
struct insp_bounds;
struct insp_pager;
struct mm_layout;

enum vmap_kind {
	VMAP_KIND_UNKNOWN,	/* flags the VMM does not know: named */
	VMAP_KIND_VMALLOC,
	VMAP_KIND_VMAP,
	VMAP_KIND_IOREMAP,
};

/* One struct vmap_area, as the reader found it. */
struct vmap_area_info {
	uint64_t va;			/* the struct vmap_area's address */
	uint64_t start, end;		/* [start, end): a guard page included */
	uint64_t caller;
	uint32_t flags;			/* the guest's kind flags */
	bool uninitialized;		/* MV_VM_UNINITIALIZED: being set up */
	enum vmap_kind kind;
	uint32_t nr_pages;		/* not IOREMAP */
	uint64_t phys_addr;		/* IOREMAP: the window's */
	uint64_t pages;			/* not IOREMAP: its struct page pointers */
};

/* The area that maps a page frame, and where. */
struct vmap_page {
	struct vmap_area_info area;
	uint64_t page_index;		/* the frame's page in the area */
	uint64_t address;		/* where the area maps it */
};

/*
 * insp_open() through @lay, a struct vmap_area small enough for the
 * reader's copy: 0, or -1 with @e set (@r closed).
 */
int vmalloc_open(struct insp *r, const struct gmem *gm,
		 const struct mm_layout *lay, uint64_t cr3, struct errbuf *e);

/* Why an area is misplaced: the value expected and the one found. */
struct vmap_evidence {
	char expected[96], found[96];
};

/*
 * What is wrong with the place of area @a, after an area that ends at
 * @prev_end (the list's order, its alignment and guard page, the vmalloc
 * range): NULL, or the broken rule in words with @ev filled.
 */
const char *vmap_area_misplaced(const struct mm_layout *lay,
				const struct vmap_area_info *a,
				uint64_t prev_end, struct vmap_evidence *ev);

/*
 * Every area on the list, in list order, ones being set up included, to
 * @fn, which judges their order itself (the checker, check_vmap.c): the
 * walk is insp_walk_list()'s, bounded and cycle-checked. @fn returns
 * non-zero to stop. The areas seen, or -1 when the walk ended early (why
 * in @r's problems) or @fn stopped it.
 */
typedef int (*vmap_walk_fn)(struct insp *r, const struct vmap_area_info *a,
			    void *arg);
long vmalloc_walk_all(struct insp *r, vmap_walk_fn fn, void *arg);

/* Hands each area of a page to the formatter, in order. */
typedef void (*vmap_area_fn)(const struct vmap_area_info *a, void *arg);

/*
 * The page of areas @pager places (the key: an area's start), read
 * through @r (vmalloc_open()): @fn sees each area listed; what fails a
 * check goes to @r's problems, and the walk stops there.
 */
void vmalloc_read_areas(struct insp *r, struct insp_pager *pager,
			vmap_area_fn fn, void *arg);

/*
 * The vmap area that holds page frame @pfn: a vmalloc or vmap area with
 * it among its pages, or an ioremap window over it. True with *@vp
 * filled, or false; reads through @r, an open inspection (problems go
 * there).
 */
bool vmalloc_area_of_pfn(struct insp *r, uint64_t pfn, struct vmap_page *vp);

struct ksyms;

/*
 * The edge: an area's query-vmallocinfo entry, with "caller_symbol"
 * (name+0xoff/0xsize) when @ks (may be NULL) names its caller; and with
 * "page_index", "address".
 */
json_t *vmap_area_json(const struct vmap_area_info *a, const struct ksyms *ks);
json_t *vmap_page_json(const struct vmap_page *p, const struct ksyms *ks);

/*
 * The command's "return" object, or NULL with @e set (pure: no vm): the
 * page of areas @b says (NULL: the first; the key is an area's start),
 * callers named from @b's symbols.
 */
json_t *vmalloc_read_vmallocinfo(const struct gmem *gm, uint64_t cr3,
				 const struct mm_layout *lay,
				 const struct insp_bounds *b, struct errbuf *e);

json_t *cmd_query_vmallocinfo(struct qmp_ctx *ctx, json_t *args,
			      struct qmp_error *err);

#define VMALLOC_COMMANDS						\
	{ .name = QMP_VENDOR "query-vmallocinfo", .fn = cmd_query_vmallocinfo, \
	  .args = { INSP_PAGE_ARGS } },

#endif
