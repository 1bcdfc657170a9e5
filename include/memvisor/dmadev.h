/* SPDX-License-Identifier: MIT */
/*
 * The DMA engine's register ABI, shared by the VMM's device model
 * (devices/dmadev.c) and the guest's driver (guestmm/drivers/dmadev.c).
 *
 * The device sits at the MMIO window the boot params announce
 * (dmadev_mmio, dmadev_mmio_size: MV_DMADEV_MMIO_GPA, reserved in e820).
 * Every register is 64 bits wide at an 8-byte-aligned offset; 8-byte
 * accesses, and 4-byte accesses to either half, are accepted. Anything
 * else (other sizes, misaligned, unknown offsets) is ignored, reads as 0,
 * and is counted.
 *
 * The device masters guest-physical memory with a 24-bit DMA mask (the ISA
 * limit, ZONE_DMA): every byte it would touch must lie below
 * MV_DMADEV_MASK + 1 and in guest RAM, or the whole command fails before
 * a byte moves, with STATUS = ERROR, a fault record (FAULT_ADDR,
 * FAULT_LEN, FAULT_REASON) and FAULT_COUNT incremented.
 *
 * Register mode: write SRC, DST, LEN, then CMD. STATUS goes BUSY, then DONE
 * or ERROR, and if INT_ENABLE is set the device sends its MSI (vector
 * dmadev_vector of the boot params, to APIC ID 0). A CMD written while
 * BUSY is rejected (REJECTED counts it) and changes nothing.
 *
 * Ring mode: RING_BASE (32-byte aligned, below the mask) holds RING_SIZE
 * (a power of two, at most MV_DMADEV_RING_MAX) descriptor slots; each slot
 * is the head of a chain (a scatter-gather list) moving bytes between
 * guest memory and the device buffer from the head's dev_off on. The guest
 * fills slots and writes RING_TAIL (a free-running count: slot = count %
 * size; it only moves on, and at most RING_SIZE ahead of RING_HEAD: any
 * other value is a fault and the doorbell is dropped); the device works
 * from RING_HEAD to RING_TAIL, writes each head's
 * status back and advances RING_HEAD, and interrupts after each batch.
 */
#ifndef MEMVISOR_DMADEV_H
#define MEMVISOR_DMADEV_H

#include <memvisor/types.h>

#define MV_DMADEV_ID_VALUE	0x31414d44564dULL	/* "MVDMA1" */
#define MV_DMADEV_MASK		0xffffffULL		/* 24-bit DMA mask */
#define MV_DMADEV_BUF_SIZE	0x10000U		/* 64 KiB device buffer */
#define MV_DMADEV_MAX_LEN	(MV_DMADEV_MASK + 1)	/* per command */
#define MV_DMADEV_RING_MAX	256			/* slots */
#define MV_DMADEV_CHAIN_MAX	64			/* descriptors per chain */
#define MV_DMADEV_VECTOR	0x40				/* its MSI (boot params) */
#define MV_DMADEV_LATENCY_MAX	100000U			/* µs, per command */

/* Register offsets. */
#define MV_DMADEV_ID		0x00	/* RO: MV_DMADEV_ID_VALUE */
#define MV_DMADEV_DMA_MASK	0x08	/* RO: MV_DMADEV_MASK */
#define MV_DMADEV_SRC		0x10	/* RW */
#define MV_DMADEV_DST		0x18	/* RW */
#define MV_DMADEV_LEN		0x20	/* RW */
#define MV_DMADEV_CMD		0x28	/* WO: MV_DMADEV_OP_*; reads the last */
#define MV_DMADEV_STATUS	0x30	/* RO: state | error << 8 */
#define MV_DMADEV_INT_ENABLE	0x38	/* RW: bit 0 */
#define MV_DMADEV_RING_BASE	0x40	/* RW while the ring is idle */
#define MV_DMADEV_RING_SIZE	0x48	/* RW while the ring is idle */
#define MV_DMADEV_RING_HEAD	0x50	/* RO: chains the device finished */
#define MV_DMADEV_RING_TAIL	0x58	/* RW: doorbell */
#define MV_DMADEV_FAULT_COUNT	0x60	/* RO */
#define MV_DMADEV_FAULT_ADDR	0x68	/* RO: the last fault */
#define MV_DMADEV_FAULT_LEN	0x70	/* RO */
#define MV_DMADEV_FAULT_REASON	0x78	/* RO: MV_DMADEV_ERR_* */
#define MV_DMADEV_COMPLETED	0x80	/* RO: commands and chains done */
#define MV_DMADEV_REJECTED	0x88	/* RO: commands refused while busy */
#define MV_DMADEV_LATENCY	0x90	/* RW: µs each command takes at least */
#define MV_DMADEV_NR_REGS	19

