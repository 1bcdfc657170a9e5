/* SPDX-License-Identifier: MIT */
/*
 * The unit tests' fake guests are the hosted guest allocator linked into
 * the test binary itself (built with -g): their layout is the binary's own
 * DWARF (/proc/self/exe), read with debuginfo.h/mm_layout.h as the VMM
 * reads a kernel image's. The symbols' link-time addresses are moved by
 * the binary's load bias to where the fake's variables are at run time,
 * which is where the fake's page tables map them (guest-virtual = host
 * address). The kernel image's extent (_text, _end), which the test binary
 * does not have, is given.
 */
#ifndef TESTS_FAKE_LAYOUT_H
#define TESTS_FAKE_LAYOUT_H

#include <stdint.h>

#include "mm_layout.h"

/*
 * Fills @lay (present) or fails the test. @pgdat: &contig_page_data as the
 * running fake sees it; [@kernel_start, @kernel_end): the kernel image,
 * virtual (MV_KERNEL_VIRT_BASE + physical).
 */
void fake_layout_load(struct mm_layout *lay, uint64_t pgdat,
		      uint64_t kernel_start, uint64_t kernel_end);

#endif
