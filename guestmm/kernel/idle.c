// SPDX-License-Identifier: MIT
/*
 * The idle loop, where every CPU ends up: halt with interrupts on until
 * something is runnable. The need_resched test and the halt are atomic
 * ("sti; hlt"), so a wake-up IPI between them cannot be lost.
 */
#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/sched.h>
#include <asm/processor.h>

__noreturn void cpu_startup_entry(void)
{
	for (;;) {
		while (!need_resched()) {
			local_irq_disable();
			if (need_resched()) {
				local_irq_enable();
				break;
			}
			arch_safe_halt();
		}
		schedule();
	}
}
