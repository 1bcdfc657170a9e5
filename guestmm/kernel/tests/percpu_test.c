// SPDX-License-Identifier: MIT
/* Per-CPU variables and the PDA behind %gs. */
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/processor.h>

static DEFINE_PER_CPU(int, pcpu_cpu_id);
static DEFINE_PER_CPU(unsigned long, pcpu_initialised) = 0x5a5a5a5aUL;

static void write_own_id(void *info)
{
	__this_cpu_write(pcpu_cpu_id, smp_processor_id());
}

KTEST(percpu, each_cpu_has_its_copy)
{
	unsigned int cpu, other;

	on_each_cpu(write_own_id, NULL, true);
	for_each_online_cpu(cpu) {
		KTEST_EXPECT_EQ(t, per_cpu(pcpu_cpu_id, cpu), (int)cpu);
		KTEST_EXPECT_EQ(t, per_cpu(pcpu_initialised, cpu), 0x5a5a5a5aUL);
		for_each_online_cpu(other)
			if (other != cpu)
				KTEST_EXPECT_NE(t, (unsigned long)per_cpu_ptr(&pcpu_cpu_id, cpu),
						(unsigned long)per_cpu_ptr(&pcpu_cpu_id, other));
	}
}

static void check_pda(void *info)
{
	struct cpu_pda *pda = arch_pda();
	int *bad = info;

	if (pda != cpu_pda(smp_processor_id()) || pda->self != pda ||
	    pda->percpu_offset != __per_cpu_offset[smp_processor_id()])
		__atomic_add_fetch(bad, 1, __ATOMIC_RELAXED);
}

KTEST(percpu, pda_consistent)
{
	int bad = 0;

	on_each_cpu(check_pda, &bad, true);
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, arch_get_current(), current);
	KTEST_EXPECT_EQ(t, current->cpu, raw_smp_processor_id());
}

/* ---- this_cpu operations: %gs-relative, each CPU its own copy ----------- */

#define PCPU_BUMPS	1000

static DEFINE_PER_CPU(unsigned long, pcpu_hits);
static DEFINE_PER_CPU(u8, pcpu_byte);
static DEFINE_PER_CPU(u16, pcpu_half);
static DEFINE_PER_CPU(u32, pcpu_word);
static DEFINE_PER_CPU(void *, pcpu_ptr);

static void bump_own(void *info)
{
	unsigned int cpu = smp_processor_id();

	for (int i = 0; i < PCPU_BUMPS; i++)
		this_cpu_add(pcpu_hits, cpu + 1);
}

/*
 * Every CPU adds cpu + 1 to the same name: each copy shows only its own
 * CPU's increments, and the master (what %gs 0 would reach) none.
 */
KTEST_SMP(percpu, this_cpu_ops_are_gs_relative, 2)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		per_cpu(pcpu_hits, cpu) = 0;
	on_each_cpu(bump_own, NULL, true);
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, per_cpu(pcpu_hits, cpu), (unsigned long)PCPU_BUMPS * (cpu + 1));
	KTEST_EXPECT_EQ(t, pcpu_hits, 0UL);
	KTEST_EXPECT_EQ(t, this_cpu_read(this_cpu_off), __per_cpu_offset[raw_smp_processor_id()]);
}

static void ops_each_size(void *info)
{
	int *bad_total = info, nbad = 0, *bad = &nbad;
	unsigned long old;

	preempt_disable();
	__this_cpu_write(pcpu_byte, 0xfe);
	this_cpu_inc(pcpu_byte);
	if (this_cpu_inc_return(pcpu_byte) != 0)	/* wraps as a u8 */
		(*bad)++;
	this_cpu_write(pcpu_half, 0x1234);
	this_cpu_or(pcpu_half, 0x8000);
	this_cpu_and(pcpu_half, 0xff34);
	if (this_cpu_read(pcpu_half) != 0x9234)
		(*bad)++;
	this_cpu_write(pcpu_word, 7);
	if (this_cpu_cmpxchg(pcpu_word, 6, 9) != 7 || this_cpu_read(pcpu_word) != 7)
		(*bad)++;
	if (this_cpu_cmpxchg(pcpu_word, 7, 9) != 7 || this_cpu_read(pcpu_word) != 9)
		(*bad)++;
	if (this_cpu_xchg(pcpu_word, 3) != 9 || raw_cpu_read(pcpu_word) != 3)
		(*bad)++;
	this_cpu_dec(pcpu_word);
	this_cpu_sub(pcpu_word, 2);
	if (__this_cpu_read(pcpu_word) != 0 || this_cpu_dec_return(pcpu_word) != 0xffffffffu)
		(*bad)++;
	this_cpu_write(pcpu_ptr, bad);
	if (this_cpu_read(pcpu_ptr) != bad || this_cpu_xchg(pcpu_ptr, NULL) != bad)
		(*bad)++;
	old = this_cpu_add_return(pcpu_hits, 5);
	if (old != raw_cpu_read(pcpu_hits))
		(*bad)++;
	preempt_enable();
	__atomic_add_fetch(bad_total, nbad, __ATOMIC_RELAXED);
}

KTEST(percpu, ops_every_size)
{
	int bad = 0;

	on_each_cpu(ops_each_size, &bad, true);
	KTEST_EXPECT_EQ(t, bad, 0);
}

