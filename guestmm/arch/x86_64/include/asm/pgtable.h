/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables: a small map/unmap API over the tables the VMM built
 * (the kernel keeps using them, adding mappings as it needs). Page-table
 * pages come from a page source: a static pool early, the page allocator
 * once it is up (pgtable_set_page_source).
 */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H

#include <linux/types.h>
#include <asm-generic/pgtable_types.h>

enum pg_level { PG_LEVEL_NONE, PG_LEVEL_4K, PG_LEVEL_2M, PG_LEVEL_1G };

/*
 * A page source returns one zeroed, direct-mapped (or kernel-image) page's
 * virtual address, or NULL; free takes it back.
 */
struct pgtable_page_source {
	void *(*alloc)(void);
	void (*free)(void *page);
};

void pgtable_set_page_source(const struct pgtable_page_source *src);

/*
 * Maps the 4 KiB page at va to pa with flags (__PAGE_KERNEL...). Intermediate
 * tables are allocated as needed. -EEXIST if va is already mapped (or lies
 * in a large page), -ENOMEM if the page source is empty.
 */
int map_page(unsigned long va, phys_addr_t pa, pteval_t flags);
/* Unmaps va on this CPU (flush_tlb_kernel_range for the others). */
int unmap_page(unsigned long va);
pteval_t *kernel_pte_slot(unsigned long va);
void set_pte_slot(pteval_t *pte, phys_addr_t pa, pteval_t flags);
void clear_pte_slot(pteval_t *pte, unsigned long va);
/* The leaf entry mapping va, or NULL; *level says its size. */
pteval_t *lookup_address(unsigned long va, enum pg_level *level);
/* va -> pa through the live page tables; ~0 when unmapped. */
phys_addr_t slow_virt_to_phys(unsigned long va);
/* True if [va, va + len) is mapped (all of it). */
bool kernel_range_mapped(unsigned long va, unsigned long len);

/* Sets EFER.NX so _PAGE_NX can be used; every CPU. */
void pgtable_cpu_init(void);

/* Invalidates [start, end) on every online CPU (IPIs; not in atomic context). */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

#endif
