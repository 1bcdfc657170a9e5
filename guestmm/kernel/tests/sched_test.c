// SPDX-License-Identifier: MIT
/*
 * The scheduler: preemption of threads that never yield, sleeping for a
 * time, yield, and the cost of a context switch (reported as a diagnostic).
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/irqflags.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include "../sched.h"

#define SPINNERS		2
#define PREEMPT_WINDOWS		4
#define PREEMPT_WINDOW_MS	250
#define CTXSW_YIELDS		2000

struct spinner {
	unsigned long count;
	bool stop;
};

static int spin(void *arg)
{
	struct spinner *s = arg;

	/* Interrupts on, never sleeping or yielding: only the tick can switch. */
	while (!READ_ONCE(s->stop))
		WRITE_ONCE(s->count, s->count + 1);
	return 0;
}

static void snapshot(const struct spinner *s, unsigned long *out)
{
	for (int i = 0; i < SPINNERS; i++)
		out[i] = READ_ONCE(s[i].count);
}

/*
 * Two spinners on one CPU: without preemption the first would run alone
 * forever. Each must progress in most windows (nested, a vCPU can lose a
 * whole window to the host), and the CPU must keep switching between them.
 */
KTEST(sched, preemption)
{
	static struct spinner s[SPINNERS];
	struct task_struct *k[SPINNERS];
	unsigned long a[SPINNERS], b[SPINNERS];
	unsigned int progressed[SPINNERS] = { 0 };
	int cpu = nr_cpu_ids - 1;
	u64 switches;

	memset(s, 0, sizeof(s));
	for (int i = 0; i < SPINNERS; i++) {
		k[i] = kthread_run_on_cpu(spin, &s[i], cpu, "spinner");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	switches = nr_context_switches(cpu);
	for (int window = 0; window < PREEMPT_WINDOWS; window++) {
		snapshot(s, a);
		msleep(PREEMPT_WINDOW_MS);
		snapshot(s, b);
		for (int i = 0; i < SPINNERS; i++) {
			if (b[i] > a[i])
				progressed[i]++;
			else
				ktest_diag("spinner %d made no progress in window %d", i, window);
		}
	}
	switches = nr_context_switches(cpu) - switches;
	for (int i = 0; i < SPINNERS; i++) {
		WRITE_ONCE(s[i].stop, true);
		KTEST_EXPECT_EQ(t, kthread_join(k[i]), 0);
		KTEST_EXPECT_GE(t, progressed[i], PREEMPT_WINDOWS - 1);
	}
	/* A switch per tick, give or take what the host steals. */
	KTEST_EXPECT_GE(t, switches, PREEMPT_WINDOWS * PREEMPT_WINDOW_MS * HZ / 1000 / 4);
	ktest_diag("preemption: %llu switches on CPU%d in %d ms",
		   (unsigned long long)switches, cpu, PREEMPT_WINDOWS * PREEMPT_WINDOW_MS);
}

/*
 * Each waits until both run: the first woken must not yield its way through
 * alone while the wake-up of the second is still on its way (an IPI, when
 * the test runs on another CPU, can outlast 2000 lone yields).
 */
static int yielder(void *arg)
{
	atomic_t *ready = arg;

	atomic_inc(ready);
	while (atomic_read(ready) < 2)
		yield();
	for (int i = 0; i < CTXSW_YIELDS; i++)
		yield();
	return 0;
}

/* Two threads yielding to each other on one CPU: each yield is one switch. */
KTEST(sched, context_switch_cost)
{
	int cpu = nr_cpu_ids - 1;
	struct task_struct *k[2];
	atomic_t ready = ATOMIC_INIT(0);
	u64 t0, cycles, switches;

	for (int i = 0; i < 2; i++) {
		k[i] = kthread_create_on_cpu(yielder, &ready, cpu, "yielder");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	switches = nr_context_switches(cpu);
	t0 = rdtsc();
	wake_up_process(k[0]);
	wake_up_process(k[1]);
	kthread_join(k[0]);
	kthread_join(k[1]);
	cycles = rdtsc() - t0;
	switches = nr_context_switches(cpu) - switches;
	KTEST_EXPECT_GE(t, switches, 2 * CTXSW_YIELDS);
	if (switches)
		ktest_diag("context switch: %llu cycles (%llu ns) each, over %llu switches on CPU%d",
			   (unsigned long long)(cycles / switches),
			   (unsigned long long)cycles_to_ns(cycles / switches),
			   (unsigned long long)switches, cpu);
}

KTEST(sched, msleep_duration)
{
	u64 t0 = rdtsc(), ms;

	msleep(100);
	ms = cycles_to_ns(rdtsc() - t0) / 1000000;
	KTEST_EXPECT_GE(t, ms, 100);
	KTEST_EXPECT_LT(t, ms, 5000);
	ktest_diag("msleep(100) took %llu ms", (unsigned long long)ms);
}

KTEST(sched, schedule_timeout_expires)
{
	unsigned long j0 = jiffies;
	long left;

	set_current_state(TASK_UNINTERRUPTIBLE);
	left = schedule_timeout(5);
	KTEST_EXPECT_EQ(t, left, 0);
	KTEST_EXPECT_GE(t, jiffies - j0, 5);
	KTEST_EXPECT_EQ(t, current->state, TASK_RUNNING);
}

static int waker(void *arg)
{
	msleep(20);
	wake_up_process(arg);
	return 0;
}

KTEST(sched, schedule_timeout_woken)
{
	struct task_struct *k;
	long left;

	set_current_state(TASK_UNINTERRUPTIBLE);
	k = kthread_run(waker, current, "waker");
	if (!k)
		__set_current_state(TASK_RUNNING);
	KTEST_ASSERT_NOT_NULL(t, k);
	left = schedule_timeout(100 * HZ);
	KTEST_EXPECT_GT(t, left, 0);
	kthread_join(k);
}

/* nvcsw counts going to sleep, not being preempted or yielding. */
KTEST(sched, nvcsw_counts_sleeps_only)
{
	u64 before = current->nvcsw;

	for (int i = 0; i < 10; i++)
		yield();
	KTEST_EXPECT_EQ(t, current->nvcsw, before);
	msleep(1);
	KTEST_EXPECT_GE(t, current->nvcsw, before + 1);
}

KTEST(sched, yield_alone_returns)
{
	for (int i = 0; i < 100; i++)
		yield();
	KTEST_EXPECT_EQ(t, current->state, TASK_RUNNING);
	KTEST_EXPECT_EQ(t, preempt_count(), 0);
}

KTEST(sched, cond_resched_no_atomic)
{
	cond_resched();
	KTEST_EXPECT_FALSE(t, in_atomic());
	KTEST_EXPECT_FALSE(t, irqs_disabled());
	KTEST_EXPECT_FALSE(t, in_interrupt());
}
