/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/sched.h>

/* Creates a stopped thread; -1 for cpu: any. Returns NULL on failure. */
struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data),
					  void *data, int cpu,
					  const char *name);
#define kthread_create(fn, data, name) kthread_create_on_cpu(fn, data, -1, name)
#define kthread_run(fn, data, name) ({					\
	struct task_struct *__k = kthread_create(fn, data, name);	\
	if (__k)							\
		wake_up_process(__k);					\
	__k;								\
})
#define kthread_run_on_cpu(fn, data, cpu, name) ({			\
	struct task_struct *__k = kthread_create_on_cpu(fn, data, cpu, name); \
	if (__k)							\
		wake_up_process(__k);					\
	__k;								\
})
/* Sets should_stop, wakes k, waits for it to exit; returns its exit code. */
int kthread_stop(struct task_struct *k);
/* Waits for k to exit by itself; returns its exit code and frees it. */
int kthread_join(struct task_struct *k);
bool kthread_should_stop(void);
__noreturn void kthread_exit(int code);

#endif
