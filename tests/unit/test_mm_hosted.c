// SPDX-License-Identifier: MIT
/*
 * The hosted arch layer the guest's mm/ runs on: threads as CPUs, per-CPU
 * variables, sleeping and waking, IPIs as signals that respect the virtual
 * interrupt flag, time, the console log, WARN/BUG/panic.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/jiffies.h>
#include <linux/irqflags.h>
#include <asm/hosted.h>

static void boot(void)
{
	hosted_boot(NULL);
}

TestSuite(hosted, .init = boot, .timeout = 60);

static DEFINE_PER_CPU(int, pcpu_counter);

struct cpu_probe {
	int cpu;
	int counter;
	struct completion done;
	struct completion go;
};

static int probe_thread(void *data)
{
	struct cpu_probe *p = data;

	p->cpu = smp_processor_id();
	get_cpu_var(pcpu_counter) += 10 + p->cpu;
	put_cpu_var(pcpu_counter);
	p->counter = __this_cpu_read(pcpu_counter);
	complete(&p->done);
	wait_for_completion(&p->go);
	return p->cpu;
}

Test(hosted, threads_are_cpus_with_percpu_data)
{
	struct cpu_probe p[4];
	struct task_struct *k[4];

	cr_expect_eq(smp_processor_id(), 0);
	cr_expect_eq(num_online_cpus(), 1);
	for (int i = 0; i < 4; i++) {
		init_completion(&p[i].done);
		init_completion(&p[i].go);
		k[i] = kthread_run(probe_thread, &p[i], "probe");
		cr_assert_not_null(k[i]);
		wait_for_completion(&p[i].done);
	}
	cr_expect_eq(num_online_cpus(), 5);
	for (int i = 0; i < 4; i++) {
		cr_expect_neq(p[i].cpu, 0);
		for (int j = 0; j < i; j++)
			cr_expect_neq(p[i].cpu, p[j].cpu);
		cr_expect_eq(p[i].counter, 10 + p[i].cpu);
		cr_expect_eq(per_cpu(pcpu_counter, p[i].cpu), 10 + p[i].cpu);
	}
	cr_expect_eq(per_cpu(pcpu_counter, 0), 0);
	for (int i = 0; i < 4; i++) {
		complete(&p[i].go);
		cr_expect_eq(kthread_stop(k[i]), p[i].cpu);
	}
	cr_expect_eq(num_online_cpus(), 1);
}

static int sleeper(void *data)
{
	struct completion *c = data;

	wait_for_completion(c);
	return 7;
}

Test(hosted, sleep_and_wake)
{
	DECLARE_COMPLETION(c);
	struct task_struct *k = kthread_run(sleeper, &c, "sleeper");
	unsigned long start = jiffies;

	cr_assert_not_null(k);
	msleep(30);
	cr_expect_geq(jiffies - start, 2);
	complete(&c);
	cr_expect_eq(kthread_join(k), 7);
	/* A timeout with nobody to wake us runs out. */
	set_current_state(TASK_UNINTERRUPTIBLE);
	cr_expect_eq(schedule_timeout(2), 0);
	cr_expect_eq(current->state, TASK_RUNNING);
}

static int stopper(void *data)
{
	if (data)
		__atomic_store_n((bool *)data, true, __ATOMIC_RELEASE);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(1);
	return 42;
}

