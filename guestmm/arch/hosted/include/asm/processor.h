/* SPDX-License-Identifier: MIT */
#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <sched.h>

/*
 * Hosted "CPUs" are threads, often more of them than host cores: a waiter
 * spinning on a ticket lock while the next ticket's owner is descheduled
 * would burn its whole time slice (for every hand-over: a convoy). Yielding
 * lets the host run the thread the spinner waits for.
 */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" : : : "memory");
	sched_yield();
}

static __always_inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#endif
