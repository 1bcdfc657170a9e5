// SPDX-License-Identifier: MIT
/*
 * failslab, as Linux's mm/failslab.c: should a slab allocation fail? Asked
 * by slab_alloc() (kmem_cache_alloc, kmalloc's size classes) when
 * failslab_armed is set; never for a slab's own pages (the page allocator
 * and fail_page_alloc decide those) nor for the bootstrap caches.
 */
#include <linux/fault-inject.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/string.h>

#include "slab.h"

struct failslab_attr failslab = {
	.attr = FAULT_ATTR_INITIALIZER("failslab"),
	.ignore_gfp_wait = true,
	.cache_filter = false,
};

/* Read by every allocation, written by the VMM only: read-mostly data. */
int failslab_armed __read_mostly ____cacheline_aligned;

bool should_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	/* No fault injection for the bootstrap caches (Linux's kmem_cache). */
	if (s == kmem_cache_cache || s == array_cache_cache)
		return false;
	if (gfp & __GFP_NOFAIL)
		return false;
	if (failslab.ignore_gfp_wait && (gfp & __GFP_WAIT))
		return false;
	if (failslab.cache_filter && !(s->flags & SLAB_FAILSLAB))
		return false;
	if ((gfp & failslab.require_gfp) != failslab.require_gfp)
		return false;
	return should_fail_ex(&failslab.attr, s->object_size,
			      (gfp & __GFP_NOWARN) ? FAULT_NOWARN : 0, caller);
}

void *slab_alloc_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	if (should_failslab(s, gfp, caller))
		return NULL;
	return slab_alloc_slow(s, gfp, caller);
}

unsigned long failslab_cache_flags(const char *name)
{
	char want[FAILSLAB_NAME_LEN];

	/* a copy: the VMM may be writing it (a torn name matches nothing) */
	memcpy(want, failslab.cache_name, sizeof(want));
	want[sizeof(want) - 1] = '\0';
	return want[0] && !strcmp(name, want) ? SLAB_FAILSLAB : 0;
}
