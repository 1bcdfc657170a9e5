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
	/* PG_reserved, told apart only by the range look (page_states): */
	PAGE_STATE_BOOTMEM,	/* in memblock.reserved: bootmem's */
	PAGE_STATE_KERNEL,	/* the kernel image */
};

struct page_state {
	enum page_state_kind kind;
	int order;		/* FREE, ALLOCATED: the block's; else -1 */
	uint64_t head_pfn;	/* the block's first frame (the pfn itself if none) */
	uint64_t cache;		/* SLAB: its kmem_cache's address */
	uint64_t caller;	/* page_owner's allocator of head_pfn; 0: none */
};

static inline bool page_state_equal(const struct page_state *a,
				    const struct page_state *b)
{
	return a->kind == b->kind && a->order == b->order &&
	       a->head_pfn == b->head_pfn && a->cache == b->cache &&
	       a->caller == b->caller;
}

/*
 * Is a page in this state memory someone allocated, that a device may
 * move bytes to or from? Free, per-CPU, reserved outside bootmem and the
 * kernel image (firmware, holes), and pages nothing says anything of are
 * not; a slab page is, object by object (struct object_state). NONE (nobody
 * could tell) is not judged: the caller lets it pass.
 */
static inline bool page_state_allocated(const struct page_state *s)
{
	switch (s->kind) {
	case PAGE_STATE_NONE:
	case PAGE_STATE_SLAB:
	case PAGE_STATE_ALLOCATED:
	case PAGE_STATE_BOOTMEM:
	case PAGE_STATE_KERNEL:
		return true;
	default:
		return false;
	}
}

/*
 * A slab object a device range lies in, as the inspector reads the slab
 * (its freelist, every CPU's magazine, the depot): object granularity for
 * kmalloc'd buffers.
 */
enum object_state_kind {
	OBJECT_NONE,		/* not looked at, or nobody could tell */
	OBJECT_LIVE,		/* allocated: on no freelist */
	OBJECT_FREE,		/* on its slab's freelist */
	OBJECT_CPU_CACHE,	/* in a CPU's magazine: freed */
	OBJECT_SHARED,		/* in the cache's depot: freed */
	OBJECT_OUTSIDE,		/* the range is not inside one object */
};

#define OBJECT_NAME_MAX	32

struct object_state {
	enum object_state_kind kind;
	int cpu;		/* CPU_CACHE: whose magazine */
	uint64_t addr;		/* the object's first byte, guest-physical */
	uint32_t size;		/* its object_size (the bytes a caller may use) */
	uint64_t cache;		/* its kmem_cache */
	char cache_name[OBJECT_NAME_MAX];	/* escaped, cut */
	/*
	 * LIVE, of a SLAB_POISON cache: every byte of it still the poison a
	 * free object holds (object_size - 1 POISON_FREE, then POISON_END):
	 * nothing was written into it since it was allocated.
	 */
	bool unwritten;
};

static inline bool object_state_live(const struct object_state *o)
{
	return o->kind == OBJECT_NONE || o->kind == OBJECT_LIVE;
}

/* "live", "free on its slab's freelist", "in cpu 1's magazine", ... */
const char *object_state_name(const struct object_state *o, char *buf,
			      size_t len);

/* "free", "slab", "bootmem", ...; "none" for NONE. */
const char *page_state_kind_name(enum page_state_kind kind);

/*
 * One line for people: "allocated order 0", "pcp", "free order 3 head_pfn
 * 256", "slab cache 0xffff888000123000". "" for NONE. Returns @buf.
 */
const char *page_state_format(const struct page_state *s, uint64_t pfn,
			      char *buf, size_t len);

#define PAGE_STATES_MAX	64	/* frames per page_states() call */

struct dmadev_fault;

/*
 * The control room, as devices see it: the inspector's look at pages and
 * at a slab object, and where a device's faults go (clients, as events). Implemented by
 * vmm/control/ (control_devices), handed to devices_create() by main.
 */
struct device_control {
	/*
	 * Fills @s[i] for the @n guest frames from @pfn of the VM @opaque
	 * (@n at most PAGE_STATES_MAX), in one inspection, PG_reserved told
	 * apart (bootmem, kernel image, or neither) and each allocation's
	 * caller read: 0, or -1 when nobody can tell yet (no descriptor
	 * published, it fails its checks). O(@n) reads, each O(1) as above,
	 * and one read of memblock.reserved. Safe without pausing the vCPUs:
	 * a torn read can only make it say UNKNOWN or another owner.
	 */
	int (*page_states)(void *opaque, uint64_t pfn, unsigned int n,
			   struct page_state *s);
	/*
	 * The slab object [@gpa, @gpa + @len) lies in, from a slab page: 0, or
	 * -1 when nobody can tell. Reads the slab's freelist (at most its
	 * objects), each CPU's magazine and the depot (at most their limits),
	 * the slab's descriptor before and after: a slab that changed under
	 * the walk is read again, and one that never holds still says NONE.
	 */
	int (*object_state)(void *opaque, uint64_t gpa, uint64_t len,
			    struct object_state *o);
	/* A DMA fault, for every client (DMA_FAULT). */
	void (*dma_fault)(void *opaque, const struct dmadev_fault *f);
};

#endif
