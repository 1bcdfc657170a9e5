/* SPDX-License-Identifier: MIT */
#ifndef _ASM_SETUP_H
#define _ASM_SETUP_H

#include <linux/types.h>
#include <memvisor/bootparams.h>

/* The boot CPU's copy of what the VMM handed over (valid after early boot). */
extern struct mv_boot_params boot_params;
/* NUL-terminated copy of the kernel command line. */
extern char boot_command_line[];

/* Arch setup on the boot CPU: memory map report, CPU tables, APIC, timer. */
void setup_arch(void);
/* This CPU's descriptor tables; after setup_per_cpu_areas(). */
void trap_init(void);
/* The boot CPU's local APIC and the IPI vectors. */
void init_IRQ(void);
/* The tick on the boot CPU (APs start theirs in start_secondary). */
void time_init(void);
/* crash=KIND from the command line: fail that way now (kernel_init). */
void crash_run(void);
/* Kernel image bounds from the linker script. */
extern char _text[], _stext[], _etext[], _end[];
extern char __bss_start[], __bss_stop[];

#endif
