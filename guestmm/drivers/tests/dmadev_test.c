// SPDX-License-Identifier: MIT
/*
 * The DMA engine through its driver: every kind of transfer on every kind
 * of DMA memory, checked byte for byte (64 bits at a time: the comparison
 * is guest code, slow where KVM emulates it); the refusals the device
 * makes (NORMAL and HIGHMEM targets, bad lengths, buffers freed in flight)
 * and the fault count the VMM keeps; transfers from several CPUs at once.
 */
#include <linux/kernel.h>
#include <linux/dmadev.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "../../mm/tests/mm_test_util.h"

#define DMA_LIMIT	(MV_DMADEV_MASK + 1)

static bool need_device(struct ktest *t)
{
	if (dmadev_present())
		return true;
	ktest_fail(t, __FILE__, __LINE__, "no DMA device");
	return false;
}

/* A pattern that differs per byte and per seed. */
static void pattern(void *p, size_t len, u64 seed)
{
	u8 *b = p;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		u64 v = (i + seed) * 0x9e3779b97f4a7c15ULL;

		memcpy(b + i, &v, 8);
	}
	for (; i < len; i++)
		b[i] = (u8)(i * 131 + seed);
}

/* Every byte of [a, a + len) equals [b, b + len): -1 or the first offset that differs. */
static long differs(const void *a, const void *b, size_t len)
{
	const u8 *x = a, *y = b;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		u64 u, v;

		memcpy(&u, x + i, 8);
		memcpy(&v, y + i, 8);
		if (u != v)
			break;
	}
	for (; i < len; i++)
		if (x[i] != y[i])
			return i;
	return -1;
}

/* [p, p + len) holds pattern(seed): -1 or the first offset that differs. */
static long pattern_differs(const void *p, size_t len, u64 seed)
{
	const u8 *b = p;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		u64 v = (i + seed) * 0x9e3779b97f4a7c15ULL, u;

		memcpy(&u, b + i, 8);
		if (u != v)
			return i;
	}
	for (; i < len; i++)
		if (b[i] != (u8)(i * 131 + seed))
			return i;
	return -1;
}

static long not_filled(const void *p, u8 c, size_t len)
{
	const u8 *b = p;
	u64 w = 0x0101010101010101ULL * c;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		u64 v;

		memcpy(&v, b + i, 8);
		if (v != w)
			break;
	}
	for (; i < len; i++)
		if (b[i] != c)
			return i;
	return -1;
}

KTEST(dma, registers)
{
	if (!need_device(t))
		return;
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_ID), MV_DMADEV_ID_VALUE);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_DMA_MASK), 0xffffff);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_RING_SIZE), 64);
}

/* __get_free_pages(GFP_DMA, order): copy, fill, each order up to 16 pages. */
KTEST(dma, gfp_dma_pages)
{
	unsigned int err;

	if (!need_device(t))
		return;
	for (unsigned int order = 0; order <= 4; order++) {
		size_t len = PAGE_SIZE << order;
		unsigned long s = __get_free_pages(GFP_KERNEL | GFP_DMA, order);
		unsigned long d = __get_free_pages(GFP_KERNEL | GFP_DMA, order);

		KTEST_ASSERT_TRUE(t, s && d);
		KTEST_EXPECT_LT(t, __pa(s) + len, DMA_LIMIT + 1);
		KTEST_EXPECT_LT(t, __pa(d) + len, DMA_LIMIT + 1);
		pattern((void *)s, len, order);
		memset((void *)d, 0, len);
		KTEST_EXPECT_EQ(t, dmadev_copy(__pa(d), __pa(s), len, &err), 0);
		KTEST_EXPECT_EQ(t, err, 0);
		KTEST_EXPECT_EQ(t, differs((void *)d, (void *)s, len), -1);
		KTEST_EXPECT_EQ(t, dmadev_fill(__pa(d), 0xa5, len, &err), 0);
		KTEST_EXPECT_EQ(t, not_filled((void *)d, 0xa5, len), -1);
		free_pages(s, order);
		free_pages(d, order);
	}
}

