/* SPDX-License-Identifier: MIT */
/* pgtable_cpu_init's EFER.NX, on the host: writes go nowhere. */
#ifndef _TEST_ASM_MSR_H
#define _TEST_ASM_MSR_H

#include <linux/types.h>

#define MSR_EFER	0xc0000080
#define EFER_NX		(1UL << 11)

static inline u64 rdmsr(u32 msr)
{
	(void)msr;
	return 0;
}

static inline void wrmsr(u32 msr, u64 val)
{
	(void)msr;
	(void)val;
}

#endif
