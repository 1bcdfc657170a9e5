/* SPDX-License-Identifier: MIT */
#ifndef _ASM_IRQ_H
#define _ASM_IRQ_H

#include <asm/ptrace.h>
#include <asm/irq_vectors.h>

/*
 * A handler for one vector. It runs in hard-interrupt context (interrupts
 * off, HARDIRQ_OFFSET in preempt_count); the entry code sends the EOI.
 */
typedef void (*irq_handler_t)(struct pt_regs *regs);

/* Installs handler for vector (>= FIRST_EXTERNAL_VECTOR); NULL removes it. */
int set_irq_handler(unsigned int vector, irq_handler_t handler);
/* Called by the entry code for every vector >= FIRST_EXTERNAL_VECTOR. */
void do_irq(struct pt_regs *regs);

#endif
