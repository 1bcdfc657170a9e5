// SPDX-License-Identifier: MIT
/*
 * mm_find_module_leaks() (issue 16, item 3): the allocations below are made
 * by functions in their own section, leaktest_text, which stands for a
 * module's core: each record kind must name them, with the right counts
 * and bytes, and forget what was freed. The same allocations made from
 * the test bodies (outside the section) must never be reported.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/ktest.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module_leaks.h>
#include <linux/page_owner.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "mm_test_util.h"

/* The linker's bounds of the section (a C name: ld defines them). */
extern const char __start_leaktest_text[], __stop_leaktest_text[];

#define __leaktest	noinline __section("leaktest_text")
/* A call that is no tail call: the allocator returns into the section. */
#define called_here(call) ({ __typeof__(call) __r = (call); barrier(); __r; })

static __leaktest struct kmem_cache *lt_cache_create(const char *name, size_t size)
{
	return called_here(kmem_cache_create(name, size, 0, 0, NULL));
}

static __leaktest struct page *lt_alloc_pages(unsigned int order)
{
	return called_here(alloc_pages(GFP_KERNEL, order));
}

static __leaktest unsigned long lt_get_free_page(void)
{
	return called_here(__get_free_pages(GFP_KERNEL, 0));
}

static __leaktest void *lt_alloc_pages_exact(size_t size)
{
	return called_here(alloc_pages_exact(size, GFP_KERNEL));
}

static __leaktest void *lt_kmalloc(size_t size)
{
	return called_here(kmalloc(size, GFP_KERNEL));
}

static __leaktest void __percpu *lt_alloc_percpu(size_t size)
{
	return called_here(__alloc_percpu(size, 8));
}

static __leaktest mempool_t *lt_mempool_create(int min_nr, size_t size)
{
	return called_here(mempool_create_kmalloc_pool(min_nr, size));
}

#ifndef __HOSTED__
static __leaktest void *lt_vmalloc(unsigned long size)
{
	return called_here(vmalloc(size));
}
#endif

#define MAX_SEEN 32

struct seen {
	struct module_leak rec[MAX_SEEN];
	char what[MAX_SEEN][KMEM_CACHE_NAME_LEN];
	unsigned int nr;
};

static void collect(const struct module_leak *leak, void *arg)
{
	struct seen *s = arg;

	if (s->nr >= MAX_SEEN)
		return;
	s->rec[s->nr] = *leak;
	if (leak->what)
		strscpy_len(s->what[s->nr], leak->what, KMEM_CACHE_NAME_LEN);
	s->nr++;
}

/* Every record now, each checked to name a caller in the section. */
static unsigned int find(struct ktest *t, struct seen *s)
{
	unsigned long start = (unsigned long)__start_leaktest_text;
	unsigned long end = (unsigned long)__stop_leaktest_text;
	unsigned int n;

	memset(s, 0, sizeof(*s));
	n = mm_find_module_leaks(start, end, collect, s);
	KTEST_EXPECT_EQ(t, n, s->nr);
	for (unsigned int i = 0; i < s->nr; i++) {
		KTEST_EXPECT_GE(t, s->rec[i].caller, start);
		KTEST_EXPECT_LT(t, s->rec[i].caller, end);
	}
	return n;
}

/* The one record of kind (and name, if given), or NULL. */
static const struct module_leak *record(struct ktest *t, const struct seen *s,
					enum mv_module_leak_kind kind,
					const char *what)
{
	const struct module_leak *found = NULL;

	for (unsigned int i = 0; i < s->nr; i++) {
		if (s->rec[i].kind != kind || (what && strcmp(s->what[i], what)))
			continue;
		KTEST_EXPECT_NULL(t, found);	/* one per kind and place */
		found = &s->rec[i];
	}
	return found;
}

/* Finds, expecting exactly one record, of kind, for one allocation. */
static const struct module_leak *the_record(struct ktest *t, struct seen *s,
					    enum mv_module_leak_kind kind)
{
	const struct module_leak *r;

	find(t, s);
	KTEST_EXPECT_EQ(t, s->nr, 1);
	r = record(t, s, kind, NULL);
	if (r)
		KTEST_EXPECT_EQ(t, r->count, 1);
	return r;
}

KTEST(mm_leaks, section_bounds)
{
	KTEST_EXPECT_LT(t, (unsigned long)__start_leaktest_text,
			(unsigned long)__stop_leaktest_text);
	KTEST_EXPECT_GE(t, (unsigned long)lt_alloc_pages,
			(unsigned long)__start_leaktest_text);
	KTEST_EXPECT_LT(t, (unsigned long)lt_alloc_pages,
			(unsigned long)__stop_leaktest_text);
}

KTEST(mm_leaks, nothing_held_nothing_reported)
{
	struct seen s;

	KTEST_EXPECT_EQ(t, find(t, &s), 0);
}

