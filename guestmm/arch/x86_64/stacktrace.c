// SPDX-License-Identifier: MIT
/*
 * Backtraces from frame pointers (the kernel is built with them): each frame
 * is [saved rbp][return address]. Every step is checked against the live
 * page tables, since this runs while reporting faults, possibly caused by a
 * corrupted stack.
 */
#include <linux/kernel.h>
#include <asm/pgtable.h>
#include <asm/setup.h>
#include <asm/stacktrace.h>

bool kernel_text_address(unsigned long addr)
{
	return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

unsigned int stack_trace_from_bp(unsigned long bp, u64 *frames, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && bp && IS_ALIGNED(bp, 8) &&
	       kernel_range_mapped(bp, 2 * sizeof(unsigned long))) {
		const unsigned long *frame = (const unsigned long *)bp;
		unsigned long next = frame[0], ret = frame[1];

		if (!kernel_text_address(ret))
			break;
		frames[n++] = ret;
		if (next <= bp)	/* stacks grow down: callers live above */
			break;
		bp = next;
	}
	return n;
}
