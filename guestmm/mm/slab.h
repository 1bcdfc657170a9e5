/* SPDX-License-Identifier: MIT */
/*
 * Slab internals shared by slab.c (the allocator), slab_common.c (cache
 * lifetime), kmalloc.c, slab_debug.c and slabinfo.c. Not for other users.
 *
 * A slab is 2^order pages from the page allocator. Its head page's struct
 * page is the slab descriptor (slab_list, slab_cache, freelist, inuse,
 * objects); every page of it is PG_slab with slab_cache set, so any object
 * address leads to its cache. Buddy blocks are naturally aligned, so the head
 * is the page at the block's aligned pfn.
 *
 * An object slot, s->size bytes:
 *
 *	[red_left_pad][object_size][right red zone][free ptr][tracks][pad]
 *	 SLAB_RED_ZONE              SLAB_RED_ZONE   outside   SLAB_STORE_USER
 *
 * Without debugging or a ctor the slot is just the object and the free
 * pointer lives inside it (offset 0).
 */
#ifndef _MM_SLAB_H
#define _MM_SLAB_H

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/irqflags.h>
#include <linux/smp.h>

#include <linux/instruction_pointer.h>
#include <linux/fault-inject.h>
#include "internal.h"

/* Internal cache flags (above Linux's). */
#define SLAB_NO_CPU_CACHE	0x10000000UL	/* no magazines: bootstrap caches */
/* a kmalloc cache; an enum for the image's DWARF (vmmctl fail kmalloc marks them) */
enum { SLAB_KMALLOC = 0x20000000 };

/* Caches without magazines have no tunables: limit and batchcount read 0. */
/* an enum, not a #define: the image's DWARF carries it for the VMM (mm_layout.c) */
enum { SLAB_NO_TUNABLES = SLAB_DEBUG_FLAGS | SLAB_NO_CPU_CACHE };

#define SLAB_MAX_ORDER		3		/* above this, one object per slab */
#define SLAB_MIN_OBJECTS	8
#define SLAB_ALL_PAGES		(~0UL)	/* slab_release_free(): no page limit */

/*
 * Magazines and depots, from the array_cache cache: a line short of two
 * pages (about a thousand pointers: a magazine and the depot hold a run of
 * 1024 small objects between them), so that they do not all start
 * page-aligned, where every magazine's avail would 4K-alias the cache
 * pointers loaded just before it.
 */
#define AC_BYTES		(2 * 4096 - L1_CACHE_BYTES)
#define AC_MAX_LIMIT		((AC_BYTES - sizeof(struct array_cache)) / sizeof(void *))
/* A magazine holds about this many bytes of objects (and 4..AC_MAX_LIMIT). */
#define AC_TARGET_BYTES		(32 * 1024)

struct slab_track {
	unsigned long addr;	/* the caller of kmem_cache_alloc/free or kmalloc/kfree */
	int cpu;
	int pid;
};

enum track_item { TRACK_ALLOC, TRACK_FREE };

extern struct kmem_cache *kmem_cache_cache;	/* struct kmem_cache objects */
extern struct kmem_cache *array_cache_cache;	/* struct array_cache objects */
extern bool slab_is_up;

static inline bool slab_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline void *slab_address(const struct page *slab)
{
	return lowmem_page_address(slab);
}

/* The head page of the slab holding x (any address in it). */
static inline struct page *virt_to_slab(const struct kmem_cache *s, const void *x)
{
	struct page *page = virt_to_page(x);

	return page - (page_to_pfn(page) & ((1UL << s->order) - 1));
}

/* Slot start <-> object pointer */
static inline void *slot_to_obj(const struct kmem_cache *s, void *slot)
{
	return (char *)slot + s->red_left_pad;
}

static inline void *obj_to_slot(const struct kmem_cache *s, const void *obj)
{
	return (char *)obj - s->red_left_pad;
}

static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj_to_slot(s, obj) + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *fp)
{
	*(void **)((char *)obj_to_slot(s, obj) + s->offset) = fp;
}

static inline unsigned int obj_to_index(const struct kmem_cache *s,
					const struct page *slab, const void *obj)
{
	return ((const char *)obj - (const char *)slab_address(slab) -
		s->red_left_pad) / s->size;
}

static inline void *index_to_obj(const struct kmem_cache *s,
				 const struct page *slab, unsigned int i)
{
	return (char *)slab_address(slab) + (size_t)i * s->size + s->red_left_pad;
}

/* slab.c */
int slab_cache_setup(struct kmem_cache *s, const char *name, size_t size,
		     size_t align, unsigned long flags, void (*ctor)(void *));
void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void slab_free_slow(struct kmem_cache *s, const void *obj, unsigned long caller);
/*
 * The fast paths' misses, entered with interrupts still off (flags from
 * local_irq_save): nothing stays live across a call in the fast path but
 * the object it returns, so it saves no registers it does not need.
 */
void *slab_alloc_miss(struct kmem_cache *s, gfp_t gfp, unsigned long caller,
		      unsigned long flags);
void slab_free_miss(struct kmem_cache *s, const void *obj, unsigned long caller,
		    unsigned long flags);
/*
 * slab_alloc() while failslab is armed: should_failslab() decides, then the
 * slow path serves (a tail call: the fast path keeps nothing live across a
 * call, so it saves no registers).
 */
