// SPDX-License-Identifier: MIT
/*
 * Hosted panic, BUG and WARN: a panic or BUG prints and aborts (a crashed
 * Criterion test, or one that expects SIGABRT); a WARN is counted and
 * logged, and the code goes on, as in the guest.
 */
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/sched.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

unsigned long warn_count;
unsigned long sleep_bug_reports;
unsigned long alloc_failure_reports_to_vmm;

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	abort();
}

void __bug(const char *file, int line, const char *cond)
{
	pr_emerg("kernel BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

void __warn(const char *file, int line, const char *cond)
{
	__atomic_add_fetch(&warn_count, 1, __ATOMIC_RELAXED);
	pr_warn("WARNING: CPU: %d PID: %d at %s:%d %s\n",
		hosted_pda ? raw_smp_processor_id() : -1,
		current ? current->pid : 0, file, line, cond);
}

/* might_sleep() already printed the report; the test log has it. */
void arch_report_sleep_bug(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
	__atomic_add_fetch(&sleep_bug_reports, 1, __ATOMIC_RELAXED);
}

/* No VMM to tell: count them, for the tests. */
void arch_report_alloc_failure(unsigned int order, gfp_t gfp, const char *comm)
{
	(void)order;
	(void)gfp;
	(void)comm;
	__atomic_add_fetch(&alloc_failure_reports_to_vmm, 1, __ATOMIC_RELAXED);
}
