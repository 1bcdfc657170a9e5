/* SPDX-License-Identifier: MIT */
/*
 * The CPU features the kernel uses, as CPUID reports them at run time.
 * Nothing is assumed from what the VMM asked for with KVM_SET_CPUID2: some
 * KVMs show the guest the host's CPUID instead.
 */
#ifndef _ASM_CPUFEATURE_H
#define _ASM_CPUFEATURE_H

#include <linux/types.h>

enum cpu_feature {
	X86_FEATURE_TSC,		/* rdtsc: delays, the tick, timings */
	X86_FEATURE_APIC,		/* the local APIC: tick and IPIs */
	X86_FEATURE_PGE,		/* global kernel mappings */
	X86_FEATURE_X2APIC,		/* APIC registers as MSRs */
	X86_FEATURE_TSC_DEADLINE,	/* APIC timer in TSC-deadline mode */
	X86_FEATURE_HYPERVISOR,		/* running under a hypervisor */
	X86_FEATURE_NX,			/* no-execute pages */
	X86_FEATURE_INVARIANT_TSC,	/* same TSC rate everywhere, always */
	NR_CPU_FEATURES,
};

/*
 * Reads CPUID once, on the boot CPU, before anything uses a feature: prints
 * the features found and one line per missing one saying what the kernel
 * does instead; panics, naming the feature, when it cannot do without.
 */
void cpu_detect_features(void);

bool boot_cpu_has(enum cpu_feature f);

#endif
