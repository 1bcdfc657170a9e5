// SPDX-License-Identifier: MIT
/*
 * dma_buffers: each thread holds up to bufs=N kmalloc(GFP_DMA) buffers of
 * size bytes and moves data between two of them through the guest's DMA
 * engine (drivers/dmadev.c): fill one with a byte, copy it to another,
 * check the copy. One step in eight frees a buffer instead. Needs the
 * device (vmm gives it by default).
 */
#include <linux/kernel.h>
#include <linux/dmadev.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workload.h>

enum { P_SIZE, P_BUFS };
static const struct workload_param_def dma_params[] = {
	[P_SIZE] = { "size", 4096, 16, 4 * PAGE_SIZE },
	[P_BUFS] = { "bufs", 8, 2, 256 },
	{ NULL }
};

static int dma_setup(struct workload *wl)
{
	return dmadev_present() ? 0 : -ENODEV;
}

static int dma_thread_init(struct workload_thread *t)
{
	t->priv = kcalloc(t->wl->param[P_BUFS], sizeof(void *), GFP_KERNEL);
	return t->priv ? 0 : -ENOMEM;
}

/* src filled with a byte, copied to dst by the device, checked. */
static int transfer(struct workload_thread *t, u8 *src, u8 *dst)
{
	size_t len = t->wl->param[P_SIZE];
	u8 c = workload_rand(t);
	unsigned int err;

	if (dmadev_fill(__pa(src), c, len, &err) ||
	    dmadev_copy(__pa(dst), __pa(src), len, &err))
		return -EIO;
	return dst[0] == c && dst[len - 1] == c ? 0 : -EIO;
}

static int dma_step(struct workload_thread *t)
{
	u8 **buf = t->priv;
	unsigned long n = t->wl->param[P_BUFS];
	unsigned int r = workload_rand(t);
	u8 **a = &buf[r % n], **b = &buf[(r % n + 1 + (r >> 8) % (n - 1)) % n];

	if (!*a) {
		*a = kmalloc(t->wl->param[P_SIZE], GFP_KERNEL | GFP_DMA | __GFP_NOWARN);
		if (!*a)
			return -ENOMEM;
		workload_hold(t->wl, ksize(*a));
		return 0;
	}
	if ((r >> 16) % 8 == 0 || !*b) {
		workload_unhold(t->wl, ksize(*a));
		kfree(*a);
		*a = NULL;
		return 0;
	}
	return transfer(t, *a, *b);
}

static void dma_release(struct workload_thread *t)
{
	u8 **buf = t->priv;

	for (unsigned long i = 0; buf && i < t->wl->param[P_BUFS]; i++) {
		if (!buf[i])
			continue;
		workload_unhold(t->wl, ksize(buf[i]));
		kfree(buf[i]);
	}
	kfree(buf);
	t->priv = NULL;
}

const struct workload_type workload_dma_buffers = {
	.name = "dma_buffers",
	.params = dma_params,
	.setup = dma_setup,
	.thread_init = dma_thread_init,
	.step = dma_step,
	.release = dma_release,
};
