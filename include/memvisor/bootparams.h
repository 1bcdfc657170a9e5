/* SPDX-License-Identifier: MIT */
/*
 * Boot parameters: written by the VMM at MV_BOOT_PARAMS_GPA, read once by
 * the guest. Every vCPU enters the kernel's ELF entry point in 64-bit mode
 * with paging on and:
 *   rdi = guest-physical address of struct mv_boot_params
 *   rsi = this vCPU's index (0 is the boot CPU)
 *   rsp = top of a MV_BOOT_STACK_SIZE stack in the boot reservation
 * Application processors only start when the boot CPU asks for them with
 * HC_CPU_UP, so they never spin waiting.
 */
#ifndef MEMVISOR_BOOTPARAMS_H
#define MEMVISOR_BOOTPARAMS_H

#include <memvisor/types.h>
#include <memvisor/e820.h>

#define MV_BOOT_MAGIC	0x544f4f42564d454dULL	/* "MEMVBOOT" */
#define MV_BOOT_VERSION	2
#define MV_MAX_CPUS	64

struct mv_boot_params {
	mv_u64 magic;
	mv_u32 version;
	mv_u32 size;			/* sizeof(struct mv_boot_params) */

	mv_u32 nr_cpus;
	mv_u32 e820_entries;
	mv_u64 mem_size;		/* bytes of RAM (holes not counted) */
	mv_u64 ram_end;			/* highest RAM address + 1 */
	mv_u64 dma_limit;		/* ZONE_DMA ends here (16 MiB) */
	mv_u64 lowmem_limit;		/* ZONE_NORMAL ends here; HIGHMEM above */

	mv_u64 kernel_start;		/* physical extent of the loaded image */
	mv_u64 kernel_end;
	mv_u64 boot_alloc_start;	/* VMM-made page tables and boot stacks */
	mv_u64 boot_alloc_end;
	mv_u64 pml4;			/* CR3 the vCPUs start with */

	mv_u64 direct_map_base;		/* MV_DIRECT_MAP_BASE */
	mv_u64 direct_map_end_phys;	/* the initial direct map covers [0, this) */
	mv_u64 kernel_virt_base;	/* MV_KERNEL_VIRT_BASE */

	mv_u64 cmdline;			/* guest-physical, NUL-terminated */
	mv_u32 cmdline_len;
	mv_u32 tsc_khz;			/* 0 when unknown */

	struct e820_entry e820[E820_MAX_ENTRIES];

	/* The DMA engine (include/memvisor/dmadev.h); 0 when there is none. */
	mv_u64 dmadev_mmio;		/* guest-physical, in an e820 hole */
	mv_u64 dmadev_mmio_size;
	mv_u32 dmadev_vector;		/* its MSI's vector, to APIC ID 0 */
	mv_u32 dmadev_pad;
};

#endif
