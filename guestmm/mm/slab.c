// SPDX-License-Identifier: MIT
/*
 * The slab allocator: per-CPU magazines over per-cache slab lists, as Linux
 * 2.6's SLAB (mm/slab.c) organised them.
 *
 * Fast path (slab.h: slab_alloc/slab_free): this CPU's array_cache, with
 * interrupts off for a pop or a push. No lock, no locked instruction, and a
 * free never touches the object or its struct page.
 *
 * Slow path (here): a magazine that is empty is refilled with batchcount
 * objects from the slabs under the cache lock; one that is full gives its
 * oldest batchcount back. Slabs move between three lists (full, partial,
 * free) by their inuse count. Empty slabs beyond free_limit objects go back
 * to the page allocator at once; the rest on kmem_cache_shrink() or when the
 * page allocator runs short (the shrinker in slab_common.c).
 *
 * Debug caches (SLAB_DEBUG_FLAGS) and the bootstrap caches have no
 * magazines: every object comes and goes under the lock, one at a time,
 * through the checks in slab_debug.c, so a bug is caught when it happens.
 * An object that fails its check on the way out is never handed out: its
 * slab is retired (SLUB's "Marking all objects used") and another serves.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/errno.h>
#include "slab.h"

/* ---- geometry ---------------------------------------------------------- */

static size_t calculate_align(unsigned long flags, size_t align, size_t size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		size_t ralign = L1_CACHE_BYTES;

		/* Small objects share a line rather than each wasting one. */
		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	return max_t(size_t, align, ARCH_SLAB_MINALIGN);
}

/* Lays out the slot: see the picture in slab.h. */
static void calculate_sizes(struct kmem_cache *s)
{
	size_t off;

	s->red_left_pad = 0;
	if (s->flags & SLAB_RED_ZONE)
		s->red_left_pad = ALIGN(sizeof(void *), s->align);
	off = s->red_left_pad + ALIGN(s->object_size, sizeof(void *));
	if (s->flags & SLAB_RED_ZONE)
		off += sizeof(void *);
	/*
	 * The free pointer goes outside the object when the object's bytes
	 * must survive being free: constructed state, or poison to check.
	 */
	s->offset = 0;
	if (s->ctor || (s->flags & (SLAB_POISON | SLAB_RED_ZONE))) {
		s->offset = off;
		off += sizeof(void *);
	}
	s->track_offset = 0;
	if (s->flags & SLAB_STORE_USER) {
		s->track_offset = off;
		off += 2 * sizeof(struct slab_track);
	}
	s->size = ALIGN(off, s->align);
}

/*
 * The smallest order that holds SLAB_MIN_OBJECTS with at most 1/8 wasted,
 * up to SLAB_MAX_ORDER; bigger objects get one object per slab.
 */
static void calculate_order(struct kmem_cache *s)
{
	unsigned int order;

	for (order = 0; order < SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		size_t num = bytes / s->size;

		if (num >= SLAB_MIN_OBJECTS && (bytes - num * s->size) * 8 <= bytes)
			break;
	}
	if (s->size > (PAGE_SIZE << order))
		order = get_order(s->size);
	s->order = order;
	s->num = (PAGE_SIZE << order) / s->size;
}

/*
 * Magazines hold about AC_TARGET_BYTES of objects: hundreds of small ones,
 * a few big ones (Linux SLAB held 120 small objects per CPU; more here, so
 * that N-then-N runs of a few hundred never leave the magazine). At least
 * 16 up to AC_TARGET_BYTES (Linux SLAB: 24 up to a page, 8 to 128 KiB): with
 * 4, a run of 8 KiB objects went to the slab lists every other call. Empty
 * slabs are kept up to a few slabs' worth or 256 KiB: the shrinker takes
 * them back when the page allocator runs short.
 */
static void calculate_magazine(struct kmem_cache *s)
{
	unsigned int limit = AC_TARGET_BYTES / s->size;

	limit = max(limit, s->size > AC_TARGET_BYTES ? 2U : 16U);
	s->limit = min(limit, (unsigned int)AC_MAX_LIMIT);
	s->batchcount = (s->limit + 1) / 2;
	s->free_limit = max(2 * s->batchcount + s->num,
			    max(4 * s->num, (unsigned int)(256 * 1024 / s->size)));
}

