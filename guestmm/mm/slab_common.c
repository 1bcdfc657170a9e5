// SPDX-License-Identifier: MIT
/*
 * Cache lifetime: bootstrap, kmem_cache_create/destroy/shrink, the list of
 * caches, and the shrinker that gives empty slabs back under pressure.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/shrinker.h>
#include <memvisor/mminfo.h>
#include "slab.h"
#include "leaks.h"

LIST_HEAD(slab_caches);
DEFINE_SPINLOCK(slab_lock);

struct kmem_cache *kmem_cache_cache;
struct kmem_cache *array_cache_cache;
bool slab_is_up;
static bool slab_booting;	/* inside kmem_cache_init() */

/*
 * The two caches everything else is made of cannot come from themselves:
 * they are static, and take objects one at a time under their lock (no
 * magazines, which would be their own objects).
 */
static struct kmem_cache boot_kmem_cache;
static struct kmem_cache boot_array_cache;

static void add_cache(struct kmem_cache *s)
{
	spin_lock(&slab_lock);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock(&slab_lock);
}

static void bootstrap(struct kmem_cache *s, const char *name, size_t size)
{
	if (slab_cache_setup(s, name, size, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_CPU_CACHE,
			     NULL))
		panic("slab: cannot set up %s\n", name);
	add_cache(s);
}

/*
 * Is slab's memory still what kmem_cache_init() set up? Always, in the
 * guest; the hosted build may boot again on a fresh arena (hosted_boot()),
 * after which the page holding the first kmalloc cache is no slab page.
 */
static bool slab_memory_intact(void)
{
	struct kmem_cache *s = kmalloc_caches[0][KMALLOC_SHIFT_LOW];
	struct page *page;

	if (!s || !virt_addr_valid(s))
		return false;
	page = virt_to_page(s);
	return PageSlab(page) && page->slab_cache == &boot_kmem_cache &&
	       s->magic == KMEM_CACHE_MAGIC;
}

/* Forgets every cache: they were in memory that is gone. */
static void slab_reset(void)
{
	INIT_LIST_HEAD(&slab_caches);
	memset(&boot_kmem_cache, 0, sizeof(boot_kmem_cache));
	memset(&boot_array_cache, 0, sizeof(boot_array_cache));
	memset(slab_errors, 0, sizeof(slab_errors));
}

/*
 * Called once the page allocator runs (start_kernel; the hosted build's
 * first kmalloc or kmem_cache_create if nobody did). Until it returns,
 * caches are made with GFP_NOWAIT, as Linux does at boot: interrupts may be
 * off, and nothing can be waited for yet.
 */
void kmem_cache_init(void)
{
	if (slab_is_up && slab_memory_intact())
		return;
	slab_is_up = false;
	slab_reset();
	bootstrap(&boot_kmem_cache, "kmem_cache", sizeof(struct kmem_cache));
	bootstrap(&boot_array_cache, "array_cache", AC_BYTES);
	kmem_cache_cache = &boot_kmem_cache;
	array_cache_cache = &boot_array_cache;
	slab_booting = true;
	kmalloc_caches_init();
	slab_booting = false;
	slab_is_up = true;
	slab_register_shrinker();
}

/* For kmalloc.c: internal flags allowed. */
struct kmem_cache *__kmem_cache_create(const char *name, size_t size,
				       size_t align, unsigned long flags,
				       void (*ctor)(void *), unsigned long caller)
{
	struct kmem_cache *s = NULL;
	int err = -EINVAL;

	if (!slab_is_up && !slab_booting)
		kmem_cache_init();
	if (!name || !size || size > KMALLOC_MAX_SIZE || (align & (align - 1)))
		goto out;
	err = -ENOMEM;
	s = slab_alloc(kmem_cache_cache, slab_booting ? GFP_NOWAIT : GFP_KERNEL,
		       caller);
	if (!s)
		goto out;
	memset(s, 0, sizeof(*s));
	err = slab_cache_setup(s, name, size, align, flags, ctor);
	if (!err)
		err = slab_alloc_shared(s, slab_booting ? GFP_NOWAIT : GFP_KERNEL);
	if (err)
		goto out_free;
	s->creator = (const void *)caller;
	add_cache(s);
	return s;

out_free:
	slab_free(kmem_cache_cache, s, caller);
out:
	if (flags & SLAB_PANIC)
		panic("kmem_cache_create: failed to create slab '%s' (%d)\n",
		      name ? name : "(null)", err);
	pr_warn("kmem_cache_create(%s) failed with error %d\n",
		name ? name : "(null)", err);
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t offset, unsigned long flags,
				     void (*ctor)(void *))
{
	flags &= ~(SLAB_NO_CPU_CACHE | SLAB_KMALLOC);
	return __kmem_cache_create(name, size, offset, flags, ctor, _RET_IP_);
}

static noinline void *alloc_zeroed(struct kmem_cache *cache, gfp_t flags,
				   unsigned long caller)
{
	void *obj = slab_alloc(cache, flags, caller);

	if (obj)
		memset(obj, 0, cache->object_size);
	return obj;
}

/* Nothing after the fast path, so its slow path is a tail call. */
__fastpath void *kmem_cache_alloc(struct kmem_cache *cache, int flags)
{
	if (unlikely(flags & __GFP_ZERO))
		return alloc_zeroed(cache, flags, _RET_IP_);
	return slab_alloc(cache, flags, _RET_IP_);
}

void *kmem_cache_zalloc(struct kmem_cache *cache, int flags)
{
	return alloc_zeroed(cache, flags, _RET_IP_);
}

__fastpath void kmem_cache_free(struct kmem_cache *cache, const void *obj)
{
	if (unlikely(!obj))
		return;
	slab_free(cache, obj, _RET_IP_);
}

