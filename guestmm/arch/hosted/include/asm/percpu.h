/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: a host thread is a CPU and never runs another's per-CPU
 * data, so raw_cpu_* are plain C on this thread's copy (raw_cpu_ptr(), one
 * thread-local load away). Only a simulated IPI (a signal handler on this
 * thread) can interleave, so this_cpu_* close that window the way Linux's
 * generic fallback does: with (virtual) interrupts off around the access.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <linux/irqflags.h>

#define raw_cpu_read(pcp)		(*raw_cpu_ptr(&(pcp)))
#define raw_cpu_write(pcp, val)		do { *raw_cpu_ptr(&(pcp)) = (val); } while (0)
#define __hosted_pcpu_op(pcp, op, val)	do { *raw_cpu_ptr(&(pcp)) op (val); } while (0)
#define raw_cpu_add(pcp, val)		__hosted_pcpu_op(pcp, +=, val)
#define raw_cpu_sub(pcp, val)		__hosted_pcpu_op(pcp, -=, val)
#define raw_cpu_and(pcp, val)		__hosted_pcpu_op(pcp, &=, val)
#define raw_cpu_or(pcp, val)		__hosted_pcpu_op(pcp, |=, val)
#define raw_cpu_inc(pcp)		raw_cpu_add(pcp, 1)
#define raw_cpu_dec(pcp)		raw_cpu_sub(pcp, 1)
#define raw_cpu_add_return(pcp, val)					\
({									\
	__typeof__(pcp) *__pp = raw_cpu_ptr(&(pcp));			\
	*__pp += (val);							\
	*__pp;								\
})
#define raw_cpu_inc_return(pcp)		raw_cpu_add_return(pcp, 1)
#define raw_cpu_dec_return(pcp)		raw_cpu_add_return(pcp, -1)
#define raw_cpu_cmpxchg(pcp, o, n)					\
({									\
	__typeof__(pcp) *__pp = raw_cpu_ptr(&(pcp)), __pold = *__pp;	\
	if (__pold == (o))						\
		*__pp = (n);						\
	__pold;								\
})
#define raw_cpu_xchg(pcp, n)						\
({									\
	__typeof__(pcp) *__pp = raw_cpu_ptr(&(pcp)), __pold = *__pp;	\
	*__pp = (n);							\
	__pold;								\
})

#define __hosted_pcpu_irqsafe(expr)					\
({									\
	unsigned long __hf = arch_local_irq_save();			\
	__typeof__(expr) __hr = (expr);					\
	arch_local_irq_restore(__hf);					\
	__hr;								\
})
#define __hosted_pcpu_irqsafe_void(stmt)				\
do {									\
	unsigned long __hf = arch_local_irq_save();			\
	stmt;								\
	arch_local_irq_restore(__hf);					\
} while (0)

#define this_cpu_read(pcp)		__hosted_pcpu_irqsafe(raw_cpu_read(pcp))
#define this_cpu_write(pcp, val)	__hosted_pcpu_irqsafe_void(raw_cpu_write(pcp, val))
#define this_cpu_add(pcp, val)		__hosted_pcpu_irqsafe_void(raw_cpu_add(pcp, val))
#define this_cpu_sub(pcp, val)		__hosted_pcpu_irqsafe_void(raw_cpu_sub(pcp, val))
#define this_cpu_and(pcp, val)		__hosted_pcpu_irqsafe_void(raw_cpu_and(pcp, val))
#define this_cpu_or(pcp, val)		__hosted_pcpu_irqsafe_void(raw_cpu_or(pcp, val))
#define this_cpu_inc(pcp)		this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)		this_cpu_sub(pcp, 1)
#define this_cpu_add_return(pcp, val)	__hosted_pcpu_irqsafe(raw_cpu_add_return(pcp, val))
#define this_cpu_inc_return(pcp)	this_cpu_add_return(pcp, 1)
#define this_cpu_dec_return(pcp)	this_cpu_add_return(pcp, -1)
#define this_cpu_cmpxchg(pcp, o, n)	__hosted_pcpu_irqsafe(raw_cpu_cmpxchg(pcp, o, n))
#define this_cpu_xchg(pcp, n)		__hosted_pcpu_irqsafe(raw_cpu_xchg(pcp, n))

/* Hosted PDAs are a plain array: threads find theirs through hosted_pda. */
extern struct cpu_pda cpu_pdas[NR_CPUS];
#define cpu_pda(cpu)			(&cpu_pdas[(cpu)])

#endif
