/* SPDX-License-Identifier: MIT */
/*
 * x86-64 page-table entry bits and the kernel's protections: the guest's
 * real tables (arch/x86_64/include/asm/pgtable.h) and the hosted build's
 * simulated ones (arch/hosted/include/asm/pgtable.h) share them.
 */
#ifndef _ASM_GENERIC_PGTABLE_TYPES_H
#define _ASM_GENERIC_PGTABLE_TYPES_H

#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_NX	(1UL << 63)
#define PTE_PFN_MASK	0x000ffffffffff000UL

/* A PTE's flags as numbers (Linux's __PAGE_KERNEL...): what map_page() takes. */
#define __PAGE_KERNEL		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
				 _PAGE_DIRTY | _PAGE_GLOBAL)
#define __PAGE_KERNEL_RO	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define __PAGE_KERNEL_NOCACHE	(__PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)	/* UC */

typedef unsigned long pteval_t;

/* A protection, as Linux types it: what vmap() and a driver pass. */
typedef struct { unsigned long pgprot; } pgprot_t;
#define __pgprot(x)	((pgprot_t){ (x) })
#define pgprot_val(p)	((p).pgprot)

#define PAGE_KERNEL		__pgprot(__PAGE_KERNEL)
#define PAGE_KERNEL_RO		__pgprot(__PAGE_KERNEL_RO)
#define PAGE_KERNEL_NOCACHE	__pgprot(__PAGE_KERNEL_NOCACHE)

#endif
