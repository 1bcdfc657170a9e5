/* SPDX-License-Identifier: MIT */
/* arch/hosted-private interfaces. */
#ifndef _HOSTED_INTERNAL_H
#define _HOSTED_INTERNAL_H

#include <linux/types.h>
#include <signal.h>

struct task_struct;

/* The "interrupt" an IPI raises on its target thread. */
#define HOSTED_IPI_SIGNAL	(SIGRTMIN + 1)

/* cpu.c */
int hosted_cpu_attach_task(struct task_struct *task, int want_cpu);
void hosted_cpus_reset(void);

/* sched.c */
struct task_struct *hosted_task_alloc(const char *name);
void hosted_task_free(struct task_struct *p);

/* time.c: starts the jiffies tick (once per process). */
void hosted_time_init(void);
/* Nanoseconds on CLOCK_MONOTONIC. */
u64 hosted_now_ns(void);

/* console.c */
void hosted_console_reset(void);

#endif
