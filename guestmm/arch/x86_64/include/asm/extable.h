/* SPDX-License-Identifier: MIT */
/*
 * Exception fixups, as Linux's __ex_table: an instruction that may fault
 * on purpose names, in the __ex_table section, where execution goes on if
 * it does. The #PF and #GP handlers look the faulting RIP up before they
 * call anything a bug. Only the accessors below use it.
 */
#ifndef _ASM_EXTABLE_H
#define _ASM_EXTABLE_H

#include <linux/types.h>

struct pt_regs;

struct exception_table_entry {
	unsigned long insn, fixup;
};

#define _ASM_EXTABLE(from, to)					\
	".pushsection __ex_table, \"a\"\n"			\
	".balign 8\n"						\
	".quad " #from ", " #to "\n"				\
	".popsection\n"

/* True (and regs->ip moved to the fixup) if the fault at regs->ip has one. */
bool fixup_exception(struct pt_regs *regs, unsigned int vector,
		     unsigned long cr2);

/* Faults fixed up so far on any CPU, and the last one's address. */
extern unsigned long exception_fixups;
extern unsigned long exception_fixup_last_addr;

#endif
