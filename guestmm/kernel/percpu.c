// SPDX-License-Identifier: MIT
/*
 * Per-CPU areas: one copy of the percpu_data section per CPU, at a fixed
 * stride in a reservation the linker script sizes for NR_CPUS, so that
 * __per_cpu_offset[cpu] = area(cpu) - master and the units are evenly
 * spaced (what a later dynamic allocator needs to place more chunks).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/string.h>

struct cpu_pda cpu_pdas[NR_CPUS];
unsigned long __per_cpu_offset[NR_CPUS];

extern char __percpu_reserve_start[], __percpu_reserve_end[];

int setup_per_cpu_areas(unsigned int nr_cpus)
{
	size_t unit = __stop_percpu_data - __start_percpu_data;
	size_t room = __percpu_reserve_end - __percpu_reserve_start;

	BUILD_BUG_ON(sizeof(struct cpu_pda) != PDA_SIZE);
	BUILD_BUG_ON(NR_CPUS != PDA_MAX_CPUS);
	if (nr_cpus > NR_CPUS || unit * nr_cpus > room)
		panic("percpu: %u CPUs x %zu bytes don't fit the %zu-byte reservation",
		      nr_cpus, unit, room);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		char *area = __percpu_reserve_start + cpu * unit;

		memcpy(area, __start_percpu_data, unit);
		__per_cpu_offset[cpu] = area - __start_percpu_data;
	}
	pr_info("percpu: %u units of %zu bytes at %p\n", nr_cpus, unit,
		__percpu_reserve_start);
	return 0;
}

void percpu_init_cpu(unsigned int cpu)
{
	cpu_pdas[cpu].percpu_offset = __per_cpu_offset[cpu];
}
