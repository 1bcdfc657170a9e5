// SPDX-License-Identifier: MIT
/*
 * The TSC: our clock for delays, calibration and measurements. Its rate
 * comes from the VMM (boot params, from KVM_GET_TSC_KHZ), else CPUID's
 * hypervisor timing leaf or leaves 0x15/0x16, else apic_timer calibrates it.
 */
#include <linux/kernel.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/tsc.h>

unsigned int tsc_khz;

static unsigned int tsc_khz_from_cpuid(void)
{
	struct cpuid_regs r;
	unsigned int max;

	if (boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		max = cpuid(0x40000000).eax;
		if (max >= 0x40000010 && cpuid(0x40000010).eax)
			return cpuid(0x40000010).eax;
	}
	max = cpuid(0).eax;
	if (max >= 0x15) {
		r = cpuid(0x15);
		if (r.eax && r.ebx && r.ecx)
			return (u64)r.ecx * r.ebx / r.eax / 1000;
	}
	if (max >= 0x16 && (cpuid(0x16).eax & 0xffff))
		return (cpuid(0x16).eax & 0xffff) * 1000;
	return 0;
}

void tsc_init(void)
{
	const char *src = "boot params";

	tsc_khz = boot_params.tsc_khz;
	if (!tsc_khz) {
		tsc_khz = tsc_khz_from_cpuid();
		src = "CPUID";
	}
	if (tsc_khz)
		pr_info("tsc: %u.%03u MHz TSC (from %s)\n", tsc_khz / 1000,
			tsc_khz % 1000, src);
	else
		pr_info("tsc: frequency unknown, calibrating against the APIC timer\n");
}

void udelay(unsigned long usecs)
{
	u64 start = rdtsc(), cycles = (u64)usecs * tsc_khz / 1000;

	while (rdtsc() - start < cycles)
		cpu_relax();
}

void mdelay(unsigned long msecs)
{
	while (msecs--)
		udelay(1000);
}

u64 cycles_to_ns(u64 cycles)
{
	if (!tsc_khz)
		return 0;
	return cycles * 1000000 / tsc_khz;
}
