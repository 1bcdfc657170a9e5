// SPDX-License-Identifier: MIT
/*
 * The guest's per-CPU areas: the first chunk of mm/percpu.c, one unit of
 * PCPU_UNIT_SIZE bytes per CPU in one block from the page allocator, each
 * unit starting with a copy of the percpu_data section (the rest of it is
 * the first chunk's dynamic room). Every CPU's %gs base is its
 * __per_cpu_offset, as on Linux x86-64: until setup_per_cpu_areas() the boot
 * CPU runs on the master copy (base 0), then on unit 0, which starts as a
 * copy of whatever the boot CPU wrote to the master so far.
 */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/msr.h>

DEFINE_PER_CPU_ALIGNED(struct cpu_pda, pcpu_pda);
unsigned long __per_cpu_offset[NR_CPUS];

int setup_per_cpu_areas(unsigned int nr_cpus)
{
	size_t static_size = __stop_percpu_data - __start_percpu_data;
	size_t chunk = PCPU_UNIT_SIZE * nr_cpus;
	unsigned long flags;
	char *base;

	BUILD_BUG_ON(sizeof(struct cpu_pda) != PDA_SIZE);
	BUILD_BUG_ON(NR_CPUS != PDA_MAX_CPUS);
	if (!nr_cpus || nr_cpus > NR_CPUS || static_size > PCPU_UNIT_SIZE / 2)
		panic("percpu: %u CPUs x %zu static bytes don't fit %lu-byte units",
		      nr_cpus, static_size, PCPU_UNIT_SIZE);
	base = (char *)__get_free_pages(GFP_NOWAIT | __GFP_ZERO, get_order(chunk));
	if (!base)
		panic("percpu: no %zu KiB for the first chunk", chunk >> 10);

	/* No lock between the copy and the switch: the boot CPU's PDA moves. */
	local_irq_save(flags);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		char *unit = base + cpu * PCPU_UNIT_SIZE;
		struct cpu_pda *pda;

		memcpy(unit, __start_percpu_data, static_size);
		__per_cpu_offset[cpu] = (unsigned long)unit -
					(unsigned long)__start_percpu_data;
		pda = cpu_pda(cpu);
		pda->self = pda;
		pda->percpu_offset = __per_cpu_offset[cpu];
	}
	percpu_init_cpu(smp_processor_id());
	local_irq_restore(flags);

	pcpu_setup_first_chunk(base, PCPU_UNIT_SIZE, nr_cpus, static_size);
	pr_info("percpu: Embedded %zu pages/cpu s%zu d%zu u%lu, %u units at %p\n",
		(size_t)(PCPU_UNIT_SIZE >> PAGE_SHIFT), static_size,
		PCPU_UNIT_SIZE - static_size, PCPU_UNIT_SIZE, nr_cpus, base);
	return 0;
}

/* %gs := this CPU's unit. Interrupts off, or before they are ever on. */
void percpu_init_cpu(unsigned int cpu)
{
	wrmsr(MSR_GS_BASE, __per_cpu_offset[cpu]);
	this_cpu_write(pcpu_pda.percpu_offset, __per_cpu_offset[cpu]);
}
