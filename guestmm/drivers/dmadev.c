// SPDX-License-Identifier: MIT
/*
 * The driver of memvisor's DMA engine: registers through ioremap(), one
 * MSI vector (the boot params say which; the VMM sends it to APIC ID 0),
 * and every transfer waits on the wait queue the interrupt handler wakes.
 *
 * Register mode takes one command at a time: callers queue on cmd_wait for
 * the channel, then sleep until STATUS leaves BUSY. The ring carries
 * transfers from many CPUs at once: each takes a slot (its chain's head)
 * under ring_lock, rings the doorbell, and sleeps until the device writes
 * the head's status back. Chains longer than one descriptor take their
 * other descriptors from the driver's mempool of ZONE_DMA pages, so a
 * transfer never fails for want of memory when it may sleep.
 */
#include <linux/kernel.h>
#include <linux/bootmem.h>
#include <linux/dmadev.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <memvisor/bootparams.h>
#include <asm/irq.h>

#define RING_SLOTS	64
#define POOL_MIN	16
#define XFER_TIMEOUT_MS	10000

struct dmadev {
	void *regs;
	unsigned int vector;
	wait_queue_head_t wait;		/* woken by every interrupt */

	/* register mode: one command at a time */
	wait_queue_head_t cmd_wait;
	bool cmd_busy;			/* under cmd_lock */
	spinlock_t cmd_lock;

	/* the ring */
	struct mv_dmadev_desc *ring;	/* RING_SLOTS, in ZONE_DMA */
	bool slot_used[RING_SLOTS];	/* under ring_lock */
	u64 tail;			/* under ring_lock */
	spinlock_t ring_lock;

	mempool_t *pool;
	unsigned long irqs;
};

static struct dmadev dmadev;
static bool present;
static void *boot_buf;
static size_t boot_buf_size;
static unsigned long bootbuf_request;

extern unsigned long bootmem_parse_size(const char *s, char **end);

static int __init_dmadev_bootbuf(char *val)
{
	bootbuf_request = val ? bootmem_parse_size(val, NULL) : 0;
	return 0;
}
__setup("dmadev.bootbuf=", __init_dmadev_bootbuf);

/* Called by mm_init while bootmem still hands out memory. */
void dmadev_reserve_bootmem(void)
{
	if (!bootbuf_request)
		return;
	boot_buf_size = (bootbuf_request + PAGE_SIZE - 1) & PAGE_MASK;
	boot_buf = alloc_bootmem_low_pages(boot_buf_size);
	if (!boot_buf) {
		pr_warn("dmadev: no %zu KiB of boot memory below 16 MiB\n",
			boot_buf_size >> 10);
		boot_buf_size = 0;
	}
}

void *dmadev_boot_buffer(size_t *size)
{
	*size = boot_buf_size;
	return boot_buf;
}

static inline u64 rd(unsigned int off)
{
	return readq((char *)dmadev.regs + off);
}

static inline void wr(unsigned int off, u64 v)
{
	writeq(v, (char *)dmadev.regs + off);
}

u64 dmadev_read_reg(unsigned int off)
{
	return present ? rd(off) : 0;
}

void dmadev_set_latency(unsigned int us)
{
	if (present)
		wr(MV_DMADEV_LATENCY, us);
}

bool dmadev_present(void)
{
	return present;
}

static void dmadev_interrupt(struct pt_regs *regs)
{
	dmadev.irqs++;
	wake_up_all(&dmadev.wait);
}

/* The pool's allocator: one page of ZONE_DMA. */
static void *pool_page_alloc(int gfp, void *data)
{
	return (void *)__get_free_pages(gfp | GFP_DMA, 0);
}

static void *pool_page_free(void *element, void *data)
{
	free_pages((unsigned long)element, 0);
	return NULL;
}

mempool_t *dmadev_pool(void)
{
	return dmadev.pool;
}

void *dmadev_pool_alloc(gfp_t gfp)
{
	return dmadev.pool ? mempool_alloc(dmadev.pool, gfp) : NULL;
}

void dmadev_pool_free(void *buf)
{
	mempool_free(buf, dmadev.pool);
}

int dmadev_init(const struct mv_boot_params *bp)
{
	if (!bp->dmadev_mmio || bp->dmadev_mmio_size < MV_DMADEV_NR_REGS * 8) {
		pr_info("dmadev: none announced\n");
		return -ENODEV;
	}
	dmadev.regs = ioremap(bp->dmadev_mmio, bp->dmadev_mmio_size);
	if (!dmadev.regs)
		return -ENOMEM;
	if (rd(MV_DMADEV_ID) != MV_DMADEV_ID_VALUE) {
		pr_warn("dmadev: no device at %#llx\n",
			(unsigned long long)bp->dmadev_mmio);
		iounmap(dmadev.regs);
		return -ENODEV;
	}
	init_waitqueue_head(&dmadev.wait);
	init_waitqueue_head(&dmadev.cmd_wait);
	spin_lock_init(&dmadev.cmd_lock);
	spin_lock_init(&dmadev.ring_lock);
	dmadev.ring = (void *)__get_free_pages(GFP_KERNEL | GFP_DMA, 0);
	dmadev.pool = mempool_create(POOL_MIN, pool_page_alloc, pool_page_free,
				     NULL);
	if (!dmadev.ring || !dmadev.pool)
		panic("dmadev: no memory for the ring and the pool");
	memset(dmadev.ring, 0, PAGE_SIZE);
	dmadev.vector = bp->dmadev_vector;
	if (set_irq_handler(dmadev.vector, dmadev_interrupt))
		panic("dmadev: vector %#x is not usable", dmadev.vector);
	wr(MV_DMADEV_RING_BASE, __pa(dmadev.ring));
	wr(MV_DMADEV_RING_SIZE, RING_SLOTS);
	dmadev.tail = rd(MV_DMADEV_RING_HEAD);
	wr(MV_DMADEV_INT_ENABLE, 1);
	present = true;
	pr_info("dmadev: at %#llx, DMA mask %#llx, vector %#x, %u ring slots, boot buffer %zu KiB\n",
		(unsigned long long)bp->dmadev_mmio,
		(unsigned long long)rd(MV_DMADEV_DMA_MASK), dmadev.vector,
		RING_SLOTS, boot_buf_size >> 10);
	return 0;
}

