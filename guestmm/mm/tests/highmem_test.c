// SPDX-License-Identifier: MIT
/*
 * Highmem pages are not in the direct map: page_address() is NULL until
 * kmap() maps them; kmap_atomic() maps them per CPU without sleeping.
 */
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/ktest.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/string.h>

#include "mm_test_util.h"

static struct page *highmem_page(struct ktest *t)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);

	if (page && !PageHighMem(page)) {
		__free_page(page);
		page = NULL;
	}
	if (!page)
		ktest_skip(t, "no free highmem page");
	return page;
}

KTEST(highmem, kmap_maps_and_unmaps)
{
	struct page *page = highmem_page(t);
	unsigned int in_use = pkmap_count_in_use;
	u32 *p, *q;

	if (!page)
		return;
	KTEST_EXPECT_NULL(t, page_address(page));
	p = kmap(page);
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_TRUE(t, page_address(page) == p);
	KTEST_EXPECT_EQ(t, pkmap_count_in_use, in_use + 1);
	q = kmap(page);			/* nested: the same mapping */
	KTEST_EXPECT_TRUE(t, p == q);
	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		p[i] = i * 2654435761u;
	kunmap(page);
	KTEST_EXPECT_TRUE(t, page_address(page) == p);
	kunmap(page);
	KTEST_EXPECT_NULL(t, page_address(page));
	KTEST_EXPECT_EQ(t, pkmap_count_in_use, in_use);
	/* Mapped again (maybe elsewhere), the data is still there. */
	p = kmap(page);
	KTEST_EXPECT_EQ(t, p[1], 2654435761u);
	KTEST_EXPECT_EQ(t, p[PAGE_SIZE / 4 - 1], (u32)((PAGE_SIZE / 4 - 1) * 2654435761u));
	kunmap(page);
	__free_page(page);
}

KTEST(highmem, kmap_lowmem_is_direct)
{
	struct page *page = alloc_page(GFP_KERNEL);
	void *p;

	KTEST_ASSERT_NOT_NULL(t, page);
	p = kmap(page);
	KTEST_EXPECT_TRUE(t, p == page_address(page));
	kunmap(page);
	p = kmap_atomic(page);
	KTEST_EXPECT_TRUE(t, p == page_address(page));
	KTEST_EXPECT_TRUE(t, in_atomic());
	kunmap_atomic(p);
	__free_page(page);
}

KTEST(highmem, kmap_atomic_nests)
{
	struct page *a = highmem_page(t), *b;
	u8 *pa, *pb;

	if (!a)
		return;
	b = highmem_page(t);
	if (!b) {
		__free_page(a);
		return;
	}
	pa = kmap_atomic(a);
	KTEST_EXPECT_TRUE(t, in_atomic());
	pb = kmap_atomic(b);
	KTEST_EXPECT_TRUE(t, pa != pb);
	KTEST_EXPECT_TRUE(t, kmap_atomic_to_page(pa) == a);
	KTEST_EXPECT_TRUE(t, kmap_atomic_to_page(pb) == b);
	memset(pa, 0x11, PAGE_SIZE);
	memset(pb, 0x22, PAGE_SIZE);
	kunmap_atomic(pb);
	kunmap_atomic(pa);
	KTEST_EXPECT_FALSE(t, in_atomic());
	KTEST_EXPECT_NULL(t, page_address(a));
	pa = kmap(a);
	pb = kmap(b);
	KTEST_EXPECT_EQ(t, pa[100], 0x11);
	KTEST_EXPECT_EQ(t, pb[100], 0x22);
	kunmap(b);
	kunmap(a);
	__free_page(a);
	__free_page(b);
}

KTEST(highmem, copy_and_clear)
{
	struct page *a = highmem_page(t), *b = alloc_page(GFP_KERNEL);
	u8 *p;

	if (!a || !b) {
		if (a)
			__free_page(a);
		if (b)
			__free_page(b);
		return;
	}
	memset(page_address(b), 0x77, PAGE_SIZE);
	copy_highpage(a, b);
	p = kmap_atomic(a);
	KTEST_EXPECT_EQ(t, p[0], 0x77);
	KTEST_EXPECT_EQ(t, p[PAGE_SIZE - 1], 0x77);
	kunmap_atomic(p);
	clear_highpage(a);
	p = kmap_atomic(a);
	KTEST_EXPECT_EQ(t, p[0], 0);
	KTEST_EXPECT_EQ(t, p[PAGE_SIZE - 1], 0);
	kunmap_atomic(p);
	__free_page(a);
	__free_page(b);
}

/* A kmapped page must be kunmapped before it is freed. */
KTEST(highmem, free_while_kmapped_refused)
{
	struct page *page = highmem_page(t);
	unsigned long bad = bad_page_count;

	if (!page)
		return;
	kmap(page);
	__free_page(page);
	KTEST_EXPECT_EQ(t, bad_page_count, bad + 1);
	kunmap(page);
	set_page_count(page, 1);
	__free_page(page);
	KTEST_EXPECT_EQ(t, bad_page_count, bad + 1);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

struct kmap_hog {
	struct mm_hold pages;
	struct completion mapped;
	struct completion release;
};

static int kmap_hog_thread(void *data)
{
	struct kmap_hog *hog = data;
	struct page *page;

	list_for_each_entry(page, &hog->pages.blocks, lru)
		kmap(page);
	complete(&hog->mapped);
	wait_for_completion(&hog->release);
	msleep(50);
	list_for_each_entry(page, &hog->pages.blocks, lru)
		kunmap(page);
	return 0;
}

/* With every kmap() slot taken, the next kmap() sleeps until a kunmap(). */
KTEST(highmem, kmap_waits_for_a_slot)
{
	struct kmap_hog hog;
	struct task_struct *k;
	struct page *extra;
	void *p;

	mm_hold_init(&hog.pages);
	init_completion(&hog.mapped);
	init_completion(&hog.release);
	for (int i = 0; i < LAST_PKMAP; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);

		if (!page || !PageHighMem(page)) {
			if (page)
				__free_page(page);
			mm_hold_free_all(&hog.pages);
			ktest_skip(t, "fewer than %d free highmem pages", LAST_PKMAP + 1);
			return;
		}
		mm_hold_add(&hog.pages, page);
	}
	extra = highmem_page(t);
	if (!extra) {
		mm_hold_free_all(&hog.pages);
		return;
	}
	kmap_flush_unused();
	k = kthread_run(kmap_hog_thread, &hog, "kmap-hog");
	KTEST_ASSERT_NOT_NULL(t, k);
	wait_for_completion(&hog.mapped);
	KTEST_EXPECT_EQ(t, pkmap_count_in_use, LAST_PKMAP);
	complete(&hog.release);
	p = kmap(extra);		/* sleeps until the hog lets go */
	KTEST_EXPECT_NOT_NULL(t, p);
	kunmap(extra);
	kthread_join(k);
	KTEST_EXPECT_EQ(t, pkmap_count_in_use, 0);
	__free_page(extra);
	mm_hold_free_all(&hog.pages);
}
