/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical and guest-virtual layout both sides agree on.
 * Virtual addresses follow Linux x86-64 so they look familiar.
 */
#ifndef MEMVISOR_LAYOUT_H
#define MEMVISOR_LAYOUT_H

#include <memvisor/types.h>

#define MV_PAGE_SHIFT		12
#define MV_PAGE_SIZE		(1ULL << MV_PAGE_SHIFT)

/* Guest virtual */
#define MV_DIRECT_MAP_BASE	0xffff888000000000ULL	/* phys 0 in the direct map */
#define MV_VMALLOC_BASE		0xffffc90000000000ULL	/* vmalloc/ioremap */
#define MV_VMALLOC_END		0xffffe8ffffffffffULL
#define MV_KMAP_BASE		0xffffe90000000000ULL	/* kmap/kmap_atomic windows */
#define MV_KERNEL_VIRT_BASE	0xffffffff80000000ULL	/* phys 0 in the kernel map */
#define MV_KERNEL_MAP_SIZE	MV_GIB(1)

/* Guest physical */
#define MV_BOOT_PARAMS_GPA	0x7000ULL		/* one page, like Linux's zero page */
#define MV_CMDLINE_GPA		0x20000ULL		/* MV_CMDLINE_MAX bytes */
#define MV_CMDLINE_MAX		4096
#define MV_LOW_RESERVED_END	0x1000ULL		/* page 0 stays reserved, as on PCs */
#define MV_EBDA_START		0x9f000ULL		/* PC hole: EBDA, VGA, BIOS */
#define MV_HOLE_END		0x100000ULL
#define MV_KERNEL_LOAD_GPA	0x100000ULL		/* the kernel image starts at 1 MiB */

#define MV_ZONE_DMA_LIMIT	MV_MIB(16)		/* ISA DMA: 24-bit addresses */
#define MV_PCI_HOLE_START	0xc0000000ULL		/* RAM above 3 GiB moves above 4 GiB */
#define MV_PCI_HOLE_END		0x100000000ULL
#define MV_DMADEV_MMIO_GPA	0xfe000000ULL		/* the DMA device's registers */
#define MV_DMADEV_MMIO_SIZE	0x1000ULL
#define MV_LAPIC_GPA		0xfee00000ULL

#define MV_BOOT_STACK_SIZE	MV_KIB(16)		/* per vCPU, set up by the VMM */

#endif