KTEST(mm_leaks, cache_and_its_objects)
{
	struct kmem_cache *c = lt_cache_create("ktest-leak-cache", 40);
	struct kmem_cache *mine = kmem_cache_create("ktest-leak-mine", 40, 0, 0, NULL);
	const struct module_leak *r;
	void *objs[3], *other;
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_ASSERT_NOT_NULL(t, mine);
	KTEST_EXPECT_GE(t, (unsigned long)c->creator,
			(unsigned long)__start_leaktest_text);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	other = kmem_cache_alloc(mine, GFP_KERNEL);

	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 2);
	r = record(t, &s, MV_LEAK_CACHE, "ktest-leak-cache");
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 3);
	KTEST_EXPECT_EQ(t, r->addr, (unsigned long)c);
	KTEST_EXPECT_GE(t, r->bytes, PAGE_SIZE);
	r = record(t, &s, MV_LEAK_OBJECTS, "ktest-leak-cache");
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 3);
	KTEST_EXPECT_EQ(t, r->bytes, 3 * 40);
	KTEST_EXPECT_EQ(t, virt_to_page(r->addr)->slab_cache, c);

	/* Freed objects (parked in a magazine or not) are not leaks. */
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 1);
	r = record(t, &s, MV_LEAK_CACHE, "ktest-leak-cache");
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 0);
	KTEST_EXPECT_NULL(t, record(t, &s, MV_LEAK_OBJECTS, NULL));

	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
	kmem_cache_free(mine, other);
	kmem_cache_destroy(mine);
}

/* As SLUB: a WARN naming the caller, and the cache kept, objects and all. */
KTEST(mm_leaks, destroy_with_objects_warns_and_keeps)
{
	struct kmem_cache *c = lt_cache_create("ktest-leak-destroy", 100);
	const struct module_leak *r;
	unsigned long warns;
	void *objs[2];
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, c);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	warns = warn_count;
	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, warn_count, warns + 1);
	KTEST_EXPECT_TRUE(t, mm_cache_listed(c));
	KTEST_EXPECT_TRUE(t, c->leaked);
	KTEST_EXPECT_EQ(t, c->magic, KMEM_CACHE_MAGIC);

	/* Destroyed: no cache record, but its objects are still leaks. */
	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 1);
	KTEST_EXPECT_NULL(t, record(t, &s, MV_LEAK_CACHE, NULL));
	r = record(t, &s, MV_LEAK_OBJECTS, "ktest-leak-destroy");
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 2);
	KTEST_EXPECT_EQ(t, r->bytes, 200);

	/* Every destroy that finds objects warns again. */
	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, warn_count, warns + 2);
	for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, warn_count, warns + 2);
	KTEST_EXPECT_FALSE(t, mm_cache_listed(c));
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
}

/* Is addr in fn, given other, a function of the section laid out near it? */
static bool in_function(unsigned long addr, unsigned long fn, unsigned long other)
{
	if (addr < fn)
		return false;
	return other < fn || addr < other;
}

/* One record per call site: its pages (orders counted), bytes, a pfn. */
KTEST(mm_leaks, pages_per_caller)
{
	struct page *big[2], *mine = alloc_pages(GFP_KERNEL, 1);
	const struct module_leak *r, *a = NULL, *b = NULL;
	unsigned long one[3];
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, mine);
	for (unsigned int i = 0; i < ARRAY_SIZE(big); i++) {
		big[i] = lt_alloc_pages(2);
		KTEST_ASSERT_NOT_NULL(t, big[i]);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(one); i++) {
		one[i] = lt_get_free_page();
		KTEST_ASSERT_TRUE(t, one[i]);
	}
	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 2);
	for (unsigned int i = 0; i < s.nr; i++) {
		r = &s.rec[i];
		KTEST_EXPECT_EQ(t, r->kind, MV_LEAK_PAGES);
		if (in_function(r->caller, (unsigned long)lt_alloc_pages,
				(unsigned long)lt_get_free_page))
			a = r;
		else if (in_function(r->caller, (unsigned long)lt_get_free_page,
				     (unsigned long)lt_alloc_pages))
			b = r;
	}
	KTEST_ASSERT_NOT_NULL(t, a);
	KTEST_ASSERT_NOT_NULL(t, b);
	KTEST_EXPECT_EQ(t, a->count, 8);
	KTEST_EXPECT_EQ(t, a->bytes, 8 * PAGE_SIZE);
	KTEST_EXPECT_TRUE(t, a->addr == page_to_pfn(big[0]) ||
			     a->addr == page_to_pfn(big[1]));
	KTEST_EXPECT_EQ(t, b->count, 3);
	KTEST_EXPECT_EQ(t, b->bytes, 3 * PAGE_SIZE);

	__free_pages(big[0], 2);
	free_page(one[0]);
	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 2);
	for (unsigned int i = 0; i < s.nr; i++)
		KTEST_EXPECT_TRUE(t, s.rec[i].count == 4 || s.rec[i].count == 2);

	__free_pages(big[1], 2);
	free_page(one[1]);
	free_page(one[2]);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
	__free_pages(mine, 1);
}