/* ---- counters bumped on every CPU, under preemption --------------------- */

#define COUNTER_THREADS_PER_CPU	3
#define COUNTER_BUMPS		20000

static DEFINE_PER_CPU(unsigned long, pcpu_counter);

static int counter_thread(void *arg)
{
	for (int i = 0; i < COUNTER_BUMPS; i++) {
		this_cpu_inc(pcpu_counter);
		if (i % 4096 == 0)
			cond_resched();
	}
	return 0;
}

/* Several threads per CPU, preempting each other mid-loop: no bump is lost. */
KTEST_SMP(percpu, counters_sum_across_cpus, 2)
{
	struct task_struct *k[NR_CPUS * COUNTER_THREADS_PER_CPU];
	unsigned long sum = 0;
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
		per_cpu(pcpu_counter, cpu) = 0;
	for_each_online_cpu(cpu)
		for (int i = 0; i < COUNTER_THREADS_PER_CPU; i++) {
			k[n] = kthread_run_on_cpu(counter_thread, NULL, cpu, "pcpu-count");
			KTEST_ASSERT_NOT_NULL(t, k[n]);
			n++;
		}
	for (unsigned int i = 0; i < n; i++)
		kthread_join(k[i]);
	for_each_online_cpu(cpu) {
		KTEST_EXPECT_EQ(t, per_cpu(pcpu_counter, cpu),
				(unsigned long)COUNTER_THREADS_PER_CPU * COUNTER_BUMPS);
		sum += per_cpu(pcpu_counter, cpu);
	}
	KTEST_EXPECT_EQ(t, sum, (unsigned long)n * COUNTER_BUMPS);
}

/* ---- get_cpu_var keeps the thread on its CPU ---------------------------- */

struct pin_probe {
	unsigned long spins;
	bool stop;
	int cpu_before, cpu_after;
	unsigned long spins_during;	/* the rival's progress while we held it */
	unsigned long ticks;
};

static int rival(void *arg)
{
	struct pin_probe *p = arg;

	while (!READ_ONCE(p->stop))
		WRITE_ONCE(p->spins, p->spins + 1);
	return 0;
}

static int holder(void *arg)
{
	struct pin_probe *p = arg;
	unsigned long start, before;

	/* Let the rival run first, so it is on the queue when we pin. */
	while (!READ_ONCE(p->spins))
		cond_resched();
	get_cpu_var(pcpu_counter)++;
	p->cpu_before = smp_processor_id();
	before = READ_ONCE(p->spins);
	start = jiffies;
	while (jiffies - start < 3)	/* three ticks: each would preempt us */
		cpu_relax();
	p->spins_during = READ_ONCE(p->spins) - before;
	p->cpu_after = smp_processor_id();
	p->ticks = jiffies - start;
	put_cpu_var(pcpu_counter);
	return 0;
}

/*
 * A thread inside get_cpu_var with a rival spinning on its CPU: ticks come
 * and go, but neither a switch nor a migration happens until put_cpu_var.
 */
KTEST_SMP(percpu, get_cpu_var_disables_preemption, 2)
{
	static struct pin_probe p;
	unsigned int cpu = nr_cpu_ids - 1;
	struct task_struct *r, *h;

	memset(&p, 0, sizeof(p));
	r = kthread_run_on_cpu(rival, &p, cpu, "pcpu-rival");
	KTEST_ASSERT_NOT_NULL(t, r);
	h = kthread_run_on_cpu(holder, &p, cpu, "pcpu-holder");
	KTEST_ASSERT_NOT_NULL(t, h);
	kthread_join(h);
	WRITE_ONCE(p.stop, true);
	kthread_join(r);
	KTEST_EXPECT_EQ(t, p.cpu_before, (int)cpu);
	KTEST_EXPECT_EQ(t, p.cpu_after, (int)cpu);
	KTEST_EXPECT_GE(t, p.ticks, 3UL);
	KTEST_EXPECT_EQ(t, p.spins_during, 0UL);
}

/* ---- DECLARE_PER_CPU and EXPORT_PER_CPU_SYMBOL -------------------------- */

DECLARE_PER_CPU(unsigned long, percpu_test_exported);
DECLARE_PER_CPU(int, percpu_test_exported_gpl);
void percpu_test_bump_exported(void);

extern const struct percpu_export __start_percpu_exports[], __stop_percpu_exports[];

static void bump_exported(void *info)
{
	percpu_test_bump_exported();
	this_cpu_add(percpu_test_exported, 10);
}

KTEST(percpu, declared_in_another_file)
{
	const struct percpu_export *e;
	unsigned int cpu;
	int found = 0;

	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, per_cpu(percpu_test_exported, cpu), 42UL);
	on_each_cpu(bump_exported, NULL, true);
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, per_cpu(percpu_test_exported, cpu), 53UL);
	for (e = __start_percpu_exports; e < __stop_percpu_exports; e++) {
		if (e->addr == &percpu_test_exported)
			found += !e->gpl && !strcmp(e->name, "percpu_test_exported");
		if (e->addr == &percpu_test_exported_gpl)
			found += e->gpl && !strcmp(e->name, "percpu_test_exported_gpl");
	}
	KTEST_EXPECT_EQ(t, found, 2);
}
