/* SPDX-License-Identifier: MIT */
/* The local APIC, in x2APIC mode (MSRs) when the CPU has it, else xAPIC (MMIO). */
#ifndef _ASM_APIC_H
#define _ASM_APIC_H

#include <linux/types.h>

#define APIC_ID		0x020
#define APIC_LVR	0x030
#define APIC_TASKPRI	0x080
#define APIC_EOI	0x0b0
#define APIC_LDR	0x0d0
#define APIC_SPIV	0x0f0
#define  APIC_SPIV_APIC_ENABLED	(1U << 8)
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define  APIC_ICR_BUSY		(1U << 12)
#define  APIC_DM_FIXED		0x00000U
#define  APIC_DM_NMI		0x00400U
#define  APIC_INT_ASSERT	(1U << 14)
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define  APIC_LVT_MASKED		(1U << 16)
#define  APIC_LVT_TIMER_ONESHOT		(0U << 17)
#define  APIC_LVT_TIMER_PERIODIC	(1U << 17)
#define  APIC_LVT_TIMER_TSCDEADLINE	(2U << 17)
#define APIC_LVTTHMR	0x330
#define APIC_LVTPC	0x340
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define  APIC_DM_EXTINT		0x00700U
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define  APIC_TDR_DIV_16	0x3

extern bool x2apic_mode;
/* APIC ID of each CPU, recorded as it comes up (IPIs are sent by APIC ID). */
extern u32 cpu_apic_id[];

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
void apic_eoi(void);
/* Chooses the mode and maps the xAPIC page; once, on the boot CPU. */
void apic_bsp_setup(void);
/* Enables this CPU's local APIC; every CPU. */
void apic_cpu_init(unsigned int cpu);
void apic_send_ipi(unsigned int cpu, unsigned int vector);

/* The tick: TSC-deadline mode when available, else periodic. */
void apic_timer_bsp_setup(void);
void apic_timer_cpu_init(void);
/* "tsc-deadline" or "periodic" */
const char *apic_timer_mode(void);

#endif
