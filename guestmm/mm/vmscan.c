// SPDX-License-Identifier: MIT
/*
 * Reclaim: memvisor has no page cache or swap, so reclaiming is asking the
 * registered shrinkers (caches that can give memory back) to free objects.
 *
 * A shrinker declares in ->needs whether it must start I/O (__GFP_IO) or
 * call into a filesystem (__GFP_FS) to free anything; an allocation whose
 * flags lack those bits (GFP_NOIO, GFP_NOFS) skips it, because the caller
 * may itself be in the middle of I/O or a filesystem operation and could
 * deadlock. Reclaim runs with PF_MEMALLOC set so that allocations made by a
 * shrinker never recurse into reclaim.
 */
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/errno.h>

#include "internal.h"

static LIST_HEAD(shrinker_list);
static DEFINE_SPINLOCK(shrinker_lock);
/*
 * Shrinkers whose callbacks run now, one entry per running call: a shrinker
 * stays on the list (and so a valid cursor for shrink_slab's walk) until
 * no entry names it.
 */
#define SHRINKER_MAX_ACTIVE 64
static struct shrinker *shrinker_active[SHRINKER_MAX_ACTIVE];

int register_shrinker(struct shrinker *s)
{
	if (!s->count_objects || !s->scan_objects)
		return -EINVAL;
	if (!s->seeks)
		s->seeks = DEFAULT_SEEKS;
	s->nr_scans = 0;
	s->nr_freed = 0;
	s->unregistering = false;
	spin_lock(&shrinker_lock);
	list_add_tail(&s->list, &shrinker_list);
	spin_unlock(&shrinker_lock);
	return 0;
}

static bool shrinker_is_active(struct shrinker *s)
{
	for (int i = 0; i < SHRINKER_MAX_ACTIVE; i++)
		if (shrinker_active[i] == s)
			return true;
	return false;
}

/* Waits until no CPU is inside s's callbacks, so the caller may free s. */
void unregister_shrinker(struct shrinker *s)
{
	spin_lock(&shrinker_lock);
	s->unregistering = true;
	while (shrinker_is_active(s)) {
		spin_unlock(&shrinker_lock);
		schedule_timeout_uninterruptible(1);
		spin_lock(&shrinker_lock);
	}
	list_del_init(&s->list);
	spin_unlock(&shrinker_lock);
}

static bool shrinker_allowed(const struct shrinker *s, gfp_t gfp)
{
	return !(s->needs & (__GFP_IO | __GFP_FS) & ~gfp);
}

/* Claims an activity slot for s (shrinker_lock held); -1 if all are taken. */
static int shrinker_get_slot(struct shrinker *s)
{
	for (int i = 0; i < SHRINKER_MAX_ACTIVE; i++) {
		if (!shrinker_active[i]) {
			shrinker_active[i] = s;
			return i;
		}
	}
	return -1;
}

/* Asks one shrinker for up to nr_to_scan objects, a batch at a time. */
static unsigned long do_shrink(struct shrinker *s, gfp_t gfp,
			       unsigned long nr_to_scan)
{
	struct shrink_control sc = { .gfp_mask = gfp };
	unsigned long freeable, freed = 0;

	freeable = s->count_objects(s, &sc);
	if (!freeable || freeable == SHRINK_STOP)
		return 0;
	nr_to_scan = min(nr_to_scan, freeable);
	while (nr_to_scan) {
		unsigned long ret;

		sc.nr_to_scan = min(nr_to_scan, (unsigned long)SHRINK_BATCH);
		sc.nr_scanned = sc.nr_to_scan;
		ret = s->scan_objects(s, &sc);
		s->nr_scans++;
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		nr_to_scan -= min(nr_to_scan, sc.nr_scanned ? sc.nr_scanned : 1);
	}
	s->nr_freed += freed;
	return freed;
}

unsigned long shrink_slab(gfp_t gfp, unsigned long nr_to_scan)
{
	struct shrinker *s;
	unsigned long freed = 0;

	spin_lock(&shrinker_lock);
	list_for_each_entry(s, &shrinker_list, list) {
		int slot;

		if (s->unregistering || !shrinker_allowed(s, gfp))
			continue;
		slot = shrinker_get_slot(s);
		if (slot < 0)
			break;
		/* The callbacks may sleep: run them unlocked, s pinned by its slot. */
		spin_unlock(&shrinker_lock);
		freed += do_shrink(s, gfp, nr_to_scan);
		spin_lock(&shrinker_lock);
		shrinker_active[slot] = NULL;
	}
	spin_unlock(&shrinker_lock);
	return freed;
}

unsigned long try_to_free_pages(gfp_t gfp, unsigned int order)
{
	struct task_struct *p = current;
	unsigned int was_memalloc = p->flags & PF_MEMALLOC;
	unsigned long freed;

	p->flags |= PF_MEMALLOC;
	freed = shrink_slab(gfp, (unsigned long)SHRINK_BATCH << order);
	if (!was_memalloc)
		p->flags &= ~PF_MEMALLOC;
	/* What the shrinkers freed went to this CPU's lists: make it count. */
	if (freed)
		drain_local_pages(NULL);
	return freed;
}
