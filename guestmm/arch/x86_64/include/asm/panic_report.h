/* SPDX-License-Identifier: MIT */
/*
 * Reports to the VMM through HC_PANIC: registers, CR0-4 and a frame-pointer
 * backtrace. Fatal kinds never return; WARN and SLEEP_BUG do.
 */
#ifndef _ASM_PANIC_REPORT_H
#define _ASM_PANIC_REPORT_H

#include <linux/types.h>
#include <memvisor/hypercall.h>
#include <asm/ptrace.h>

struct panic_report {
	enum mv_panic_kind kind;
	const char *file;
	int line;
	const char *msg;
	struct pt_regs *regs;		/* NULL: capture the caller's */
	unsigned int vector;
	unsigned long error_code;
	unsigned long cr2;		/* #PF: read at entry, before anything else */
};

void arch_panic_report(const struct panic_report *r);
/* Fills regs with the caller's registers (rip: the return address). */
void arch_capture_regs(struct pt_regs *regs);
/* Set once a fatal report is under way: printk stops waiting for locks. */
extern int oops_in_progress;

#endif