static bool take_channel(void)
{
	unsigned long flags;
	bool got = false;

	spin_lock_irqsave(&dmadev.cmd_lock, flags);
	if (!dmadev.cmd_busy)
		got = dmadev.cmd_busy = true;
	spin_unlock_irqrestore(&dmadev.cmd_lock, flags);
	return got;
}

static bool cmd_finished(u64 *status)
{
	*status = rd(MV_DMADEV_STATUS);
	return MV_DMADEV_STATE(*status) != MV_DMADEV_ST_BUSY;
}

static int result(u64 status, unsigned int *err)
{
	if (err)
		*err = MV_DMADEV_ERROR(status);
	return MV_DMADEV_STATE(status) == MV_DMADEV_ST_DONE ? 0 : -EIO;
}

int dmadev_xfer(unsigned int op, u64 src, u64 dst, u64 len, unsigned int *err)
{
	unsigned long flags;
	u64 status = 0;
	long left;

	if (err)
		*err = 0;
	if (!present)
		return -ENODEV;
	might_sleep();
	wait_event(dmadev.cmd_wait, take_channel());
	wr(MV_DMADEV_SRC, src);
	wr(MV_DMADEV_DST, dst);
	wr(MV_DMADEV_LEN, len);
	wr(MV_DMADEV_CMD, op);
	left = wait_event_timeout(dmadev.wait, cmd_finished(&status),
				  msecs_to_jiffies(XFER_TIMEOUT_MS));
	spin_lock_irqsave(&dmadev.cmd_lock, flags);
	dmadev.cmd_busy = false;
	spin_unlock_irqrestore(&dmadev.cmd_lock, flags);
	wake_up(&dmadev.cmd_wait);
	if (!left && !cmd_finished(&status))
		return -ETIMEDOUT;
	return result(status, err);
}

/* A free slot at the tail, taken: its index, or -1. */
static int take_slot(void)
{
	unsigned long flags;
	int slot = -1;

	spin_lock_irqsave(&dmadev.ring_lock, flags);
	if (!dmadev.slot_used[dmadev.tail % RING_SLOTS]) {
		slot = dmadev.tail % RING_SLOTS;
		dmadev.slot_used[slot] = true;
	}
	spin_unlock_irqrestore(&dmadev.ring_lock, flags);
	return slot;
}

static bool slot_done(int slot)
{
	return READ_ONCE(dmadev.ring[slot].status) != MV_DMADEV_DESC_PENDING;
}

int dmadev_sg_xfer(const struct dmadev_sg *sg, unsigned int n, u32 dev_off,
		   bool to_mem, unsigned int *err)
{
	u32 flags = to_mem ? MV_DMADEV_DESC_TO_MEM : 0;
	struct mv_dmadev_desc *more = NULL, *head;
	unsigned long irqflags;
	u32 status;
	long left;
	int slot;

	if (err)
		*err = 0;
	if (!present)
		return -ENODEV;
	if (!n || n > PAGE_SIZE / sizeof(*more) + 1)
		return -EINVAL;
	might_sleep();
	if (n > 1) {
		/* the mempool never fails here: GFP_KERNEL may sleep */
		more = dmadev_pool_alloc(GFP_KERNEL);
		for (unsigned int i = 1; i < n; i++) {
			struct mv_dmadev_desc *d = &more[i - 1];

			d->addr = sg[i].addr;
			d->len = sg[i].len;
			d->flags = flags | (i + 1 < n ? MV_DMADEV_DESC_NEXT : 0);
			d->next = i + 1 < n ? __pa(&more[i]) : 0;
			d->dev_off = 0;
			d->status = 0;
		}
	}
	wait_event(dmadev.wait, (slot = take_slot()) >= 0);
	head = &dmadev.ring[slot];
	head->addr = sg[0].addr;
	head->len = sg[0].len;
	head->flags = flags | (n > 1 ? MV_DMADEV_DESC_NEXT : 0);
	head->next = n > 1 ? __pa(more) : 0;
	head->dev_off = dev_off;
	WRITE_ONCE(head->status, MV_DMADEV_DESC_PENDING);
	/* the doorbell: tails in order, so under the lock */
	spin_lock_irqsave(&dmadev.ring_lock, irqflags);
	dmadev.tail++;
	wr(MV_DMADEV_RING_TAIL, dmadev.tail);
	spin_unlock_irqrestore(&dmadev.ring_lock, irqflags);

	left = wait_event_timeout(dmadev.wait, slot_done(slot),
				  msecs_to_jiffies(XFER_TIMEOUT_MS));
	status = READ_ONCE(head->status);
	if (!left && !slot_done(slot)) {
		/* slot and descriptors stay taken: the device may still use them */
		return -ETIMEDOUT;
	}
	spin_lock_irqsave(&dmadev.ring_lock, irqflags);
	dmadev.slot_used[slot] = false;
	spin_unlock_irqrestore(&dmadev.ring_lock, irqflags);
	wake_up_all(&dmadev.wait);	/* someone may wait for this slot */
	if (more)
		dmadev_pool_free(more);
	return result(status, err);
}