int slab_cache_setup(struct kmem_cache *s, const char *name, size_t size,
		     size_t align, unsigned long flags, void (*ctor)(void *))
{
	flags |= slab_debug_flags_for(name) | failslab_cache_flags(name);
	if (flags & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER))
		flags |= SLAB_CONSISTENCY_CHECKS;
	/* Poison would destroy the constructed state a ctor promises. */
	if (ctor)
		flags &= ~SLAB_POISON;

	s->magic = KMEM_CACHE_MAGIC;
	s->flags = flags;
	s->object_size = size;
	s->ctor = ctor;
	s->align = calculate_align(flags, align, size);
	s->allocflags = (flags & SLAB_CACHE_DMA) ? __GFP_DMA : 0;
	calculate_sizes(s);
	calculate_order(s);
	if (s->order >= MAX_ORDER)
		return -EINVAL;
	calculate_magazine(s);
	strscpy_len(s->name, name, sizeof(s->name));
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->slabs_full);
	INIT_LIST_HEAD(&s->slabs_partial);
	INIT_LIST_HEAD(&s->slabs_free);
	INIT_LIST_HEAD(&s->slabs_retired);
	INIT_LIST_HEAD(&s->list);
	s->refcount = 1;
	s->stats.object_size = s->object_size;
	s->stats.size = s->size;
	s->stats.objects_per_slab = s->num;
	s->stats.pages_per_slab = 1U << s->order;
	return 0;
}

/* ---- slabs ------------------------------------------------------------- */

static void init_slab_objects(struct kmem_cache *s, struct page *slab)
{
	void *prev = NULL;
	unsigned int i;

	for (i = s->num; i-- > 0;) {
		void *obj = index_to_obj(s, slab, i);

		if (slab_debug(s))
			slab_debug_init_object(s, obj);
		set_freepointer(s, obj, prev);
		prev = obj;
	}
	slab->freelist = prev;
	/* Constructors run in address order, once per object, now. */
	if (s->ctor)
		for (i = 0; i < s->num; i++)
			s->ctor(index_to_obj(s, slab, i));
}

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *slab;
	unsigned int i;

	/* Slabs live in the direct map: never highmem; zeroing is per object. */
	gfp &= ~(GFP_ZONEMASK | __GFP_ZERO | __GFP_COMP);
	slab = alloc_pages(gfp | s->allocflags, s->order);
	if (!slab)
		return NULL;
	for (i = 0; i < (1U << s->order); i++) {
		__SetPageSlab(slab + i);
		slab[i].slab_cache = s;
		slab[i].freelist = NULL;
		slab[i].inuse = 0;
		slab[i].objects = 0;	/* tails: 0, so only the head passes as a slab */
	}
	slab->objects = s->num;
	init_slab_objects(s, slab);
	return slab;
}

static void free_slab_pages(struct kmem_cache *s, struct page *slab)
{
	unsigned int i;

	for (i = 0; i < (1U << s->order); i++) {
		__ClearPageSlab(slab + i);
		slab[i].slab_cache = NULL;
		slab[i].freelist = NULL;
		slab[i].inuse = 0;
		slab[i].objects = 0;
		INIT_LIST_HEAD(&slab[i].slab_list);
	}
	__free_pages(slab, s->order);
}

static void free_slab_list(struct kmem_cache *s, struct list_head *list)
{
	struct page *slab, *next;

	list_for_each_entry_safe(slab, next, list, slab_list) {
		list_del(&slab->slab_list);
		free_slab_pages(s, slab);
	}
}

/* Adds a fresh slab to the free list; false if the page allocator said no. */
static bool grow(struct kmem_cache *s, gfp_t gfp)
{
	unsigned long flags;
	struct page *slab = new_slab(s, gfp);

	if (!slab)
		return false;
	spin_lock_irqsave(&s->lock, flags);
	list_add(&slab->slab_list, &s->slabs_free);
	s->free_objects += s->num;
	s->stats.total_objs += s->num;
	s->stats.total_slabs++;
	s->stats.slabs_grown++;
	spin_unlock_irqrestore(&s->lock, flags);
	return true;
}

