// SPDX-License-Identifier: MIT
/* Object caches: constructors, alignment, zones, statistics, shrinking. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <memvisor/mminfo.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/shrinker.h>
#include <linux/ktest.h>
#include "../slab.h"
#include "mm_test_util.h"

struct thing {
	unsigned long magic;
	unsigned long ctor_gen;
	char payload[40];
};

#define THING_MAGIC 0x7468696e67UL

static unsigned long ctor_calls;

static void thing_ctor(void *p)
{
	struct thing *t = p;

	t->magic = THING_MAGIC;
	t->ctor_gen = ++ctor_calls;
}

KTEST(slab, create_alloc_free_destroy)
{
	kmem_cache_t *c = kmem_cache_create("ktest-basic", 100, 0, 0, NULL);
	kmem_cache *same = c;	/* the seed's spelling of the type */
	void *a, *b;

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_EXPECT_EQ(t, kmem_cache_size(same), 100);
	KTEST_EXPECT_EQ(t, strcmp(kmem_cache_name(c), "ktest-basic"), 0);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	KTEST_ASSERT_NOT_NULL(t, b);
	KTEST_EXPECT_NE(t, a, b);
	memset(a, 0x11, 100);
	memset(b, 0x22, 100);
	KTEST_EXPECT_EQ(t, ((u8 *)a)[99], 0x11);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_free(c, NULL);	/* a no-op, as kfree(NULL) */
	kmem_cache_destroy(c);
	kmem_cache_destroy(NULL);
}

KTEST(slab, caches_are_listed_for_the_vmm)
{
	struct kmem_cache *c = kmem_cache_create("ktest-listed", 24, 0, 0, NULL);

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_EXPECT_TRUE(t, mm_cache_listed(c));
	KTEST_EXPECT_EQ(t, c->magic, KMEM_CACHE_MAGIC);
	kmem_cache_destroy(c);
	KTEST_EXPECT_FALSE(t, mm_cache_listed(c));
}

/* The ctor runs once per object, when its slab is made, never on reuse. */
KTEST(slab, constructor_once_per_object)
{
	struct kmem_cache *c;
	struct thing *objs[64];
	struct slabinfo si;
	unsigned long calls;
	unsigned int i;

	ctor_calls = 0;
	c = kmem_cache_create("ktest-ctor", sizeof(struct thing), 0, 0, thing_ctor);
	KTEST_ASSERT_NOT_NULL(t, c);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, objs[i]);
		KTEST_EXPECT_EQ(t, objs[i]->magic, THING_MAGIC);
	}
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_EQ(t, ctor_calls, si.num_objs);
	calls = ctor_calls;
	/* Freed objects keep their constructed state and are not rebuilt. */
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KTEST_EXPECT_EQ(t, objs[i]->magic, THING_MAGIC);
	}
	KTEST_EXPECT_EQ(t, ctor_calls, calls);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

static void check_alignment(struct ktest *t, size_t size, size_t align,
			    unsigned long flags, size_t expect)
{
	struct kmem_cache *c = kmem_cache_create("ktest-align", size, align, flags, NULL);
	void *objs[20];
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, objs[i]);
		if (!KTEST_EXPECT_EQ(t, (unsigned long)objs[i] % expect, 0))
			ktest_diag("size %zu align %zu flags %#lx: %p\n",
				   size, align, flags, objs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

KTEST(slab, alignment)
{
	check_alignment(t, 1, 0, 0, 8);
	check_alignment(t, 13, 0, 0, 8);
	check_alignment(t, 13, 16, 0, 16);
	check_alignment(t, 100, 128, 0, 128);
	check_alignment(t, 24, 512, 0, 512);
	check_alignment(t, 100, 0, SLAB_HWCACHE_ALIGN, L1_CACHE_BYTES);
	/* Small objects share a cache line: 20 bytes align on 32. */
	check_alignment(t, 20, 0, SLAB_HWCACHE_ALIGN, 32);
	check_alignment(t, 100, 0, SLAB_HWCACHE_ALIGN | SLAB_RED_ZONE, L1_CACHE_BYTES);
	check_alignment(t, 3000, 4096, 0, 4096);
}

KTEST(slab, bad_arguments_fail)
{
	KTEST_EXPECT_NULL(t, kmem_cache_create("ktest-zero", 0, 0, 0, NULL));
	KTEST_EXPECT_NULL(t, kmem_cache_create(NULL, 8, 0, 0, NULL));
	KTEST_EXPECT_NULL(t, kmem_cache_create("ktest-odd-align", 8, 24, 0, NULL));
}

KTEST(slab, dma_cache_uses_zone_dma)
{
	struct kmem_cache *c = kmem_cache_create("ktest-dma", 200, 0, SLAB_CACHE_DMA, NULL);
	void *objs[50];
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, objs[i]);
		KTEST_EXPECT_EQ(t, page_zonenum(virt_to_page(objs[i])), ZONE_DMA);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

KTEST(slab, zalloc_zeroes)
{
	struct kmem_cache *c = kmem_cache_create("ktest-zalloc", 300, 0, 0, NULL);
	u8 *p;
	unsigned int i;
	bool zero = true;

	KTEST_ASSERT_NOT_NULL(t, c);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	memset(p, 0xff, 300);
	kmem_cache_free(c, p);
	p = kmem_cache_zalloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < 300; i++)
		zero &= !p[i];
	KTEST_EXPECT_TRUE(t, zero);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

/* Thousands of live objects: all distinct, none overlapping. */
KTEST(slab, many_objects_distinct)
{
	const unsigned int n = 5000, size = 48;
	struct kmem_cache *c = kmem_cache_create("ktest-many", size, 0, 0, NULL);
	unsigned long **objs = kmalloc_array(n, sizeof(*objs), GFP_KERNEL);
	unsigned int i, bad = 0;

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_ASSERT_NOT_NULL(t, objs);
	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, objs[i]);
		for (unsigned int w = 0; w < size / sizeof(long); w++)
			objs[i][w] = i;
	}
	for (i = 0; i < n; i++)
		for (unsigned int w = 0; w < size / sizeof(long); w++)
			bad += objs[i][w] != i;
	KTEST_EXPECT_EQ(t, bad, 0);
	for (i = 0; i < n; i += 2)
		kmem_cache_free(c, objs[i]);
	for (i = 1; i < n; i += 2)
		kmem_cache_free(c, objs[i]);
	kfree(objs);
	kmem_cache_destroy(c);
}