/* kmalloc(GFP_DMA) objects at odd sizes and offsets; buffer round trips. */
KTEST(dma, kmalloc_dma)
{
	static const size_t sizes[] = { 1, 7, 64, 1000, 3000, 8192, 20000 };
	unsigned int err;

	if (!need_device(t))
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t len = sizes[i];
		u8 *s = kmalloc(len + 3, GFP_KERNEL | GFP_DMA);
		u8 *d = kmalloc(len + 3, GFP_KERNEL | GFP_DMA);
		u8 *r = kmalloc(len + 3, GFP_KERNEL | GFP_DMA);

		KTEST_ASSERT_TRUE(t, s && d && r);
		KTEST_EXPECT_LT(t, __pa(s), DMA_LIMIT);
		pattern(s, len + 3, i + 100);
		memset(d, 0x11, len + 3);
		memset(r, 0x22, len + 3);
		/* memory to memory, from an odd address */
		KTEST_EXPECT_EQ(t, dmadev_copy(__pa(d + 1), __pa(s + 3), len, &err), 0);
		KTEST_EXPECT_EQ(t, differs(d + 1, s + 3, len), -1);
		KTEST_EXPECT_EQ(t, d[0], 0x11);
		KTEST_EXPECT_EQ(t, d[len + 1], 0x11);
		/* memory to the device's buffer and back */
		KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, __pa(s), 777,
					       len, &err), 0);
		KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_TO_MEM, 777, __pa(r + 2),
					       len, &err), 0);
		KTEST_EXPECT_EQ(t, differs(r + 2, s, len), -1);
		KTEST_EXPECT_EQ(t, r[1], 0x22);
		KTEST_EXPECT_EQ(t, r[len + 2], 0x22);
		kfree(s);
		kfree(d);
		kfree(r);
	}
}

/*
 * The boot-time buffer: one physically contiguous piece from
 * alloc_bootmem_low_pages, larger than the buddy allocator's largest
 * block, filled and copied in single commands.
 */
KTEST(dma, bootmem_low_buffer)
{
	size_t size, half;
	u8 *buf = dmadev_boot_buffer(&size);
	unsigned int err;

	if (!need_device(t))
		return;
	if (!buf) {
		ktest_skip(t, "boot with dmadev.bootbuf=4160K");
		return;
	}
	KTEST_EXPECT_GT(t, size, (size_t)MAX_ORDER_NR_PAGES * PAGE_SIZE);
	KTEST_EXPECT_LE(t, __pa(buf) + size, DMA_LIMIT);
	KTEST_EXPECT_EQ(t, dmadev_fill(__pa(buf), 0x5a, size, &err), 0);
	KTEST_EXPECT_EQ(t, not_filled(buf, 0x5a, size), -1);
	half = size / 2;
	pattern(buf, half, 7);
	KTEST_EXPECT_EQ(t, dmadev_copy(__pa(buf + half), __pa(buf), half, &err), 0);
	KTEST_EXPECT_EQ(t, differs(buf + half, buf, half), -1);
	/* overlapping: the device moves as memmove does */
	KTEST_EXPECT_EQ(t, dmadev_copy(__pa(buf + 4096), __pa(buf), half, &err), 0);
	KTEST_EXPECT_EQ(t, pattern_differs(buf + 4096, half, 7), -1);
	/* the device buffer's whole 64 KiB, into the tail past 4 MiB */
	pattern(buf, MV_DMADEV_BUF_SIZE, 9);
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_FROM_MEM, __pa(buf), 0,
				       MV_DMADEV_BUF_SIZE, &err), 0);
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_TO_MEM, 0,
				       __pa(buf + size - MV_DMADEV_BUF_SIZE),
				       MV_DMADEV_BUF_SIZE, &err), 0);
	KTEST_EXPECT_EQ(t, differs(buf + size - MV_DMADEV_BUF_SIZE, buf,
				   MV_DMADEV_BUF_SIZE), -1);
}

