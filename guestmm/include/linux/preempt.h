/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <linux/compiler.h>
#include <asm/pda.h>

/* preempt_count layout, as in Linux */
#define PREEMPT_BITS	8
#define SOFTIRQ_BITS	8
#define HARDIRQ_BITS	4
#define NMI_BITS	4
#define PREEMPT_SHIFT	0
#define SOFTIRQ_SHIFT	(PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT	(SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT	(HARDIRQ_SHIFT + HARDIRQ_BITS)
#define __IRQ_MASK(x)	((1UL << (x)) - 1)
#define PREEMPT_MASK	(__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK	(__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK	(__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK	(__IRQ_MASK(NMI_BITS) << NMI_SHIFT)
#define PREEMPT_OFFSET	(1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET	(1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET	(1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET	(1UL << NMI_SHIFT)

#define preempt_count()		arch_preempt_count()
#define hardirq_count()		(preempt_count() & HARDIRQ_MASK)
#define softirq_count()		(preempt_count() & SOFTIRQ_MASK)
#define irq_count()		(preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))
#define in_irq()		(hardirq_count())
#define in_interrupt()		(irq_count())
#define in_nmi()		(preempt_count() & NMI_MASK)
#define in_task()		(!in_interrupt())
#define in_atomic()		(preempt_count() != 0)

/* Runs the scheduler if a reschedule is pending and preemption is allowed. */
void preempt_schedule(void);
/* The same from the interrupt return path (interrupts off, count 0). */
void preempt_schedule_irq(void);

#define preempt_disable() \
	do { arch_preempt_count_add(1); barrier(); } while (0)
#define preempt_enable_no_resched() \
	do { barrier(); arch_preempt_count_add(-1); } while (0)
#define preempt_enable() \
	do { barrier(); arch_preempt_count_add(-1); \
	     if (unlikely(arch_need_resched_and_preemptible())) preempt_schedule(); } while (0)

#endif
