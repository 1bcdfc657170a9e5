// SPDX-License-Identifier: MIT
/* Per-CPU variables and the PDA behind %gs. */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>

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
