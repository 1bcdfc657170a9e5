/* SPDX-License-Identifier: MIT */
#ifndef _ASM_SEGMENT_H
#define _ASM_SEGMENT_H

/* GDT layout, the same on every CPU: null, kernel code, kernel data, TSS. */
#define GDT_ENTRY_KERNEL_CS	1
#define GDT_ENTRY_KERNEL_DS	2
#define GDT_ENTRY_TSS		3	/* a 16-byte descriptor: two slots */
#define GDT_ENTRIES		5

#define __KERNEL_CS		(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS		(GDT_ENTRY_KERNEL_DS * 8)
#define __TSS_SEL		(GDT_ENTRY_TSS * 8)

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define N_IST_STACKS		3
#define IST_STACK_SIZE		4096UL

#endif
