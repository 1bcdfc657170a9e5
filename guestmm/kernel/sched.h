/* SPDX-License-Identifier: MIT */
/* Between the scheduler, kthreads, timers and the idle loop (kernel/ only). */
#ifndef _KERNEL_SCHED_H
#define _KERNEL_SCHED_H

#include <linux/sched.h>

/* Ends current for good: no preemption, off the run queue, reaped by a joiner. */
__noreturn void do_task_dead(void);
/* Called by the scheduler once a dead task's stack is no longer in use. */
void kthread_exited(struct task_struct *p);
/* The first C of a new thread, from ret_from_kthread. */
void schedule_tail(struct task_struct *prev);
__noreturn void kthread_start(void);
/* Context switches made on cpu so far. */
u64 nr_context_switches(int cpu);
/* A task struct initialised for cpu (not running, not queued). */
void task_init(struct task_struct *p, const char *name, int cpu);

/* The idle task of an AP, ready to be started by arch_cpu_up(). */
struct task_struct *idle_task_create(int cpu);

void timers_init(void);
void run_local_timers(void);

#endif
