/* SPDX-License-Identifier: MIT */
#ifndef _ASM_TRAPS_H
#define _ASM_TRAPS_H

#include <asm/ptrace.h>

/* Every CPU exception: reported to the VMM as fatal (MV_PANIC_EXCEPTION). */
void do_exception(struct pt_regs *regs);
const char *trap_name(unsigned int vector);

#endif
