/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: a simulated kernel page table with the guest's API
 * (arch/x86_64/include/asm/pgtable.h). Four levels of 512 entries in pages
 * from the page allocator, walked and written as the guest's are, so that
 * vmalloc's mapping work is done and counted; but the host MMU never sees
 * it, so its addresses are not dereferenceable here.
 */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H

#include <linux/types.h>

#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_NX	(1UL << 63)
#define PTE_PFN_MASK	0x000ffffffffff000UL

#define PAGE_KERNEL		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
				 _PAGE_DIRTY | _PAGE_GLOBAL)
#define PAGE_KERNEL_RO		(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_KERNEL_NOCACHE	(PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)

typedef unsigned long pteval_t;

int map_page(unsigned long va, phys_addr_t pa, pteval_t flags);
int unmap_page(unsigned long va);
phys_addr_t slow_virt_to_phys(unsigned long va);
/* The simulated PTE of va (0 when unmapped), flags included. */
pteval_t hosted_pte(unsigned long va);
/* No TLB to flush; counted. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
extern unsigned long hosted_tlb_flushes;
/* Page-table pages the simulated tables hold. */
extern unsigned long hosted_pgtable_pages;
/* Drops the simulated tables (a new boot's arena is a new memory). */
void hosted_pgtable_reset(void);

#endif
