// SPDX-License-Identifier: MIT
/*
 * Boot-CPU arch setup: report the memory map the VMM handed over (in
 * Linux's words, so logs compare), take the CPU count, and bring up the
 * descriptor tables and the tick.
 */
#include <linux/kernel.h>
#include <linux/smp.h>
#include <memvisor/layout.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/pgtable.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/tsc.h>

struct mv_boot_params boot_params;
char boot_command_line[MV_CMDLINE_MAX];

static void e820_print_table(void)
{
	const struct mv_boot_params *bp = &boot_params;

	pr_info("BIOS-provided physical RAM map:\n");
	for (u32 i = 0; i < bp->e820_entries; i++) {
		const struct e820_entry *e = &bp->e820[i];

		pr_info("BIOS-e820: [mem %#018llx-%#018llx] %s\n",
			(unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1),
			e820_type_name(e->type));
	}
}

/* The lowest usable RAM address at or above start, or end if none. */
static u64 first_ram_at_or_above(u64 start, u64 end)
{
	u64 best = end;

	for (u32 i = 0; i < boot_params.e820_entries; i++) {
		const struct e820_entry *e = &boot_params.e820[i];
		u64 lo = max(e->addr, start);

		if (e->type == E820_TYPE_RAM && lo < e->addr + e->size && lo < best)
			best = lo;
	}
	return best;
}

static void print_zone_range(const char *name, u64 start, u64 end)
{
	start = first_ram_at_or_above(start, end);
	if (start >= end)
		pr_info("  %-8s empty\n", name);
	else
		pr_info("  %-8s [mem %#018llx-%#018llx]\n", name,
			(unsigned long long)start, (unsigned long long)(end - 1));
}

static void print_zone_ranges(void)
{
	const struct mv_boot_params *bp = &boot_params;
	u64 dma_end = min(bp->dma_limit, bp->ram_end);
	u64 normal_end = min(bp->lowmem_limit, bp->ram_end);

	if (bp->dma_limit > bp->lowmem_limit || bp->lowmem_limit > bp->ram_end)
		pr_warn("boot params: zone limits out of order (dma %#llx lowmem %#llx end %#llx)\n",
			(unsigned long long)bp->dma_limit,
			(unsigned long long)bp->lowmem_limit,
			(unsigned long long)bp->ram_end);
	pr_info("Zone ranges:\n");
	print_zone_range("DMA", 0, dma_end);
	print_zone_range("Normal", dma_end, normal_end);
	print_zone_range("HighMem", normal_end, bp->ram_end);
}

void setup_arch(void)
{
	e820_print_table();
	print_zone_ranges();
	pr_info("Kernel image: [mem %#010llx-%#010llx]\n",
		(unsigned long long)boot_params.kernel_start,
		(unsigned long long)boot_params.kernel_end - 1);
	nr_cpu_ids = boot_params.nr_cpus;
	cpu_detect_features();
	tsc_init();
}

/* Descriptor tables need the per-CPU areas: after setup_per_cpu_areas(). */
void trap_init(void)
{
	if (cpu_alloc_ist_stacks(0))
		panic("no memory for the boot CPU's IST stacks");
	cpu_init(0);
}

void init_IRQ(void)
{
	apic_bsp_setup();
	apic_cpu_init(0);
	smp_ipi_init();
}

void time_init(void)
{
	apic_timer_bsp_setup();
	apic_timer_cpu_init();
}
