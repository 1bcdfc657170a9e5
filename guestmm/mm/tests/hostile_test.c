// SPDX-License-Identifier: MIT
/*
 * A hostile guest, on purpose (issue 15, tests/integration/test_hostile.c):
 * each case publishes lying allocator structures the way in-guest attacker
 * code would, prints what it did, and holds still for hostile_hold=MS
 * (default 0) while the host queries. The VMM is what is under test: the
 * guest only has to stay quiet; the host ends the VM during the hold.
 *
 *   hostile.many_vmap     hostile_areas=N fake vmap areas (default 65536),
 *                         sorted, well formed, appended to the real list
 *   hostile.vmap_wrap     the list replaced by two areas that wrap at the
 *                         top of the address space: A -> B -> A ...
 *   hostile.dma_chain     the fake areas, then a 64-descriptor DMA chain
 *                         whose owner checks each search them (the host
 *                         quits while the device works)
 *   hostile.bad_utf8      ZONE_DMA named "DMA\xff\xfe" with a lying nr_free;
 *                         a cache named "bad\xff\xfe\xc0name"
 *   hostile.escapes       a cache named "esc\e]0;pwned\a\e[2J"
 *   hostile.many_caches   4096 fake caches, a free-list cycle in ZONE_DMA,
 *                         ZONE_DMA spanned 2^40 pages
 *   hostile.cpu_lie       nr_cpu_ids says 2048 CPUs
 *
 * Lines for the host: "hostile hold: CASE" when the lie is in place, then
 * "hostile released: CASE". Fake structures are in the direct map (pages
 * from the buddy allocator) or in the image, where the VMM can read them.
 * Cases undo their lies after the hold, when the hold ends at all.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/dmadev.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <memvisor/layout.h>

#include "mm_test_util.h"

#define FAKE_AREA_PAGES	2		/* one page and its guard */
#define CHUNK_ORDER	(MAX_ORDER - 1)
#define CHUNK_BYTES	(PAGE_SIZE << CHUNK_ORDER)
#define MAX_CHUNKS	64		/* 256 MiB of fake structures at most */
#define NR_FAKE_CACHES	4096
#define DMA_DESCS	MV_DMADEV_CHAIN_MAX
#define HUGE_SPANNED	(1UL << 40)
#define LYING_CPUS	2048

extern struct list_head vmap_area_list;
extern unsigned long nr_vmap_areas;
extern struct list_head slab_caches;
extern spinlock_t slab_lock;

static int hostile_hold_ms;
static int hostile_areas = 1 << 16;

static int __init_hostile_hold(char *val)
{
	if (!param_get_int(val, &hostile_hold_ms) || hostile_hold_ms < 0)
		return -1;
	return 0;
}
__setup("hostile_hold=", __init_hostile_hold);

static int __init_hostile_areas(char *val)
{
	if (!param_get_int(val, &hostile_areas) || hostile_areas < 1)
		return -1;
	return 0;
}
__setup("hostile_areas=", __init_hostile_areas);

static void hold(const char *what)
{
	ktest_diag("hostile hold: %s for %d ms", what, hostile_hold_ms);
	if (hostile_hold_ms)
		msleep(hostile_hold_ms);
	ktest_diag("hostile released: %s", what);
}

/* ---- structures carved from max-order chunks of the direct map --------- */

struct pool {
	void *chunk[MAX_CHUNKS];
	unsigned int nr_chunks;
	size_t size, per_chunk;
};

/* Room for @n zeroed objects of @size bytes; false if memory ran out. */
static bool pool_fill(struct pool *p, unsigned long n, size_t size)
{
	p->size = size;
	p->per_chunk = CHUNK_BYTES / size;
	while (p->nr_chunks * p->per_chunk < n) {
		void *c;

		if (p->nr_chunks == MAX_CHUNKS)
			return false;
		c = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, CHUNK_ORDER);
		if (!c)
			return false;
		p->chunk[p->nr_chunks++] = c;
	}
	return true;
}

static void *pool_obj(struct pool *p, unsigned long i)
{
	return (char *)p->chunk[i / p->per_chunk] + (i % p->per_chunk) * p->size;
}

static void pool_free(struct pool *p)
{
	while (p->nr_chunks)
		free_pages((unsigned long)p->chunk[--p->nr_chunks], CHUNK_ORDER);
}

/* ---- many vmap areas ---------------------------------------------------- */

struct fake_areas {
	struct pool pool;
	struct list_head *real_last;
	unsigned long n;
};

static struct page *fake_area_page;	/* every fake area maps this one */

static void fake_caller(void)
{
}

