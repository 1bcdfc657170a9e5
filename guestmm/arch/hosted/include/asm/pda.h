/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: every host thread that runs kernel code is its own "CPU".
 * Its PDA (cpu_pdas[cpu]) is reached through the thread-local hosted_pda;
 * the fields the fast paths touch live in a thread-local struct of their
 * own, so that each access is one %fs-relative instruction (local-exec TLS:
 * the hosted library only ever links into executables), as the guest's
 * %gs-relative accessors are. Threads never share a CPU, so per-CPU data
 * needs no lock here either.
 */
#ifndef _ASM_PDA_H
#define _ASM_PDA_H

#include <linux/compiler.h>

struct task_struct;
struct cpu_pda;

#define __hosted_tls __thread __attribute__((tls_model("local-exec")))

struct hosted_this_cpu {
	unsigned long percpu_offset;
	int cpu;
	int preempt_count;
	struct task_struct *curr;		/* "current" is a macro */
	int irqs_off;			/* the virtual interrupt flag (1: off) */
	int irq_pending;		/* an IPI arrived while irqs_off */
};

extern __hosted_tls struct cpu_pda *hosted_pda;
extern __hosted_tls struct hosted_this_cpu hosted_this_cpu;

static __always_inline unsigned long arch_this_cpu_offset(void)
{
	return hosted_this_cpu.percpu_offset;
}

static __always_inline int arch_smp_processor_id(void)
{
	return hosted_this_cpu.cpu;
}

static __always_inline int arch_preempt_count(void)
{
	return hosted_this_cpu.preempt_count;
}

static __always_inline void arch_preempt_count_add(int n)
{
	hosted_this_cpu.preempt_count += n;
}

static __always_inline struct task_struct *arch_get_current(void)
{
	return hosted_this_cpu.curr;
}

static __always_inline struct cpu_pda *arch_pda(void)
{
	return hosted_pda;
}

/* Host threads are preempted by the host: nothing to do here. */
static __always_inline bool arch_need_resched_and_preemptible(void)
{
	return false;
}

static __always_inline bool arch_need_resched(void)
{
	return false;
}

static __always_inline void arch_set_need_resched(int v)
{
	(void)v;
}

#endif
