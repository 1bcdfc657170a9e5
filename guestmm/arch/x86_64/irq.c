// SPDX-License-Identifier: MIT
/*
 * Interrupt dispatch: one handler per vector, run in hard-interrupt context
 * (HARDIRQ_OFFSET in preempt_count, so in_interrupt() and in_atomic() say
 * so), then the EOI, then preemption if the interrupted code allows it.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/errno.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/irqflags.h>

static irq_handler_t irq_handlers[NR_VECTORS];

int set_irq_handler(unsigned int vector, irq_handler_t handler)
{
	if (vector < FIRST_EXTERNAL_VECTOR || vector >= NR_VECTORS)
		return -EINVAL;
	WRITE_ONCE(irq_handlers[vector], handler);
	return 0;
}

static void irq_enter(void)
{
	arch_preempt_count_add(HARDIRQ_OFFSET);
	arch_pda()->irq_count++;
}

static void irq_exit(void)
{
	arch_preempt_count_add(-(int)HARDIRQ_OFFSET);
}

static void unexpected_irq(unsigned int vector)
{
	static unsigned long reported;

	if (reported++ < 10)
		pr_warn("irq: no handler for vector %#x on CPU%d\n", vector,
			raw_smp_processor_id());
}

void do_irq(struct pt_regs *regs)
{
	unsigned int vector = regs->vector;
	irq_handler_t handler = READ_ONCE(irq_handlers[vector]);

	irq_enter();
	if (vector != SPURIOUS_APIC_VECTOR) {	/* spurious: no EOI, by the SDM */
		if (handler)
			handler(regs);
		else
			unexpected_irq(vector);
		apic_eoi();
	}
	flush_resched_ipis();	/* wake-ups from the handler (timers) */
	irq_exit();
	/* Back to code that had interrupts on and no preempt count: preempt. */
	if ((regs->flags & X86_EFLAGS_IF) && arch_need_resched_and_preemptible())
		preempt_schedule_irq();
}
