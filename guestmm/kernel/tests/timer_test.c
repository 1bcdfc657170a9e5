// SPDX-License-Identifier: MIT
/* The tick and timers: the tick rate measured against the TSC, timers fire. */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/tick.h>
#include <linux/timer.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define RATE_WINDOW_MS	2000

/* Ticks per second, to three decimals, from a count over TSC cycles. */
static u64 rate_millihz(unsigned long ticks, u64 cycles)
{
	return cycles ? (u64)ticks * tsc_khz * 1000000ULL / cycles : 0;
}

KTEST(timer, tick_rate)
{
	unsigned long t0[NR_CPUS], j0 = jiffies;
	unsigned int cpu;
	u64 c0 = rdtsc(), cycles, mhz;

	for_each_online_cpu(cpu)
		t0[cpu] = tick_count(cpu);
	msleep(RATE_WINDOW_MS);
	cycles = rdtsc() - c0;
	mhz = rate_millihz(jiffies - j0, cycles);
	ktest_diag("timer (%s): jiffies advanced at %llu.%03llu Hz (HZ=%d) over %llu ms of TSC",
		   apic_timer_mode(), (unsigned long long)(mhz / 1000),
		   (unsigned long long)(mhz % 1000), HZ,
		   (unsigned long long)cycles_to_ns(cycles) / 1000000);
	for_each_online_cpu(cpu) {
		u64 r = rate_millihz(tick_count(cpu) - t0[cpu], cycles);

		ktest_diag("  CPU%u: %llu.%03llu ticks/s", cpu,
			   (unsigned long long)(r / 1000),
			   (unsigned long long)(r % 1000));
		/* Nested under TCG ticks can be late; but not a different rate. */
		KTEST_EXPECT_GT(t, r, HZ * 1000 / 2);
		KTEST_EXPECT_LT(t, r, HZ * 1000 * 3 / 2);
	}
}

struct fired {
	struct timer_list timer;
	struct completion done;
	unsigned long at;
	int cpu;
};

static void on_fire(struct timer_list *tl)
{
	struct fired *f = container_of(tl, struct fired, timer);

	f->at = jiffies;
	f->cpu = smp_processor_id();
	complete(&f->done);
}

KTEST(timer, fires_on_time_on_its_cpu)
{
	struct fired f;
	unsigned long expires = jiffies + 5;

	init_completion(&f.done);
	timer_setup(&f.timer, on_fire, 0);
	mod_timer(&f.timer, expires);
	KTEST_EXPECT_TRUE(t, timer_pending(&f.timer));
	KTEST_ASSERT_TRUE(t, wait_for_completion_timeout(&f.done, 10 * HZ));
	del_timer_sync(&f.timer);
	KTEST_EXPECT_FALSE(t, timer_pending(&f.timer));
	KTEST_EXPECT_TRUE(t, time_after_eq(f.at, expires));
	KTEST_EXPECT_EQ(t, f.cpu, raw_smp_processor_id());
}

KTEST(timer, del_before_expiry)
{
	struct fired f;

	init_completion(&f.done);
	timer_setup(&f.timer, on_fire, 0);
	mod_timer(&f.timer, jiffies + HZ);
	KTEST_EXPECT_EQ(t, del_timer_sync(&f.timer), 1);
	KTEST_EXPECT_FALSE(t, wait_for_completion_timeout(&f.done, HZ + 5));
}