/* The mempool: with ZONE_DMA exhausted, its reserve still carries transfers. */
KTEST(dma, mempool_under_pressure)
{
	struct mm_hold h;
	void *bufs[4];
	unsigned int err;

	if (!need_device(t))
		return;
	mm_hold_init(&h);
	mm_exhaust(&h, GFP_DMA);
	KTEST_EXPECT_NULL(t, alloc_page(GFP_DMA | __GFP_NOWARN));
	for (unsigned int i = 0; i < ARRAY_SIZE(bufs); i++) {
		bufs[i] = dmadev_pool_alloc(GFP_KERNEL);
		KTEST_ASSERT_NOT_NULL(t, bufs[i]);
		KTEST_EXPECT_LT(t, __pa(bufs[i]), DMA_LIMIT);
	}
	pattern(bufs[0], DMADEV_POOL_SIZE, 3);
	KTEST_EXPECT_EQ(t, dmadev_copy(__pa(bufs[1]), __pa(bufs[0]),
				       DMADEV_POOL_SIZE, &err), 0);
	KTEST_EXPECT_EQ(t, differs(bufs[1], bufs[0], DMADEV_POOL_SIZE), -1);
	/* a 3-descriptor chain takes a page for its descriptors: from the pool */
	{
		struct dmadev_sg out[3] = {
			{ __pa(bufs[0]), 100 }, { __pa(bufs[1]) + 100, 1000 },
			{ __pa(bufs[0]) + 1100, 2996 },
		};
		struct dmadev_sg in[1] = { { __pa(bufs[2]), 4096 } };

		KTEST_EXPECT_EQ(t, dmadev_sg_xfer(out, 3, 0, false, &err), 0);
		KTEST_EXPECT_EQ(t, dmadev_sg_xfer(in, 1, 0, true, &err), 0);
		KTEST_EXPECT_EQ(t, differs(bufs[2], bufs[0], 4096), -1);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bufs); i++)
		dmadev_pool_free(bufs[i]);
	mm_hold_free_all(&h);
}

/* Scatter-gather through the ring: gather three kinds of memory, scatter back. */
KTEST(dma, ring_scatter_gather)
{
	unsigned long pg = __get_free_pages(GFP_KERNEL | GFP_DMA, 1);
	u8 *km = kmalloc(5000, GFP_KERNEL | GFP_DMA);
	u8 *pool = dmadev_pool_alloc(GFP_KERNEL);
	u8 *dst = kmalloc(8192 + 5000 + 4096, GFP_KERNEL | GFP_DMA);
	struct dmadev_sg gather[3], scatter[2];
	unsigned int err;

	if (!need_device(t))
		return;
	KTEST_ASSERT_TRUE(t, pg && km && pool && dst);
	pattern((void *)pg, 8192, 1);
	pattern(km, 5000, 2);
	pattern(pool, 4096, 3);
	gather[0] = (struct dmadev_sg){ __pa(pg), 8192 };
	gather[1] = (struct dmadev_sg){ __pa(km), 5000 };
	gather[2] = (struct dmadev_sg){ __pa(pool), 4096 };
	KTEST_EXPECT_EQ(t, dmadev_sg_xfer(gather, 3, 1000, false, &err), 0);
	memset(dst, 0, 8192 + 5000 + 4096);
	scatter[0] = (struct dmadev_sg){ __pa(dst), 10000 };
	scatter[1] = (struct dmadev_sg){ __pa(dst) + 10000, 8192 + 5000 + 4096 - 10000 };
	KTEST_EXPECT_EQ(t, dmadev_sg_xfer(scatter, 2, 1000, true, &err), 0);
	KTEST_EXPECT_EQ(t, differs(dst, (void *)pg, 8192), -1);
	KTEST_EXPECT_EQ(t, differs(dst + 8192, km, 5000), -1);
	KTEST_EXPECT_EQ(t, differs(dst + 8192 + 5000, pool, 4096), -1);
	free_pages(pg, 1);
	kfree(km);
	kfree(dst);
	dmadev_pool_free(pool);
}

