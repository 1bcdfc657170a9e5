/* SPDX-License-Identifier: MIT */
/*
 * this_cpu operations as Linux x86-64 does them: %gs holds this CPU's
 * __per_cpu_offset, so `op %gs:var` touches this CPU's copy of var (or of
 * *ptr, for a dynamic per-CPU pointer) in one instruction. An interrupt or
 * a preemption lands before or after it, never inside, so none needs a lock
 * prefix or preemption disabled; cmpxchg and xadd are used without lock (they
 * only race with this CPU's own interrupts, which they can't be split by).
 *
 * As on x86, raw_cpu_*, __this_cpu_* and this_cpu_* are the same
 * instructions: they differ only in what their caller promises.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <linux/types.h>

#define __pcpu_seg	"%%gs:"

/* op(b|w|l|q) val, %gs:var */
#define __pcpu_to_op(op, var, val)					\
do {									\
	switch (sizeof(var)) {						\
	case 1:								\
		__asm__ __volatile__(op "b %1, " __pcpu_seg "%0"	\
			: "+m"(var) : "qi"((u8)(unsigned long)(val)) : "cc"); \
		break;							\
	case 2:								\
		__asm__ __volatile__(op "w %1, " __pcpu_seg "%0"	\
			: "+m"(var) : "ri"((u16)(unsigned long)(val)) : "cc"); \
		break;							\
	case 4:								\
		__asm__ __volatile__(op "l %1, " __pcpu_seg "%0"	\
			: "+m"(var) : "ri"((u32)(unsigned long)(val)) : "cc"); \
		break;							\
	case 8:								\
		__asm__ __volatile__(op "q %1, " __pcpu_seg "%0"	\
			: "+m"(var) : "re"((u64)(unsigned long)(val)) : "cc"); \
		break;							\
	default:							\
		__pcpu_bad_size();					\
	}								\
} while (0)

/* A link error: a per-CPU operation on an object that is not 1, 2, 4 or 8 bytes. */
extern void __pcpu_bad_size(void);

#define __pcpu_from_op(var)						\
({									\
	unsigned long __pfo;						\
	switch (sizeof(var)) {						\
	case 1: {							\
		u8 __v;							\
		__asm__ __volatile__("movb " __pcpu_seg "%1, %0"	\
			: "=q"(__v) : "m"(var));			\
		__pfo = __v;						\
		break;							\
	}								\
	case 2: {							\
		u16 __v;						\
		__asm__ __volatile__("movw " __pcpu_seg "%1, %0"	\
			: "=r"(__v) : "m"(var));			\
		__pfo = __v;						\
		break;							\
	}								\
	case 4: {							\
		u32 __v;						\
		__asm__ __volatile__("movl " __pcpu_seg "%1, %0"	\
			: "=r"(__v) : "m"(var));			\
		__pfo = __v;						\
		break;							\
	}								\
	case 8:								\
		__asm__ __volatile__("movq " __pcpu_seg "%1, %0"	\
			: "=r"(__pfo) : "m"(var));			\
		break;							\
	default:							\
		__pcpu_bad_size();					\
		__pfo = 0;						\
	}								\
	(__typeof__(var))__pfo;						\
})

/* xadd: returns the old value; the caller adds val for the new one. */
#define __pcpu_xadd(var, val)						\
({									\
	unsigned long __pxo;						\
	switch (sizeof(var)) {						\
	case 1: {							\
		u8 __v = (u8)(unsigned long)(val);			\
		__asm__ __volatile__("xaddb %0, " __pcpu_seg "%1"	\
			: "+q"(__v), "+m"(var) : : "cc");		\
		__pxo = __v;						\
		break;							\
	}								\
	case 2: {							\
		u16 __v = (u16)(unsigned long)(val);			\
		__asm__ __volatile__("xaddw %0, " __pcpu_seg "%1"	\
			: "+r"(__v), "+m"(var) : : "cc");		\
		__pxo = __v;						\
		break;							\
	}								\
	case 4: {							\
		u32 __v = (u32)(unsigned long)(val);			\
		__asm__ __volatile__("xaddl %0, " __pcpu_seg "%1"	\
			: "+r"(__v), "+m"(var) : : "cc");		\
		__pxo = __v;						\
		break;							\
	}								\
	case 8: {							\
		u64 __v = (u64)(unsigned long)(val);			\
		__asm__ __volatile__("xaddq %0, " __pcpu_seg "%1"	\
			: "+r"(__v), "+m"(var) : : "cc");		\
		__pxo = __v;						\
		break;							\
	}								\
	default:							\
		__pcpu_bad_size();					\
		__pxo = 0;						\
	}								\
	(__typeof__(var))__pxo;						\
})

