/* SPDX-License-Identifier: MIT */
#ifndef _ASM_TSC_H
#define _ASM_TSC_H

#include <linux/types.h>
#include <asm/processor.h>

/* TSC frequency in kHz: from the boot params, CPUID, or calibration. */
extern unsigned int tsc_khz;

void tsc_init(void);
/* Busy-waits (for calibration and short hardware delays). */
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);
u64 cycles_to_ns(u64 cycles);

#endif
