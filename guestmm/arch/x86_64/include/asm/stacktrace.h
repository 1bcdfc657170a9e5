/* SPDX-License-Identifier: MIT */
#ifndef _ASM_STACKTRACE_H
#define _ASM_STACKTRACE_H

#include <linux/types.h>

/*
 * Follows the frame-pointer chain from bp, storing up to max return
 * addresses; stops at a frame outside mapped memory, a non-increasing
 * frame pointer or a return address outside kernel text. Returns the count.
 */
unsigned int stack_trace_from_bp(unsigned long bp, u64 *frames, unsigned int max);
bool kernel_text_address(unsigned long addr);

#endif
