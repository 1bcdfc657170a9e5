// SPDX-License-Identifier: MIT
/*
 * Cross-CPU function calls. Each CPU owns one call slot (csd) per target
 * CPU, so a call needs no allocation and a CPU can have a call outstanding
 * to every other at once; a slot stays locked until its target has run it.
 * Targets run the calls from the call-function IPI, in hard-interrupt
 * context.
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/smp.h>

struct call_single_data {
	struct list_head list;
	void (*func)(void *info);
	void *info;
	unsigned int locked;	/* queued or running on the target */
};

struct call_queue {
	spinlock_t lock;
	struct list_head list;
};

static DEFINE_PER_CPU_ALIGNED(struct call_queue, call_queues);
static DEFINE_PER_CPU_ALIGNED(struct call_single_data, csd_data[NR_CPUS]);
void smp_calls_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct call_queue *q = per_cpu_ptr(&call_queues, cpu);

		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->list);
	}
}

static void csd_lock_wait(struct call_single_data *csd)
{
	while (smp_load_acquire(&csd->locked))
		cpu_relax();
}

/* Queues func on cpu from this CPU's slot for it; preemption is off. */
static struct call_single_data *queue_call(unsigned int cpu,
					   void (*func)(void *), void *info)
{
	struct call_single_data *csd = this_cpu_ptr(&csd_data[cpu]);
	struct call_queue *q = per_cpu_ptr(&call_queues, cpu);
	unsigned long flags;

	csd_lock_wait(csd);
	csd->func = func;
	csd->info = info;
	WRITE_ONCE(csd->locked, 1);
	local_irq_save(flags);
	arch_spin_lock(&q->lock);
	list_add_tail(&csd->list, &q->list);
	arch_spin_unlock(&q->lock);
	local_irq_restore(flags);
	arch_send_call_function_ipi(cpu);
	return csd;
}

void generic_smp_call_function_interrupt(void)
{
	struct call_queue *q = this_cpu_ptr(&call_queues);
	struct call_single_data *csd;

	for (;;) {
		void (*func)(void *);
		void *info;

		arch_spin_lock(&q->lock);
		csd = list_first_entry_or_null(&q->list, struct call_single_data, list);
		if (csd)
			list_del(&csd->list);
		arch_spin_unlock(&q->lock);
		if (!csd)
			break;
		func = csd->func;
		info = csd->info;
		func(info);
		smp_store_release(&csd->locked, 0);	/* the caller may reuse it */
	}
}

static void call_here(void (*func)(void *), void *info)
{
	unsigned long flags;

	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
}

int smp_call_function_single(unsigned int cpu, void (*func)(void *info),
			     void *info, bool wait)
{
	struct call_single_data *csd;
	unsigned int this_cpu;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	this_cpu = get_cpu();
	if (cpu == this_cpu) {
		call_here(func, info);
		put_cpu();
		return 0;
	}
	/* Waiting with interrupts off deadlocks two CPUs calling each other. */
	WARN_ON_ONCE(wait && irqs_disabled());
	csd = queue_call(cpu, func, info);
	if (wait)
		csd_lock_wait(csd);
	put_cpu();
	return 0;
}

void smp_call_function(void (*func)(void *info), void *info, bool wait)
{
	unsigned int this_cpu = get_cpu(), cpu;

	WARN_ON_ONCE(wait && irqs_disabled());
	for_each_online_cpu(cpu)
		if (cpu != this_cpu)
			queue_call(cpu, func, info);
	if (wait)
		for_each_online_cpu(cpu)
			if (cpu != this_cpu)
				csd_lock_wait(this_cpu_ptr(&csd_data[cpu]));
	put_cpu();
}

void on_each_cpu(void (*func)(void *info), void *info, bool wait)
{
	preempt_disable();
	smp_call_function(func, info, wait);
	call_here(func, info);
	preempt_enable();
}