/* Moves slab to the list its inuse count says. Cache lock held. */
static void place_slab(struct kmem_cache *s, struct page *slab)
{
	struct list_head *list = &s->slabs_partial;

	if (slab->inuse == 0)
		list = &s->slabs_free;
	else if (slab->inuse == slab->objects)
		list = &s->slabs_full;
	list_move(&slab->slab_list, list);
}

static struct page *slab_with_free_object(struct kmem_cache *s)
{
	if (!list_empty(&s->slabs_partial))
		return list_first_entry(&s->slabs_partial, struct page, slab_list);
	return list_first_entry_or_null(&s->slabs_free, struct page, slab_list);
}

/* Pops up to max objects of slab into objs[]. Cache lock held. */
static unsigned int take_objects(struct kmem_cache *s, struct page *slab,
				 void **objs, unsigned int max)
{
	unsigned int n = 0;

	if (slab->inuse == 0)
		s->stats.active_slabs++;
	while (n < max && slab->freelist) {
		void *obj = slab->freelist;

		slab->freelist = get_freepointer(s, obj);
		objs[n++] = obj;
	}
	slab->inuse += n;
	s->free_objects -= n;
	s->stats.active_objs += n;
	place_slab(s, slab);
	return n;
}

/* Pushes obj back onto its slab. Cache lock held. */
static void put_object(struct kmem_cache *s, struct page *slab, void *obj)
{
	set_freepointer(s, obj, slab->freelist);
	slab->freelist = obj;
	if (slab->inuse-- == slab->objects || slab->inuse == 0)
		place_slab(s, slab);
	if (slab->inuse == 0)
		s->stats.active_slabs--;
	s->free_objects++;
	s->stats.active_objs--;
}

/*
 * Takes empty slabs off the free list while more than keep objects are
 * free, up to max_pages pages, onto out. Cache lock held.
 */
static unsigned long detach_free_slabs(struct kmem_cache *s, unsigned long keep,
				       unsigned long max_pages,
				       struct list_head *out)
{
	unsigned long pages = 0;
	struct page *slab;

	while (s->free_objects > keep && pages < max_pages &&
	       !list_empty(&s->slabs_free)) {
		slab = list_last_entry(&s->slabs_free, struct page, slab_list);
		list_move(&slab->slab_list, out);
		s->free_objects -= s->num;
		s->stats.total_objs -= s->num;
		s->stats.total_slabs--;
		s->stats.slabs_freed++;
		pages += 1UL << s->order;
	}
	return pages;
}

unsigned long slab_release_free(struct kmem_cache *s, unsigned long keep_objects,
				unsigned long max_pages)
{
	LIST_HEAD(victims);
	unsigned long flags, pages;
	struct page *slab;

	spin_lock_irqsave(&s->lock, flags);
	if (slab_debug(s))
		list_for_each_entry(slab, &s->slabs_free, slab_list)
			slab_debug_check_slab(s, slab);
	pages = detach_free_slabs(s, keep_objects, max_pages, &victims);
	spin_unlock_irqrestore(&s->lock, flags);
	free_slab_list(s, &victims);
	return pages;
}

unsigned long slab_count_free_pages(struct kmem_cache *s)
{
	unsigned long flags, n = 0;
	struct page *slab;

	spin_lock_irqsave(&s->lock, flags);
	list_for_each_entry(slab, &s->slabs_free, slab_list)
		n += 1UL << s->order;
	spin_unlock_irqrestore(&s->lock, flags);
	return n;
}

/* ---- one object at a time, under the lock (debug and bootstrap) -------- */

/*
 * Takes a slab whose object failed its check on the way out (obj, just
 * taken) out of service for good, as SLUB does: every object counts as used,
 * its free ones are never handed out and its allocated ones never linked
 * back. It leaves every count (its pages stay allocated). Cache lock held.
 */
