// SPDX-License-Identifier: MIT
/*
 * scullp (LDD3 chapter 8): scull whose quanta are whole pages, 2^order of
 * them each (quantum = PAGE_SIZE << order). zone=normal takes them with
 * __get_free_pages(GFP_KERNEL), zone=dma with GFP_DMA (below 16 MiB, the
 * DMA engine's reach), zone=high with alloc_pages(GFP_HIGHUSER): high
 * memory has no kernel address, so each access kmaps one page at a time.
 * Watch the zones from outside with `vmmctl buddyinfo`.
 */
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>
#include <linux/ktest.h>

#include "scull.h"

static int order;		/* pages per quantum: 2^order */
static int qset = 500;		/* quanta per set */
static int devs = 4;
static char *zone = "normal";	/* normal, dma or high */
module_param(order, int, 0444);
module_param(qset, int, 0444);
module_param(devs, int, 0444);
module_param(zone, charp, 0444);
MODULE_PARM_DESC(order, "each quantum is 2^order pages");
MODULE_PARM_DESC(zone, "where quanta come from: normal, dma or high (kmap)");

static struct scull_dev *scullp_devices;
static unsigned int scullp_gfp;

/* normal and dma: the quantum is the pages' kernel address */
static void *scullp_alloc_lowmem(struct scull_dev *dev)
{
	return (void *)__get_free_pages(scullp_gfp, order);
}

static void scullp_free_lowmem(struct scull_dev *dev, void *q)
{
	free_pages((unsigned long)q, order);
}

/* high: the quantum is its first struct page */
static void *scullp_alloc_highmem(struct scull_dev *dev)
{
	return alloc_pages(scullp_gfp, order);
}

static void scullp_free_highmem(struct scull_dev *dev, void *q)
{
	__free_pages(q, order);
}

/* One page mapped at a time, as a driver touching high memory must. */
static void scullp_copy_highmem(struct scull_dev *dev, void *q, size_t offset,
				void *buf, size_t len, bool to_quantum)
{
	struct page *page = (struct page *)q + offset / PAGE_SIZE;
	size_t in_page = offset % PAGE_SIZE;

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		char *va = kmap(page);

		if (to_quantum)
			memcpy(va + in_page, buf, n);
		else
			memcpy(buf, va + in_page, n);
		kunmap(page);
		buf = (char *)buf + n;
		len -= n;
		in_page = 0;
		page++;
	}
}

static const struct scull_ops scullp_lowmem_ops = {
	.alloc_quantum = scullp_alloc_lowmem,
	.free_quantum = scullp_free_lowmem,
};

static const struct scull_ops scullp_highmem_ops = {
	.alloc_quantum = scullp_alloc_highmem,
	.free_quantum = scullp_free_highmem,
	.copy = scullp_copy_highmem,
};

static const struct scull_ops *scullp_ops = &scullp_lowmem_ops;

/* The quantum's first page, whatever the zone. */
static struct page *scullp_quantum_page(void *q)
{
	if (scullp_ops == &scullp_highmem_ops)
		return q;
	return virt_to_page(q);
}

static int __init scullp_init(void)
{
	if (order < 0 || order > 4 || qset <= 0 || devs <= 0) {
		pr_err("scullp: order must be 0-4, qset and devs positive\n");
		return -EINVAL;
	}
	if (!strcmp(zone, "normal")) {
		scullp_gfp = GFP_KERNEL;
	} else if (!strcmp(zone, "dma")) {
		scullp_gfp = GFP_KERNEL | GFP_DMA;
	} else if (!strcmp(zone, "high")) {
		scullp_gfp = GFP_HIGHUSER;
		scullp_ops = &scullp_highmem_ops;
	} else {
		pr_err("scullp: zone=%s: not normal, dma or high\n", zone);
		return -EINVAL;
	}
	scullp_devices = kcalloc(devs, sizeof(*scullp_devices), GFP_KERNEL);
	if (!scullp_devices)
		return -ENOMEM;
	for (int i = 0; i < devs; i++)
		scull_setup(&scullp_devices[i], scullp_ops, PAGE_SIZE << order,
			    qset);
	pr_info("scullp: %d devices, order %d (quantum %lu), zone %s\n",
		devs, order, PAGE_SIZE << order, zone);
	return 0;
}

static void __exit scullp_exit(void)
{
	for (int i = 0; i < devs; i++)
		scull_trim(&scullp_devices[i]);
	kfree(scullp_devices);
	pr_info("scullp: unloaded\n");
}

module_init(scullp_init);
module_exit(scullp_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("memvisor examples, after LDD3's scullp");
MODULE_DESCRIPTION("scull with whole pages: orders, GFP_DMA, GFP_HIGHUSER and kmap");

/* Across quanta and sets; the free page count shows the pages held. */
KTEST(scullp, write_read)
{
	size_t q = PAGE_SIZE << order, len = 2 * 3 * q + q / 3 + 1;
	unsigned char *in = vmalloc(len), *out = vzalloc(len);
	struct scull_dev dev;
	unsigned long before;

	KTEST_ASSERT_NOT_NULL(t, in);
	KTEST_ASSERT_NOT_NULL(t, out);
	scull_setup(&dev, scullp_ops, q, 3);
	scull_pattern(in, len, 0);
	before = nr_free_pages();
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, in, len, 0), 0);
	KTEST_EXPECT_EQ(t, dev.quanta, DIV_ROUND_UP(len, q));
	/* at least the quanta's pages left the free lists (per-CPU lists
	 * may hold a few more) */
	KTEST_EXPECT_GE(t, before - nr_free_pages(), dev.quanta << order);
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, len, 0), len);
	KTEST_EXPECT_TRUE(t, !memcmp(in, out, len));
	scull_trim(&dev);
	vfree(in);
	vfree(out);
}

/* Each quantum is 2^order pages from the zone asked for. */
KTEST(scullp, zone)
{
	struct scull_dev dev;
	struct page *page;

	scull_setup(&dev, scullp_ops, PAGE_SIZE << order, 2);
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, "p", 1, 0), 0);
	page = scullp_quantum_page(dev.data->data[0]);
	KTEST_EXPECT_EQ(t, page_to_pfn(page) & ((1UL << order) - 1), 0);
	if (scullp_gfp & GFP_DMA)
		KTEST_EXPECT_EQ(t, page_zonenum(page), ZONE_DMA);
	else if (scullp_ops == &scullp_highmem_ops && totalhigh_pages)
		KTEST_EXPECT_TRUE(t, PageHighMem(page));
	else
		KTEST_EXPECT_FALSE(t, PageHighMem(page));
	scull_trim(&dev);
}

KTEST(scullp, devices)
{
	KTEST_ASSERT_NOT_NULL(t, scullp_devices);
	KTEST_EXPECT_EQ(t, scullp_devices[0].quantum, PAGE_SIZE << order);
	KTEST_ASSERT_EQ(t, scull_write_all(&scullp_devices[0], "scullp", 6, 0), 0);
	KTEST_EXPECT_EQ(t, scullp_devices[0].size, 6);
}
