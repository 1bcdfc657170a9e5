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
#include <asm-generic/pgtable_types.h>

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
