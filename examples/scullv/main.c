// SPDX-License-Identifier: MIT
/*
 * scullv (LDD3 chapter 8): scull whose quanta come from vmalloc: virtually
 * contiguous, built of single pages from anywhere in memory, so a large
 * quantum needs no large free block. Watch the areas from outside with
 * `vmmctl vmallocinfo` (each names its caller, scullv_alloc_quantum).
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/ktest.h>

#include "scull.h"

static int order = 4;		/* quantum = PAGE_SIZE << order */
static int qset = 500;
static int devs = 4;
module_param(order, int, 0444);
module_param(qset, int, 0444);
module_param(devs, int, 0444);
MODULE_PARM_DESC(order, "each quantum is PAGE_SIZE << order bytes of vmalloc");

static struct scull_dev *scullv_devices;

static void *scullv_alloc_quantum(struct scull_dev *dev)
{
	return vmalloc(dev->quantum);
}

static void scullv_free_quantum(struct scull_dev *dev, void *q)
{
	vfree(q);
}

static const struct scull_ops scullv_ops = {
	.alloc_quantum = scullv_alloc_quantum,
	.free_quantum = scullv_free_quantum,
};

static int __init scullv_init(void)
{
	if (order < 0 || order > 8 || qset <= 0 || devs <= 0) {
		pr_err("scullv: order must be 0-8, qset and devs positive\n");
		return -EINVAL;
	}
	scullv_devices = kcalloc(devs, sizeof(*scullv_devices), GFP_KERNEL);
	if (!scullv_devices)
		return -ENOMEM;
	for (int i = 0; i < devs; i++)
		scull_setup(&scullv_devices[i], &scullv_ops, PAGE_SIZE << order,
			    qset);
	pr_info("scullv: %d devices, quantum %lu\n", devs, PAGE_SIZE << order);
	return 0;
}

static void __exit scullv_exit(void)
{
	for (int i = 0; i < devs; i++)
		scull_trim(&scullv_devices[i]);
	kfree(scullv_devices);
	pr_info("scullv: unloaded\n");
}

module_init(scullv_init);
module_exit(scullv_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("memvisor examples, after LDD3's scullv");
MODULE_DESCRIPTION("scull with vmalloc'd quanta");

KTEST(scullv, write_read)
{
	size_t q = PAGE_SIZE << order, len = 2 * 2 * q + q / 2 + 5;
	unsigned char *in = vmalloc(len), *out = vzalloc(len);
	struct scull_dev dev;

	KTEST_ASSERT_NOT_NULL(t, in);
	KTEST_ASSERT_NOT_NULL(t, out);
	scull_setup(&dev, &scullv_ops, q, 2);
	scull_pattern(in, len, 0);
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, in, len, 0), 0);
	KTEST_EXPECT_EQ(t, dev.quanta, DIV_ROUND_UP(len, q));
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, len, 0), len);
	KTEST_EXPECT_TRUE(t, !memcmp(in, out, len));
	scull_trim(&dev);
	vfree(in);
	vfree(out);
}

/* A quantum is a vmalloc area: each of its pages mapped, wherever it is. */
KTEST(scullv, quantum_is_vmalloc)
{
	struct scull_dev dev;
	char *quantum_mem;

	scull_setup(&dev, &scullv_ops, PAGE_SIZE << order, 2);
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, "v", 1, (PAGE_SIZE << order) - 1), 0);
	quantum_mem = dev.data->data[0];
	KTEST_EXPECT_TRUE(t, is_vmalloc_addr(quantum_mem));
	for (unsigned long off = 0; off < (PAGE_SIZE << order); off += PAGE_SIZE)
		KTEST_EXPECT_NOT_NULL(t, vmalloc_to_page(quantum_mem + off));
	KTEST_EXPECT_EQ(t, quantum_mem[(PAGE_SIZE << order) - 1], 'v');
	scull_trim(&dev);
}

KTEST(scullv, devices)
{
	KTEST_ASSERT_NOT_NULL(t, scullv_devices);
	KTEST_EXPECT_EQ(t, scullv_devices[0].quantum, PAGE_SIZE << order);
	KTEST_ASSERT_EQ(t, scull_write_all(&scullv_devices[0], "scullv", 6, 0), 0);
	KTEST_EXPECT_EQ(t, scullv_devices[0].size, 6);
}
