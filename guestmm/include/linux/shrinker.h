/* SPDX-License-Identifier: MIT */
/*
 * Shrinkers: caches that can give memory back. A GFP_KERNEL allocation that
 * finds memory short runs them (reclaim) before it waits or fails. Each
 * declares the reclaim context it needs: one that must do I/O is skipped for
 * GFP_NOIO callers, one that calls into a filesystem for GFP_NOFS callers.
 */
#ifndef _LINUX_SHRINKER_H
#define _LINUX_SHRINKER_H

#include <linux/types.h>
#include <linux/list.h>

struct shrink_control {
	gfp_t gfp_mask;			/* the allocation that needs memory */
	unsigned long nr_to_scan;	/* objects to try to free */
	unsigned long nr_scanned;
};

#define SHRINK_STOP	(~0UL)
#define DEFAULT_SEEKS	2

struct shrinker {
	const char *name;
	/* Freeable objects right now (0: nothing to do). */
	unsigned long (*count_objects)(struct shrinker *s, struct shrink_control *sc);
	/* Frees up to sc->nr_to_scan objects; returns how many, or SHRINK_STOP. */
	unsigned long (*scan_objects)(struct shrinker *s, struct shrink_control *sc);
	gfp_t needs;			/* __GFP_IO and/or __GFP_FS, or 0 */
	int seeks;
	struct list_head list;
	unsigned long nr_scans;		/* statistics */
	unsigned long nr_freed;
	bool unregistering;		/* no new calls: unregister_shrinker waits */
};

int register_shrinker(struct shrinker *s);
void unregister_shrinker(struct shrinker *s);
/* Runs the shrinkers gfp allows; returns the objects freed. */
unsigned long shrink_slab(gfp_t gfp, unsigned long nr_to_scan);

#endif