/* Exact pages: every page kept names the caller; the tail given back, none. */
KTEST(mm_leaks, alloc_pages_exact)
{
	void *p = lt_alloc_pages_exact(5 * PAGE_SIZE - 100);
	const struct module_leak *r;
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, p);
	for (unsigned int i = 0; i < 5; i++)
		KTEST_EXPECT_EQ(t, page_count(virt_to_page((char *)p + i * PAGE_SIZE)), 1);
	find(t, &s);
	KTEST_EXPECT_EQ(t, s.nr, 1);
	r = record(t, &s, MV_LEAK_PAGES, NULL);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 5);
	KTEST_EXPECT_EQ(t, r->bytes, 5 * PAGE_SIZE);
	free_pages_exact((char *)p + 3 * PAGE_SIZE, 2 * PAGE_SIZE);
	find(t, &s);
	r = record(t, &s, MV_LEAK_PAGES, NULL);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 3);
	free_pages_exact(p, 3 * PAGE_SIZE);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
}

/* kmalloc's large blocks are pages: owned by kmalloc's caller. */
KTEST(mm_leaks, kmalloc_large_names_its_caller)
{
	size_t size = KMALLOC_MAX_CACHE_SIZE + 1;
	const struct module_leak *r;
	void *p = lt_kmalloc(size), *small = lt_kmalloc(64);
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_NOT_NULL(t, small);
	find(t, &s);
	/* kmalloc caches are no module's: the small block is not listed. */
	KTEST_EXPECT_EQ(t, s.nr, 1);
	r = record(t, &s, MV_LEAK_PAGES, NULL);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->count, 1UL << get_order(size));
	KTEST_EXPECT_EQ(t, r->addr, page_to_pfn(virt_to_page(p)));
	kfree(p);
	kfree(small);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
}

KTEST(mm_leaks, percpu)
{
	void __percpu *p = lt_alloc_percpu(24), *mine = __alloc_percpu(24, 8);
	const struct module_leak *r;
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_NOT_NULL(t, mine);
	r = the_record(t, &s, MV_LEAK_PERCPU);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->bytes, 24);
	KTEST_EXPECT_EQ(t, r->addr, (unsigned long)p);
	free_percpu(p);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
	free_percpu(mine);
}

KTEST(mm_leaks, mempool)
{
	mempool_t *pool = lt_mempool_create(4, 64);
	const struct module_leak *r;
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, pool);
	r = the_record(t, &s, MV_LEAK_MEMPOOL);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->addr, (unsigned long)pool);
	mempool_destroy(pool);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
}

#ifndef __HOSTED__
KTEST(mm_leaks, vmalloc)
{
	void *p = lt_vmalloc(3 * PAGE_SIZE), *mine = vmalloc(PAGE_SIZE);
	const struct module_leak *r;
	struct seen s;

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_NOT_NULL(t, mine);
	/* vmalloc's own pages are vmalloc's: the area is the one record. */
	r = the_record(t, &s, MV_LEAK_VMALLOC);
	KTEST_ASSERT_NOT_NULL(t, r);
	KTEST_EXPECT_EQ(t, r->bytes, 3 * PAGE_SIZE);
	KTEST_EXPECT_EQ(t, r->addr, (unsigned long)p);
	vfree(p);
	KTEST_EXPECT_EQ(t, find(t, &s), 0);
	vfree(mine);
}

/*
 * The page scan is a tight loop over one u32 a pfn; with no module holding
 * a page, the module area's scan is skipped. Times printed for the record.
 */
KTEST(mm_leaks, scan_is_bounded)
{
	unsigned long t0, whole, modules;
	struct seen s;

	t0 = jiffies;
	find(t, &s);
	whole = jiffies - t0;
	t0 = jiffies;
	memset(&s, 0, sizeof(s));
	KTEST_EXPECT_EQ(t, mm_find_module_leaks(MV_MODULES_BASE, MV_MODULES_END,
						collect, &s), 0);
	modules = jiffies - t0;
	pr_info("mm_leaks: scan of %lu pfns took %lu ms; the module area's %lu ms\n",
		max_pfn, whole * 1000 / HZ, modules * 1000 / HZ);
	KTEST_EXPECT_LT(t, whole, 5 * HZ);
	/* The module area's page scan is skipped because no module holds a
	 * page: that count, not the two times (a tick apart at random: CI,
	 * nested, had the module area's 1 tick against the whole's 0). */
	KTEST_EXPECT_EQ(t, atomic_long_read(&page_owner_module_pages), 0);
}
#endif
