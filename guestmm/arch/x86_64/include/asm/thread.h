/* SPDX-License-Identifier: MIT */
#ifndef _ASM_THREAD_H
#define _ASM_THREAD_H

#define THREAD_SIZE_ORDER	2
#define THREAD_SIZE		(4096UL << THREAD_SIZE_ORDER)	/* 16 KiB */

#ifndef __ASSEMBLY__
/* What a context switch saves: callee-saved registers live on the stack. */
struct arch_thread {
	unsigned long rsp;
	void *stack;		/* base of the thread's kernel stack */
	unsigned long stack_size;
	/*
	 * The PDA's preempt_count is per CPU (single-instruction access); a
	 * switch saves it here and restores next's, as x86 Linux does, so a
	 * task that (wrongly) schedules while atomic doesn't leak its count.
	 */
	int preempt_count;
};
#endif

#endif