/* cmpxchg without lock: returns what was there (== old if it stored new). */
#define __pcpu_cmpxchg(var, old, new)					\
({									\
	unsigned long __pco;						\
	switch (sizeof(var)) {						\
	case 1: {							\
		u8 __o = (u8)(unsigned long)(old);			\
		__asm__ __volatile__("cmpxchgb %2, " __pcpu_seg "%1"	\
			: "+a"(__o), "+m"(var)				\
			: "q"((u8)(unsigned long)(new)) : "cc");	\
		__pco = __o;						\
		break;							\
	}								\
	case 2: {							\
		u16 __o = (u16)(unsigned long)(old);			\
		__asm__ __volatile__("cmpxchgw %2, " __pcpu_seg "%1"	\
			: "+a"(__o), "+m"(var)				\
			: "r"((u16)(unsigned long)(new)) : "cc");	\
		__pco = __o;						\
		break;							\
	}								\
	case 4: {							\
		u32 __o = (u32)(unsigned long)(old);			\
		__asm__ __volatile__("cmpxchgl %2, " __pcpu_seg "%1"	\
			: "+a"(__o), "+m"(var)				\
			: "r"((u32)(unsigned long)(new)) : "cc");	\
		__pco = __o;						\
		break;							\
	}								\
	case 8: {							\
		u64 __o = (u64)(unsigned long)(old);			\
		__asm__ __volatile__("cmpxchgq %2, " __pcpu_seg "%1"	\
			: "+a"(__o), "+m"(var)				\
			: "r"((u64)(unsigned long)(new)) : "cc");	\
		__pco = __o;						\
		break;							\
	}								\
	default:							\
		__pcpu_bad_size();					\
		__pco = 0;						\
	}								\
	(__typeof__(var))__pco;						\
})

/*
 * xchg with memory always locks the bus: Linux uses an unlocked cmpxchg
 * loop instead, which only an interrupt on this CPU can make repeat.
 */
#define __pcpu_xchg(var, nval)						\
({									\
	__typeof__(var) __pxg_old = __pcpu_from_op(var), __pxg_seen;	\
	while ((__pxg_seen = __pcpu_cmpxchg(var, __pxg_old, nval)) != __pxg_old) \
		__pxg_old = __pxg_seen;					\
	__pxg_old;							\
})

#define raw_cpu_read(pcp)		__pcpu_from_op(pcp)
#define raw_cpu_write(pcp, val)		__pcpu_to_op("mov", pcp, val)
#define raw_cpu_add(pcp, val)		__pcpu_to_op("add", pcp, val)
#define raw_cpu_sub(pcp, val)		__pcpu_to_op("sub", pcp, val)
#define raw_cpu_and(pcp, val)		__pcpu_to_op("and", pcp, val)
#define raw_cpu_or(pcp, val)		__pcpu_to_op("or", pcp, val)
#define raw_cpu_inc(pcp)		raw_cpu_add(pcp, 1)
#define raw_cpu_dec(pcp)		raw_cpu_sub(pcp, 1)
#define raw_cpu_add_return(pcp, val) \
	((__typeof__(pcp))(__pcpu_xadd(pcp, val) + (val)))
#define raw_cpu_inc_return(pcp)		raw_cpu_add_return(pcp, 1)
#define raw_cpu_dec_return(pcp)		raw_cpu_add_return(pcp, -1)
#define raw_cpu_cmpxchg(pcp, o, n)	__pcpu_cmpxchg(pcp, o, n)
#define raw_cpu_xchg(pcp, n)		__pcpu_xchg(pcp, n)

/* Preemption and interrupts can't split one instruction: no guard needed. */
#define this_cpu_read(pcp)		raw_cpu_read(pcp)
#define this_cpu_write(pcp, val)	raw_cpu_write(pcp, val)
#define this_cpu_add(pcp, val)		raw_cpu_add(pcp, val)
#define this_cpu_sub(pcp, val)		raw_cpu_sub(pcp, val)
#define this_cpu_and(pcp, val)		raw_cpu_and(pcp, val)
#define this_cpu_or(pcp, val)		raw_cpu_or(pcp, val)
#define this_cpu_inc(pcp)		raw_cpu_inc(pcp)
#define this_cpu_dec(pcp)		raw_cpu_dec(pcp)
#define this_cpu_add_return(pcp, val)	raw_cpu_add_return(pcp, val)
#define this_cpu_inc_return(pcp)	raw_cpu_inc_return(pcp)
#define this_cpu_dec_return(pcp)	raw_cpu_dec_return(pcp)
#define this_cpu_cmpxchg(pcp, o, n)	raw_cpu_cmpxchg(pcp, o, n)
#define this_cpu_xchg(pcp, n)		raw_cpu_xchg(pcp, n)

/*
 * Included alone, this brings <linux/percpu.h> (DECLARE_PER_CPU_ALIGNED);
 * from there, the guard makes this a no-op.
 */
#include <linux/percpu.h>

/* Each CPU's PDA is its copy of pcpu_pda (kernel/percpu.c). */
DECLARE_PER_CPU_ALIGNED(struct cpu_pda, pcpu_pda);
#define cpu_pda(cpu)			(&per_cpu(pcpu_pda, cpu))

#endif
