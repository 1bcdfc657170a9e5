/* SPDX-License-Identifier: MIT */
/*
 * The kernel core's only calls into the page allocator (guestmm/mm), which
 * is being written alongside: they link whether or not mm/ is in the build.
 */
#ifndef _KERNEL_MM_GLUE_H
#define _KERNEL_MM_GLUE_H

#include <memvisor/bootparams.h>

/* Runs mm_init() if the build has it, then moves our pools onto it. */
void mm_glue_init(const struct mv_boot_params *bp);
/* Direct-mapped pages from the page allocator, or 0 (none, or no mm). */
unsigned long mm_glue_get_pages(unsigned int order);
void mm_glue_free_pages(unsigned long addr, unsigned int order);

#endif
