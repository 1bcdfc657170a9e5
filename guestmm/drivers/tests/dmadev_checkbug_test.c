// SPDX-License-Identifier: MIT
/*
 * Planted DMA bugs the VMM must catch (issue 18 items 3 and 5; suite
 * "checkbug", never in the normal runs): a buffer freed while its
 * transfer is in flight, at its second page; a kmalloc object freed
 * inside a slab page that stays allocated, in flight and before the
 * transfer; memory nobody allocated; a buffer handed to the device
 * before the driver wrote it (an object of a SLAB_POISON cache). Each case asserts the device refused the
 * transfer (nothing moved) with the right reason and address, and prints
 * one "checkbug: dma ..." line with the addresses, which the host test
 * (tests/integration/test_dma_checkbug) matches against the
 * __org.memvisor_DMA_FAULT events and their owners.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/dmadev.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#define OBJ_SIZE	64

static bool need_device(struct ktest *t)
{
	if (dmadev_present())
		return true;
	ktest_fail(t, __FILE__, __LINE__, "no DMA device");
	return false;
}

static long not_filled(const void *p, u8 c, size_t len)
{
	const u8 *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != c)
			return i;
	return -1;
}

/* A fill the device runs slowly, from a thread, so the test can free meanwhile. */
struct slow_fill {
	phys_addr_t pa;
	size_t len;
	int ret;
	unsigned int err;
};

static int slow_fill_fn(void *arg)
{
	struct slow_fill *f = arg;

	f->ret = dmadev_fill(f->pa, 0xee, f->len, &f->err);
	return 0;
}

/* Starts @f at the device's longest latency; returns once the device has it. */
static struct task_struct *slow_fill_start(struct slow_fill *f)
{
	struct task_struct *k;

	dmadev_set_latency(MV_DMADEV_LATENCY_MAX);
	k = kthread_run(slow_fill_fn, f, "dma_checkbug");
	if (!k)
		return NULL;
	while (MV_DMADEV_STATE(dmadev_read_reg(MV_DMADEV_STATUS)) != MV_DMADEV_ST_BUSY)
		msleep(1);
	msleep(10);	/* the device has looked at the owners */
	return k;
}

static void slow_fill_end(struct task_struct *k)
{
	kthread_join(k);
	dmadev_set_latency(0);
}

/*
 * Two adjacent pages (an order-1 block split), one transfer over both;
 * the second page is freed while it is in flight: refused, at the
 * second page, and the first page is not written either.
 */
KTEST(checkbug, dma_freed_page)
{
	struct slow_fill f = { 0 };
	struct task_struct *k;
	struct page *page;
	u8 *buf;

	if (!need_device(t))
		return;
	page = alloc_pages(GFP_KERNEL | GFP_DMA, 1);
	KTEST_ASSERT_NOT_NULL(t, page);
	split_page(page, 1);
	buf = page_address(page);
	memset(buf, 0x33, 2 * PAGE_SIZE);
	f.pa = __pa(buf);
	f.len = 2 * PAGE_SIZE;
	pr_info("checkbug: dma_freed_page buffer %#llx freed page %#llx\n",
		(unsigned long long)f.pa, (unsigned long long)f.pa + PAGE_SIZE);
	k = slow_fill_start(&f);
	KTEST_ASSERT_NOT_NULL(t, k);
	__free_page(page + 1);
	slow_fill_end(k);
	KTEST_EXPECT_EQ(t, f.ret, -EIO);
	KTEST_EXPECT_EQ(t, f.err, MV_DMADEV_ERR_FREED);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), f.pa + PAGE_SIZE);
	KTEST_EXPECT_EQ(t, not_filled(buf, 0x33, PAGE_SIZE), -1);
	__free_page(page);
}

/*
 * Two kmalloc objects of one slab page: one stays allocated (so the page
 * does), the other is freed while a transfer into it is in flight, then
 * handed to the device again once freed: both refused.
 */
KTEST(checkbug, dma_freed_object)
{
	struct slow_fill f = { 0 };
	struct task_struct *k;
	u8 *keep, *buf = NULL, *more[16];
	unsigned int err, n = 0;

	if (!need_device(t))
		return;
	keep = kmalloc(OBJ_SIZE, GFP_KERNEL | GFP_DMA);
	KTEST_ASSERT_NOT_NULL(t, keep);
	/* another object of keep's slab page */
	while (n < ARRAY_SIZE(more) && !buf) {
		u8 *p = kmalloc(OBJ_SIZE, GFP_KERNEL | GFP_DMA);

		KTEST_ASSERT_NOT_NULL(t, p);
		if (virt_to_page(p) == virt_to_page(keep))
			buf = p;
		else
			more[n++] = p;
	}
	while (n)
		kfree(more[--n]);
	KTEST_ASSERT_NOT_NULL(t, buf);
	memset(buf, 0x44, OBJ_SIZE);
	f.pa = __pa(buf);
	f.len = OBJ_SIZE;
	pr_info("checkbug: dma_freed_object object %#llx kept %#llx\n",
		(unsigned long long)f.pa, (unsigned long long)__pa(keep));
	k = slow_fill_start(&f);
	KTEST_ASSERT_NOT_NULL(t, k);
	kfree(buf);
	slow_fill_end(k);
	KTEST_EXPECT_EQ(t, f.ret, -EIO);
	KTEST_EXPECT_EQ(t, f.err, MV_DMADEV_ERR_FREED);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), f.pa);
	/* the freed object, handed to the device: refused at submit */
	KTEST_EXPECT_EQ(t, dmadev_fill(f.pa, 0xee, OBJ_SIZE, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_OBJECT);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), f.pa);
	/* and a range across two live objects: in no one object */
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, __pa(keep) + OBJ_SIZE / 2,
				       0, OBJ_SIZE, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_OBJECT);
	kfree(keep);
}

/* A page freed before the transfer (on a per-CPU list): refused both ways. */
KTEST(checkbug, dma_unallocated)
{
	unsigned long va = __get_free_pages(GFP_KERNEL | GFP_DMA, 0);
	unsigned int err;
	phys_addr_t pa;

	if (!need_device(t))
		return;
	KTEST_ASSERT_TRUE(t, va);
	pa = __pa(va);
	free_pages(va, 0);
	pr_info("checkbug: dma_unallocated page %#llx\n", (unsigned long long)pa);
	KTEST_EXPECT_EQ(t, dmadev_fill(pa, 0xee, 256, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_UNALLOCATED);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), pa);
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, pa + 512, 0, 256, &err),
			-EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_UNALLOCATED);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), pa + 512);
}

/*
 * An object of a SLAB_POISON cache, allocated and never written, read by
 * the device: refused (its poison is whole); once the driver wrote it,
 * the same read passes.
 */
KTEST(checkbug, dma_unwritten)
{
	struct kmem_cache *c;
	unsigned int err;
	u8 *obj;

	if (!need_device(t))
		return;
	c = kmem_cache_create("checkbug_dma_poison", OBJ_SIZE, 0,
			      SLAB_POISON | SLAB_CACHE_DMA, NULL);
	KTEST_ASSERT_NOT_NULL(t, c);
	obj = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, obj);
	pr_info("checkbug: dma_unwritten object %#llx\n",
		(unsigned long long)__pa(obj));
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, __pa(obj), 0,
				       OBJ_SIZE, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_UNWRITTEN);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), __pa(obj));
	/* written: an honest read */
	memset(obj, 0x12, OBJ_SIZE);
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, __pa(obj), 0,
				       OBJ_SIZE, &err), 0);
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
}