static void retire_slab(struct kmem_cache *s, struct page *slab)
{
	s->free_objects -= slab->objects - slab->inuse;
	s->stats.active_objs -= slab->inuse;
	s->stats.active_slabs--;
	s->stats.total_objs -= slab->objects;
	s->stats.total_slabs--;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	list_move(&slab->slab_list, &s->slabs_retired);
	slab_fix(s, "Marking all objects used");
	slab_fix(s, "Slab %p retired: its %u objects are never handed out again",
		 slab_address(slab), slab->objects);
}

static bool slab_retired(struct kmem_cache *s, struct page *slab)
{
	struct page *p;

	list_for_each_entry(p, &s->slabs_retired, slab_list)
		if (p == slab)
			return true;
	return false;
}

static void *alloc_single(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	unsigned long flags;
	struct page *slab;
	void *obj;

	for (;;) {
		spin_lock_irqsave(&s->lock, flags);
		slab = slab_with_free_object(s);
		if (!slab) {
			spin_unlock_irqrestore(&s->lock, flags);
			if (!grow(s, gfp))
				return NULL;
			continue;
		}
		take_objects(s, slab, &obj, 1);
		s->stats.alloc_slow++;
		if (slab_debug(s) && !slab_debug_alloc(s, slab, obj, caller)) {
			retire_slab(s, slab);
			spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		spin_unlock_irqrestore(&s->lock, flags);
		return obj;
	}
}

/* A checked pointer's slab, or NULL after reporting a pointer that is not ours. */
static struct page *object_slab(struct kmem_cache *s, const void *obj,
				unsigned long caller)
{
	struct page *slab;

	if (!virt_addr_valid(obj) || !PageSlab(virt_to_page(obj)) ||
	    virt_to_page(obj)->slab_cache != s) {
		slab_report_invalid_free(s, obj, caller, "not in a slab of this cache");
		return NULL;
	}
	slab = virt_to_slab(s, obj);
	if (!PageSlab(slab) || slab->slab_cache != s || slab->objects != s->num) {
		slab_report_invalid_free(s, obj, caller, "slab descriptor corrupted");
		return NULL;
	}
	return slab;
}

static void free_single(struct kmem_cache *s, const void *obj, unsigned long caller)
{
	LIST_HEAD(victims);
	unsigned long flags;
	struct page *slab;

	spin_lock_irqsave(&s->lock, flags);
	if (slab_debug(s)) {
		slab = object_slab(s, obj, caller);
		if (!slab || !slab_debug_free(s, slab, obj, caller))
			goto out;
		if (slab_retired(s, slab))
			goto out;	/* checked, poisoned, never linked back */
	} else {
		slab = virt_to_slab(s, obj);
	}
	put_object(s, slab, (void *)obj);
	s->stats.free_slow++;
	detach_free_slabs(s, s->free_limit, SLAB_ALL_PAGES, &victims);
out:
	spin_unlock_irqrestore(&s->lock, flags);
	free_slab_list(s, &victims);
}

/* ---- magazines --------------------------------------------------------- */

static void reverse(void **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n / 2; i++) {
		void *t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* Moves n pointers from the top of one array to the top of another. */
static void transfer(struct array_cache *to, struct array_cache *from,
		     unsigned int n)
{
	from->avail -= n;
	memcpy(&to->entry[to->avail], &from->entry[from->avail], n * sizeof(void *));
	to->avail += n;
}

/*
 * Fills ac with up to batchcount objects: a batch from the depot if it has
 * one, else from the slabs. Interrupts off, cache lock held.
 */
static void refill(struct kmem_cache *s, struct array_cache *ac)
{
	unsigned int start = ac->avail, want = ac->batchcount;
	struct page *slab;

	s->stats.refills++;
	if (s->shared && s->shared->avail) {
		transfer(ac, s->shared, min(want, s->shared->avail));
		return;
	}

	while (want && (slab = slab_with_free_object(s))) {
		unsigned int n = take_objects(s, slab, &ac->entry[ac->avail], want);

		ac->avail += n;
		want -= n;
	}
	/* Pop order = address order: the next allocations walk forward. */
	reverse(&ac->entry[start], ac->avail - start);
}

/*
 * Gives objs back to their slabs. A pointer that is no object of s (a
 * kmem_cache_free() to the wrong cache, found late) is dropped, not linked.
 * Interrupts off, cache lock held.
 */
static void flush_objects(struct kmem_cache *s, void **objs, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct page *page = virt_to_page(objs[i]);

		if (unlikely(!PageSlab(page) || page->slab_cache != s)) {
			slab_report_invalid_free(s, objs[i], 0,
						 "found in a per-CPU cache of another cache");
			continue;
		}
		put_object(s, virt_to_slab(s, objs[i]), objs[i]);
	}
}

/*
 * Gives the oldest batchcount objects of a full magazine back: to the depot
 * while it has room, else to their slabs.
 */
static void flush(struct kmem_cache *s, struct array_cache *ac,
		  struct list_head *victims)
{
	unsigned int n = min(ac->batchcount, ac->avail), room = 0;
	struct array_cache *shared = s->shared;

	spin_lock(&s->lock);
	s->stats.flushes++;
	if (shared) {
		room = min(n, shared->limit - shared->avail);
		memcpy(&shared->entry[shared->avail], ac->entry, room * sizeof(void *));
		shared->avail += room;
	}
	if (room < n) {
		flush_objects(s, &ac->entry[room], n - room);
		detach_free_slabs(s, s->free_limit, SLAB_ALL_PAGES, victims);
	}
	spin_unlock(&s->lock);
	ac->avail -= n;
	memmove(ac->entry, &ac->entry[n], ac->avail * sizeof(void *));
}

/* The depot, made with the cache (none for debug and bootstrap caches). */
int slab_alloc_shared(struct kmem_cache *s, gfp_t gfp)
{
	struct array_cache *shared;

	if (s->flags & SLAB_NO_TUNABLES)
		return 0;
	shared = slab_alloc(array_cache_cache, gfp, _RET_IP_);
	if (!shared)
		return -ENOMEM;
	shared->avail = 0;
	shared->limit = min_t(unsigned int, 2 * s->limit, AC_MAX_LIMIT);
	shared->batchcount = s->batchcount;
	shared->cpu = ~0U;
	s->shared = shared;
	return 0;
}

/* Empties the depot into the slabs. */
void slab_drain_shared(struct kmem_cache *s)
{
	unsigned long flags;

	if (!s->shared)
		return;
	spin_lock_irqsave(&s->lock, flags);
	flush_objects(s, s->shared->entry, s->shared->avail);
	s->shared->avail = 0;
	spin_unlock_irqrestore(&s->lock, flags);
}

unsigned long slab_shared_cached(struct kmem_cache *s)
{
	return s->shared ? READ_ONCE(s->shared->avail) : 0;
}

/* Gives this CPU a magazine for s, unless it has one; false: none to be had. */
static bool install_magazine(struct kmem_cache *s, gfp_t gfp)
{
	struct array_cache *ac;
	unsigned long flags;
	unsigned int cpu;

	ac = slab_alloc(array_cache_cache, gfp & ~__GFP_ZERO, _RET_IP_);
	if (!ac)
		return false;
	ac->avail = 0;
	ac->limit = s->limit;
	ac->batchcount = s->batchcount;
	local_irq_save(flags);
	cpu = smp_processor_id();
	if (!s->cpu_cache[cpu]) {
		ac->cpu = cpu;
		s->cpu_cache[cpu] = ac;
		ac = NULL;
	}
	local_irq_restore(flags);
	if (ac)		/* an interrupt on this CPU was quicker */
		slab_free(array_cache_cache, ac, _RET_IP_);
	return true;
}

static bool no_magazines(const struct kmem_cache *s)
{
	return s->flags & SLAB_NO_TUNABLES;
}

void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	struct array_cache *ac;
	unsigned long flags;
	void *obj;

	if (gfp & __GFP_WAIT)
		might_sleep();
	if (no_magazines(s))
		return alloc_single(s, gfp, caller);
	for (;;) {
		local_irq_save(flags);
		ac = s->cpu_cache[smp_processor_id()];
		if (!ac) {
			local_irq_restore(flags);
			if (!install_magazine(s, gfp))
				return alloc_single(s, gfp, caller);
			continue;
		}
		if (!ac->avail) {
			spin_lock(&s->lock);
			refill(s, ac);
			spin_unlock(&s->lock);
		}
		if (ac->avail)
			break;
		/* Grow with interrupts on: GFP_KERNEL may sleep in there. */
		local_irq_restore(flags);
		if (!grow(s, gfp))
			return NULL;
	}
	obj = ac->entry[--ac->avail];
	local_irq_restore(flags);
	return obj;
}

