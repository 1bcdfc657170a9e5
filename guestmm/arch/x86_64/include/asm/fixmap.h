/* SPDX-License-Identifier: MIT */
/*
 * Fixed virtual addresses for pages the kernel maps itself (the local APIC's
 * registers), near the top of the address space as on Linux, away from the
 * direct map, vmalloc and the kernel image.
 */
#ifndef _ASM_FIXMAP_H
#define _ASM_FIXMAP_H

#include <asm/page.h>

enum fixed_addresses {
	FIX_APIC_BASE,
	FIX_CRASH_PROBE,	/* a page deliberately left unmapped */
	__end_of_fixed_addresses
};

#define FIXADDR_TOP	0xffffffffff5ff000UL
#define fix_to_virt(idx)	(FIXADDR_TOP - ((unsigned long)(idx) << PAGE_SHIFT))

#endif
