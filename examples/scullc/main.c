// SPDX-License-Identifier: MIT
/*
 * scullc (LDD3 chapter 8): scull whose quanta come from a lookaside cache
 * of its own, "scullc", through a mempool over that cache, so that a write
 * finds a quantum even when memory is short. Watch the cache from outside
 * with `vmmctl slabinfo` and the pool with `vmmctl mempools`.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/atomic.h>
#include <linux/ktest.h>

#include "scull.h"

static int quantum = 4000;	/* bytes per quantum: the cache's object size */
static int qset = 1000;		/* quanta per set */
static int devs = 4;		/* devices */
static int pool_min = 4;	/* quanta the mempool keeps in reserve */
module_param(quantum, int, 0444);
module_param(qset, int, 0444);
module_param(devs, int, 0444);
module_param(pool_min, int, 0444);
MODULE_PARM_DESC(quantum, "bytes per quantum (the scullc cache's object size)");
MODULE_PARM_DESC(qset, "quanta per quantum set");
MODULE_PARM_DESC(devs, "number of devices");
MODULE_PARM_DESC(pool_min, "quanta the mempool keeps in reserve");

static struct kmem_cache *scullc_cache;
static mempool_t *scullc_pool;
static struct scull_dev *scullc_devices;
static atomic_t scullc_constructed = ATOMIC_INIT(0);

/* A quantum is constructed zeroed, and freed zeroed again (see free). */
static void scullc_ctor(void *quantum_mem)
{
	memset(quantum_mem, 0, quantum);
	atomic_inc(&scullc_constructed);
}

static void *scullc_alloc_quantum(struct scull_dev *dev)
{
	return mempool_alloc(scullc_pool, GFP_KERNEL);
}

/* A cache with a constructor gets its objects back in constructed state. */
static void scullc_free_quantum(struct scull_dev *dev, void *q)
{
	memset(q, 0, dev->quantum);
	mempool_free(q, scullc_pool);
}

static const struct scull_ops scullc_ops = {
	.alloc_quantum = scullc_alloc_quantum,
	.free_quantum = scullc_free_quantum,
};

static void scullc_cleanup(void)
{
	for (int i = 0; scullc_devices && i < devs; i++)
		scull_trim(&scullc_devices[i]);
	kfree(scullc_devices);
	mempool_destroy(scullc_pool);
	kmem_cache_destroy(scullc_cache);
}

static int __init scullc_init(void)
{
	if (quantum <= 0 || qset <= 0 || devs <= 0 || pool_min <= 0) {
		pr_err("scullc: quantum, qset, devs and pool_min must be positive\n");
		return -EINVAL;
	}
	scullc_cache = kmem_cache_create("scullc", quantum, 0, 0, scullc_ctor);
	if (!scullc_cache)
		return -ENOMEM;
	/* mempool_create(pool_min, mempool_alloc_slab, mempool_free_slab,
	 * cache) as LDD3 writes it; this form lets vmmctl mempools name it */
	scullc_pool = mempool_create_slab_pool(pool_min, scullc_cache);
	scullc_devices = kcalloc(devs, sizeof(*scullc_devices), GFP_KERNEL);
	if (!scullc_pool || !scullc_devices) {
		scullc_cleanup();
		return -ENOMEM;
	}
	for (int i = 0; i < devs; i++)
		scull_setup(&scullc_devices[i], &scullc_ops, quantum, qset);
	pr_info("scullc: %d devices, quantum %d, qset %d, pool of %d\n",
		devs, quantum, qset, pool_min);
	return 0;
}

static void __exit scullc_exit(void)
{
	scullc_cleanup();
	pr_info("scullc: unloaded\n");
}