/* CMD operations. */
#define MV_DMADEV_OP_COPY	1	/* [SRC, +LEN) -> [DST, +LEN), memmove */
#define MV_DMADEV_OP_FILL	2	/* [DST, +LEN) = SRC & 0xff */
#define MV_DMADEV_OP_TO_MEM	3	/* buffer [SRC, +LEN) -> [DST, +LEN) */
#define MV_DMADEV_OP_FROM_MEM	4	/* [SRC, +LEN) -> buffer [DST, +LEN) */

/* STATUS: the state in bits 0-7, the error of an ERROR in bits 8-15. */
#define MV_DMADEV_ST_IDLE	0
#define MV_DMADEV_ST_BUSY	1
#define MV_DMADEV_ST_DONE	2
#define MV_DMADEV_ST_ERROR	3
#define MV_DMADEV_STATE(s)	((unsigned int)((s) & 0xff))
#define MV_DMADEV_ERROR(s)	((unsigned int)(((s) >> 8) & 0xff))

/* Errors: STATUS, FAULT_REASON and a descriptor's status. */
#define MV_DMADEV_ERR_NONE	0
#define MV_DMADEV_ERR_MASK	1	/* beyond the 24-bit DMA mask */
#define MV_DMADEV_ERR_NOT_RAM	2	/* inside the mask, not guest RAM */
#define MV_DMADEV_ERR_BUF	3	/* beyond the device buffer */
#define MV_DMADEV_ERR_LEN	4	/* 0, too long, or overflowing */
#define MV_DMADEV_ERR_OP	5	/* unknown operation */
#define MV_DMADEV_ERR_ALIGN	6	/* a misaligned descriptor or ring */
#define MV_DMADEV_ERR_CHAIN	7	/* a chain too long (or a loop) */
#define MV_DMADEV_ERR_RING	8	/* bad ring registers */
#define MV_DMADEV_ERR_FREED	9	/* the buffer was freed in flight */
#define MV_DMADEV_ERR_UNALLOCATED 10	/* memory nobody allocated (free, hole) */
#define MV_DMADEV_ERR_OBJECT	11	/* slab memory not inside one live object */
#define MV_DMADEV_ERR_UNWRITTEN	12	/* read by the device, never written */
#define MV_DMADEV_ERR_MAX	12

/* A descriptor: 32 bytes, 32-byte aligned, below the mask. */
struct mv_dmadev_desc {
	mv_u64 addr;		/* guest-physical */
	mv_u32 len;		/* bytes, > 0 */
	mv_u32 flags;		/* MV_DMADEV_DESC_* */
	mv_u64 next;		/* the next descriptor, with DESC_NEXT */
	mv_u32 dev_off;		/* chain head: where in the device buffer */
	mv_u32 status;		/* chain head: written by the device */
};

#define MV_DMADEV_DESC_NEXT	0x1	/* next is valid */
#define MV_DMADEV_DESC_TO_MEM	0x2	/* buffer -> memory (else memory -> buffer) */

/* A chain head's status: 0 while pending, then DONE or ERR_* << 8 | ERROR. */
#define MV_DMADEV_DESC_PENDING	0

#endif
