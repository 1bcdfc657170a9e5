// SPDX-License-Identifier: MIT
/* kmalloc: every size class boundary, large blocks, zones, GFP, helpers. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/ktest.h>
#include "../slab.h"

static const size_t classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/* What ksize() must say for a request of size bytes. */
static size_t expected_ksize(size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return PAGE_SIZE << get_order(size);
}

static bool is_pow2(size_t x)
{
	return !(x & (x - 1));
}

static void check_size(struct ktest *t, size_t size, gfp_t gfp)
{
	size_t ks = expected_ksize(size);
	u8 *p = kmalloc(size, gfp);

	if (!KTEST_EXPECT_NOT_NULL(t, p))
		return;
	if (!KTEST_EXPECT_EQ(t, ksize(p), ks))
		ktest_diag("kmalloc(%zu): ksize %zu, expected %zu\n", size, ksize(p), ks);
	KTEST_EXPECT_EQ(t, (unsigned long)p % ARCH_KMALLOC_MINALIGN, 0);
	if (is_pow2(ks))
		KTEST_EXPECT_EQ(t, (unsigned long)p % min_t(size_t, ks, PAGE_SIZE), 0);
	if (gfp & __GFP_DMA)
		KTEST_EXPECT_EQ(t, page_zonenum(virt_to_page(p)), ZONE_DMA);
	else
		KTEST_EXPECT_NE(t, page_zonenum(virt_to_page(p)), ZONE_HIGHMEM);
	/* All of ksize() is usable. */
	memset(p, 0x5c, ks);
	KTEST_EXPECT_EQ(t, p[ks - 1], 0x5c);
	kfree(p);
}

static void check_boundaries(struct ktest *t, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		size_t c = classes[i], prev = i ? classes[i - 1] : 0;

		check_size(t, prev + 1, gfp);	/* the first size of the class */
		check_size(t, c, gfp);		/* its last */
		check_size(t, c + 1, gfp);	/* the next class, or the page allocator */
	}
}

KTEST(kmalloc, every_class_boundary)
{
	check_boundaries(t, GFP_KERNEL);
}

KTEST(kmalloc, every_class_boundary_dma)
{
	check_boundaries(t, GFP_KERNEL | GFP_DMA);
}

KTEST(kmalloc, dma_has_its_own_caches)
{
	void *n = kmalloc(100, GFP_KERNEL);
	void *d = kmalloc(100, GFP_DMA | GFP_KERNEL);

	KTEST_ASSERT_NOT_NULL(t, n);
	KTEST_ASSERT_NOT_NULL(t, d);
	KTEST_EXPECT_EQ(t, strcmp(virt_to_page(n)->slab_cache->name, "kmalloc-128"), 0);
	KTEST_EXPECT_EQ(t, strcmp(virt_to_page(d)->slab_cache->name, "dma-kmalloc-128"), 0);
	KTEST_EXPECT_EQ(t, page_zonenum(virt_to_page(d)), ZONE_DMA);
	kfree(n);
	kfree(d);
}

KTEST(kmalloc, zero_and_null)
{
	unsigned long errs = slab_error_total();

	KTEST_EXPECT_EQ(t, kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	KTEST_EXPECT_EQ(t, ksize(ZERO_SIZE_PTR), 0);
	KTEST_EXPECT_EQ(t, ksize(NULL), 0);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
}

KTEST(kmalloc, large_blocks_go_to_the_page_allocator)
{
	unsigned long before = nr_free_pages(), errs = slab_error_total();
	size_t sizes[] = { KMALLOC_MAX_CACHE_SIZE + 1, 300 * 1024, 1 << 20 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *p = kmalloc(sizes[i], GFP_KERNEL);

		KTEST_ASSERT_NOT_NULL(t, p);
		KTEST_EXPECT_FALSE(t, PageSlab(virt_to_page(p)));
		KTEST_EXPECT_EQ(t, ksize(p), PAGE_SIZE << get_order(sizes[i]));
		KTEST_EXPECT_EQ(t, (unsigned long)p % PAGE_SIZE, 0);
		memset(p, 0xab, sizes[i]);
		kfree(p);
	}
	KTEST_EXPECT_GE(t, nr_free_pages() + 8, before);
	KTEST_EXPECT_NULL(t, kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
}

KTEST(kmalloc, kzalloc_zeroes_dirty_memory)
{
	size_t sizes[] = { 8, 100, 4000, 200000 };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *p = kmalloc(sizes[i], GFP_KERNEL);
		bool zero = true;

		KTEST_ASSERT_NOT_NULL(t, p);
		memset(p, 0xee, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i], GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, p);
		for (j = 0; j < sizes[i]; j++)
			zero &= !p[j];
		KTEST_EXPECT_TRUE(t, zero);
		kfree(p);
	}
}

