/* SPDX-License-Identifier: MIT */
/*
 * Memory for tasks and kernel stacks, behind one pair of calls each: a
 * static pool at boot, the page allocator once mm_init() has run.
 */
#ifndef _LINUX_TASK_ALLOC_H
#define _LINUX_TASK_ALLOC_H

#include <linux/types.h>

struct task_struct;

/* A zeroed task_struct, or NULL. */
struct task_struct *task_alloc(void);
void task_free(struct task_struct *p);
/* A THREAD_SIZE-aligned kernel stack of THREAD_SIZE bytes, or NULL. */
void *stack_alloc(void);
void stack_free(void *stack);
/* Switches both to the page allocator (called once mm_init() is done). */
void task_alloc_use_page_allocator(void);

#endif
