/* SPDX-License-Identifier: MIT */
/*
 * What the vCPUs find in guest RAM when they start: the boot reservation
 * right after the kernel image (a GDT, the initial page tables, one boot
 * stack per vCPU), the boot parameters at MV_BOOT_PARAMS_GPA and the
 * command line at MV_CMDLINE_GPA.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdint.h>

#include "err.h"
#include "gmem.h"
#include "loader.h"
#include "memmap.h"

/* GDT selectors the vCPUs start with (see boot.c for the descriptors). */
#define BOOT_GDT_ENTRIES	3
#define BOOT_CS			0x08
#define BOOT_DS			0x10

struct boot_info {
	uint64_t start;		/* boot reservation [start, end), physical */
	uint64_t end;
	uint64_t gdt;		/* physical */
	uint64_t pml4;		/* physical: the initial CR3 */
	uint64_t stacks;	/* physical: vCPU 0's stack, then 1's, ... */
	unsigned int nr_cpus;
	uint64_t entry;		/* virtual */
};

/* Bytes of the boot reservation for @mm and @nr_cpus. */
uint64_t boot_region_size(const struct memmap *mm, unsigned int nr_cpus);

/*
 * Places the boot reservation: the first page-aligned spot after the kernel
 * image that lies in usable RAM, clear of every fixed range (loader.h: the
 * boot parameters and command line pages among them, which boot_write
 * writes after the page tables), and is reachable through both the kernel
 * map (< 1 GiB) and the direct map (< lowmem). Pure: fills @bi's layout only.
 */
int boot_place(const struct memmap *mm, const struct kernel_image *k,
	       unsigned int nr_cpus, struct boot_info *bi, struct errbuf *e);

/*
 * Writes the GDT, the page tables, the boot parameters and the command line
 * into guest RAM (boot_place first). @tsc_khz 0 means unknown.
 */
int boot_write(const struct gmem *gm, const struct memmap *mm,
	       const struct kernel_image *k, const struct boot_info *bi,
	       const char *cmdline, uint32_t tsc_khz, struct errbuf *e);

/* The virtual addresses the vCPUs use (through the kernel map). */
uint64_t boot_gdt_virt(const struct boot_info *bi);
uint64_t boot_stack_top(const struct boot_info *bi, unsigned int cpu);

#endif
