/* SPDX-License-Identifier: MIT */
/*
 * The guest's direct map, on the host: physical address 0 is the first byte
 * of the test's fake guest RAM (guest_pgtable_ram).
 */
#ifndef _TEST_ASM_PAGE_H
#define _TEST_ASM_PAGE_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

extern unsigned long guest_pgtable_ram;
#define PAGE_OFFSET	guest_pgtable_ram

#define __pa(x)		((unsigned long)(x) - guest_pgtable_ram)
#define __va(x)		((void *)((unsigned long)(x) + guest_pgtable_ram))

#endif