module_init(scullc_init);
module_exit(scullc_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("memvisor examples, after LDD3's scullc");
MODULE_DESCRIPTION("scull with a lookaside cache and a mempool");

/* Quanta out of the cache and not parked in its per-CPU magazines or depot. */
static unsigned long scullc_objects_in_use(void)
{
	struct slabinfo si;

	kmem_cache_get_info(scullc_cache, &si);
	return si.active_objs - si.cpu_cached - si.shared_cached;
}

/* The pool's reserve and the quanta the module's own devices hold. */
static unsigned long scullc_objects_expected(void)
{
	unsigned long n = pool_min;

	for (int i = 0; i < devs; i++)
		n += scullc_devices[i].quanta;
	return n;
}

/* Two sets of 4 quanta and a half, then trim: the cache shows each step. */
KTEST(scullc, write_read)
{
	struct scull_dev dev;
	size_t len = 2 * 4 * quantum + quantum / 2 + 3;
	unsigned char *in = kmalloc(len, GFP_KERNEL);
	unsigned char *out = kzalloc(len, GFP_KERNEL);

	KTEST_ASSERT_NOT_NULL(t, in);
	KTEST_ASSERT_NOT_NULL(t, out);
	scull_setup(&dev, &scullc_ops, quantum, 4);
	scull_pattern(in, len, 0);
	KTEST_EXPECT_EQ(t, scullc_objects_in_use(), scullc_objects_expected());
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, in, len, 0), 0);
	KTEST_EXPECT_EQ(t, dev.size, len);
	KTEST_EXPECT_EQ(t, dev.quanta, DIV_ROUND_UP(len, quantum));
	KTEST_EXPECT_EQ(t, scullc_objects_in_use(),
			scullc_objects_expected() + dev.quanta);
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, len, 0), len);
	KTEST_EXPECT_TRUE(t, !memcmp(in, out, len));
	/* past the end: nothing */
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, 10, len), 0);
	scull_trim(&dev);
	KTEST_EXPECT_EQ(t, dev.size, 0);
	KTEST_EXPECT_EQ(t, scullc_objects_in_use(), scullc_objects_expected());
	kfree(in);
	kfree(out);
}

/* A write at an offset leaves a hole that reads as zeros. */
KTEST(scullc, sparse_write)
{
	struct scull_dev dev;
	loff_t at = 5 * quantum + 17;	/* second set of 4 */
	unsigned char in[100], out[100];

	scull_setup(&dev, &scullc_ops, quantum, 4);
	scull_pattern(in, sizeof(in), at);
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, in, sizeof(in), at), 0);
	KTEST_EXPECT_EQ(t, dev.size, at + sizeof(in));
	KTEST_EXPECT_EQ(t, dev.quanta, 1);
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, sizeof(out), 0), sizeof(out));
	for (size_t i = 0; i < sizeof(out); i++)
		KTEST_ASSERT_EQ(t, out[i], 0);
	KTEST_EXPECT_EQ(t, scull_read_all(&dev, out, sizeof(out), at), sizeof(out));
	KTEST_EXPECT_TRUE(t, !memcmp(in, out, sizeof(in)));
	scull_trim(&dev);
}

/* Every object was constructed (zeroed) once, when its slab was made. */
KTEST(scullc, constructor)
{
	struct scull_dev dev;
	unsigned char byte = 0xff;

	scull_setup(&dev, &scullc_ops, quantum, 4);
	KTEST_EXPECT_GE(t, atomic_read(&scullc_constructed), pool_min);
	KTEST_ASSERT_EQ(t, scull_write_all(&dev, &byte, 1, quantum - 1), 0);
	KTEST_ASSERT_NOT_NULL(t, dev.data);
	/* the rest of the quantum is as the constructor left it */
	KTEST_EXPECT_EQ(t, ((unsigned char *)dev.data->data[0])[0], 0);
	KTEST_EXPECT_EQ(t, ((unsigned char *)dev.data->data[0])[quantum - 1], 0xff);
	KTEST_EXPECT_EQ(t, kmem_cache_size(scullc_cache), quantum);
	scull_trim(&dev);
}

/* The module's devices, as its parameters made them. */
KTEST(scullc, devices)
{
	KTEST_ASSERT_NOT_NULL(t, scullc_devices);
	KTEST_EXPECT_EQ(t, scullc_devices[devs - 1].quantum, quantum);
	KTEST_EXPECT_EQ(t, scullc_devices[devs - 1].qset, qset);
	KTEST_ASSERT_EQ(t, scull_write_all(&scullc_devices[0], "scullc", 6, 0), 0);
	KTEST_EXPECT_EQ(t, scullc_devices[0].size, 6);
	/* left for rmmod to trim: the leak report must stay empty */
}