Test(hosted, kthread_stop_before_and_after_start)
{
	struct task_struct *k = kthread_create(stopper, NULL, "never-woken");
	bool running = false;

	cr_assert_not_null(k);
	cr_expect_lt(kthread_stop(k), 0);	/* stopped before it ran: -EINTR */
	k = kthread_run(stopper, &running, "stopper");
	/* once its function runs (a loaded host may take a while), stop says 42 */
	for (int ms = 0; ms < 10000 && !__atomic_load_n(&running, __ATOMIC_ACQUIRE); ms++)
		msleep(1);
	cr_assert(__atomic_load_n(&running, __ATOMIC_ACQUIRE), "the thread never ran");
	cr_expect_eq(kthread_stop(k), 42);
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* jiffies follow the clock: never ahead of it, and they catch up. */
Test(hosted, jiffies_tick)
{
	unsigned long long t0, elapsed;
	unsigned long start, delta;

	/* A starved tick thread catches up in one step: not from inside the window. */
	hosted_jiffies_sync();
	t0 = monotonic_ns();
	start = jiffies;

	usleep(200 * 1000);
	/* the tick thread may lag on a loaded machine: give it time */
	for (int i = 0; i < 500 && jiffies - start < HZ / 5 - 1; i++)
		usleep(10 * 1000);
	delta = jiffies - start;
	elapsed = monotonic_ns() - t0;
	cr_expect_geq(delta, HZ / 5 - 1);
	cr_expect_leq(delta, elapsed * HZ / 1000000000ULL + 1);
}

struct ipi_probe {
	int ran;
	bool in_irq;
	bool irqs_off;
	int cpu;
};

static void ipi_fn(void *info)
{
	struct ipi_probe *p = info;

	p->in_irq = in_interrupt();
	p->irqs_off = irqs_disabled();
	p->cpu = smp_processor_id();
	__atomic_add_fetch(&p->ran, 1, __ATOMIC_SEQ_CST);
}

struct irq_off_thread {
	struct completion irqs_off;
	struct completion sent;
	struct ipi_probe probe;
	int ran_while_off;
};

static int irq_off_fn(void *data)
{
	struct irq_off_thread *it = data;

	local_irq_disable();
	complete(&it->irqs_off);
	/* Spin with interrupts off until the IPI was sent (and must wait). */
	while (!completion_done(&it->sent))
		cpu_relax();
	usleep(20000);
	it->ran_while_off = __atomic_load_n(&it->probe.ran, __ATOMIC_SEQ_CST);
	local_irq_enable();		/* the held IPI runs here */
	return __atomic_load_n(&it->probe.ran, __ATOMIC_SEQ_CST);
}

Test(hosted, ipi_waits_for_interrupts_on)
{
	struct irq_off_thread it = { 0 };
	struct task_struct *k;

	init_completion(&it.irqs_off);
	init_completion(&it.sent);
	k = kthread_run(irq_off_fn, &it, "irqs-off");
	wait_for_completion(&it.irqs_off);
	cr_assert_eq(smp_call_function_single(k->cpu, ipi_fn, &it.probe, false), 0);
	complete(&it.sent);
	cr_expect_eq(kthread_join(k), 1);
	cr_expect_eq(it.ran_while_off, 0);
	cr_expect(it.probe.in_irq);
	cr_expect(it.probe.irqs_off);
}

Test(hosted, ipi_to_sleeping_cpu_and_self)
{
	DECLARE_COMPLETION(c);
	struct task_struct *k = kthread_run(sleeper, &c, "sleeper");
	struct ipi_probe p = { 0 };

	while (num_online_cpus() < 2)
		usleep(1000);
	cr_assert_eq(smp_call_function_single(k->cpu, ipi_fn, &p, true), 0);
	cr_expect_eq(p.ran, 1);
	cr_expect_eq(p.cpu, k->cpu);
	cr_expect(p.in_irq);
	on_each_cpu(ipi_fn, &p, true);
	cr_expect_eq(p.ran, 3);
	complete(&c);
	kthread_join(k);
	cr_expect_neq(smp_call_function_single(k->cpu, ipi_fn, &p, true), 0);
}

Test(hosted, console_log)
{
	hosted_log_clear();
	cr_expect_not(hosted_log_contains("hello from the test"));
	pr_info("hello from the %s\n", "test");
	cr_expect(hosted_log_contains("hello from the test"));
	pr_debug("debug is below the console level\n");
	cr_expect_not(hosted_log_contains("debug is below"));
}

Test(hosted, warn_counts_and_goes_on)
{
	unsigned long w = warn_count;

	cr_expect(WARN_ON(1 + 1 == 2));
	cr_expect_not(WARN_ON(0));
	cr_expect_eq(warn_count, w + 1);
	cr_expect(hosted_log_contains("WARNING: CPU: 0"));
}

Test(hosted, bug_aborts, .signal = SIGABRT)
{
	BUG_ON(1);
}

Test(hosted, panic_aborts, .signal = SIGABRT)
{
	panic("test %d", 1);
}