KTEST(slab, statistics)
{
	struct kmem_cache *c = kmem_cache_create("ktest-stats", 256, 0, 0, NULL);
	void *objs[100];
	struct slabinfo si;
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_EQ(t, si.num_objs, 0);
	KTEST_EXPECT_EQ(t, si.num_slabs, 0);
	KTEST_EXPECT_EQ(t, si.object_size, 256);
	KTEST_EXPECT_GE(t, si.objsize, 256);
	KTEST_EXPECT_EQ(t, si.objects_per_slab * si.objsize <= si.pages_per_slab * PAGE_SIZE, 1);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_GE(t, si.active_objs, 100);
	KTEST_EXPECT_EQ(t, si.active_objs - si.cpu_cached - si.shared_cached, 100);
	KTEST_EXPECT_EQ(t, si.num_objs, si.num_slabs * si.objects_per_slab);
	KTEST_EXPECT_LE(t, si.active_slabs, si.num_slabs);
	KTEST_EXPECT_GE(t, si.active_slabs, DIV_ROUND_UP(100, si.objects_per_slab));
	/* The VMM reads the same numbers from the cache itself. */
	KTEST_EXPECT_EQ(t, c->stats.total_objs, si.num_objs);
	KTEST_EXPECT_EQ(t, c->stats.objects_per_slab, si.objects_per_slab);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	KTEST_EXPECT_EQ(t, kmem_cache_shrink(c), 0);
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_EQ(t, si.active_objs, 0);
	KTEST_EXPECT_EQ(t, si.num_slabs, 0);
	kmem_cache_destroy(c);
}

KTEST(slab, shrink_gives_pages_back)
{
	struct kmem_cache *c = kmem_cache_create("ktest-shrink", 1000, 0, 0, NULL);
	void *objs[400];
	unsigned long before, after;
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	before = nr_free_pages();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_EXPECT_LT(t, nr_free_pages(), before);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	KTEST_EXPECT_EQ(t, kmem_cache_shrink(c), 0);
	after = nr_free_pages();
	/* Everything back, give or take the magazine's own page. */
	KTEST_EXPECT_GE(t, after + 8, before);
	kmem_cache_destroy(c);
}

/* Under memory pressure the page allocator runs the slab shrinker. */
KTEST(slab, shrinker_frees_empty_slabs)
{
	struct kmem_cache *c = kmem_cache_create("ktest-shrinker", 512, 0, 0, NULL);
	void *objs[256];
	struct slabinfo si;
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	/* This CPU's magazine flushed, empty slabs kept up to free_limit. */
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_GT(t, si.num_slabs, 0);
	KTEST_EXPECT_GT(t, slab_count_free_pages(c), 0);
	shrink_slab(GFP_NOIO, 1UL << 20);	/* the slab shrinker needs no I/O */
	kmem_cache_get_info(c, &si);
	KTEST_EXPECT_EQ(t, si.num_slabs, 0);
	kmem_cache_destroy(c);
}

/* The guest's string.h has no strstr. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return true;
	return false;
}

KTEST(slab, slabinfo_format)
{
	struct kmem_cache *c = kmem_cache_create("ktest-slabinfo", 64, 0, 0, NULL);
	void *obj = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	char *buf = kmalloc(16384, GFP_KERNEL);
	int len;

	KTEST_ASSERT_NOT_NULL(t, obj);
	KTEST_ASSERT_NOT_NULL(t, buf);
	len = slabinfo_print(buf, 16384);
	KTEST_EXPECT_GT(t, len, 0);
	KTEST_EXPECT_LT(t, len, 16384);
	KTEST_EXPECT_EQ(t, strncmp(buf, "slabinfo - version: 2.1\n", 24), 0);
	KTEST_EXPECT_TRUE(t, contains(buf, "\nktest-slabinfo "));
	KTEST_EXPECT_TRUE(t, contains(buf, "\nkmalloc-64 "));
	KTEST_EXPECT_TRUE(t, contains(buf, "\ndma-kmalloc-8k "));
	KTEST_EXPECT_TRUE(t, contains(buf, ": tunables "));
	KTEST_EXPECT_TRUE(t, contains(buf, ": slabdata "));
	/* Too small a buffer: the length it needed, as snprintf. */
	KTEST_EXPECT_EQ(t, slabinfo_print(buf, 10), len);
	kfree(buf);
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
}
