/* SPDX-License-Identifier: MIT */
/*
 * Object allocation: lookaside caches (kmem_cache_*) and kmalloc, with the
 * names and signatures of the seed (docs/seeds) and Linux's meanings.
 *
 * Object caches keep per-CPU magazines of free objects (Linux 2.6's SLAB
 * design): allocation pops a pointer from this CPU's array and freeing pushes
 * one, with interrupts off for the few instructions between, so the fast path
 * has no locked instruction and touches no shared cache line. Slabs (runs of
 * pages from the page allocator) back the magazines, under one lock per
 * cache; the slab descriptor is the head page's struct page.
 *
 * kmalloc size classes: 8, 16, 32, 64, 96, 128, 192, 256, 512 bytes, then
 * powers of two up to 8 KiB (KMALLOC_MAX_CACHE_SIZE, two pages, as SLUB's);
 * larger requests go straight to the page allocator (Linux's kmalloc_large:
 * a compound block, whose per-CPU lists serve up to 128 KiB without a lock)
 * and kfree() still takes them. A slab of one big object was all overhead:
 * every page marked and unmarked PG_slab, and empty slabs given back at once.
 *
 * Why 8 bytes is the smallest class (the seed says "32 or 64 bytes", as LDD3
 * did for 2.6's SLAB; Linux today has 8): a free object holds the 8-byte
 * freelist pointer and nothing else, because the slab descriptor lives in
 * struct page rather than in the slab, so nothing forces a bigger minimum.
 * Tiny requests (short strings, small list nodes) are frequent; rounding them
 * up to 32 would waste up to 75% of every such object. x86-64 DMA is
 * cache-coherent, so no class must be a cache line wide for DMA's sake.
 * kmalloc memory is therefore 8-byte aligned at least (ARCH_KMALLOC_MINALIGN),
 * and a power-of-two size is aligned to that size.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <memvisor/slab_debug.h>

/* kmem_cache_create() flags (Linux's values) */
#define SLAB_CONSISTENCY_CHECKS	0x00000100UL	/* F: check every free (implied by Z, P, U) */
#define SLAB_RED_ZONE		MV_SLAB_RED_ZONE	/* Z: guard bytes around each object */
#define SLAB_POISON		MV_SLAB_POISON	/* P: fill free objects, catch writes after free */
#define SLAB_HWCACHE_ALIGN	0x00002000UL	/* align objects on L1 cache lines */
#define SLAB_CACHE_DMA		0x00004000UL	/* slabs from ZONE_DMA (__GFP_DMA) */
#define SLAB_STORE_USER		MV_SLAB_STORE_USER	/* U: record the last alloc and free call sites */
#define SLAB_PANIC		0x00040000UL	/* panic if kmem_cache_create() fails */
/*
 * failslab's cache filter (<linux/fault-inject.h>): with failslab.cache_filter
 * set, only caches with this flag fail. An enum, not a #define: the image's
 * DWARF carries it for the VMM, which sets it on the cache it is told to fail.
 */
enum { SLAB_FAILSLAB = 0x02000000 };

#define SLAB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)

/* kmalloc geometry */
#define KMALLOC_SHIFT_LOW	3		/* smallest class: 8 bytes */
#define KMALLOC_SHIFT_HIGH	13		/* largest class: 8 KiB */
#define KMALLOC_SHIFT_MAX	22		/* largest kmalloc at all: 4 MiB (page allocator) */
#define KMALLOC_MIN_SIZE	(1UL << KMALLOC_SHIFT_LOW)
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)
#define ARCH_KMALLOC_MINALIGN	8
#define ARCH_SLAB_MINALIGN	8

/*
 * kmalloc(0) returns ZERO_SIZE_PTR: not NULL (that is failure), yet any use
 * faults (page 0 stays unmapped); kfree() and ksize() take it, as on Linux.
 */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;
/* The seed spells the type `kmem_cache` and LDD3 `kmem_cache_t`: all work. */
typedef struct kmem_cache kmem_cache_t;
typedef struct kmem_cache kmem_cache;

