// SPDX-License-Identifier: MIT
/*
 * Guests for the VMM's slab inspection (vmm/control/slab_cmds.c), not part
 * of the mm suites: they wait for a host to look at them and stop after
 * SLABINSP_SECONDS, whatever happens.
 *
 * slabinsp.idle: caches, objects and mempools, the guest's own slabinfo
 * printed, "slabinsp: ready", then sleeping: slab state holds still from the
 * dump on, so the VMM's slabinfo must equal it
 * (tests/integration/test_slabinsp).
 * slabinsp.stress: kmalloc/kfree of mixed sizes without pause
 * (bench/slabinfo-latency queries meanwhile).
 */
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/ktest.h>
#include <linux/mempool.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define SLABINSP_SECONDS	60

static void *objs[512];

KTEST(slabinsp, idle)
{
	struct kmem_cache *a = kmem_cache_create("insp-a", 100, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("insp-b", 700, 0, SLAB_HWCACHE_ALIGN, NULL);
	mempool_t *p1, *p2, *p3;
	unsigned long end;

	KTEST_EXPECT_TRUE(t, a && b);
	if (!a || !b)
		return;
	for (int i = 0; i < 300; i++)
		objs[i] = kmem_cache_alloc(i & 1 ? a : b, GFP_KERNEL);
	for (int i = 0; i < 300; i += 3)
		kmem_cache_free(i & 1 ? a : b, objs[i]);
	p1 = mempool_create_slab_pool(4, a);
	p2 = mempool_create_kmalloc_pool(3, 256);
	p3 = mempool_create_page_pool(2, 1);
	slabinfo_dump();
	pr_info("slabinsp: mempools %p %p %p\n", p1, p2, p3);
	pr_info("slabinsp: ready\n");
	end = jiffies + SLABINSP_SECONDS * HZ;
	while (time_before(jiffies, end))
		msleep(100);
}

KTEST(slabinsp, stress)
{
	unsigned long end = jiffies + SLABINSP_SECONDS * HZ, n = 0;
	unsigned int seed = 1;

	pr_info("slabinsp: stress running\n");
	while (time_before(jiffies, end)) {
		unsigned int i;

		seed = seed * 1103515245 + 12345;
		i = (seed >> 16) % 512;
		if (objs[i]) {
			kfree(objs[i]);
			objs[i] = NULL;
		} else {
			objs[i] = kmalloc(8 + (seed >> 8) % 2048, GFP_KERNEL);
		}
		if (!(++n & 0xffff))
			schedule_timeout(0);
	}
	for (int i = 0; i < 512; i++)
		kfree(objs[i]);
	pr_info("slabinsp: stress done, %lu operations\n", n);
}