static struct page *page_above_dma(gfp_t gfp)
{
	struct page *held[64];
	struct page *p = NULL;
	unsigned int n = 0;

	/* GFP_KERNEL may fall back to ZONE_DMA; keep those until one is above */
	while (n < ARRAY_SIZE(held)) {
		p = alloc_page(gfp);
		if (!p || page_to_phys(p) >= DMA_LIMIT)
			break;
		held[n++] = p;
		p = NULL;
	}
	while (n)
		__free_page(held[--n]);
	return p;
}

/* A transfer aimed at NORMAL or HIGHMEM memory: refused, counted, nothing written. */
KTEST(dma, refuses_normal_and_highmem)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER };
	u8 *src = kmalloc(PAGE_SIZE, GFP_KERNEL | GFP_DMA);
	unsigned int err;

	if (!need_device(t))
		return;
	KTEST_ASSERT_NOT_NULL(t, src);
	pattern(src, PAGE_SIZE, 5);
	for (unsigned int i = 0; i < ARRAY_SIZE(gfps); i++) {
		struct page *p = page_above_dma(gfps[i]);
		u64 faults = dmadev_read_reg(MV_DMADEV_FAULT_COUNT);
		u64 pa;
		u8 *va;

		KTEST_ASSERT_NOT_NULL(t, p);
		pa = page_to_phys(p);
		va = PageHighMem(p) ? kmap(p) : page_address(p);
		memset(va, 0x77, PAGE_SIZE);
		KTEST_EXPECT_EQ(t, dmadev_copy(pa, __pa(src), PAGE_SIZE, &err), -EIO);
		KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_MASK);
		KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_COUNT), faults + 1);
		KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), pa);
		KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_LEN), PAGE_SIZE);
		KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_REASON), MV_DMADEV_ERR_MASK);
		KTEST_EXPECT_EQ(t, not_filled(va, 0x77, PAGE_SIZE), -1);
		/* and as a source, and through the ring */
		KTEST_EXPECT_EQ(t, dmadev_copy(__pa(src), pa, PAGE_SIZE, &err), -EIO);
		KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_MASK);
		{
			struct dmadev_sg sg = { pa, PAGE_SIZE };

			KTEST_EXPECT_EQ(t, dmadev_sg_xfer(&sg, 1, 0, true, &err), -EIO);
			KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_MASK);
		}
		KTEST_EXPECT_EQ(t, not_filled(va, 0x77, PAGE_SIZE), -1);
		KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_COUNT), faults + 3);
		if (PageHighMem(p))
			kunmap(p);
		__free_page(p);
	}
	/* one byte across the mask's end */
	KTEST_EXPECT_EQ(t, dmadev_fill(DMA_LIMIT - 1, 0, 2, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_MASK);
	kfree(src);
}

