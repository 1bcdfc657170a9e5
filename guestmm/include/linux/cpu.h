/* SPDX-License-Identifier: MIT */
/* CPU bring-up, between the generic kernel and the arch. */
#ifndef _LINUX_CPU_H
#define _LINUX_CPU_H

#include <linux/types.h>
#include <linux/compiler.h>

/* Marks cpu online (the AP itself, once it can take interrupts). */
void set_cpu_online(unsigned int cpu, bool online);
/* Brings up every CPU the VMM gave us (boot CPU, from kernel_init). */
void smp_init(void);
/* The idle loop: where each CPU ends up once it is initialised. */
__noreturn void cpu_startup_entry(void);
/* Readies the call-function queues (before any AP starts). */
void smp_calls_init(void);
/* Runs the calls queued for this CPU (the call-function IPI handler). */
void generic_smp_call_function_interrupt(void);

#endif
