// SPDX-License-Identifier: MIT
/*
 * The CPU features the kernel uses, looked up in CPUID on the boot CPU.
 * KVM_SET_CPUID2 need not take effect (some KVMs show the guest the host's
 * CPUID), so the kernel trusts only what CPUID says here: a missing feature
 * gets a line saying what the kernel does instead, or a panic naming it.
 * clearcpuid=NAME[,NAME...] hides features, as in Linux, so that every
 * fallback can be tried on any CPU.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

enum cpuid_reg { EAX, EBX, ECX, EDX };

static const struct {
	u32 leaf;
	u8 reg;
	u8 bit;
	bool required;
	const char *name;
	const char *where;
	/* what the kernel does without it; NULL: nothing to say */
	const char *without;
} features[NR_CPU_FEATURES] = {
	[X86_FEATURE_TSC] = { 1, EDX, 4, true, "tsc", "CPUID.01H:EDX[4]",
		"delays, the tick and timings read the TSC" },
	[X86_FEATURE_APIC] = { 1, EDX, 9, true, "apic", "CPUID.01H:EDX[9]",
		"the tick and IPIs need the local APIC" },
	[X86_FEATURE_PGE] = { 1, EDX, 13, false, "pge", "CPUID.01H:EDX[13]",
		"kernel mappings are not global: TLB flushes drop them too" },
	[X86_FEATURE_X2APIC] = { 1, ECX, 21, false, "x2apic", "CPUID.01H:ECX[21]",
		"using the xAPIC through its MMIO page" },
	[X86_FEATURE_TSC_DEADLINE] = { 1, ECX, 24, false, "tsc_deadline_timer",
		"CPUID.01H:ECX[24]", "the APIC timer runs in periodic mode" },
	[X86_FEATURE_HYPERVISOR] = { 1, ECX, 31, false, "hypervisor",
		"CPUID.01H:ECX[31]", NULL },
	[X86_FEATURE_NX] = { 0x80000001, EDX, 20, false, "nx",
		"CPUID.80000001H:EDX[20]",
		"no no-execute pages: _PAGE_NX is dropped, data stays executable" },
	[X86_FEATURE_INVARIANT_TSC] = { 0x80000007, EDX, 8, false,
		"invariant_tsc", "CPUID.80000007H:EDX[8]",
		"TSC readings may drift between CPUs or across idle: timings are approximate" },
};

static bool have[NR_CPU_FEATURES];
static bool cleared[NR_CPU_FEATURES];

static int clear_one(const char *name, size_t len)
{
	for (int f = 0; f < NR_CPU_FEATURES; f++) {
		if (strlen(features[f].name) == len &&
		    !strncmp(features[f].name, name, len)) {
			cleared[f] = true;
			return 0;
		}
	}
	pr_warn("clearcpuid: unknown feature \"%.*s\"\n", (int)len, name);
	return -1;
}

static int __init_clearcpuid(char *val)
{
	int ret = 0;

	while (*val) {
		const char *comma = strchr(val, ',');
		size_t len = comma ? (size_t)(comma - val) : strlen(val);

		if (len && clear_one(val, len))
			ret = -1;
		val += len + (comma ? 1 : 0);
	}
	return ret;
}
__setup("clearcpuid=", __init_clearcpuid);

bool boot_cpu_has(enum cpu_feature f)
{
	return f < NR_CPU_FEATURES && have[f];
}

static u32 max_leaf(u32 leaf)
{
	return cpuid(leaf & 0x80000000).eax;
}

static bool cpuid_bit(u32 leaf, enum cpuid_reg reg, unsigned int bit)
{
	struct cpuid_regs r;
	u32 v;

	if (max_leaf(leaf) < leaf)
		return false;
	r = cpuid(leaf);
	v = reg == EAX ? r.eax : reg == EBX ? r.ebx : reg == ECX ? r.ecx : r.edx;
	return v & (1U << bit);
}

static void print_found(void)
{
	char line[160] = "";
	size_t pos = 0;

	for (int f = 0; f < NR_CPU_FEATURES && pos < sizeof(line); f++)
		if (have[f])
			pos += snprintf(line + pos, sizeof(line) - pos, " %s",
					features[f].name);
	pr_info("CPU: features (CPUID):%s\n", pos ? line : " none");
}

void cpu_detect_features(void)
{
	for (int f = 0; f < NR_CPU_FEATURES; f++)
		have[f] = !cleared[f] && cpuid_bit(features[f].leaf,
						   features[f].reg,
						   features[f].bit);
	print_found();
	for (int f = 0; f < NR_CPU_FEATURES; f++) {
		const char *how = cleared[f] ? ", cleared by clearcpuid=" : "";

		if (have[f] || !features[f].without)
			continue;
		if (features[f].required)
			panic("CPU: no %s (%s%s): this kernel cannot run without it: %s",
			      features[f].name, features[f].where, how,
			      features[f].without);
		pr_warn("CPU: no %s (%s%s): %s\n", features[f].name,
			features[f].where, how, features[f].without);
	}
}
