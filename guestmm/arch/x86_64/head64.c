// SPDX-License-Identifier: MIT
/*
 * The boot CPU's first C: its PDA, the IDT (so that any fault from here on
 * is reported with registers instead of a triple fault), and a checked copy
 * of the boot params. Then the generic start_kernel().
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/start_kernel.h>
#include <linux/string.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/setup.h>

void x86_64_start_kernel(unsigned long boot_params_gpa);

extern struct task_struct init_task;

static void pda_init_boot_cpu(void)
{
	struct cpu_pda *pda = &pcpu_pda;	/* the master copy, %gs base 0 */

	pda->self = pda;
	pda->cpu = 0;
	pda_set_current(pda, &init_task);
	pda->percpu_offset = 0;		/* until setup_per_cpu_areas() */
	pda->preempt_count = 0;
}

/* The VMM is trusted to boot us, but a stale or foreign layout must stop here. */
static void copy_boot_params(unsigned long gpa)
{
	const struct mv_boot_params *bp = __va(gpa);
	size_t len;

	if (bp->magic != MV_BOOT_MAGIC)
		panic("boot params at %#lx: bad magic %#llx (want %#llx)", gpa,
		      (unsigned long long)bp->magic, MV_BOOT_MAGIC);
	if (bp->version != MV_BOOT_VERSION)
		panic("boot params: version %u, this kernel knows %u",
		      bp->version, MV_BOOT_VERSION);
	if (bp->size != sizeof(*bp))
		panic("boot params: size %u, this kernel expects %zu",
		      bp->size, sizeof(*bp));
	memcpy(&boot_params, bp, sizeof(boot_params));
	if (boot_params.e820_entries > E820_MAX_ENTRIES)
		panic("boot params: %u e820 entries (max %d)",
		      boot_params.e820_entries, E820_MAX_ENTRIES);
	if (!boot_params.nr_cpus || boot_params.nr_cpus > NR_CPUS)
		panic("boot params: nr_cpus %u not in 1..%d",
		      boot_params.nr_cpus, NR_CPUS);

	len = min_t(size_t, boot_params.cmdline_len, MV_CMDLINE_MAX - 1);
	if (boot_params.cmdline && len)
		memcpy(boot_command_line, __va(boot_params.cmdline), len);
	boot_command_line[len] = '\0';
}

void x86_64_start_kernel(unsigned long boot_params_gpa)
{
	pda_init_boot_cpu();
	idt_setup();
	copy_boot_params(boot_params_gpa);
	start_kernel();
}
