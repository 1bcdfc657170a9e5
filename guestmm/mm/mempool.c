// SPDX-License-Identifier: MIT
/*
 * Memory pools (Linux's mm/mempool.c): a reserve that lets allocations
 * which must succeed wait for a freed element instead of failing.
 *
 * mempool_alloc() asks the allocator first, without sleeping or reclaim;
 * then takes from the reserve; then asks again with the caller's full
 * flags; then, if it may sleep, waits on the pool until mempool_free()
 * refills the reserve (or 5 s pass, when memory may have come back) and
 * starts over. Freed elements refill the reserve before the allocator.
 */
#include <linux/kernel.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/sched.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <memvisor/mminfo.h>
#include "leaks.h"

LIST_HEAD(mempools);
static DEFINE_SPINLOCK(mempools_lock);

/* How long a sleeper waits before trying the allocator again anyway. */
#define MEMPOOL_RETRY_JIFFIES	(5 * HZ)

static void add_element(mempool_t *pool, void *element)
{
	BUG_ON(pool->curr_nr >= pool->min_nr);
	pool->elements[pool->curr_nr++] = element;
}

static void *remove_element(mempool_t *pool)
{
	BUG_ON(pool->curr_nr <= 0);
	return pool->elements[--pool->curr_nr];
}

static void free_reserve(mempool_t *pool)
{
	while (pool->curr_nr)
		pool->free(remove_element(pool), pool->pool_data);
}

static mempool_t *__mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
				   mempool_free_t *free_fn, void *pool_data,
				   u32 source, u64 source_arg,
				   unsigned long caller)
{
	mempool_t *pool;

	if (min_nr < 0 || !alloc_fn || !free_fn)
		return NULL;
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->elements = kmalloc_array(min_nr ? min_nr : 1, sizeof(void *), GFP_KERNEL);
	if (!pool->elements)
		goto out_free;
	spin_lock_init(&pool->lock);
	init_waitqueue_head(&pool->wait);
	pool->min_nr = min_nr;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->magic = MEMPOOL_MAGIC;
	pool->source = source;
	pool->source_arg = source_arg;
	pool->creator = (const void *)caller;

	/* The reserve is filled now, while failing is still allowed. */
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(GFP_KERNEL, pool->pool_data);

		if (!element)
			goto out_free_reserve;
		add_element(pool, element);
	}
	spin_lock(&mempools_lock);
	list_add_tail(&pool->list, &mempools);
	spin_unlock(&mempools_lock);
	return pool;

out_free_reserve:
	free_reserve(pool);
	kfree(pool->elements);
out_free:
	kfree(pool);
	return NULL;
}

/*
 * Linux's own element pairs passed by hand, as LDD3 writes
 * mempool_create(n, mempool_alloc_slab, mempool_free_slab, cache): the
 * same pools as the mempool_create_*_pool() ones, and shown so.
 */
static u32 pool_source(mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		       void *pool_data, u64 *arg)
{
	*arg = (u64)(unsigned long)pool_data;
	if (alloc_fn == mempool_alloc_slab && free_fn == mempool_free_slab)
		return MV_MEMPOOL_SRC_SLAB;
	if (alloc_fn == mempool_kmalloc && free_fn == mempool_kfree)
		return MV_MEMPOOL_SRC_KMALLOC;
	if (alloc_fn == mempool_alloc_pages && free_fn == mempool_free_pages)
		return MV_MEMPOOL_SRC_PAGE;
	*arg = 0;
	return MV_MEMPOOL_SRC_CUSTOM;
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data)
{
	u64 arg;
	u32 source = pool_source(alloc_fn, free_fn, pool_data, &arg);

	return __mempool_create(min_nr, alloc_fn, free_fn, pool_data, source,
				arg, _RET_IP_);
}

void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	spin_lock(&mempools_lock);
	list_del(&pool->list);
	spin_unlock(&mempools_lock);
	free_reserve(pool);
	pool->magic = 0;
	kfree(pool->elements);
	kfree(pool);
}

/* Takes an element from the reserve, or NULL. */
static void *take_reserve(mempool_t *pool)
{
	unsigned long flags;
	void *element = NULL;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->curr_nr) {
		element = remove_element(pool);
		pool->nr_reserve_allocs++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return element;
}

/*
 * Sleeps until mempool_free() wakes us or the retry time passes. Registered
 * as a waiter before the reserve is looked at under the lock, so a free
 * between that look and the sleep still wakes us.
 */
