// SPDX-License-Identifier: MIT
/*
 * The local APIC. x2APIC when CPUID offers it: registers are MSRs, the ICR
 * is one write, and no MMIO exit (costly nested) is taken. Otherwise xAPIC
 * through its MMIO page at 0xfee00000, which the VMM's direct map doesn't
 * cover: we map it uncached at a fixmap address.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <memvisor/layout.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/fixmap.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#define APIC_X2APIC_MSR_BASE	0x800

bool x2apic_mode;
u32 cpu_apic_id[NR_CPUS];
static void *xapic_base;
static bool x2apic_disabled;

static int __init_nox2apic(char *val)
{
	x2apic_disabled = true;
	return 0;
}
__setup("nox2apic", __init_nox2apic);

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return (u32)rdmsr(APIC_X2APIC_MSR_BASE + (reg >> 4));
	return readl((char *)xapic_base + reg);
}

void apic_write(u32 reg, u32 val)
{
	if (x2apic_mode)
		wrmsr(APIC_X2APIC_MSR_BASE + (reg >> 4), val);
	else
		writel(val, (char *)xapic_base + reg);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static u32 apic_read_id(void)
{
	if (x2apic_mode)
		return apic_read(APIC_ID);
	return apic_read(APIC_ID) >> 24;
}

static void error_interrupt(struct pt_regs *regs)
{
	u32 esr;

	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	pr_err("APIC error on CPU%d: ESR %#x\n", raw_smp_processor_id(), esr);
}

void apic_bsp_setup(void)
{
	unsigned long va = fix_to_virt(FIX_APIC_BASE);
	int err;

	x2apic_mode = boot_cpu_has(X86_FEATURE_X2APIC) && !x2apic_disabled;
	if (!x2apic_mode) {
		err = map_page(va, MV_LAPIC_GPA, __PAGE_KERNEL_NOCACHE | _PAGE_NX);
		if (err)
			panic("cannot map the local APIC at %#lx: %d", va, err);
		xapic_base = (void *)va;
	}
	set_irq_handler(ERROR_APIC_VECTOR, error_interrupt);
	pr_info("APIC: %s mode\n", x2apic_mode ? "x2apic" : "xapic (MMIO at fixmap)");
}

static void apic_enable_mode(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);

	if (!(base & MSR_IA32_APICBASE_ENABLE)) {
		base |= MSR_IA32_APICBASE_ENABLE;
		wrmsr(MSR_IA32_APICBASE, base);
	}
	if (x2apic_mode && !(base & MSR_IA32_APICBASE_EXTD))
		wrmsr(MSR_IA32_APICBASE, base | MSR_IA32_APICBASE_EXTD);
}

void apic_cpu_init(unsigned int cpu)
{
	apic_enable_mode();
	cpu_apic_id[cpu] = apic_read_id();
	apic_write(APIC_TASKPRI, 0);
	/* No 8259 behind us: LINT0 masked, LINT1 left as NMI. */
	apic_write(APIC_LVT0, APIC_LVT_MASKED | APIC_DM_EXTINT);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
	apic_eoi();	/* anything the VMM left in service */
}

static void xapic_wait_icr_idle(void)
{
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

/* Fixed, physical destination, by APIC ID. */
void apic_send_ipi(unsigned int cpu, unsigned int vector)
{
	u32 dest = cpu_apic_id[cpu];
	unsigned long flags;

	if (x2apic_mode) {
		/*
		 * One WRMSR: no ICR2/ICR pair an interrupt could split. It is
		 * not serializing: fence so the target sees what we queued.
		 */
		__asm__ __volatile__("mfence; lfence" : : : "memory");
		wrmsr(APIC_X2APIC_MSR_BASE + (APIC_ICR >> 4),
		      ((u64)dest << 32) | APIC_DM_FIXED | vector);
		return;
	}
	flags = arch_local_irq_save();
	xapic_wait_icr_idle();
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, APIC_INT_ASSERT | APIC_DM_FIXED | vector);
	arch_local_irq_restore(flags);
}
