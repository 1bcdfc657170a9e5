// SPDX-License-Identifier: MIT
/*
 * Starting application processors. The VMM starts vCPU n at the kernel
 * entry when asked (HC_CPU_UP n); head.S finds the PDA and the idle task's
 * stack prepared here, and calls start_secondary().
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/tsc.h>

#define CPU_UP_TIMEOUT_MS	20000	/* nested under TCG a vCPU starts slowly */

/* Read by head.S: the stack each AP starts on (its idle task's). */
unsigned long ap_boot_rsp[NR_CPUS];

void start_secondary(unsigned int cpu);

static void pda_init(unsigned int cpu, struct task_struct *idle)
{
	struct cpu_pda *pda = cpu_pda(cpu);

	pda->self = pda;
	pda->cpu = cpu;
	pda_set_current(pda, idle);
	pda->preempt_count = 0;
	pda->need_resched = 0;
	pda->percpu_offset = __per_cpu_offset[cpu];
}

int arch_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	u64 start, timeout = (u64)tsc_khz * CPU_UP_TIMEOUT_MS;

	if (cpu_alloc_ist_stacks(cpu))
		return -ENOMEM;
	pda_init(cpu, idle);
	ap_boot_rsp[cpu] = (unsigned long)idle->thread.stack + idle->thread.stack_size;
	smp_wmb();
	hypercall(HC_CPU_UP, cpu);
	start = rdtsc();
	while (!cpu_online(cpu)) {
		if (rdtsc() - start > timeout) {
			pr_err("smp: CPU%u didn't come up within %d ms\n", cpu,
			       CPU_UP_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

void start_secondary(unsigned int cpu)
{
	percpu_init_cpu(cpu);
	cpu_init(cpu);
	apic_cpu_init(cpu);
	apic_timer_cpu_init();
	set_cpu_online(cpu, true);
	arch_local_irq_enable();
	cpu_startup_entry();
}

void arch_send_reschedule(unsigned int cpu)
{
	apic_send_ipi(cpu, RESCHEDULE_VECTOR);
}

void arch_send_call_function_ipi(unsigned int cpu)
{
	apic_send_ipi(cpu, CALL_FUNCTION_SINGLE_VECTOR);
}

static void reschedule_interrupt(struct pt_regs *regs)
{
	/* need_resched is already set: the interrupt return path preempts. */
}

static void call_function_interrupt(struct pt_regs *regs)
{
	generic_smp_call_function_interrupt();
}

void smp_ipi_init(void)
{
	set_irq_handler(RESCHEDULE_VECTOR, reschedule_interrupt);
	set_irq_handler(CALL_FUNCTION_SINGLE_VECTOR, call_function_interrupt);
}
