// SPDX-License-Identifier: MIT
/*
 * Timers: a sorted list per CPU, run from that CPU's tick. Also the
 * jiffies-based sleeps built on them: schedule_timeout() and msleep().
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include "sched.h"

struct timer_base {
	spinlock_t lock;
	struct list_head pending;	/* by expiry, earliest first */
	struct timer_list *running;
};

static DEFINE_PER_CPU_ALIGNED(struct timer_base, timer_bases);

void timers_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct timer_base *base = per_cpu_ptr(&timer_bases, cpu);

		spin_lock_init(&base->lock);
		INIT_LIST_HEAD(&base->pending);
		base->running = NULL;
	}
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags)
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->expires = 0;
	t->cpu = -1;
}

static struct timer_base *lock_timer_base(struct timer_list *t, int cpu,
					  unsigned long *flags)
{
	struct timer_base *base = per_cpu_ptr(&timer_bases, cpu);

	local_irq_save(*flags);
	arch_spin_lock(&base->lock);
	return base;
}

static void unlock_timer_base(struct timer_base *base, unsigned long flags)
{
	arch_spin_unlock(&base->lock);
	local_irq_restore(flags);
}

static void enqueue_timer(struct timer_base *base, struct timer_list *t)
{
	struct timer_list *pos;

	list_for_each_entry(pos, &base->pending, entry)
		if (time_before(t->expires, pos->expires))
			break;
	list_add_tail(&t->entry, &pos->entry);
}

int del_timer(struct timer_list *t)
{
	struct timer_base *base;
	unsigned long flags;
	int cpu = READ_ONCE(t->cpu), ret = 0;

	if (cpu < 0)
		return 0;
	base = lock_timer_base(t, cpu, &flags);
	if (timer_pending(t)) {
		list_del_init(&t->entry);
		ret = 1;
	}
	unlock_timer_base(base, flags);
	return ret;
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	struct timer_base *base;
	unsigned long flags;
	int ret = del_timer(t);

	base = lock_timer_base(t, raw_smp_processor_id(), &flags);
	t->expires = expires;
	t->cpu = raw_smp_processor_id();
	enqueue_timer(base, t);
	unlock_timer_base(base, flags);
	return ret;
}

void add_timer(struct timer_list *t)
{
	BUG_ON(timer_pending(t));
	mod_timer(t, t->expires);
}

int del_timer_sync(struct timer_list *t)
{
	int cpu = READ_ONCE(t->cpu);
	int ret = del_timer(t);

	if (cpu >= 0)
		while (READ_ONCE(per_cpu_ptr(&timer_bases, cpu)->running) == t)
			cpu_relax();
	return ret;
}

/* From the tick, interrupts off: run what has expired, unlocked. */
void run_local_timers(void)
{
	struct timer_base *base = this_cpu_ptr(&timer_bases);
	unsigned long now = jiffies;
	struct timer_list *t;

	arch_spin_lock(&base->lock);
	while ((t = list_first_entry_or_null(&base->pending, struct timer_list,
					     entry)) &&
	       time_after_eq(now, t->expires)) {
		list_del_init(&t->entry);
		WRITE_ONCE(base->running, t);
		arch_spin_unlock(&base->lock);
		t->function(t);
		arch_spin_lock(&base->lock);
		WRITE_ONCE(base->running, NULL);
	}
	arch_spin_unlock(&base->lock);
}

struct process_timer {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *t)
{
	wake_up_process(container_of(t, struct process_timer, timer)->task);
}

long schedule_timeout(long timeout)
{
	struct process_timer timer;
	unsigned long expire;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		pr_err("schedule_timeout: wrong timeout value %ld\n", timeout);
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	expire = jiffies + timeout;
	timer.task = current;
	timer_setup(&timer.timer, process_timeout, 0);
	current->wakeup_at = expire;
	mod_timer(&timer.timer, expire);
	schedule();
	del_timer_sync(&timer.timer);
	timeout = expire - jiffies;
	return timeout < 0 ? 0 : timeout;
}

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

void msleep(unsigned int msecs)
{
	long timeout = msecs_to_jiffies(msecs) + 1;

	might_sleep();
	while (timeout)
		timeout = schedule_timeout_uninterruptible(timeout);
}