KTEST(kmalloc, kcalloc_and_overflow)
{
	u32 *p = kcalloc(100, sizeof(u32), GFP_KERNEL);
	unsigned int i;
	bool zero = true;

	KTEST_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < 100; i++)
		zero &= !p[i];
	KTEST_EXPECT_TRUE(t, zero);
	kfree(p);
	KTEST_EXPECT_NULL(t, kcalloc(SIZE_MAX / 2, 3, GFP_KERNEL));
	KTEST_EXPECT_NULL(t, kcalloc(3, SIZE_MAX / 2, GFP_KERNEL));
	KTEST_EXPECT_NULL(t, kmalloc_array(1UL << 33, 1UL << 31, GFP_KERNEL));
}

KTEST(kmalloc, krealloc_keeps_contents)
{
	unsigned long errs = slab_error_total();
	u8 *p = kmalloc(50, GFP_KERNEL), *q;
	unsigned int i;
	bool same = true;

	KTEST_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < 50; i++)
		p[i] = i;
	q = krealloc(p, 60, GFP_KERNEL);	/* still fits kmalloc-64 */
	KTEST_EXPECT_EQ(t, q, p);
	p = krealloc(q, 5000, GFP_KERNEL);	/* moves */
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_GE(t, ksize(p), 5000);
	for (i = 0; i < 50; i++)
		same &= p[i] == i;
	q = krealloc(p, 300000, GFP_KERNEL);	/* to the page allocator */
	KTEST_ASSERT_NOT_NULL(t, q);
	for (i = 0; i < 50; i++)
		same &= q[i] == i;
	KTEST_EXPECT_TRUE(t, same);
	KTEST_EXPECT_EQ(t, krealloc(q, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	p = krealloc(NULL, 10, GFP_KERNEL);	/* kmalloc */
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_EQ(t, ksize(p), 16);
	kfree(p);
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
}

/* GFP_ATOMIC never sleeps: fine under a spinlock, even when slabs must grow. */
KTEST(kmalloc, atomic_under_spinlock)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long sleeps = might_sleep_reports;
	void *objs[300];
	unsigned int i;

	spin_lock(&lock);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmalloc(i % 10 ? 2048 : 200 * 1024, GFP_ATOMIC);
	spin_unlock(&lock);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		KTEST_EXPECT_NOT_NULL(t, objs[i]);
		kfree(objs[i]);
	}
	KTEST_EXPECT_EQ(t, might_sleep_reports, sleeps);
}

KTEST(kmalloc, highmem_flag_still_gives_lowmem)
{
	u8 *p = kmalloc(1000, GFP_HIGHUSER);
	u8 *q = kmalloc(500 * 1024, GFP_HIGHUSER);

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_NOT_NULL(t, q);
	KTEST_EXPECT_NE(t, page_zonenum(virt_to_page(p)), ZONE_HIGHMEM);
	KTEST_EXPECT_NE(t, page_zonenum(virt_to_page(q)), ZONE_HIGHMEM);
	p[999] = q[500 * 1024 - 1] = 1;
	kfree(p);
	kfree(q);
}

/* kfree takes objects of any cache, as on Linux. */
KTEST(kmalloc, kfree_of_a_cache_object)
{
	unsigned long errs = slab_error_total();
	struct kmem_cache *c = kmem_cache_create("ktest-kfree", 40, 0, 0, NULL);
	void *p = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_EQ(t, ksize(p), 40);
	kfree(p);
	kmem_cache_destroy(c);
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
}
