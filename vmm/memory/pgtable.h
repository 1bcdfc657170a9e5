/* SPDX-License-Identifier: MIT */
/*
 * The initial page tables every vCPU starts with (4-level, 2 MiB pages):
 *   kernel map: MV_KERNEL_VIRT_BASE + [0, 1 GiB) -> physical [0, 1 GiB)
 *   direct map: MV_DIRECT_MAP_BASE + x -> x, for x in RAM below lowmem
 * HIGHMEM is deliberately not in the direct map, and neither are the holes.
 * There is no identity map: the vCPUs start in long mode at a kernel-map
 * address.
 */
#ifndef VMM_PGTABLE_H
#define VMM_PGTABLE_H

#include <stdint.h>

#include "gmem.h"
#include "memmap.h"

#define PTE_P		0x001ULL
#define PTE_RW		0x002ULL
#define PTE_US		0x004ULL
#define PTE_A		0x020ULL
#define PTE_D		0x040ULL
#define PTE_PS		0x080ULL
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

#define PGTABLE_LARGE	MV_MIB(2)

/* How many 4 KiB table pages pgtable_build needs for @mm. */
uint64_t pgtable_pages(const struct memmap *mm);

/*
 * Writes the tables into guest RAM at @base (page aligned, pgtable_pages()
 * pages). Returns 0 and the PML4's address in *@pml4, or -EFAULT.
 */
int pgtable_build(const struct gmem *gm, const struct memmap *mm,
		  uint64_t base, uint64_t *pml4);

#endif
