// SPDX-License-Identifier: MIT
/*
 * The periodic tick, HZ times a second on every CPU. The boot CPU advances
 * jiffies; every CPU runs its timers and its scheduler slice.
 */
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/tick.h>
#include "sched.h"

volatile unsigned long jiffies;

static DEFINE_PER_CPU(unsigned long, ticks);

void tick_handle_periodic(void)
{
	if (raw_smp_processor_id() == 0)
		WRITE_ONCE(jiffies, jiffies + 1);
	__this_cpu_write(ticks, __this_cpu_read(ticks) + 1);
	run_local_timers();
	scheduler_tick();
}

unsigned long tick_count(unsigned int cpu)
{
	return READ_ONCE(per_cpu(ticks, cpu));
}
