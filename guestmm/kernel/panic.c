// SPDX-License-Identifier: MIT
/*
 * panic(), BUG() and WARN(), and might_sleep()'s report: printed as Linux
 * prints them, then reported to the VMM (HC_PANIC) with registers and a
 * backtrace. panic and BUG end the run; WARN and the sleep bug go on.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/panic_report.h>

unsigned long warn_count;

void arch_report_sleep_bug(const char *file, int line, const char *msg);

__noreturn void panic(const char *fmt, ...)
{
	char msg[MV_PANIC_MSG_MAX];
	struct panic_report r = { .kind = MV_PANIC_PANIC, .file = "", .msg = msg };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	WRITE_ONCE(oops_in_progress, 1);
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	arch_panic_report(&r);
	for (;;)
		;	/* not reached: fatal reports don't return */
}

__noreturn void __bug(const char *file, int line, const char *cond)
{
	struct panic_report r = {
		.kind = MV_PANIC_BUG, .file = file, .line = line, .msg = cond,
	};

	WRITE_ONCE(oops_in_progress, 1);
	pr_emerg("kernel BUG at %s:%d! (%s)\n", file, line, cond);
	pr_emerg("CPU: %d PID: %d Comm: %s\n", raw_smp_processor_id(),
		 current->pid, current->comm);
	arch_panic_report(&r);
	for (;;)
		;
}

void __warn(const char *file, int line, const char *cond)
{
	struct panic_report r = {
		.kind = MV_PANIC_WARN, .file = file, .line = line, .msg = cond,
	};

	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	pr_warn("WARNING: CPU: %d PID: %d at %s:%d %s\n", raw_smp_processor_id(),
		current->pid, file, line, cond);
	arch_panic_report(&r);
}

void arch_report_sleep_bug(const char *file, int line, const char *msg)
{
	struct panic_report r = {
		.kind = MV_PANIC_SLEEP_BUG, .file = file, .line = line, .msg = msg,
	};

	arch_panic_report(&r);
}
