/* SPDX-License-Identifier: MIT */
/*
 * One slab, object by object, read from guest memory through the image's
 * layout (slab.h's picture: a slot of `size` bytes per object, the object
 * red_left_pad bytes into it, the free pointer `offset` bytes into the
 * slot): which object an address lies in, and whether it is free (on the
 * slab's freelist, in a CPU's magazine, in the cache's depot).
 *
 * For the DMA device's object-granularity check (object_state_read(),
 * device_control's object_state) and for the checker's slab invariants
 * (slab_freelist_walk(): every pointer inside its slab and on an object
 * boundary). Pure: no vm, no locks; run without parking the vCPUs, so a
 * slab that changes under the walk is read again (see
 * object_state_read()).
 *
 * Cost, bounded whatever the guest holds: the freelist at most `num`
 * steps (one 8-byte read each), each CPU's magazine and the depot one
 * read of at most SLAB_OBJ_MAX_AVAIL pointers each; for a live object of
 * a SLAB_POISON cache, its bytes (at most SLAB_OBJ_MAX_POISON). A slab of
 * more than SLAB_OBJ_MAX_OBJECTS (the guest's largest has 512), or a look
 * past SLAB_OBJ_DEADLINE_NS (a hostile guest's slab), says NONE: the
 * device thread must come back to its stop check soon.
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
 * The geometry of the slab frame @pfn belongs to (any of its pages), over
 * @r (mem_map read, insp_mem_map()): 0, or -1 when the frame is not a slab
 * page of a live cache or the cache's numbers cannot be a slab's.
 */
int slab_geom_read(struct insp *r, uint64_t pfn, struct slab_geom *g);

/* The object of @g that starts at @va (direct map), or -1 when none does. */
int64_t slab_obj_index(const struct slab_geom *g, uint64_t va);

/*
 * Calls @fn (true: go on) for each object on the freelist that starts at
 * @first (the head's freelist as read), at most g->num of them: the
 * number walked, or -1 when a pointer is not an object of the slab or the
 * list is longer than the slab (an inconsistency of @r, the walk stops).
 */
typedef bool (*slab_obj_fn)(uint64_t obj, void *opaque);
long slab_freelist_walk(struct insp *r, const struct slab_geom *g,
			uint64_t first, slab_obj_fn fn, void *opaque);

/*
 * The object [@gpa, @gpa + @len) lies in, from guest memory at @cr3: 0
 * with @o filled (NONE when the frame is no slab page or the slab never
 * held still over SLAB_OBJ_TRIES reads), or -1 with @e when the image has
 * no memory manager or mem_map is not set up.
 */
#define SLAB_OBJ_TRIES		4
int object_state_read(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, uint64_t gpa, uint64_t len,
		      struct object_state *o, struct errbuf *e);

/* device_control's object_state for the struct vm @opaque. */
int object_state_of_vm(void *opaque, uint64_t gpa, uint64_t len,
		       struct object_state *o);

#endif
