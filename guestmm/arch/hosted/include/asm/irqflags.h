/* SPDX-License-Identifier: MIT */
/* Hosted build: a per-thread virtual interrupt flag, so irqs_disabled() means something. */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H

#include <asm/pda.h>

#define X86_EFLAGS_IF	0x200UL
#define __HOSTED_IRQS_OFF __HOSTED_PDA_FIELD(int, 36)

static __always_inline unsigned long arch_local_save_flags(void)
{
	return __HOSTED_IRQS_OFF ? 0 : X86_EFLAGS_IF;
}

static __always_inline void arch_local_irq_disable(void)
{
	__HOSTED_IRQS_OFF = 1;
}

static __always_inline void arch_local_irq_enable(void)
{
	__HOSTED_IRQS_OFF = 0;
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