/*
 * @n well-formed areas at the top of the vmalloc range, after the last
 * real one on vmap_area_list, nr_vmap_areas counting them: a long list,
 * not a broken one. The guest's allocator does not see them (they are on
 * no tree).
 */
static bool fake_areas_add(struct fake_areas *f, unsigned long n)
{
	unsigned long span = FAKE_AREA_PAGES * PAGE_SIZE;
	unsigned long base = MV_VMALLOC_END + 1 - n * span;
	struct list_head *prev = vmap_area_list.prev;
	struct vmap_area *last;
	u64 t0 = jiffies;

	last = list_entry(prev, struct vmap_area, list);
	if (prev != &vmap_area_list && last->va_end > base)
		return false;
	if (!pool_fill(&f->pool, n, sizeof(struct vmap_area)))
		return false;
	fake_area_page = pfn_to_page(0);
	f->real_last = prev;
	f->n = n;
	for (unsigned long i = 0; i < n; i++) {
		struct vmap_area *va = pool_obj(&f->pool, i);

		va->va_start = base + i * span;
		va->va_end = va->va_start + span;
		va->pages = &fake_area_page;
		va->nr_pages = FAKE_AREA_PAGES - 1;
		va->flags = VM_ALLOC;
		va->caller = fake_caller;
		va->list.prev = prev;
		prev->next = &va->list;
		prev = &va->list;
	}
	prev->next = &vmap_area_list;
	vmap_area_list.prev = prev;
	nr_vmap_areas += n;
	ktest_diag("hostile: %lu fake vmap areas at 0x%lx.. built in %lu ms, nr_vmap_areas %lu",
		   n, base, (unsigned long)(jiffies - t0) * 1000 / HZ,
		   nr_vmap_areas);
	return true;
}

static void fake_areas_remove(struct fake_areas *f)
{
	f->real_last->next = &vmap_area_list;
	vmap_area_list.prev = f->real_last;
	nr_vmap_areas -= f->n;
	pool_free(&f->pool);
}

KTEST(hostile, many_vmap)
{
	static struct fake_areas f;

	KTEST_ASSERT_TRUE(t, fake_areas_add(&f, hostile_areas));
	hold("many_vmap");
	fake_areas_remove(&f);
}

/*
 * Two areas whose order check overflows: A starts at the last page of the
 * address space (start + PAGE_SIZE wraps to 0), B follows A's end, and A
 * follows B again: a cycle that keeps the list "sorted" for ever.
 */
KTEST(hostile, vmap_wrap)
{
	static struct vmap_area a, b;
	struct list_head saved = vmap_area_list;

	a.va_start = ~0UL & PAGE_MASK;
	a.va_end = MV_VMALLOC_BASE + 2 * PAGE_SIZE;
	b.va_start = a.va_end;
	b.va_end = b.va_start + 2 * PAGE_SIZE;
	a.flags = b.flags = VM_IOREMAP;
	a.list.prev = &vmap_area_list;
	a.list.next = &b.list;
	b.list.prev = &a.list;
	b.list.next = &a.list;
	WRITE_ONCE(vmap_area_list.next, &a.list);
	vmap_area_list.prev = &b.list;
	ktest_diag("hostile: vmap wrap A 0x%lx B 0x%lx", (unsigned long)&a,
		   (unsigned long)&b);
	hold("vmap_wrap");
	vmap_area_list = saved;
}

/*
 * A 64-descriptor scatter-gather chain over ZONE_DMA pages, submitted
 * while the fake areas made every page-owner search long (the device
 * checks each descriptor's owner before and after its latency), and again
 * until the hold ends, so the device is busy when the host quits.
 */
KTEST(hostile, dma_chain)
{
	static struct fake_areas f;
	static struct dmadev_sg sg[DMA_DESCS];
	unsigned long buf, chains = 0, end;
	unsigned int err = 0;
	int ret;

	KTEST_ASSERT_TRUE(t, dmadev_present());
	buf = __get_free_pages(GFP_DMA, 4);
	KTEST_ASSERT_TRUE(t, buf != 0);
	for (unsigned int i = 0; i < DMA_DESCS; i++) {
		sg[i].addr = __pa(buf + i * (MV_DMADEV_BUF_SIZE / DMA_DESCS));
		sg[i].len = MV_DMADEV_BUF_SIZE / DMA_DESCS;
	}
	KTEST_ASSERT_TRUE(t, fake_areas_add(&f, hostile_areas));
	end = jiffies + msecs_to_jiffies(hostile_hold_ms);
	ktest_diag("hostile hold: dma_chain of %u descriptors, again and again for %d ms",
		   DMA_DESCS, hostile_hold_ms);
	/* the device kept busy for the whole hold: the host quits meanwhile */
	do {
		ret = dmadev_sg_xfer(sg, DMA_DESCS, 0, false, &err);
		chains++;
	} while (!ret && time_before(jiffies, end));
	ktest_diag("hostile released: dma_chain: %lu chains, %d err %u", chains,
		   ret, err);
	fake_areas_remove(&f);
	free_pages(buf, 4);
}

