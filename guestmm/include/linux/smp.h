/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <asm/pda.h>

#define raw_smp_processor_id()	arch_smp_processor_id()
/* Only meaningful with preemption off, as on Linux. */
#define smp_processor_id()	raw_smp_processor_id()

#define get_cpu()	({ preempt_disable(); smp_processor_id(); })
#define put_cpu()	preempt_enable()

extern unsigned int nr_cpu_ids;		/* CPUs the VMM gave us */
unsigned int num_online_cpus(void);
/* Every CPU is possible that the VMM gave: there is no hotplug. */
#define num_possible_cpus()	nr_cpu_ids
bool cpu_online(unsigned int cpu);

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++)
#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < nr_cpu_ids; (cpu)++) if (cpu_online(cpu))

/* Runs func(info) on cpu (in interrupt context there); wait: until done. */
int smp_call_function_single(unsigned int cpu, void (*func)(void *info),
			     void *info, bool wait);
/* Runs func(info) on every other online CPU. */
void smp_call_function(void (*func)(void *info), void *info, bool wait);
/* Runs func(info) on every online CPU, this one included (irqs off here too). */
void on_each_cpu(void (*func)(void *info), void *info, bool wait);

#endif
