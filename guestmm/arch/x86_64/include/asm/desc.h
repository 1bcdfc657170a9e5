/* SPDX-License-Identifier: MIT */
/* Descriptor tables: per-CPU GDT and TSS, the IDT shared by all CPUs. */
#ifndef _ASM_DESC_H
#define _ASM_DESC_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/segment.h>

struct tss_struct {
	u32 reserved0;
	u64 sp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __packed;

struct desc_ptr {
	u16 size;
	u64 address;
} __packed;

struct gate_desc {
	u16 offset_low;
	u16 segment;
	u16 bits;		/* ist:3, zero:5, type:4, zero:1, dpl:2, p:1 */
	u16 offset_middle;
	u32 offset_high;
	u32 reserved;
} __packed;

/* Allocates cpu's IST stacks (on the boot CPU, before cpu_init there). */
int cpu_alloc_ist_stacks(unsigned int cpu);
/* Loads this CPU's GDT, segments, TSS (with IST stacks) and the IDT. */
void cpu_init(unsigned int cpu);
/* Fills the IDT (once, on the boot CPU) and loads it. */
void idt_setup(void);
void idt_load(void);
/* Routes #DF, NMI and #MC to their IST stacks (once a TSS holds them). */
void idt_setup_ist(void);
/* Top of this CPU's IST stack for slot ist (1-based), or 0 before cpu_init. */
unsigned long cpu_ist_top(unsigned int cpu, unsigned int ist);

#endif