static void wait_for_element(mempool_t *pool)
{
	struct wait_queue_entry wait = { .task = current };
	unsigned long flags;

	prepare_to_wait(&pool->wait, &wait, TASK_UNINTERRUPTIBLE);
	spin_lock_irqsave(&pool->lock, flags);
	if (!pool->curr_nr) {
		pool->nr_waits++;
		spin_unlock_irqrestore(&pool->lock, flags);
		schedule_timeout(MEMPOOL_RETRY_JIFFIES);
	} else {
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	finish_wait(&pool->wait, &wait);
}

void *mempool_alloc(mempool_t *pool, int gfp_mask)
{
	gfp_t gfp = (gfp_t)gfp_mask | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN;
	/* First try: no sleeping, no I/O: the reserve is there for that. */
	gfp_t gfp_temp = gfp & ~(__GFP_WAIT | __GFP_IO);
	unsigned long flags;
	void *element;

	if (gfp & __GFP_WAIT)
		might_sleep();
	for (;;) {
		element = pool->alloc(gfp_temp, pool->pool_data);
		if (likely(element))
			return element;
		element = take_reserve(pool);
		if (element)
			return element;
		if (gfp_temp != gfp) {	/* now with the caller's own flags */
			gfp_temp = gfp;
			continue;
		}
		if (!(gfp & __GFP_WAIT)) {
			spin_lock_irqsave(&pool->lock, flags);
			pool->nr_failed++;
			spin_unlock_irqrestore(&pool->lock, flags);
			return NULL;
		}
		wait_for_element(pool);
	}
}

void mempool_free(void *element, mempool_t *pool)
{
	unsigned long flags;

	if (unlikely(!element))
		return;
	/* Unlocked peek: a full reserve (the usual case) takes no lock. */
	if (unlikely(READ_ONCE(pool->curr_nr) < pool->min_nr)) {
		spin_lock_irqsave(&pool->lock, flags);
		if (likely(pool->curr_nr < pool->min_nr)) {
			add_element(pool, element);
			spin_unlock_irqrestore(&pool->lock, flags);
			wake_up(&pool->wait);
			return;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	pool->free(element, pool->pool_data);
}

static void shrink_reserve(mempool_t *pool, int new_min_nr)
{
	unsigned long flags;
	void *element;

	spin_lock_irqsave(&pool->lock, flags);
	pool->min_nr = new_min_nr;
	while (pool->curr_nr > new_min_nr) {
		element = remove_element(pool);
		spin_unlock_irqrestore(&pool->lock, flags);
		pool->free(element, pool->pool_data);
		spin_lock_irqsave(&pool->lock, flags);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

int mempool_resize(mempool_t *pool, int new_min_nr, int gfp_mask)
{
	void **new_elements, **old;
	unsigned long flags;
	void *element;

	if (new_min_nr <= 0)
		return -EINVAL;
	if (gfp_mask & __GFP_WAIT)
		might_sleep();
	if (new_min_nr <= pool->min_nr) {
		shrink_reserve(pool, new_min_nr);
		return 0;
	}
	new_elements = kmalloc_array(new_min_nr, sizeof(void *), gfp_mask);
	if (!new_elements)
		return -ENOMEM;
	spin_lock_irqsave(&pool->lock, flags);
	if (unlikely(new_min_nr <= pool->min_nr)) {	/* shrunk meanwhile */
		spin_unlock_irqrestore(&pool->lock, flags);
		kfree(new_elements);
		return mempool_resize(pool, new_min_nr, gfp_mask);
	}
	memcpy(new_elements, pool->elements, pool->curr_nr * sizeof(void *));
	old = pool->elements;
	pool->elements = new_elements;
	pool->min_nr = new_min_nr;
	spin_unlock_irqrestore(&pool->lock, flags);
	kfree(old);

	while (READ_ONCE(pool->curr_nr) < pool->min_nr) {
		element = pool->alloc(gfp_mask, pool->pool_data);
		if (!element)
			return -ENOMEM;	/* min_nr stays: frees refill it */
		spin_lock_irqsave(&pool->lock, flags);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
			element = NULL;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		if (element)
			pool->free(element, pool->pool_data);
	}
	return 0;
}

/* ---- the standard allocators --------------------------------------------- */

void *mempool_alloc_slab(int gfp_mask, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp_mask);
}

void *mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
	return NULL;
}

mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return __mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, kc,
				MV_MEMPOOL_SRC_SLAB, (u64)(unsigned long)kc, _RET_IP_);
}

void *mempool_kmalloc(int gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}

void *mempool_kfree(void *element, void *pool_data)
{
	kfree(element);
	return NULL;
}

mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return __mempool_create(min_nr, mempool_kmalloc, mempool_kfree,
				(void *)size, MV_MEMPOOL_SRC_KMALLOC, size, _RET_IP_);
}

void *mempool_alloc_pages(int gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(unsigned long)pool_data);
}

void *mempool_free_pages(void *element, void *pool_data)
{
	__free_pages(element, (unsigned int)(unsigned long)pool_data);
	return NULL;
}

mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	return __mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages,
				(void *)(unsigned long)order, MV_MEMPOOL_SRC_PAGE,
				(u64)order, _RET_IP_);
}

/* One record per pool created from the range and not destroyed. */
void mempool_find_leaks(struct leak_list *l)
{
	struct module_leak leak = { .kind = MV_LEAK_MEMPOOL, .count = 1 };
	mempool_t *pool;

	spin_lock(&mempools_lock);
	list_for_each_entry(pool, &mempools, list) {
		if (!leak_caller_in(l, pool->creator))
			continue;
		/* The pool's own memory; its reserve's elements are the source's. */
		leak.bytes = sizeof(*pool) + max(pool->min_nr, 1) * sizeof(void *);
		leak.addr = (unsigned long)pool;
		leak.caller = (unsigned long)pool->creator;
		leak_add(l, &leak);
	}
	spin_unlock(&mempools_lock);
}