/* ---- strings ------------------------------------------------------------ */

KTEST(hostile, bad_utf8)
{
	static const char zone_name[] = "DMA\xff\xfe";
	struct zone *dma = mm_zone(ZONE_DMA);
	const char *saved = dma->name;
	int o = mm_zone_order_with(ZONE_DMA, 1);
	struct kmem_cache *s;

	KTEST_ASSERT_TRUE(t, o >= 0);
	s = kmem_cache_create("bad\xff\xfe\xc0name", 64, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, s);
	WRITE_ONCE(dma->name, zone_name);
	dma->free_area[o].nr_free++;
	ktest_diag("hostile: zone DMA renamed, free_area[%d] nr_free lies", o);
	hold("bad_utf8");
	dma->free_area[o].nr_free--;
	WRITE_ONCE(dma->name, saved);
	kmem_cache_destroy(s);
}

KTEST(hostile, escapes)
{
	struct kmem_cache *s = kmem_cache_create("esc\x1b]0;pwned\x07\x1b[2J",
						 64, 0, 0, NULL);

	KTEST_ASSERT_NOT_NULL(t, s);
	hold("escapes");
	kmem_cache_destroy(s);
}

/* ---- many caches, a free-list cycle, a huge zone ------------------------ */

/*
 * NR_FAKE_CACHES copies of an empty cache (own empty slab lists, the
 * template's magazines shared), each named, on slab_caches.
 */
static bool fake_caches_add(struct pool *p, struct kmem_cache *tmpl)
{
	if (!pool_fill(p, NR_FAKE_CACHES, sizeof(*tmpl)))
		return false;
	for (unsigned long i = 0; i < NR_FAKE_CACHES; i++) {
		struct kmem_cache *s = pool_obj(p, i);

		memcpy(s, tmpl, sizeof(*s));
		INIT_LIST_HEAD(&s->slabs_full);
		INIT_LIST_HEAD(&s->slabs_partial);
		INIT_LIST_HEAD(&s->slabs_free);
		INIT_LIST_HEAD(&s->slabs_retired);
		snprintf(s->name, sizeof(s->name), "hostile%04lu", i);
		spin_lock(&slab_lock);
		list_add_tail(&s->list, &slab_caches);
		spin_unlock(&slab_lock);
	}
	return true;
}

static void fake_caches_remove(struct pool *p)
{
	spin_lock(&slab_lock);
	for (unsigned long i = 0; i < NR_FAKE_CACHES; i++)
		list_del(&((struct kmem_cache *)pool_obj(p, i))->list);
	spin_unlock(&slab_lock);
	pool_free(p);
}

KTEST(hostile, many_caches)
{
	static struct pool caches;
	struct zone *dma = mm_zone(ZONE_DMA);
	unsigned long spanned = dma->spanned_pages;
	struct list_head *a, *b, *saved;
	struct kmem_cache *tmpl;
	int o = mm_zone_order_with(ZONE_DMA, 2);

	KTEST_ASSERT_TRUE(t, o >= 0);
	tmpl = kmem_cache_create("hostile_tmpl", 32, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, tmpl);
	KTEST_ASSERT_TRUE(t, fake_caches_add(&caches, tmpl));
	a = dma->free_area[o].free_list.next;
	b = a->next;
	saved = b->next;
	WRITE_ONCE(b->next, a);
	WRITE_ONCE(dma->spanned_pages, HUGE_SPANNED);
	ktest_diag("hostile: %u fake caches, zone DMA free_area[%d] cycle, spanned %lu",
		   NR_FAKE_CACHES, o, HUGE_SPANNED);
	hold("many_caches");
	WRITE_ONCE(dma->spanned_pages, spanned);
	WRITE_ONCE(b->next, saved);
	fake_caches_remove(&caches);
	kmem_cache_destroy(tmpl);
}

/*
 * nr_cpu_ids, which the VMM reads to size its per-CPU walks, says 2048:
 * nothing of the guest's runs over its CPUs while it sleeps in the hold
 * (for_each_possible_cpu is at init only).
 */
KTEST(hostile, cpu_lie)
{
	unsigned int saved = nr_cpu_ids;

	WRITE_ONCE(nr_cpu_ids, LYING_CPUS);
	ktest_diag("hostile: nr_cpu_ids %u", LYING_CPUS);
	hold("cpu_lie");
	WRITE_ONCE(nr_cpu_ids, saved);
}
