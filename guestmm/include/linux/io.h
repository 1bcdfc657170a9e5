/* SPDX-License-Identifier: MIT */
/*
 * ioremap(): device registers (MMIO) mapped into the vmalloc area, a page
 * at a time, uncached (PCD|PWT: UC under the power-on PAT). RAM that the
 * page allocator owns is refused: a second, uncached alias of a cached
 * page is undefined behaviour on x86.
 */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H

#include <linux/types.h>
#ifndef __HOSTED__
#include <asm/io.h>
#endif

void *ioremap(unsigned long offset, unsigned long size);
/* Write-combining needs the PAT programmed: here it is UC-, as Linux without PAT. */
void *ioremap_wc(unsigned long offset, unsigned long size);
/* Write-back: for firmware tables in reserved RAM, never for registers. */
void *ioremap_cache(unsigned long offset, unsigned long size);
void iounmap(void *addr);

#endif
