/* SPDX-License-Identifier: MIT */
/*
 * One slab, object by object, read from guest memory through the image's
 * layout (slab.h's picture: a slot of `size` bytes per object, the object
 * red_left_pad bytes into it, the free pointer `offset` bytes into the
 * slot): the slab's geometry, which object an address lies in, the walk of
 * its freelist, and whether an object is free (on the slab's freelist, in
 * a CPU's magazine, in the cache's depot).
 *
 * The one reader of these for the VMM: the DMA device's object-granularity
 * check (object_state_read(), device_control's object_state), the slab
 * checker (check_slab.c: every freelist pointer an object of its slab, none
 * twice), the mempool checker (check_mempool.c: an element on no
 * freelist, in no magazine) and the freed-object checker (check_poison.c:
 * every free object's poison). Pure: no vm, no locks; the direct map's
 * base is the caller's (the guest's MV_DIRECT_MAP_BASE, a hosted test's
 * own), so a hosted fake guest is read like the real one.
 * object_state_read() runs without parking the vCPUs, so a slab that
 * changes under its walk is read again.
 *
 * Hostile input (the guest writes every byte read here):
 *   - a cache's numbers are taken only when they make a slab: a slot holds
 *     its object and its free pointer, num slots fit 1 << order pages,
 *     order at most SLAB_OBJ_MAX_ORDER; else slab_cache_geom_read() fails
 *     and names the cache as @r's inconsistency;
 *   - the freelist walk follows a pointer only when it is an object of the
 *     slab (inside it, on a slot's object start), reads 8 bytes inside that
 *     slot, and stops at an object met twice (a loop: tracked for the first
 *     SLAB_OBJ_MAX_OBJECTS objects) or after g->num objects: at most num
 *     reads of 8 bytes, num at most (4 KiB << SLAB_OBJ_MAX_ORDER) / 8. It
 *     says how it ended (struct slab_walk) and reports nothing: each
 *     caller names a broken list its own way;
 *   - a magazine or the depot: at most SLAB_OBJ_MAX_AVAIL pointers read
 *     (a larger avail is an inconsistency, cut), for at most nr_cpu_ids
 *     CPUs and the cache's cpu_cache[] slots;
 *   - a live object of a SLAB_POISON cache: at most SLAB_OBJ_MAX_POISON of
 *     its bytes.
 * Every read is @r's (insp_read: mapped RAM only, within its budget and
 * deadline). The DMA device's look says NONE for a slab of more than
 * SLAB_OBJ_MAX_OBJECTS (the guest's largest has 512) or past
 * SLAB_OBJ_DEADLINE_NS: the device thread must come back to its stop check
 * soon.
 */
#ifndef VMM_CONTROL_SLAB_OBJ_H
#define VMM_CONTROL_SLAB_OBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "gmem.h"
#include "mm_layout.h"
#include "page_state.h"

struct insp;

#define SLAB_OBJ_MAX_AVAIL	4096	/* pointers read from one magazine */
#define SLAB_OBJ_MAX_ORDER	10	/* a slab of more pages is damage */
#define SLAB_OBJ_MAX_POISON	65536	/* bytes of an object read for its poison */
#define SLAB_OBJ_MAX_OBJECTS	8192	/* a slab of more: nobody can tell */
#define SLAB_OBJ_DEADLINE_NS	10000000ULL	/* one object look: then NONE */

/* A slab's geometry, from its kmem_cache and its head's struct page. */
struct slab_geom {
	uint64_t cache;			/* the kmem_cache */
	uint64_t head_pfn;		/* the slab's first frame */
	uint64_t base;			/* its first byte, in the direct map */
	uint64_t head_page;		/* the head's struct page */
	uint32_t size;			/* slot stride */
	uint32_t object_size;		/* what a caller may use */
	uint32_t red_left_pad;		/* the object starts this far into its slot */
	uint32_t offset;		/* the free pointer, from the slot start */
	uint32_t num;			/* objects per slab */
	uint32_t order;			/* pages per slab = 1 << order */
	uint64_t flags;			/* the cache's SLAB_* */
};

