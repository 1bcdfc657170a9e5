/* SPDX-License-Identifier: MIT */
#ifndef _ASM_THREAD_H
#define _ASM_THREAD_H

/* What a context switch saves: callee-saved registers live on the stack. */
struct arch_thread {
	unsigned long rsp;
	void *stack;		/* base of the thread's kernel stack */
	unsigned long stack_size;
};

#endif
