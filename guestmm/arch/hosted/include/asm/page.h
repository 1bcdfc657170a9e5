/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: "physical memory" is an mmap'ed arena; physical address 0 is
 * its first byte, and the direct map is the arena itself.
 */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

extern unsigned long hosted_phys_base;
#define PAGE_OFFSET	hosted_phys_base

#define __pa(x)		((unsigned long)(x) - hosted_phys_base)
#define __va(x)		((void *)((unsigned long)(x) + hosted_phys_base))

#endif
