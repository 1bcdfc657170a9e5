/* SPDX-License-Identifier: MIT */
/*
 * Hosted build: a per-thread virtual interrupt flag, so irqs_disabled()
 * means something, and "interrupts" that respect it: an IPI
 * (smp_call_function) is a signal to the target thread, whose handler runs
 * the call at once if the flag is on or marks it pending if it is off; the
 * pending call runs when the thread turns interrupts back on, as a real CPU
 * takes a held interrupt on sti.
 */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H

#include <asm/pda.h>

#define __HOSTED_IRQS_OFF	(hosted_this_cpu.irqs_off)
/* Set by the IPI signal handler when it found interrupts off. */
#define hosted_irq_pending	(*(volatile int *)&hosted_this_cpu.irq_pending)

/* Runs the pending IPIs (interrupts on, at the moment of the call). */
void hosted_irq_replay(void);

/*
 * Calls hosted_irq_replay through a thunk (cpu.c) that preserves every
 * register and the flags, stepping over the red zone first: to the
 * compiler the fast path around it stays a leaf, as the guest's popf is.
 */
static __always_inline void hosted_take_pending_irq(void)
{
	__asm__ __volatile__("lea -128(%%rsp), %%rsp\n\t"
			     "call hosted_irq_replay_thunk\n\t"
			     "lea 128(%%rsp), %%rsp" ::: "memory");
}

/*
 * The flags are the virtual flag's old value (1: interrupts were off), not
 * an RFLAGS image: saving is a load and a store, restoring a store and a
 * test of the pending word, which is what the allocators' fast paths pay.
 */
static __always_inline unsigned long arch_local_save_flags(void)
{
	return __HOSTED_IRQS_OFF;
}

static __always_inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return flags != 0;
}

/* The barriers keep the flag's store ordered with the code it protects. */
static __always_inline void arch_local_irq_disable(void)
{
	barrier();
	__HOSTED_IRQS_OFF = 1;
	barrier();
}

static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

/*
 * Puts the old value back whatever it was (no branch on it): an IPI held
 * meanwhile runs only if that turned interrupts on (hosted_irq_replay
 * looks at the flag itself).
 */
static __always_inline void arch_local_irq_restore(unsigned long flags)
{
	barrier();
	__HOSTED_IRQS_OFF = (int)flags;
	barrier();
	if (unlikely(hosted_irq_pending))
		hosted_take_pending_irq();
}

static __always_inline void arch_local_irq_enable(void)
{
	arch_local_irq_restore(0);
}

static __always_inline bool arch_irqs_disabled(void)
{
	return __HOSTED_IRQS_OFF;
}

#endif