void *slab_alloc_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
void slab_drain_cpu(struct kmem_cache *s, unsigned int cpu);
void slab_drain_shared(struct kmem_cache *s);
int slab_alloc_shared(struct kmem_cache *s, gfp_t gfp);
unsigned long slab_shared_cached(struct kmem_cache *s);
void slab_drain_all_cpus(struct kmem_cache *s);
/* Frees empty slabs beyond keep_objects free objects; returns pages freed. */
unsigned long slab_release_free(struct kmem_cache *s, unsigned long keep_objects,
				unsigned long max_pages);
unsigned long slab_count_free_pages(struct kmem_cache *s);
unsigned long slab_cpu_cached(struct kmem_cache *s);
/* Objects still allocated (after magazines were drained). */
unsigned long slab_objects_in_use(struct kmem_cache *s);

/*
 * The fast paths, inlined into kmem_cache_alloc/free and kmalloc/kfree: this
 * CPU's magazine with interrupts off (one instruction each way in the guest,
 * a thread-local flag in the hosted build). Interrupts off also pins the
 * task to this CPU, so no preempt_count traffic is needed either.
 */
static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp,
					unsigned long caller)
{
	struct array_cache *ac;
	unsigned long flags;
	void *obj;

	/* Linux's slab_pre_alloc_hook(): failslab, off unless the VMM armed it */
	if (unlikely(READ_ONCE(failslab_armed)))
		return slab_alloc_failslab(s, gfp, caller);
	/* Linux's might_alloc(): a may-sleep allocation in atomic context is
	 * a bug even when the magazine would have served it. The slow path
	 * reports it (and serves the magazine's object all the same). */
	if (alloc_sleeps_in_atomic(gfp))
		return slab_alloc_slow(s, gfp, caller);
	local_irq_save(flags);
	ac = s->cpu_cache[smp_processor_id()];
	if (likely(ac && ac->avail)) {
		obj = ac->entry[--ac->avail];
		local_irq_restore(flags);
		return obj;
	}
	return slab_alloc_miss(s, gfp, caller, flags);
}

/*
 * The object freed last: entry[avail - 1], read as a word at an offset
 * within the magazine. For an empty one that is the word before entry[]
 * (batchcount and cpu), which is never an object's address: the double-free
 * compare needs no test of avail.
 */
static __always_inline const void *magazine_top(const struct array_cache *ac)
{
	BUILD_BUG_ON(offsetof(struct array_cache, entry) < sizeof(void *));
	return *(void *const *)((const char *)ac + offsetof(struct array_cache, entry) +
				((size_t)ac->avail - 1) * sizeof(void *));
}

/*
 * The one check on the fast path: freeing the object that was freed last
 * (the commonest double free) costs a compare to catch.
 */
static __always_inline void slab_free(struct kmem_cache *s, const void *obj,
				      unsigned long caller)
{
	struct array_cache *ac;
	unsigned long flags;

	local_irq_save(flags);
	ac = s->cpu_cache[smp_processor_id()];
	if (likely(ac && ac->avail < ac->limit && magazine_top(ac) != obj)) {
		ac->entry[ac->avail++] = (void *)obj;
		local_irq_restore(flags);
		return;
	}
	slab_free_miss(s, obj, caller, flags);
}

/* slab_common.c */
struct kmem_cache *__kmem_cache_create(const char *name, size_t size,
				       size_t align, unsigned long flags,
				       void (*ctor)(void *), unsigned long caller);
void slab_register_shrinker(void);

/* kmalloc.c */
#define KMALLOC_ROW	16	/* >= KMALLOC_SHIFT_HIGH + 1, a power of two */
extern struct kmem_cache *kmalloc_caches[2][KMALLOC_ROW];
void kmalloc_caches_init(void);

/* slab_debug.c */
#define SLUB_DEBUG_STR_LEN	256
extern char slub_debug_str[SLUB_DEBUG_STR_LEN];	/* slub_debug=, as given */
extern bool slub_debug_given;
unsigned long slab_debug_flags_for(const char *name);
void slab_debug_init_object(struct kmem_cache *s, void *obj);
/*
 * Checks before an object leaves a slab / as it goes back. false: it failed
 * (reported): slab_debug_alloc's object must not be handed out, nor its slab
 * used again (slab.c retires it); slab_debug_free's must not be linked back.
 */
bool slab_debug_alloc(struct kmem_cache *s, struct page *slab, void *obj,
		      unsigned long caller);
bool slab_debug_free(struct kmem_cache *s, struct page *slab, const void *obj,
		     unsigned long caller);
/* A pointer that is no object of s (and of no slab at all if s is NULL). */
void slab_report_invalid_free(struct kmem_cache *s, const void *obj,
			      unsigned long caller, const char *why);
void slab_report_double_free(struct kmem_cache *s, const void *obj,
			     unsigned long caller);
/* Checks every free object of a slab (poison, red zones); returns errors. */
int slab_debug_check_slab(struct kmem_cache *s, struct page *slab);
/*
 * kmem_cache_destroy() found live objects: SLUB's report (the objects
 * listed if list_objects) and its WARN naming the caller.
 */
void slab_report_leaks(struct kmem_cache *s, unsigned long caller,
		       bool list_objects);
/* Linux's slab_fix(): what was done about a detection, at KERN_ERR. */
void slab_fix(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void slab_count_error(struct kmem_cache *s, enum slab_error e);

#endif
