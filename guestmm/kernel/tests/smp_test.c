// SPDX-License-Identifier: MIT
/*
 * IPIs: a call reaches every CPU, in interrupt context there; calls between
 * every pair of CPUs; and the round trip of a call, reported in cycles.
 */
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/irqflags.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define ROUND_TRIPS	2000

struct hit {
	int cpu;
	bool in_irq;
	bool irqs_off;
	unsigned long count;
};

static struct hit hits[NR_CPUS];

static void record_hit(void *info)
{
	struct hit *h = &hits[smp_processor_id()];

	h->cpu = smp_processor_id();
	h->in_irq = in_interrupt();
	h->irqs_off = irqs_disabled();
	__atomic_add_fetch(&h->count, 1, __ATOMIC_RELAXED);
}

KTEST(smp, all_cpus_online)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
		n++;
	KTEST_EXPECT_EQ(t, n, nr_cpu_ids);
	KTEST_EXPECT_EQ(t, num_online_cpus(), nr_cpu_ids);
}

KTEST(smp, call_single_reaches_every_cpu)
{
	unsigned int cpu, self = raw_smp_processor_id();

	memset(hits, 0, sizeof(hits));
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, smp_call_function_single(cpu, record_hit, NULL, true), 0);
	for_each_online_cpu(cpu) {
		KTEST_EXPECT_EQ(t, hits[cpu].count, 1);
		KTEST_EXPECT_EQ(t, hits[cpu].cpu, (int)cpu);
		KTEST_EXPECT_TRUE(t, hits[cpu].irqs_off);
		/* Remote calls run from the IPI; a call to self runs directly. */
		KTEST_EXPECT_EQ(t, hits[cpu].in_irq, cpu != self);
	}
}

KTEST(smp, call_function_and_on_each_cpu)
{
	unsigned int cpu, self;

	memset(hits, 0, sizeof(hits));
	self = get_cpu();
	smp_call_function(record_hit, NULL, true);
	put_cpu();
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, hits[cpu].count, cpu == self ? 0 : 1);
	on_each_cpu(record_hit, NULL, true);
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, hits[cpu].count, cpu == self ? 1 : 2);
}

KTEST(smp, call_no_wait)
{
	unsigned int cpu;

	memset(hits, 0, sizeof(hits));
	for (int round = 0; round < 10; round++)
		for_each_online_cpu(cpu)
			smp_call_function_single(cpu, record_hit, NULL, false);
	/* One more waiting call per CPU: FIFO, so the others ran before it. */
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, record_hit, NULL, true);
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, hits[cpu].count, 11);
}

/* Every CPU calls every other CPU, all at once. */
static unsigned long pair_hits[NR_CPUS][NR_CPUS];

static void pair_hit(void *info)
{
	unsigned int from = (unsigned long)info;

	__atomic_add_fetch(&pair_hits[from][smp_processor_id()], 1, __ATOMIC_RELAXED);
}

static int call_all_others(void *arg)
{
	unsigned int cpu, self = raw_smp_processor_id();

	for (int round = 0; round < 20; round++)
		for_each_online_cpu(cpu)
			if (cpu != self)
				smp_call_function_single(cpu, pair_hit,
							 (void *)(unsigned long)self, true);
	return 0;
}

KTEST_SMP(smp, ipi_between_every_pair, 2)
{
	struct task_struct *k[NR_CPUS];
	unsigned int cpu, to;

	memset(pair_hits, 0, sizeof(pair_hits));
	for_each_online_cpu(cpu) {
		k[cpu] = kthread_run_on_cpu(call_all_others, NULL, cpu, "caller");
		KTEST_ASSERT_NOT_NULL(t, k[cpu]);
	}
	for_each_online_cpu(cpu)
		kthread_join(k[cpu]);
	for_each_online_cpu(cpu)
		for_each_online_cpu(to)
			KTEST_EXPECT_EQ(t, pair_hits[cpu][to], cpu == to ? 0 : 20);
}

static void noop(void *info)
{
}

static u64 rtt_samples[ROUND_TRIPS];

static void sort_u64(u64 *a, unsigned int n)
{
	for (unsigned int gap = n / 2; gap; gap /= 2)
		for (unsigned int i = gap; i < n; i++)
			for (unsigned int j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
				u64 tmp = a[j];

				a[j] = a[j - gap];
				a[j - gap] = tmp;
			}
}

/* Median and best: nested, the mean mostly measures the host's load. */
KTEST_SMP(smp, ipi_round_trip, 2)
{
	unsigned int self = get_cpu(), target = self ? 0 : 1;
	u64 total = 0, median;

	put_cpu();
	smp_call_function_single(target, noop, NULL, true);	/* warm up */
	for (int i = 0; i < ROUND_TRIPS; i++) {
		u64 s = rdtsc_ordered();

		smp_call_function_single(target, noop, NULL, true);
		rtt_samples[i] = rdtsc_ordered() - s;
		total += rtt_samples[i];
	}
	sort_u64(rtt_samples, ROUND_TRIPS);
	median = rtt_samples[ROUND_TRIPS / 2];
	ktest_diag("IPI round trip CPU%u->CPU%u: median %llu cycles (%llu ns), best %llu, mean %llu, over %d calls",
		   self, target, (unsigned long long)median,
		   (unsigned long long)cycles_to_ns(median),
		   (unsigned long long)rtt_samples[0],
		   (unsigned long long)(total / ROUND_TRIPS), ROUND_TRIPS);
	KTEST_EXPECT_GT(t, median, 0);
}

/* A thread sleeping on an idle CPU is woken by a reschedule IPI. */
static int sleeper(void *arg)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	while (!READ_ONCE(*(bool *)arg)) {
		schedule();
		set_current_state(TASK_UNINTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return raw_smp_processor_id();
}

KTEST_SMP(smp, remote_wake_up, 2)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		bool go = false;
		struct task_struct *k = kthread_run_on_cpu(sleeper, &go, cpu, "sleeper");

		KTEST_ASSERT_NOT_NULL(t, k);
		msleep(10);
		WRITE_ONCE(go, true);
		wake_up_process(k);
		KTEST_EXPECT_EQ(t, kthread_join(k), (int)cpu);
	}
}
