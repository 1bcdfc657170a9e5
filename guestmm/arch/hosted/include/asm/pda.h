/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: every host thread that runs kernel code is its own "CPU"
 * with its own PDA, reached through a thread-local pointer. Threads never
 * share a CPU, so per-CPU data needs no lock here either.
 */
#ifndef _ASM_PDA_H
#define _ASM_PDA_H

#include <linux/compiler.h>

struct task_struct;
struct cpu_pda;

extern __thread struct cpu_pda *hosted_pda;

/* The full struct is in linux/percpu.h; these need its layout. */
#define __HOSTED_PDA_FIELD(type, off) (*(type *)((char *)hosted_pda + (off)))

static __always_inline unsigned long arch_this_cpu_offset(void)
{
	return __HOSTED_PDA_FIELD(unsigned long, 0);
}

static __always_inline int arch_smp_processor_id(void)
{
	return __HOSTED_PDA_FIELD(int, 8);
}

static __always_inline int arch_preempt_count(void)
{
	return __HOSTED_PDA_FIELD(int, 12);
}

static __always_inline void arch_preempt_count_add(int n)
{
	__HOSTED_PDA_FIELD(int, 12) += n;
}

static __always_inline struct task_struct *arch_get_current(void)
{
	return __HOSTED_PDA_FIELD(struct task_struct *, 16);
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