void slab_free_slow(struct kmem_cache *s, const void *obj, unsigned long caller)
{
	LIST_HEAD(victims);
	struct array_cache *ac;
	unsigned long flags;

	if (no_magazines(s)) {
		free_single(s, obj, caller);
		return;
	}
	local_irq_save(flags);
	ac = s->cpu_cache[smp_processor_id()];
	if (!ac) {
		local_irq_restore(flags);
		/* Free paths must not sleep: a magazine only if one is at hand. */
		if (!install_magazine(s, GFP_ATOMIC | __GFP_NOWARN)) {
			free_single(s, obj, caller);
			return;
		}
		local_irq_save(flags);
		ac = s->cpu_cache[smp_processor_id()];
	}
	if (ac->avail && ac->entry[ac->avail - 1] == obj) {
		local_irq_restore(flags);
		slab_report_double_free(s, obj, caller);
		return;
	}
	if (ac->avail >= ac->limit)
		flush(s, ac, &victims);
	ac->entry[ac->avail++] = (void *)obj;
	local_irq_restore(flags);
	free_slab_list(s, &victims);
}

void *slab_alloc_miss(struct kmem_cache *s, gfp_t gfp, unsigned long caller,
		      unsigned long flags)
{
	local_irq_restore(flags);
	return slab_alloc_slow(s, gfp, caller);
}

