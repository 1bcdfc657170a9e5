/* SPDX-License-Identifier: MIT */
/*
 * The layout of a slab cache. Plain structs on the global list slab_caches,
 * so that the VMM can read every cache and its statistics from guest memory
 * (the symbol slab_caches). Include <linux/slab.h>, not this.
 */
#ifndef _LINUX_SLAB_DEF_H
#define _LINUX_SLAB_DEF_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>

/* an enum, not a #define: the image's DWARF carries it for the VMM (mm_layout.c) */
enum { KMEM_CACHE_MAGIC = 0x454843414d454d4bULL };	/* "KMEMACHE" */
#define KMEM_CACHE_NAME_LEN	32

/*
 * A per-CPU magazine: a stack of free objects. Only its CPU touches it, with
 * interrupts off, so it needs no lock; it holds object pointers only, so a
 * free on a CPU other than the allocating one costs the same.
 */
struct array_cache {
	unsigned int avail;		/* objects in entry[] */
	unsigned int limit;		/* full: flush batchcount to the slabs */
	unsigned int batchcount;	/* objects moved per refill or flush */
	unsigned int cpu;
	void *entry[];
};

/* Updated under the cache lock, on slow paths only; fixed width for the VMM. */
struct kmem_cache_stats {
	u64 active_objs;	/* out of slabs: in use or in a magazine */
	u64 total_objs;
	u64 active_slabs;	/* slabs with an object out */
	u64 total_slabs;
	u64 slabs_grown;	/* slabs taken from the page allocator */
	u64 slabs_freed;	/* slabs given back */
	u64 refills;		/* magazine refills from the slabs */
	u64 flushes;		/* magazine flushes to the slabs */
	u64 alloc_slow;		/* objects allocated on the locked path */
	u64 free_slow;		/* objects freed on the locked path */
	u64 errors;		/* debug detections in this cache */
	u32 object_size;	/* what the caller may use */
	u32 size;		/* the slot: object, red zones, metadata, padding */
	u32 objects_per_slab;
	u32 pages_per_slab;
};

struct kmem_cache {
	/* The fast path reads one pointer here, indexed by the CPU number. */
	struct array_cache *cpu_cache[NR_CPUS];

	u64 magic;		/* KMEM_CACHE_MAGIC while alive */
	unsigned long flags;	/* SLAB_* */
	unsigned int object_size;
	unsigned int size;	/* slot stride */
	unsigned int align;
	unsigned int red_left_pad; /* the object starts this far into its slot */
	unsigned int offset;	/* free pointer, from the slot start */
	unsigned int track_offset; /* alloc and free tracks (SLAB_STORE_USER) */
	unsigned int order;	/* pages per slab = 1 << order */
	unsigned int num;	/* objects per slab */
	unsigned int limit;	/* magazine geometry */
	unsigned int batchcount;
	unsigned int free_limit; /* empty slabs kept for reuse, in objects */
	/*
	 * The depot: full batches that magazines flushed, handed back whole on
	 * the next refill (Bonwick's magazine depot, SLAB's shared array), so
	 * steady traffic beyond one magazine never walks slab freelists.
	 * Touched under lock only.
	 */
	struct array_cache *shared;
	gfp_t allocflags;	/* __GFP_DMA for SLAB_CACHE_DMA */
	void (*ctor)(void *);

	/* The slow path: slab lists and statistics. */
	spinlock_t lock ____cacheline_aligned;
	struct list_head slabs_full;
	struct list_head slabs_partial;
	struct list_head slabs_free;
	/*
	 * Slabs a debug check found corrupted, out of service for good: in no
	 * count above, never allocated from, their objects never linked back.
	 */
	struct list_head slabs_retired;
	unsigned long free_objects; /* on the slab lists' freelists */
	struct kmem_cache_stats stats;

	struct list_head list;	/* on slab_caches */
	int refcount;
	bool leaked;		/* destroyed with objects left: kept */
	const void *creator;	/* kmem_cache_create's caller (module leaks) */
	char name[KMEM_CACHE_NAME_LEN];
};

/* Every cache, for slabinfo and the VMM; protected by slab_lock. */
extern struct list_head slab_caches;
extern spinlock_t slab_lock;

#endif
