/* SPDX-License-Identifier: MIT */
/* The arch side of SMP: starting CPUs and sending IPIs. */
#ifndef _ASM_SMP_H
#define _ASM_SMP_H

#include <linux/types.h>

struct task_struct;

/* Starts cpu running idle (its idle task); 0 once it is online. */
int arch_cpu_up(unsigned int cpu, struct task_struct *idle);
void arch_send_reschedule(unsigned int cpu);
void arch_send_call_function_ipi(unsigned int cpu);
/* Installs the IPI handlers (boot CPU, once). */
void smp_ipi_init(void);

#endif