void slab_free_miss(struct kmem_cache *s, const void *obj, unsigned long caller,
		    unsigned long flags)
{
	local_irq_restore(flags);
	slab_free_slow(s, obj, caller);
}

/* ---- draining ---------------------------------------------------------- */

/* Empties cpu's magazine into the slabs. That CPU must not be using it. */
static void drain_magazine(struct kmem_cache *s, struct array_cache *ac)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	flush_objects(s, ac->entry, ac->avail);
	ac->avail = 0;
	spin_unlock_irqrestore(&s->lock, flags);
}

/*
 * cpu's magazine: this CPU's, with interrupts off so that no pop or push
 * interleaves, or a CPU's that is gone (kmem_cache_cpu_dead()).
 */
void slab_drain_cpu(struct kmem_cache *s, unsigned int cpu)
{
	struct array_cache *ac;
	unsigned long flags;

	local_irq_save(flags);
	ac = s->cpu_cache[cpu];
	if (ac)
		drain_magazine(s, ac);
	local_irq_restore(flags);
}

/*
 * Every CPU's magazine and the depot, and frees them: kmem_cache_destroy()
 * only, when by contract nobody uses the cache any more.
 */
void slab_drain_all_cpus(struct kmem_cache *s)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct array_cache *ac = s->cpu_cache[cpu];

		if (!ac)
			continue;
		drain_magazine(s, ac);
		s->cpu_cache[cpu] = NULL;
		slab_free(array_cache_cache, ac, _RET_IP_);
	}
	slab_drain_shared(s);
	if (s->shared) {
		slab_free(array_cache_cache, s->shared, _RET_IP_);
		s->shared = NULL;
	}
}

unsigned long slab_cpu_cached(struct kmem_cache *s)
{
	unsigned long n = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct array_cache *ac = READ_ONCE(s->cpu_cache[cpu]);

		if (ac)
			n += READ_ONCE(ac->avail);
	}
	return n;
}

unsigned long slab_objects_in_use(struct kmem_cache *s)
{
	unsigned long flags, n;

	spin_lock_irqsave(&s->lock, flags);
	n = s->stats.active_objs;
	spin_unlock_irqrestore(&s->lock, flags);
	return n;
}
