/* SPDX-License-Identifier: MIT */
#ifndef _ASM_SWITCH_TO_H
#define _ASM_SWITCH_TO_H

struct task_struct;

/*
 * Switches from prev to next; returns, in next's context, the task that was
 * switched away from to get there (not necessarily prev).
 */
struct task_struct *switch_to(struct task_struct *prev, struct task_struct *next);
/* Prepares a new thread's stack so that its first switch-in enters kthread_start(). */
void arch_thread_init(struct task_struct *p, void *stack, unsigned long size);

#endif
