// SPDX-License-Identifier: MIT
/*
 * The IDT, one table shared by every CPU (each loads it): all 256 vectors
 * go to the entry stubs in entry.S, which are 16 bytes apart.
 */
#include <linux/kernel.h>
#include <asm/desc.h>
#include <asm/irq_vectors.h>

#define STUB_SIZE	16
#define GATE_INTERRUPT	0x8e00	/* present, DPL0, 64-bit interrupt gate */

extern const char idt_stubs[], idt_stubs_end[];

static struct gate_desc idt_table[NR_VECTORS] __aligned(4096);

static void set_gate(unsigned int vector, unsigned int ist)
{
	unsigned long addr = (unsigned long)idt_stubs + vector * STUB_SIZE;
	struct gate_desc *g = &idt_table[vector];

	g->offset_low = addr & 0xffff;
	g->segment = __KERNEL_CS;
	g->bits = GATE_INTERRUPT | ist;
	g->offset_middle = (addr >> 16) & 0xffff;
	g->offset_high = addr >> 32;
	g->reserved = 0;
}

void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt_table) - 1, (u64)idt_table };

	__asm__ __volatile__("lidt %0" : : "m"(p));
}

/*
 * Before any TSS of ours is loaded the gates use the current stack: an IST
 * slot pointing at nothing would turn a fault into a triple fault.
 */
void idt_setup(void)
{
	BUILD_BUG_ON(sizeof(struct gate_desc) != 16);
	if (idt_stubs_end - idt_stubs != NR_VECTORS * STUB_SIZE)
		panic("entry stubs are %ld bytes, expected %d",
		      (long)(idt_stubs_end - idt_stubs), NR_VECTORS * STUB_SIZE);
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0);
	idt_load();
}

void idt_setup_ist(void)
{
	set_gate(X86_TRAP_DF, IST_DOUBLE_FAULT);
	set_gate(X86_TRAP_NMI, IST_NMI);
	set_gate(X86_TRAP_MC, IST_MACHINE_CHECK);
}
