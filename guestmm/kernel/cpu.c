// SPDX-License-Identifier: MIT
/* Which CPUs are online, and bringing the others up at boot. */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/smp.h>
#include "sched.h"

unsigned int nr_cpu_ids = 1;
static u64 cpu_online_mask;	/* NR_CPUS == 64: one word */
static atomic_t nr_online;

bool cpu_online(unsigned int cpu)
{
	BUILD_BUG_ON(NR_CPUS > 64);
	return cpu < NR_CPUS && (READ_ONCE(cpu_online_mask) & (1ULL << cpu));
}

unsigned int num_online_cpus(void)
{
	return atomic_read(&nr_online);
}

void set_cpu_online(unsigned int cpu, bool online)
{
	if (online == cpu_online(cpu))
		return;
	if (online) {
		__atomic_fetch_or(&cpu_online_mask, 1ULL << cpu, __ATOMIC_SEQ_CST);
		atomic_inc(&nr_online);
	} else {
		__atomic_fetch_and(&cpu_online_mask, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
		atomic_dec(&nr_online);
	}
}

static int bring_up(unsigned int cpu)
{
	struct task_struct *idle = idle_task_create(cpu);

	if (!idle) {
		pr_err("smp: no memory for CPU%u's idle task\n", cpu);
		return -1;
	}
	return arch_cpu_up(cpu, idle);
}

void smp_init(void)
{
	unsigned int cpu;

	smp_calls_init();
	pr_info("smp: Bringing up secondary CPUs ...\n");
	for (cpu = 1; cpu < nr_cpu_ids; cpu++)
		if (bring_up(cpu))
			break;
	pr_info("smp: Brought up 1 node, %u CPU%s\n", num_online_cpus(),
		num_online_cpus() > 1 ? "s" : "");
	if (num_online_cpus() != nr_cpu_ids)
		panic("smp: only %u of %u CPUs came up", num_online_cpus(),
		      nr_cpu_ids);
}
