/* SPDX-License-Identifier: MIT */
/* Building an e820 map from overlapping typed ranges. */
#ifndef VMM_E820_H
#define VMM_E820_H

#include <stdint.h>

#include <memvisor/e820.h>

struct e820_item {
	uint64_t start;		/* [start, end) */
	uint64_t end;
	uint32_t type;		/* enum e820_type */
};

/*
 * Turns @items, which may overlap, into a map that is sorted, has no
 * overlaps and no two adjacent entries of the same type. Where items
 * overlap, any non-RAM type beats RAM (a reservation carves RAM), and the
 * higher type number wins between two non-RAM types. Gaps stay gaps.
 * Returns 0; -EINVAL for an empty or inverted item; -E2BIG when more than
 * @max entries are needed (*@nr then says how many).
 */
int e820_build(const struct e820_item *items, unsigned int n,
	       struct e820_entry *out, unsigned int max, unsigned int *nr);

#endif
