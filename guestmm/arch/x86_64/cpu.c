// SPDX-License-Identifier: MIT
/*
 * Per-CPU descriptor tables: each CPU has its own GDT (the TSS descriptor
 * differs) and TSS, whose IST slots give #DF, NMI and #MC a known-good stack
 * even when the fault came from a blown kernel stack.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/task_alloc.h>
#include <asm/desc.h>
#include <asm/pgtable.h>
#include <asm/thread.h>

struct gdt_page {
	u64 entries[GDT_ENTRIES];
} __aligned(64);

static DEFINE_PER_CPU_ALIGNED(struct gdt_page, gdt_page);
static DEFINE_PER_CPU_ALIGNED(struct tss_struct, cpu_tss);
static DEFINE_PER_CPU(char *, ist_stacks);

/* The IST stacks are carved from one kernel stack per CPU. */
static const unsigned long ist_offsets[N_IST_STACKS + 1] = {
	[IST_DOUBLE_FAULT] = THREAD_SIZE,		/* top: 8 KiB for #DF */
	[IST_NMI] = THREAD_SIZE / 2,			/* 4 KiB */
	[IST_MACHINE_CHECK] = THREAD_SIZE / 4,		/* 4 KiB */
};

#define GDT_CODE64	0x00af9b000000ffffULL	/* present, DPL0, L, accessed */
#define GDT_DATA	0x00cf93000000ffffULL	/* present, DPL0, writable, accessed */
#define TSS_TYPE_AVAIL	0x89ULL			/* present, 64-bit available TSS */

static void set_tss_desc(u64 *desc, struct tss_struct *tss)
{
	u64 base = (u64)tss, limit = sizeof(*tss) - 1;

	desc[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (TSS_TYPE_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xff) << 56);
	desc[1] = base >> 32;
}

/*
 * Loads the GDT and reloads CS (far return) and the data segments. %gs is
 * left alone: loading it would clear its base, the PDA.
 */
static void load_gdt(struct gdt_page *gdt)
{
	struct desc_ptr p = { sizeof(gdt->entries) - 1, (u64)gdt->entries };

	__asm__ __volatile__("lgdt %0" : : "m"(p));
	__asm__ __volatile__("pushq %[cs]\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %[ds], %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movl %%eax, %%fs"
			     : : [cs] "i"(__KERNEL_CS), [ds] "i"(__KERNEL_DS)
			     : "rax", "memory");
}

/* Done by the boot CPU, where allocating may sleep, before the CPU starts. */
int cpu_alloc_ist_stacks(unsigned int cpu)
{
	char *stacks = per_cpu(ist_stacks, cpu);

	if (!stacks)
		stacks = stack_alloc();
	if (!stacks)
		return -ENOMEM;
	per_cpu(ist_stacks, cpu) = stacks;
	return 0;
}

static void setup_ist(struct tss_struct *tss, unsigned int cpu)
{
	char *stacks = per_cpu(ist_stacks, cpu);

	if (!stacks)
		panic("CPU%u: no IST stacks (cpu_alloc_ist_stacks)", cpu);
	for (int i = 1; i <= N_IST_STACKS; i++)
		tss->ist[i - 1] = (u64)(stacks + ist_offsets[i]);
}

unsigned long cpu_ist_top(unsigned int cpu, unsigned int ist)
{
	if (!ist || ist > N_IST_STACKS)
		return 0;
	return per_cpu(cpu_tss, cpu).ist[ist - 1];
}

void cpu_init(unsigned int cpu)
{
	struct gdt_page *gdt = per_cpu_ptr(&gdt_page, cpu);
	struct tss_struct *tss = per_cpu_ptr(&cpu_tss, cpu);

	pgtable_cpu_init();
	gdt->entries[0] = 0;
	gdt->entries[GDT_ENTRY_KERNEL_CS] = GDT_CODE64;
	gdt->entries[GDT_ENTRY_KERNEL_DS] = GDT_DATA;
	tss->io_bitmap_base = sizeof(*tss);	/* no I/O bitmap */
	setup_ist(tss, cpu);
	set_tss_desc(&gdt->entries[GDT_ENTRY_TSS], tss);
	load_gdt(gdt);
	__asm__ __volatile__("ltr %w0" : : "r"(__TSS_SEL));
	idt_setup_ist();	/* this CPU's TSS has the stacks now */
	idt_load();
}