/*
 * The numbers of the live kmem_cache at @cache (its magic checked) into
 * @g, the slab's place left 0: 0, or -1 when unreadable, not a live cache,
 * or numbers that make no slab (named as @r's inconsistency).
 */
int slab_cache_geom_read(struct insp *r, uint64_t cache, struct slab_geom *g);

/*
 * Places @g (its cache's numbers read) at the slab whose head is frame
 * @head_pfn, its objects read through the direct map at @direct_map; the
 * head's struct page through @r's mem_map (insp_mem_map()).
 */
void slab_geom_place(struct insp *r, struct slab_geom *g, uint64_t direct_map,
		     uint64_t head_pfn);

/*
 * The geometry of the slab frame @pfn belongs to (any of its pages), over
 * @r (mem_map read, insp_mem_map()), the direct map at @direct_map: 0, or
 * -1 when the frame or its head is not a slab page of one live cache, or
 * the cache's numbers cannot be a slab's.
 */
int slab_geom_read(struct insp *r, uint64_t direct_map, uint64_t pfn,
		   struct slab_geom *g);

/* The object of @g that starts at @va (direct map), or -1 when none does. */
int64_t slab_obj_index(const struct slab_geom *g, uint64_t va);

/* How a freelist walk ended. */
enum slab_walk_end {
	SLAB_WALK_END,		/* at the list's NULL */
	SLAB_WALK_STOPPED,	/* @fn said stop, at @at */
	SLAB_WALK_NOT_OBJECT,	/* @at is no object of the slab */
	SLAB_WALK_TWICE,	/* @at met again: a loop */
	SLAB_WALK_TOO_LONG,	/* more than num objects (untracked ones loop) */
	SLAB_WALK_UNREADABLE,	/* @at's free pointer not readable (r->err) */
};

struct slab_walk {
	enum slab_walk_end end;
	uint64_t at;			/* the pointer it ended at, or 0 */
	uint64_t n;			/* objects walked: @fn called */
};

/*
 * Walks the freelist that starts at @first (the head's freelist as read),
 * calling @fn (may be NULL; true: go on) for each object on it, at most
 * g->num of them; @w says how it ended. The walk's end, w->end.
 */
typedef bool (*slab_obj_fn)(uint64_t obj, void *opaque);
enum slab_walk_end slab_freelist_walk(struct insp *r, const struct slab_geom *g,
				      uint64_t first, slab_obj_fn fn,
				      void *opaque, struct slab_walk *w);

/* Is @obj on the freelist from @first? @w: the walk, for why not. */
bool slab_freelist_has(struct insp *r, const struct slab_geom *g,
		       uint64_t first, uint64_t obj, struct slab_walk *w);

/*
 * Is @obj in a CPU's magazine of the cache at @cache (*@cpu: which), or
 * in its depot (*@cpu: -1)? A pointer found there was freed (pushed by a
 * free); one not found proves nothing. False too when unreadable.
 */
bool slab_obj_cached(struct insp *r, uint64_t cache, uint64_t obj, int *cpu);

/*
 * The object [@gpa, @gpa + @len) lies in, from guest memory at @cr3 (its
 * direct map at @direct_map): 0 with @o filled (NONE when the frame is no
 * slab page or the slab never held still over SLAB_OBJ_TRIES reads), or -1
 * with @e when the image has no memory manager or mem_map is not set up.
 */
#define SLAB_OBJ_TRIES		4
int object_state_read(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, uint64_t direct_map,
		      uint64_t gpa, uint64_t len, struct object_state *o,
		      struct errbuf *e);

/* device_control's object_state for the struct vm @opaque (MV_DIRECT_MAP_BASE). */
int object_state_of_vm(void *opaque, uint64_t gpa, uint64_t len,
		       struct object_state *o);

#endif
