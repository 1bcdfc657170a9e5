// SPDX-License-Identifier: MIT
/*
 * might_sleep() must report in every atomic context (spinlock held,
 * preemption off, interrupts off, hard interrupt: a timer callback and an
 * IPI handler) and in no other. Each expected report also reaches the VMM
 * as a MV_PANIC_SLEEP_BUG warning.
 */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

static DEFINE_SPINLOCK(test_lock);

static unsigned long reports(void)
{
	return __atomic_load_n(&might_sleep_reports, __ATOMIC_SEQ_CST);
}

KTEST(might_sleep, spinlock_held)
{
	unsigned long before = reports();

	spin_lock(&test_lock);
	might_sleep();
	spin_unlock(&test_lock);
	KTEST_EXPECT_EQ(t, reports() - before, 1);
}

KTEST(might_sleep, spinlock_irqsave_held)
{
	unsigned long before = reports(), flags;

	spin_lock_irqsave(&test_lock, flags);
	might_sleep();
	spin_unlock_irqrestore(&test_lock, flags);
	KTEST_EXPECT_EQ(t, reports() - before, 1);
}

KTEST(might_sleep, preempt_disabled)
{
	unsigned long before = reports();

	preempt_disable();
	might_sleep();
	preempt_enable();
	KTEST_EXPECT_EQ(t, reports() - before, 1);
}

KTEST(might_sleep, irqs_disabled)
{
	unsigned long before = reports();

	local_irq_disable();
	might_sleep();
	local_irq_enable();
	KTEST_EXPECT_EQ(t, reports() - before, 1);
}

struct irq_probe {
	struct timer_list timer;
	struct completion done;
	bool in_irq;
	unsigned long delta;
};

static void probe_might_sleep(struct irq_probe *p)
{
	unsigned long before = reports();

	p->in_irq = in_interrupt();
	might_sleep();
	p->delta = reports() - before;
}

static void timer_probe(struct timer_list *tl)
{
	struct irq_probe *p = container_of(tl, struct irq_probe, timer);

	probe_might_sleep(p);
	complete(&p->done);
}

KTEST(might_sleep, timer_callback)
{
	struct irq_probe p = { 0 };

	init_completion(&p.done);
	timer_setup(&p.timer, timer_probe, 0);
	mod_timer(&p.timer, jiffies + 1);
	KTEST_ASSERT_TRUE(t, wait_for_completion_timeout(&p.done, 10 * HZ));
	del_timer_sync(&p.timer);
	KTEST_EXPECT_TRUE(t, p.in_irq);
	KTEST_EXPECT_EQ(t, p.delta, 1);
}

static void ipi_probe(void *info)
{
	probe_might_sleep(info);
}

KTEST_SMP(might_sleep, ipi_handler, 2)
{
	struct irq_probe p = { 0 };
	unsigned int self = get_cpu(), target = self ? 0 : 1;

	put_cpu();
	smp_call_function_single(target, ipi_probe, &p, true);
	KTEST_EXPECT_TRUE(t, p.in_irq);
	KTEST_EXPECT_EQ(t, p.delta, 1);
}

KTEST(might_sleep, nested_contexts_report_once_each)
{
	unsigned long before = reports(), flags;

	spin_lock_irqsave(&test_lock, flags);
	preempt_disable();
	might_sleep();
	preempt_enable();
	spin_unlock_irqrestore(&test_lock, flags);
	KTEST_EXPECT_EQ(t, reports() - before, 1);
}

/* And never in process context with nothing held. */
KTEST(might_sleep, process_context_silent)
{
	unsigned long before = reports(), flags;

	might_sleep();
	spin_lock(&test_lock);
	spin_unlock(&test_lock);
	might_sleep();
	spin_lock_irqsave(&test_lock, flags);
	spin_unlock_irqrestore(&test_lock, flags);
	might_sleep();
	preempt_disable();
	preempt_enable();
	might_sleep();
	local_irq_disable();
	local_irq_enable();
	might_sleep();
	msleep(1);
	might_sleep();
	KTEST_EXPECT_EQ(t, reports() - before, 0);
	KTEST_EXPECT_EQ(t, preempt_count(), 0);
}

static int silent_thread(void *arg)
{
	might_sleep();
	msleep(1);
	might_sleep();
	return 0;
}

KTEST(might_sleep, kthreads_silent)
{
	struct task_struct *k[NR_CPUS];
	unsigned long before = reports();
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		k[cpu] = kthread_run_on_cpu(silent_thread, NULL, cpu, "silent");
		KTEST_ASSERT_NOT_NULL(t, k[cpu]);
	}
	for_each_online_cpu(cpu)
		kthread_join(k[cpu]);
	KTEST_EXPECT_EQ(t, reports() - before, 0);
}
