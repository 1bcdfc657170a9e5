// SPDX-License-Identifier: MIT
/*
 * The page history past the free (<linux/page_owner.h>), which the VMM's
 * use-after-free check reads: the last allocation's caller, order and
 * stamp stay after the free; the free records its caller; the next
 * allocation stamps a later count of its CPU's clock.
 */
#include <linux/mm.h>
#include <linux/ktest.h>
#include <linux/page_owner.h>

KTEST(page_owner, history_outlives_the_free)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	struct page_owner_hist before, after;
	unsigned long pfn;

	KTEST_ASSERT_NOT_NULL(t, page);
	pfn = page_to_pfn(page);
	before = page_owner_hist[pfn];
	KTEST_EXPECT_NE(t, before.alloc_ip, 0);
	KTEST_EXPECT_EQ(t, before.alloc_ip, page_owner_ips[pfn]);
	KTEST_EXPECT_EQ(t, before.order, 2);
	KTEST_EXPECT_EQ(t, before.free_ip, 0);
	KTEST_ASSERT_TRUE(t, before.cpu < NR_CPUS);
	KTEST_EXPECT_LE(t, (s32)(before.seq - page_owner_clock[before.cpu].seq), 0);
	__free_pages(page, 2);

	after = page_owner_hist[pfn];
	KTEST_EXPECT_EQ(t, page_owner_ips[pfn], 0);
	KTEST_EXPECT_EQ(t, after.alloc_ip, before.alloc_ip);
	KTEST_EXPECT_EQ(t, after.seq, before.seq);
	KTEST_EXPECT_EQ(t, after.order, 2);
	/* freed here: the return address is in this very function */
	KTEST_EXPECT_GE(t, after.free_ip, page_owner_offset(
		(unsigned long)ktest_page_owner_history_outlives_the_free));
	KTEST_EXPECT_LT(t, after.free_ip, page_owner_offset(
		(unsigned long)ktest_page_owner_history_outlives_the_free) + 4096);
}

KTEST(page_owner, each_allocation_stamps_a_later_count)
{
	struct page *a = alloc_page(GFP_KERNEL), *b;
	struct page_owner_hist ha, hb;

	KTEST_ASSERT_NOT_NULL(t, a);
	ha = page_owner_hist[page_to_pfn(a)];
	b = alloc_page(GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, b);
	hb = page_owner_hist[page_to_pfn(b)];
	/* The same CPU (most likely): its clock moved on. */
	if (ha.cpu == hb.cpu)
		KTEST_EXPECT_GT(t, (s32)(hb.seq - ha.seq), 0);
	__free_page(a);
	__free_page(b);
}
