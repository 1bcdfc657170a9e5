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

#define X86_EFLAGS_IF	0x200UL
#define __HOSTED_IRQS_OFF	(hosted_this_cpu.irqs_off)
/* Set by the IPI signal handler when it found interrupts off. */
#define hosted_irq_pending	(*(volatile int *)&hosted_this_cpu.irq_pending)

/* Runs the pending IPIs (interrupts on, at the moment of the call). */
void hosted_irq_replay(void);

static __always_inline unsigned long arch_local_save_flags(void)
{
	return __HOSTED_IRQS_OFF ? 0 : X86_EFLAGS_IF;
}

/* The barriers keep the flag's store ordered with the code it protects. */
static __always_inline void arch_local_irq_disable(void)
{
	barrier();
	__HOSTED_IRQS_OFF = 1;
	barrier();
}

static __always_inline void arch_local_irq_enable(void)
{
	barrier();
	__HOSTED_IRQS_OFF = 0;
	barrier();
	if (unlikely(hosted_irq_pending))
		hosted_irq_replay();
}

static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

static __always_inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		arch_local_irq_enable();
}

static __always_inline bool arch_irqs_disabled(void)
{
	return __HOSTED_IRQS_OFF;
}

#endif
