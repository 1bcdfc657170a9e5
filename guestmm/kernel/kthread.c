// SPDX-License-Identifier: MIT
/*
 * Kernel threads: creation on a CPU (they never leave it), exit, and the
 * joins that collect an exit code and free the task. A dead task's stack is
 * in use until the switch away from it completes, so the joiner is woken
 * only then, from the scheduler (kthread_exited).
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/task_alloc.h>
#include <asm/switch_to.h>
#include <asm/thread.h>
#include "sched.h"

/* Guards the task list, join_waiters and exited of every task. */
static DEFINE_SPINLOCK(tasks_lock);
static LIST_HEAD(task_list);
static atomic_t last_pid;
static atomic_t next_cpu;

struct join_waiter {
	struct list_head entry;
	struct task_struct *task;
};

void task_init(struct task_struct *p, const char *name, int cpu)
{
	unsigned long flags;

	memset(p, 0, sizeof(*p));
	p->state = TASK_UNINTERRUPTIBLE;	/* new: runs once woken */
	p->flags = PF_KTHREAD;
	p->cpu = cpu;
	p->pid = atomic_inc_return(&last_pid);
	strscpy_len(p->comm, name, sizeof(p->comm));
	INIT_LIST_HEAD(&p->run_list);
	INIT_LIST_HEAD(&p->join_waiters);
	spin_lock_irqsave(&tasks_lock, flags);
	list_add_tail(&p->tasks, &task_list);
	spin_unlock_irqrestore(&tasks_lock, flags);
}

/* Round robin over the online CPUs for threads that don't care where. */
static int pick_cpu(void)
{
	unsigned int nth = (unsigned int)atomic_inc_return(&next_cpu) %
			   num_online_cpus();
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (nth-- == 0)
			return cpu;
	return 0;
}

struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data),
					  void *data, int cpu,
					  const char *name)
{
	struct task_struct *p;
	void *stack;

	if (cpu < 0)
		cpu = pick_cpu();
	if ((unsigned int)cpu >= nr_cpu_ids || !cpu_online(cpu))
		return NULL;
	p = task_alloc();
	stack = stack_alloc();
	if (!p || !stack)
		goto fail;
	task_init(p, name, cpu);
	p->threadfn = threadfn;
	p->data = data;
	arch_thread_init(p, stack, THREAD_SIZE);
	return p;
fail:
	stack_free(stack);
	task_free(p);
	return NULL;
}

__noreturn void kthread_start(void)
{
	struct task_struct *self = current;
	int ret = -EINTR;

	if (!READ_ONCE(self->should_stop))
		ret = self->threadfn(self->data);
	kthread_exit(ret);
}

__noreturn void kthread_exit(int code)
{
	current->exit_code = code;
	do_task_dead();
}

void kthread_exited(struct task_struct *p)
{
	struct join_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&tasks_lock, flags);
	p->exited = true;
	list_for_each_entry(w, &p->join_waiters, entry)
		wake_up_process(w->task);
	spin_unlock_irqrestore(&tasks_lock, flags);
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int kthread_join(struct task_struct *k)
{
	struct join_waiter w = { .task = current };
	int ret;

	might_sleep();
	BUG_ON(k == current);
	spin_lock_irq(&tasks_lock);
	while (!k->exited) {
		list_add_tail(&w.entry, &k->join_waiters);
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irq(&tasks_lock);
		schedule();
		spin_lock_irq(&tasks_lock);
		list_del(&w.entry);
	}
	list_del(&k->tasks);
	spin_unlock_irq(&tasks_lock);
	ret = k->exit_code;
	stack_free(k->thread.stack);
	task_free(k);
	return ret;
}

int kthread_stop(struct task_struct *k)
{
	WRITE_ONCE(k->should_stop, true);
	wake_up_process(k);
	return kthread_join(k);
}

struct task_struct *idle_task_create(int cpu)
{
	struct task_struct *idle = task_alloc();
	void *stack = stack_alloc();
	char name[TASK_COMM_LEN];

	if (!idle || !stack) {
		stack_free(stack);
		task_free(idle);
		return NULL;
	}
	snprintf(name, sizeof(name), "swapper/%d", cpu);
	task_init(idle, name, cpu);
	idle->pid = 0;
	arch_thread_init(idle, stack, THREAD_SIZE);
	init_idle(idle, cpu);
	return idle;
}
