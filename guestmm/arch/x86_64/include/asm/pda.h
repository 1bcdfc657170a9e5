/* SPDX-License-Identifier: MIT */
/*
 * This CPU's PDA through %gs: each accessor is one instruction, so it cannot
 * be torn by preemption or migration, and none is a locked instruction.
 * As on Linux x86-64, the %gs base is this CPU's __per_cpu_offset and the
 * PDA is the per-CPU variable pcpu_pda: `%gs:pcpu_pda+OFF(%rip)` is this
 * CPU's copy (the master copy while the base is still 0, early in boot).
 */
#ifndef _ASM_PDA_H
#define _ASM_PDA_H

#define PDA_OFF_PERCPU		0
#define PDA_OFF_CPU		8
#define PDA_OFF_PREEMPT		12
#define PDA_OFF_CURRENT		16
#define PDA_OFF_SELF		24
#define PDA_OFF_NEED_RESCHED	32
#define PDA_SIZE		64	/* sizeof(struct cpu_pda) */
#define PDA_MAX_CPUS		64	/* NR_CPUS, for head.S (checked in percpu.c) */

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <linux/compiler.h>

struct task_struct;

static __always_inline unsigned long arch_this_cpu_offset(void)
{
	unsigned long v;

	__asm__ __volatile__("movq %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_PERCPU));
	return v;
}

static __always_inline int arch_smp_processor_id(void)
{
	int v;

	__asm__ __volatile__("movl %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_CPU));
	return v;
}

static __always_inline int arch_preempt_count(void)
{
	int v;

	__asm__ __volatile__("movl %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_PREEMPT));
	return v;
}

static __always_inline void arch_preempt_count_add(int n)
{
	__asm__ __volatile__("addl %0, %%gs:pcpu_pda+%c1(%%rip)"
			     : : "ri"(n), "i"(PDA_OFF_PREEMPT) : "memory", "cc");
}

static __always_inline struct task_struct *arch_get_current(void)
{
	struct task_struct *v;

	__asm__ __volatile__("movq %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_CURRENT));
	return v;
}

static __always_inline struct cpu_pda *arch_pda(void)
{
	struct cpu_pda *v;

	__asm__ __volatile__("movq %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_SELF));
	return v;
}

static __always_inline bool arch_need_resched_and_preemptible(void)
{
	int resched, count;

	__asm__ __volatile__("movl %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(resched) : "i"(PDA_OFF_NEED_RESCHED));
	if (!resched)
		return false;
	count = arch_preempt_count();
	return count == 0;
}

static __always_inline bool arch_need_resched(void)
{
	int v;

	__asm__ __volatile__("movl %%gs:pcpu_pda+%c1(%%rip), %0" : "=r"(v) : "i"(PDA_OFF_NEED_RESCHED));
	return v != 0;
}

static __always_inline void arch_set_need_resched(int v)
{
	__asm__ __volatile__("movl %0, %%gs:pcpu_pda+%c1(%%rip)"
			     : : "ri"(v), "i"(PDA_OFF_NEED_RESCHED) : "memory");
}

#endif /* !__ASSEMBLY__ */

#endif
