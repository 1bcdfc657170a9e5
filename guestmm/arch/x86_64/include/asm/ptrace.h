/* SPDX-License-Identifier: MIT */
/*
 * The register frame an exception or interrupt entry saves, in Linux's
 * order: the stub pushes vector and error code, the common entry the GPRs.
 */
#ifndef _ASM_PTRACE_H
#define _ASM_PTRACE_H

#define PT_REGS_SIZE	(22 * 8)
#define PT_REGS_IP_OFF	(17 * 8)	/* offsetof(struct pt_regs, ip) */

#ifndef __ASSEMBLY__
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx;
	unsigned long r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long vector;		/* pushed by the entry stub */
	unsigned long error_code;	/* pushed by the CPU, or 0 by the stub */
	unsigned long ip, cs, flags, sp, ss;	/* the hardware frame */
};
#endif

#endif
