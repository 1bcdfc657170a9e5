/* SPDX-License-Identifier: MIT */
/*
 * page-owner: who owns a guest page frame, read by the VMM from guest
 * memory (the zones, memblock, the buddy and per-CPU lists' flags, the
 * page tables, the vmap areas) through the image's layout (mm_layout.h),
 * as Linux's page_owner and /proc/kpageflags tell it.
 *
 * Two readers: page_owner_read(), the full answer of the QMP command,
 * which may search (the kernel's page tables, the vmap areas: bounded);
 * and page_state_read(), the devices' O(1) look (vmm/io/page_state.h),
 * which never does. Both fill C structs; JSON is made at the edge
 * (page_owner_json()). Pure (no vm, no locks): the command parks the
 * vCPUs around the read; the unit tests run them over a hosted guest.
 */
#ifndef VMM_CONTROL_PAGE_OWNER_H
#define VMM_CONTROL_PAGE_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "gmem.h"
#include "mm_layout.h"
#include "page_state.h"
#include "qmp.h"
#include "vmalloc_cmds.h"

struct insp;
struct insp_bounds;
struct ksyms;

#define PAGE_OWNER_MAX_TABLES	4096	/* page-table pages looked at */

enum page_owner_kind {
	PAGE_OWNER_UNKNOWN,	/* with a reason */
	PAGE_OWNER_FREE,	/* in a free buddy block, or deferred */
	PAGE_OWNER_PCP,
	PAGE_OWNER_SLAB,
	PAGE_OWNER_BOOTMEM,	/* memblock.reserved */
	PAGE_OWNER_PAGETABLE,	/* one of the kernel's page tables */
	PAGE_OWNER_KERNEL,	/* the kernel image */
	PAGE_OWNER_ALLOCATED,
	PAGE_OWNER_IOREMAP,	/* no allocator's: an ioremap window's */
};

struct page_owner {
	uint64_t pfn;
	enum page_owner_kind kind;
	int order;			/* FREE, ALLOCATED: the block's; -1 */
	uint64_t head_pfn;		/* the block's first frame; pfn if its own */
	bool compound;			/* ALLOCATED: PG_head */
	bool deferred;			/* FREE: struct page not initialised yet */
	char zone[32];			/* "": in no zone */
	uint64_t cache;			/* SLAB: the kmem_cache */
	char cache_name[257];
	uint64_t caller;		/* ALLOCATED: who allocated (0: unknown) */
	bool in_vmap_area;		/* a vmap area maps it: */
	struct vmap_page vmap_area;
	const char *reason;		/* UNKNOWN: why */
};

/*
 * The full owner of @pfn from @cr3 (the kernel's root: inspect.h's rule):
 * 0, or -1 with @e set when the image has no memory manager or mem_map is
 * not set up yet (or damaged). What fails a check on the way goes to
 * *@problems (a new JSON array of strings). @b: the query's deadline (NULL:
 * none); the owner's search (free lists, page tables, vmap areas) stops at
 * it and says so. @o holds nothing to free.
 */
int page_owner_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, const struct insp_bounds *b,
		    uint64_t pfn, struct page_owner *o, json_t **problems,
		    struct errbuf *e);

/*
 * The command's "return" object for @o and its @problems (both stolen); a
 * vmap area's caller named from @ks (may be NULL).
 */
json_t *page_owner_json(struct page_owner *o, json_t *problems,
			const struct ksyms *ks);

/*
 * Read and format as one call (@b: the deadline and the symbols, may be
 * NULL): NULL with @e set on failure.
 */
json_t *page_owner_answer(const struct gmem *gm, uint64_t cr3,
			  const struct mm_layout *lay,
			  const struct insp_bounds *b, uint64_t pfn,
			  struct errbuf *e);

/* The devices' O(1) look at @pfn (page_state.h): 0, or -1 with @e. */
int page_state_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, uint64_t pfn,
		    struct page_state *s, struct errbuf *e);

/*
 * For a reader that copies struct pages itself (physmap.c), through @r
 * (an open inspection with mem_map read): what @page, the copy of @pfn's
 * struct page, says of the frame alone (false: nothing; s->kind, order and
 * cache set when true); and, for a frame that says nothing, the block it
 * lies in, from the head candidates' struct pages (s unchanged if none).
 */
bool page_state_says(struct insp *r, uint64_t pfn, const uint8_t *page,
		     struct page_state *s);
void page_state_of_head(struct insp *r, uint64_t pfn, struct page_state *s);

/*
 * The devices' range look (page_state.h's page_states): @n frames from
 * @pfn in one inspection, PG_reserved told apart (kernel image,
 * memblock.reserved: read once) and each allocation's caller: 0, or -1
 * with @e. A frame whose struct page is unreadable is NONE, one beyond
 * max_pfn UNKNOWN.
 */
int page_states_read(const struct gmem *gm, uint64_t cr3,
		     const struct mm_layout *lay, uint64_t pfn, unsigned int n,
		     struct page_state *s, struct errbuf *e);

/* device_control's page_states for the struct vm @opaque. */
int page_states_of_vm(void *opaque, uint64_t pfn, unsigned int n,
		      struct page_state *s);

json_t *cmd_page_owner(struct qmp_ctx *ctx, json_t *args,
		       struct qmp_error *err);

#define PAGE_OWNER_COMMANDS						\
	{ .name = QMP_VENDOR "page-owner", .fn = cmd_page_owner,		\
	  .args = { { "pfn", QMP_ARG_INT, false } } },

#endif
