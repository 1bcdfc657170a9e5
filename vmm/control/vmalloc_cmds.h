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
struct mm_layout;

/*
 * The vmap area that holds page frame @pfn: a vmalloc or vmap area with
 * it among its pages, or an ioremap window over it. Its query-vmallocinfo
 * entry plus "page_index" and "address" (where the area maps the frame),
 * or NULL; reads through @r, an open inspection (problems go there).
 */
json_t *vmalloc_area_of_pfn(struct insp *r, uint64_t pfn);

/*
 * The command's "return" object, or NULL with @e set (pure: no vm): the
 * page of areas @b says (NULL: the first; the key is an area's start).
 */
json_t *vmalloc_read_vmallocinfo(const struct gmem *gm, uint64_t cr3,
				 const struct mm_layout *lay,
				 const struct insp_bounds *b, struct errbuf *e);

struct ksyms;

/* Adds "caller_symbol" (name+0xoff/0xsize) to an area whose caller @ks names. */
void vmalloc_name_caller(json_t *area, const struct ksyms *ks);

json_t *cmd_query_vmallocinfo(struct qmp_ctx *ctx, json_t *args,
			      struct qmp_error *err);

#define VMALLOC_COMMANDS						\
	{ .name = QMP_VENDOR "query-vmallocinfo", .fn = cmd_query_vmallocinfo, \
	  .args = { INSP_PAGE_ARGS } },

#endif
