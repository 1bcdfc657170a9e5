/* SPDX-License-Identifier: MIT */
/*
 * A boot-time check of bootmem, for tests that run after boot (ktest):
 * with `bootmem_test=SIZE` on the command line (or the hosted boot config),
 * mm_init() makes a few boot allocations before the page allocator takes
 * over, fills them with a pattern, and frees one back. The bootmem.* test
 * cases check afterwards that what was kept stayed reserved and intact and
 * what was freed reached the buddy allocator.
 */
#ifndef _LINUX_BOOTMEM_SELFTEST_H
#define _LINUX_BOOTMEM_SELFTEST_H

#include <linux/types.h>

struct bootmem_selftest {
	unsigned long size;		/* requested: the large buffer's size */
	phys_addr_t big, low, low_pages, small, freed;
	unsigned long big_size, low_size, low_pages_size, small_size,
		freed_size;
	u8 pattern;
	bool done;
};

extern struct bootmem_selftest bootmem_selftest;

/* Called by mm_init() before the handover when bootmem_selftest.size != 0. */
void bootmem_selftest_boot(void);
/* Parses "8M", "512K", "4096": bytes, or 0. */
unsigned long bootmem_parse_size(const char *s, char **end);

#endif
