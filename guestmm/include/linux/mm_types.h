/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/atomic.h>

struct kmem_cache;

/*
 * One per physical page frame, in mem_map[] (indexed by pfn). 64 bytes, as
 * on Linux. A plain struct: the VMM reads it from guest memory (mminfo.h).
 */
struct page {
	unsigned long flags;		/* PG_* bits; zone index in the top byte */
	union {
		struct {		/* page allocator and the page's owner */
			struct list_head lru;	/* free area / per-CPU list */
			unsigned long private;	/* buddy order while PG_buddy */
		};
		struct {		/* slab */
			struct list_head slab_list;
			struct kmem_cache *slab_cache;
			void *freelist;		/* first free object */
			unsigned int inuse;	/* objects handed out */
			unsigned int objects;	/* objects in this slab */
		};
	};
	atomic_t _refcount;
	unsigned int order;		/* head of an allocation: its order */
	void *virtual;			/* highmem: kmap address while mapped */
};

#endif
