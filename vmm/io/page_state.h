/* SPDX-License-Identifier: MIT */
/*
 * What the devices may ask the inspector about guest memory, and only
 * that (and where their faults go: struct device_control): who owns a
 * page frame, as far as one look at its struct page (and
 * at the head of the block it lies in) can say. The control room
 * implements it (vmm/control/page_owner.c); the devices hold it as a
 * struct of function pointers, so they include nothing of the inspector.
 *
 * Cost: O(1) per page whatever the guest holds: the descriptor, the
 * page's struct page, and at most one struct page per order to find the
 * head of the free block or allocation it lies in (MAX_ORDER <= 32). Never
 * a list, a page table or a vmap area: a DMA chain must not wait on the
 * guest's data structures (issue 15). page-owner, the QMP command, is the
 * full answer.
 */
#ifndef VMM_IO_PAGE_STATE_H
#define VMM_IO_PAGE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum page_state_kind {
	PAGE_STATE_NONE,	/* not looked at: compares equal to nothing */
	PAGE_STATE_UNKNOWN,	/* no flag, no reference, in no block */
	PAGE_STATE_FREE,	/* in the buddy allocator (PG_buddy on its head) */
	PAGE_STATE_PCP,		/* on a per-CPU free list (PG_pcp) */
	PAGE_STATE_SLAB,	/* a slab's page (PG_slab) */
	PAGE_STATE_RESERVED,	/* PG_reserved */
	PAGE_STATE_ALLOCATED,	/* referenced: a block's head or inside it */
};

struct page_state {
	enum page_state_kind kind;
	int order;		/* FREE, ALLOCATED: the block's; else -1 */
	uint64_t head_pfn;	/* the block's first frame (the pfn itself if none) */
	uint64_t cache;		/* SLAB: its kmem_cache's address */
};

static inline bool page_state_equal(const struct page_state *a,
				    const struct page_state *b)
{
	return a->kind == b->kind && a->order == b->order &&
	       a->head_pfn == b->head_pfn && a->cache == b->cache;
}

/*
 * One line for people: "allocated order 0", "pcp", "free order 3 head_pfn
 * 256", "slab cache 0xffff888000123000". "" for NONE. Returns @buf.
 */
const char *page_state_format(const struct page_state *s, uint64_t pfn,
			      char *buf, size_t len);

struct dmadev_fault;

/*
 * The control room, as devices see it: the inspector's look at a page,
 * and where a device's faults go (clients, as events). Implemented by
 * vmm/control/ (control_devices), handed to devices_create() by main.
 */
struct device_control {
	/*
	 * Fills @s for guest frame @pfn of the VM @opaque: 0, or -1 when
	 * nobody can tell yet (no descriptor published, it fails its
	 * checks). Safe without pausing the vCPUs: a torn read can only
	 * make it say UNKNOWN or another owner.
	 */
	int (*page_state)(void *opaque, uint64_t pfn, struct page_state *s);
	/* A DMA fault, for every client (DMA_FAULT). */
	void (*dma_fault)(void *opaque, const struct dmadev_fault *f);
};

#endif
