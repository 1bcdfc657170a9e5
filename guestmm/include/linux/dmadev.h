/* SPDX-License-Identifier: MIT */
/*
 * The driver of memvisor's DMA engine (include/memvisor/dmadev.h is the
 * device's register ABI). Addresses are bus addresses: guest-physical,
 * which the device only reaches below its 24-bit mask, so buffers come
 * from ZONE_DMA: __get_free_pages(GFP_DMA), kmalloc(GFP_DMA),
 * alloc_bootmem_low_pages(), or the driver's mempool.
 *
 * Every transfer sleeps until the device's completion interrupt (a wait
 * queue the interrupt handler wakes). Register-mode commands are
 * serialized (the device takes one at a time); ring transfers from any
 * number of CPUs are in flight together, one ring slot each.
 */
#ifndef _LINUX_DMADEV_H
#define _LINUX_DMADEV_H

#include <linux/types.h>
#include <linux/mempool.h>
#include <memvisor/dmadev.h>

struct mv_boot_params;

/* dmadev.bootbuf=SIZE: a boot-time buffer, reserved from bootmem (mm_init). */
void dmadev_reserve_bootmem(void);
/* Finds the device from the boot params, maps it, installs its handler. */
int dmadev_init(const struct mv_boot_params *bp);
bool dmadev_present(void);

/* The boot buffer (NULL without dmadev.bootbuf=) and its size. */
void *dmadev_boot_buffer(size_t *size);
/* Bounce buffers of DMADEV_POOL_SIZE bytes from ZONE_DMA; never fails when it may sleep. */
#define DMADEV_POOL_SIZE	PAGE_SIZE
void *dmadev_pool_alloc(gfp_t gfp);
void dmadev_pool_free(void *buf);
mempool_t *dmadev_pool(void);

/*
 * One register-mode command: 0 when the device says DONE, else -EIO with
 * the device's MV_DMADEV_ERR_* in *err (if err), -ETIMEDOUT, -ENODEV.
 */
int dmadev_xfer(unsigned int op, u64 src, u64 dst, u64 len, unsigned int *err);
static inline int dmadev_copy(phys_addr_t dst, phys_addr_t src, size_t len,
			      unsigned int *err)
{
	return dmadev_xfer(MV_DMADEV_OP_COPY, src, dst, len, err);
}
static inline int dmadev_fill(phys_addr_t dst, u8 c, size_t len, unsigned int *err)
{
	return dmadev_xfer(MV_DMADEV_OP_FILL, c, dst, len, err);
}

/* A scatter-gather list through the ring: memory <-> device buffer at dev_off. */
struct dmadev_sg {
	phys_addr_t addr;
	u32 len;
};
int dmadev_sg_xfer(const struct dmadev_sg *sg, unsigned int n, u32 dev_off,
		   bool to_mem, unsigned int *err);

/* A register's value (tests: FAULT_COUNT, FAULT_ADDR...). */
u64 dmadev_read_reg(unsigned int off);
/* The device's minimum time per command, in µs (tests). */
void dmadev_set_latency(unsigned int us);

#endif
