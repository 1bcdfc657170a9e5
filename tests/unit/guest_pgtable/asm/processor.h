/* SPDX-License-Identifier: MIT */
/*
 * The guest's arch/x86_64/pgtable.c built on the host (test_vmm_pagewalk):
 * the hosted processor.h, plus the control registers and TLB that code
 * touches, faked: CR3 is a variable, invlpg does nothing.
 */
#ifndef _TEST_ASM_PROCESSOR_H
#define _TEST_ASM_PROCESSOR_H

#include_next <asm/processor.h>

extern unsigned long guest_pgtable_cr3;

static inline unsigned long read_cr3(void)
{
	return guest_pgtable_cr3;
}

static inline void invlpg(unsigned long va)
{
	(void)va;
}

#endif
