// SPDX-License-Identifier: MIT
/*
 * A per-CPU variable defined and exported here, used from percpu_test.c
 * through DECLARE_PER_CPU, as a driver uses another file's (or the core's).
 */
#include <linux/percpu.h>

DEFINE_PER_CPU(unsigned long, percpu_test_exported) = 42;
EXPORT_PER_CPU_SYMBOL(percpu_test_exported);
DEFINE_PER_CPU(int, percpu_test_exported_gpl);
EXPORT_PER_CPU_SYMBOL_GPL(percpu_test_exported_gpl);

/* Bumps this CPU's copy from this file. */
void percpu_test_bump_exported(void)
{
	this_cpu_inc(percpu_test_exported);
}