/*
 * offset: LDD3's name for what Linux 2.6 renamed `align`, and memvisor's
 * meaning: 0, or a power of two the objects are aligned to.
 * ctor: runs once per object when its slab is made; a freed object must be
 * left in its constructed state (a cache with a ctor is never poisoned).
 * Returns NULL on failure (or panics with SLAB_PANIC).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t offset, unsigned long flags,
				     void (*ctor)(void *));
void *kmem_cache_alloc(struct kmem_cache *cache, int flags);
void *kmem_cache_zalloc(struct kmem_cache *cache, int flags);
void kmem_cache_free(struct kmem_cache *cache, const void *obj);
/* Objects still allocated are reported and the cache is then kept. */
void kmem_cache_destroy(struct kmem_cache *cache);
/* Gives empty slabs back; returns 1 if objects remain in use, else 0. */
int kmem_cache_shrink(struct kmem_cache *cache);
unsigned int kmem_cache_size(struct kmem_cache *cache);
const char *kmem_cache_name(struct kmem_cache *cache);
/* Debug caches: checks every free object now; returns the errors found. */
int kmem_cache_validate(struct kmem_cache *cache);

/* Creates the kmalloc caches; start_kernel calls it once the page allocator runs. */
void kmem_cache_init(void);
/*
 * A CPU that went away (the hosted build's threads) gives its magazines'
 * objects back to the slabs; called after it stopped, like page_alloc_cpu_dead.
 */
void kmem_cache_cpu_dead(unsigned int cpu);

void *kmalloc(size_t size, int flags);
void *kzalloc(size_t size, int flags);
/* n * size, zeroed; NULL if the product overflows. */
void *kcalloc(size_t n, size_t size, int flags);
void *kmalloc_array(size_t n, size_t size, int flags);
/* Contents kept up to min(old, new); new_size 0 frees p and returns ZERO_SIZE_PTR. */
void *krealloc(const void *p, size_t new_size, int flags);
void kfree(const void *p);
/* kfree() after zeroing the whole block (its ksize()), for secrets. */
void kfree_sensitive(const void *p);
/* A kmalloc'ed copy of len bytes at src; of the C string s (NULL: NULL). */
void *kmemdup(const void *src, size_t len, int flags);
char *kstrdup(const char *s, int flags);
/* The usable size of a kmalloc'ed block: at least what was asked. */
size_t ksize(const void *p);

/*
 * Statistics, as /proc/slabinfo shows them. active_objs counts objects
 * handed out of slabs, including those parked in per-CPU magazines and the
 * depot (as SLAB counted them); cpu_cached and shared_cached say how many.
 */
struct slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long cpu_cached;	/* in per-CPU magazines */
	unsigned long shared_cached;	/* in the cache's depot */
	unsigned int objsize;		/* bytes per object slot, metadata included */
	unsigned int object_size;	/* bytes the caller may use */
	unsigned int objects_per_slab;
	unsigned int pages_per_slab;
	unsigned int limit;
	unsigned int batchcount;
};
void kmem_cache_get_info(struct kmem_cache *cache, struct slabinfo *info);
/* Writes /proc/slabinfo ("slabinfo - version: 2.1") into buf; returns the
 * length it needed, as snprintf does. */
int slabinfo_print(char *buf, size_t size);
/* Prints the same through printk (KERN_INFO). */
void slabinfo_dump(void);

/*
 * Debugging. slab_debug_setup() takes Linux's slub_debug= syntax, from the
 * kernel command line, before kmem_cache_init():
 *	slub_debug		F, Z, P and U for every cache
 *	slub_debug=PZU		those flags for every cache
 *	slub_debug=PZU,kmalloc-64,dma-*	only for the named caches ('*' ends a prefix)
 *	slub_debug=Z;P,kmalloc-*	several blocks, ';' between them
 *	slub_debug=-		none
 * Letters: F sanity checks, Z red zone, P poison, U store user; others
 * (T, A, O) are accepted and ignored. A cache's own flags add to these.
 */
void slab_debug_setup(const char *arg);

enum slab_error {
	SLAB_ERR_DOUBLE_FREE,		/* freed twice */
	SLAB_ERR_INVALID_FREE,		/* not an object of that cache (or of any) */
	SLAB_ERR_REDZONE,		/* a red zone overwritten */
	SLAB_ERR_POISON,		/* a free object written (write after free) */
	SLAB_ERR_LEAK,			/* objects left at kmem_cache_destroy */
	SLAB_ERR_FREELIST,		/* a slab's freelist corrupted */
	SLAB_ERR_NR
};
/* Each detection counts here (and in its cache's statistics). */
extern unsigned long slab_errors[SLAB_ERR_NR];
unsigned long slab_error_count(enum slab_error e);
unsigned long slab_error_total(void);

#include <linux/slab_def.h>

#endif