/* Lengths and buffer offsets the device refuses, and an unknown command. */
KTEST(dma, refuses_bad_requests)
{
	u8 *b = kmalloc(256, GFP_KERNEL | GFP_DMA);
	struct dmadev_sg sg[2];
	unsigned int err;

	if (!need_device(t))
		return;
	KTEST_ASSERT_NOT_NULL(t, b);
	KTEST_EXPECT_EQ(t, dmadev_fill(__pa(b), 0, 0, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_LEN);
	KTEST_EXPECT_EQ(t, dmadev_xfer(MV_DMADEV_OP_TO_MEM, MV_DMADEV_BUF_SIZE - 10,
				       __pa(b), 11, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_BUF);
	KTEST_EXPECT_EQ(t, dmadev_xfer(99, __pa(b), __pa(b), 1, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_OP);
	/* -1 as a length: it would wrap */
	KTEST_EXPECT_EQ(t, dmadev_copy(__pa(b), __pa(b), (size_t)-1, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_LEN);
	/* a chain longer than the device buffer */
	sg[0] = (struct dmadev_sg){ __pa(b), 256 };
	sg[1] = (struct dmadev_sg){ __pa(b), 256 };
	KTEST_EXPECT_EQ(t, dmadev_sg_xfer(sg, 2, MV_DMADEV_BUF_SIZE - 300, false, &err), -EIO);
	KTEST_EXPECT_EQ(t, err, MV_DMADEV_ERR_BUF);
	/* the ring goes on after a failed chain */
	KTEST_EXPECT_EQ(t, dmadev_sg_xfer(sg, 1, 0, false, &err), 0);
	kfree(b);
}

struct inflight {
	unsigned long page;
	int ret;
	unsigned int err;
};

static int inflight_fill(void *arg)
{
	struct inflight *f = arg;

	f->ret = dmadev_fill(__pa(f->page), 0xee, PAGE_SIZE, &f->err);
	return 0;
}

/*
 * A buffer freed while its transfer waits in the (slowed) device: the VMM
 * sees its page change owners and refuses to write it; the fault shows
 * the owner at submit and now (vmm's stderr, query-dma, DMA_FAULT).
 */
KTEST(dma, freed_in_flight)
{
	struct inflight f = { 0 };
	struct task_struct *k;
	u64 faults;

	if (!need_device(t))
		return;
	f.page = __get_free_pages(GFP_KERNEL | GFP_DMA, 0);
	KTEST_ASSERT_TRUE(t, f.page);
	memset((void *)f.page, 0x33, PAGE_SIZE);
	faults = dmadev_read_reg(MV_DMADEV_FAULT_COUNT);
	dmadev_set_latency(MV_DMADEV_LATENCY_MAX);
	k = kthread_run(inflight_fill, &f, "dma_inflight");
	KTEST_ASSERT_NOT_NULL(t, k);
	while (MV_DMADEV_STATE(dmadev_read_reg(MV_DMADEV_STATUS)) != MV_DMADEV_ST_BUSY)
		msleep(1);
	msleep(10);	/* the device has looked at the page's owner */
	free_pages(f.page, 0);
	kthread_join(k);
	dmadev_set_latency(0);
	KTEST_EXPECT_EQ(t, f.ret, -EIO);
	KTEST_EXPECT_EQ(t, f.err, MV_DMADEV_ERR_FREED);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_COUNT), faults + 1);
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_ADDR), __pa(f.page));
	KTEST_EXPECT_EQ(t, dmadev_read_reg(MV_DMADEV_FAULT_REASON), MV_DMADEV_ERR_FREED);
}

#define CONC_ROUNDS	40
#define CONC_MAX	8

struct conc {
	unsigned int id;
	unsigned int bad;
	int ret;
};

static int conc_worker(void *arg)
{
	struct conc *c = arg;
	size_t len = 512 + c->id * 700;
	u8 *s = kmalloc(len, GFP_KERNEL | GFP_DMA);
	u8 *d = kmalloc(len, GFP_KERNEL | GFP_DMA);
	u8 *pool = dmadev_pool_alloc(GFP_KERNEL);
	unsigned int err;

	if (!s || !d || !pool) {
		c->ret = -ENOMEM;
		goto out;
	}
	for (unsigned int r = 0; r < CONC_ROUNDS; r++) {
		struct dmadev_sg sg[2];
		u32 off = c->id * 8192;

		pattern(s, len, c->id * 1000 + r);
		memset(d, 0, len);
		if (r & 1) {
			c->ret = dmadev_copy(__pa(d), __pa(s), len, &err);
		} else {
			/* through this worker's part of the device buffer */
			sg[0] = (struct dmadev_sg){ __pa(s), len / 2 };
			sg[1] = (struct dmadev_sg){ __pa(s) + len / 2, len - len / 2 };
			c->ret = dmadev_sg_xfer(sg, 2, off, false, &err);
			if (!c->ret) {
				sg[0] = (struct dmadev_sg){ __pa(d), len };
				c->ret = dmadev_sg_xfer(sg, 1, off, true, &err);
			}
		}
		if (c->ret)
			break;
		if (differs(d, s, len) != -1)
			c->bad++;
	}
out:
	kfree(s);
	kfree(d);
	if (pool)
		dmadev_pool_free(pool);
	return 0;
}

