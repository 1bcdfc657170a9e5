/* SPDX-License-Identifier: MIT */
#ifndef _ASM_MSR_H
#define _ASM_MSR_H

#define MSR_EFER		0xc0000080
#define EFER_NX			(1UL << 11)
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

#define MSR_IA32_APICBASE		0x0000001b
#define MSR_IA32_APICBASE_BSP		(1UL << 8)
#define MSR_IA32_APICBASE_EXTD		(1UL << 10)
#define MSR_IA32_APICBASE_ENABLE	(1UL << 11)
#define MSR_IA32_APICBASE_BASE		(0xfffffUL << 12)

#define MSR_IA32_TSC_DEADLINE	0x000006e0

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <linux/compiler.h>

static __always_inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static __always_inline void wrmsr(u32 msr, u64 val)
{
	__asm__ __volatile__("wrmsr"
			     : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
			     : "memory");
}
#endif

#endif