unsigned int kmem_cache_size(struct kmem_cache *cache)
{
	return cache->object_size;
}

const char *kmem_cache_name(struct kmem_cache *cache)
{
	return cache->name;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	might_sleep();
	slab_drain_all_cpus(s);
	slab_release_free(s, 0, SLAB_ALL_PAGES);
	if (slab_objects_in_use(s)) {
		/*
		 * As SLUB: the objects listed the first time, a WARN every
		 * time, and the cache kept (listed in slabinfo and for
		 * mm_find_module_leaks()): freeing under live objects would
		 * turn a leak into corruption.
		 */
		slab_report_leaks(s, _RET_IP_, !s->leaked);
		s->leaked = true;
		return;
	}
	spin_lock(&slab_lock);
	list_del(&s->list);
	spin_unlock(&slab_lock);
	s->magic = 0;
	slab_free(kmem_cache_cache, s, _RET_IP_);
}

/* smp_call_function() callback: runs on each other CPU, interrupts off. */
static void drain_this_cpu(void *info)
{
	slab_drain_cpu(info, smp_processor_id());
}

/*
 * Other CPUs' magazines are theirs alone: each drains its own, on an IPI
 * (in the hosted build, a signal that respects the thread's virtual
 * interrupt flag, so it never lands inside a magazine operation).
 */
static void drain_cpus(struct kmem_cache *s)
{
	unsigned int cpu = get_cpu();

	slab_drain_cpu(s, cpu);
	put_cpu();
	smp_call_function(drain_this_cpu, s, true);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	drain_cpus(s);
	slab_drain_shared(s);
	slab_release_free(s, 0, SLAB_ALL_PAGES);
	return slab_objects_in_use(s) ? 1 : 0;
}

void kmem_cache_cpu_dead(unsigned int cpu)
{
	struct kmem_cache *s;

	if (cpu >= NR_CPUS)
		return;
	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list)
		slab_drain_cpu(s, cpu);
	spin_unlock(&slab_lock);
}

/* ---- leaks of a module ---------------------------------------------------- */

/* Objects handed out and not freed: those parked in magazines are free. */
static unsigned long live_objects(struct kmem_cache *s)
{
	unsigned long active = READ_ONCE(s->stats.active_objs);
	unsigned long parked = slab_cpu_cached(s) + slab_shared_cached(s);

	return active > parked ? active - parked : 0;
}

/*
 * An example of a live object: the first of a full slab, or else the start
 * of a partial one (some of whose objects are live). Cache lock held.
 */
static unsigned long example_object(struct kmem_cache *s)
{
	struct page *slab;

	slab = list_first_entry_or_null(&s->slabs_full, struct page, slab_list);
	if (slab)
		return (unsigned long)index_to_obj(s, slab, 0);
	slab = list_first_entry_or_null(&s->slabs_partial, struct page, slab_list);
	return slab ? (unsigned long)slab_address(slab) : 0;
}

static void cache_leaks(struct leak_list *l, struct kmem_cache *s)
{
	struct module_leak leak = {
		.what = s->name, .caller = (unsigned long)s->creator,
	};
	unsigned long flags;

	leak.count = live_objects(s);
	if (!s->leaked) {		/* still there, as created */
		leak.kind = MV_LEAK_CACHE;
		leak.bytes = (unsigned long)s->stats.total_slabs << (s->order + PAGE_SHIFT);
		leak.addr = (unsigned long)s;
		leak_add(l, &leak);
	}
	if (!leak.count)
		return;
	leak.kind = MV_LEAK_OBJECTS;
	leak.bytes = leak.count * s->object_size;
	spin_lock_irqsave(&s->lock, flags);
	leak.addr = example_object(s);
	spin_unlock_irqrestore(&s->lock, flags);
	leak_add(l, &leak);
}

void slab_find_leaks(struct leak_list *l)
{
	struct kmem_cache *s;

	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list)
		if (leak_caller_in(l, s->creator))
			cache_leaks(l, s);
	spin_unlock(&slab_lock);
}

/* ---- the shrinker --------------------------------------------------------- */

static unsigned long slab_shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	struct kmem_cache *s;
	unsigned long pages = 0;

	/*
	 * Empty slabs, and what parked objects could free once drained: each
	 * may be the last in use of its own slab, so up to a slab each (the
	 * objects' bytes alone undercount, and the scan stopped short).
	 */
	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list) {
		unsigned long parked = slab_cpu_cached(s) + slab_shared_cached(s);

		pages += slab_count_free_pages(s) +
			 (min(parked, s->stats.total_slabs) << s->order);
	}
	spin_unlock(&slab_lock);
	return pages;
}

/*
 * Counts in pages: gives back empty slabs, after emptying this CPU's
 * magazines into them (under pressure, parked objects are memory too).
 */
static unsigned long slab_shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long freed = 0;
	struct kmem_cache *s;
	unsigned int cpu;

	spin_lock(&slab_lock);
	cpu = smp_processor_id();
	list_for_each_entry(s, &slab_caches, list) {
		if (freed >= sc->nr_to_scan)
			break;
		slab_drain_cpu(s, cpu);
		slab_drain_shared(s);
		freed += slab_release_free(s, 0, sc->nr_to_scan - freed);
	}
	spin_unlock(&slab_lock);
	sc->nr_scanned = freed;
	return freed;
}

static struct shrinker slab_shrinker = {
	.name = "slab",
	.count_objects = slab_shrink_count,
	.scan_objects = slab_shrink_scan,
	.needs = 0,		/* no I/O, no filesystem: fine for GFP_NOIO */
	.seeks = DEFAULT_SEEKS,
};

void slab_register_shrinker(void)
{
	static bool registered;

	if (!registered)
		register_shrinker(&slab_shrinker);
	registered = true;
}
