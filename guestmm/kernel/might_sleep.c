// SPDX-License-Identifier: MIT
#include <linux/sched.h>
#include <linux/irqflags.h>
#include <linux/printk.h>
#include <linux/bug.h>

unsigned long might_sleep_reports;

/* Reported to the VMM (guest) or the test log (hosted); the caller goes on. */
void arch_report_sleep_bug(const char *file, int line, const char *msg);

void __might_sleep(const char *file, int line)
{
	char msg[160];

	if (!in_atomic() && !irqs_disabled())
		return;
	__atomic_add_fetch(&might_sleep_reports, 1, __ATOMIC_RELAXED);
	snprintf(msg, sizeof(msg),
		 "BUG: sleeping function called from invalid context at %s:%d "
		 "(in_atomic(): %d, irqs_disabled(): %d, in_interrupt(): %d, preempt_count: %#x)",
		 file, line, in_atomic(), irqs_disabled(), !!in_interrupt(),
		 preempt_count());
	pr_err("%s\n", msg);
	arch_report_sleep_bug(file, line, msg);
}
