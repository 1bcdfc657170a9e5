/* SPDX-License-Identifier: MIT */
/* The kernel core's only calls into the page allocator (guestmm/mm). */
#ifndef _KERNEL_MM_GLUE_H
#define _KERNEL_MM_GLUE_H

#include <memvisor/bootparams.h>

/* Runs mm_init(), then moves our allocations onto the page allocator. */
void mm_glue_init(const struct mv_boot_params *bp);
/* Direct-mapped pages from the page allocator, or 0 (none, or before mm_init). */
unsigned long mm_glue_get_pages(unsigned int order);
void mm_glue_free_pages(unsigned long addr, unsigned int order);

#endif