/* Transfers from every CPU at once, register mode and the ring mixed. */
KTEST_SMP(dma, concurrent_cpus, 2)
{
	static struct conc c[CONC_MAX];
	struct task_struct *k[CONC_MAX];
	unsigned int n = min_t(unsigned int, num_online_cpus() * 2, CONC_MAX);
	u64 done = dmadev_read_reg(MV_DMADEV_COMPLETED);

	if (!need_device(t))
		return;
	for (unsigned int i = 0; i < n; i++) {
		c[i] = (struct conc){ .id = i };
		k[i] = kthread_run_on_cpu(conc_worker, &c[i], i % num_online_cpus(),
					  "dma_conc");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	for (unsigned int i = 0; i < n; i++) {
		kthread_join(k[i]);
		KTEST_EXPECT_EQ(t, c[i].ret, 0);
		KTEST_EXPECT_EQ(t, c[i].bad, 0);
	}
	/* each round: 1 command, or 2 chains */
	KTEST_EXPECT_GE(t, dmadev_read_reg(MV_DMADEV_COMPLETED) - done,
			n * CONC_ROUNDS * 3 / 2);
}

/*
 * dma.busy keeps the device busy for tests/integration (test_qmp's
 * quit_while_dma_is_busy): dma_busy=SECONDS of 64-descriptor chains at the
 * device's longest latency, 4 descriptors a page, while 2048 vmap areas
 * are on the list (which the old owner check searched, for every page).
 * Without dma_busy= it passes at once, so dma.* runs do not wait for it.
 */
#define BUSY_AREAS	2048
#define BUSY_DESC	MV_DMADEV_CHAIN_MAX

static int dma_busy_s;

static int __init_dma_busy(char *val)
{
	if (!param_get_int(val, &dma_busy_s) || dma_busy_s < 0)
		return -1;
	return 0;
}
__setup("dma_busy=", __init_dma_busy);

KTEST(dma, busy)
{
	static void *area[BUSY_AREAS];
	static struct dmadev_sg sg[BUSY_DESC];
	unsigned long pages;
	unsigned int err;

	if (!dma_busy_s)
		return;
	if (!need_device(t))
		return;
	pages = __get_free_pages(GFP_KERNEL | GFP_DMA, 4);
	KTEST_ASSERT_TRUE(t, pages);
	for (unsigned int i = 0; i < BUSY_AREAS; i++)
		area[i] = vmalloc(PAGE_SIZE);
	for (unsigned int i = 0; i < BUSY_DESC; i++)	/* 4 per page, 16 pages */
		sg[i] = (struct dmadev_sg){ __pa(pages) + i * 1024, 256 };
	dmadev_set_latency(MV_DMADEV_LATENCY_MAX);
	pr_info("dma: busy for %d s\n", dma_busy_s);
	for (int i = 0; i < dma_busy_s * 10; i++)
		KTEST_EXPECT_EQ(t, dmadev_sg_xfer(sg, BUSY_DESC, 0, false, &err), 0);
	dmadev_set_latency(0);
	for (unsigned int i = 0; i < BUSY_AREAS; i++)
		vfree(area[i]);
	free_pages(pages, 4);
}
