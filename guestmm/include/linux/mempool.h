/* SPDX-License-Identifier: MIT */
/*
 * Memory pools: a reserve of min_nr elements for allocations that must not
 * fail. mempool_alloc() tries the underlying allocator first and dips into
 * the reserve only when it fails; with __GFP_WAIT (GFP_KERNEL, GFP_NOIO...)
 * it then sleeps until mempool_free() gives an element back, so it never
 * returns NULL. Without __GFP_WAIT (GFP_ATOMIC) it returns NULL instead.
 *
 * The typedefs are the seed's, to the letter: the free function returns
 * void * (Linux's returns void); memvisor ignores the value, and the
 * helpers below return NULL.
 */
#ifndef _LINUX_MEMPOOL_H
#define _LINUX_MEMPOOL_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

struct kmem_cache;

typedef void *(mempool_alloc_t)(int gfp_mask, void *pool_data);
typedef void *(mempool_free_t)(void *element, void *pool_data);

/* an enum, not a #define: the image's DWARF carries it for the VMM (mm_layout.c) */
enum { MEMPOOL_MAGIC = 0x4c4f4f504d454d4dULL };	/* "MMEMPOOL" */

/* A plain struct on the list `mempools`, for the VMM (mminfo.h). */
typedef struct mempool_s {
	spinlock_t lock;
	int min_nr;		/* the reserve's target size */
	int curr_nr;		/* elements in the reserve now */
	void **elements;	/* the reserve: a stack */
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	wait_queue_head_t wait;	/* sleepers in mempool_alloc */

	u64 magic;
	struct list_head list;	/* on mempools */
	/* Where elements come from, for the VMM: MV_MEMPOOL_SRC_* (mminfo.h) */
	u32 source;
	u64 source_arg;		/* the cache, the kmalloc size or the page order */
	u64 nr_reserve_allocs;	/* elements handed out of the reserve */
	u64 nr_waits;		/* times an allocation slept */
	u64 nr_failed;		/* atomic allocations that found nothing */
	const void *creator;	/* mempool_create*'s caller (module leaks) */
} mempool_t;

extern struct list_head mempools;

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data);
void *mempool_alloc(mempool_t *pool, int gfp_mask);
void mempool_free(void *element, mempool_t *pool);
/* Grows or shrinks the reserve to new_min_nr; 0 or -ENOMEM. */
int mempool_resize(mempool_t *pool, int new_min_nr, int gfp_mask);
void mempool_destroy(mempool_t *pool);

/* A slab cache as the allocator: pool_data is the struct kmem_cache *. */
void *mempool_alloc_slab(int gfp_mask, void *pool_data);
void *mempool_free_slab(void *element, void *pool_data);
mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc);

/* kmalloc as the allocator: pool_data is the size, (void *)size. */
void *mempool_kmalloc(int gfp_mask, void *pool_data);
void *mempool_kfree(void *element, void *pool_data);
mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size);

/* Pages as the allocator: pool_data is the order; elements are struct page *. */
void *mempool_alloc_pages(int gfp_mask, void *pool_data);
void *mempool_free_pages(void *element, void *pool_data);
mempool_t *mempool_create_page_pool(int min_nr, int order);

#endif
