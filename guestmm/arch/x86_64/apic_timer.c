// SPDX-License-Identifier: MIT
/*
 * The tick, from each CPU's local APIC timer. TSC-deadline mode when the
 * CPU has it (no calibration: the TSC rate is known); otherwise periodic
 * mode, its count per tick calibrated against the TSC. With no known TSC
 * rate at all, KVM's APIC bus (1 GHz) calibrates the TSC instead.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/tick.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define APIC_TIMER_DIVISOR	16
#define KVM_APIC_BUS_HZ		1000000000ULL	/* KVM: APIC_BUS_CYCLE_NS = 1 */
#define CALIBRATION_READINGS	5

static bool use_tsc_deadline;
static bool tsc_deadline_disabled;
static u64 tsc_per_tick;
static u32 apic_count_per_tick;
static DEFINE_PER_CPU(u64, next_deadline);

static int __init_notscdeadline(char *val)
{
	tsc_deadline_disabled = true;
	return 0;
}
__setup("notscdeadline", __init_notscdeadline);

const char *apic_timer_mode(void)
{
	return use_tsc_deadline ? "tsc-deadline" : "periodic";
}

static void program_deadline(u64 deadline)
{
	__this_cpu_write(next_deadline, deadline);
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
}

static void apic_timer_interrupt(struct pt_regs *regs)
{
	if (use_tsc_deadline) {
		u64 next = __this_cpu_read(next_deadline) + tsc_per_tick;
		u64 now = rdtsc();

		/* Stay on the grid, unless we fell behind by a whole tick. */
		if ((s64)(next - now) <= 0)
			next = now + tsc_per_tick;
		program_deadline(next);
	}
	tick_handle_periodic();
}

/*
 * APIC timer counts (at APIC_TIMER_DIVISOR) per tsc_cycles, measured once.
 * 0 if the vCPU was descheduled while reading the count (nested, the host
 * can stop us at any instruction): the reading is then not trustworthy.
 */
static u32 apic_counts_once(u64 tsc_cycles)
{
	u64 start, before, after;
	u32 left;

	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | APIC_LVT_TIMER_ONESHOT |
		   LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);
	start = rdtsc();
	while (rdtsc() - start < tsc_cycles)
		cpu_relax();
	before = rdtsc();
	left = apic_read(APIC_TMCCT);
	after = rdtsc();
	apic_write(APIC_TMICT, 0);
	/* A read exit costs tens of microseconds nested: allow ~3% of error. */
	if (after - before > tsc_cycles / 16)
		return 0;
	return (u64)(0xffffffff - left) * tsc_cycles / ((before + after) / 2 - start);
}

/* The median of a few good readings. */
static u32 apic_counts_over(u64 tsc_cycles)
{
	u32 r[CALIBRATION_READINGS], tmp;
	int n = 0;

	for (int tries = 0; tries < 4 * CALIBRATION_READINGS && n < CALIBRATION_READINGS; tries++) {
		u32 c = apic_counts_once(tsc_cycles);

		if (c)
			r[n++] = c;
	}
	if (!n)
		panic("APIC timer: no stable calibration reading");
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && r[j - 1] > r[j]; j--)
			tmp = r[j], r[j] = r[j - 1], r[j - 1] = tmp;
	return r[n / 2];
}

/* No TSC rate known: measure it against the APIC bus KVM emulates. */
static void calibrate_tsc_from_apic(void)
{
	u64 start = rdtsc(), cycles;
	u32 counts;

	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);
	while ((counts = 0xffffffff - apic_read(APIC_TMCCT)) <
	       KVM_APIC_BUS_HZ / APIC_TIMER_DIVISOR / 100)	/* 10 ms */
		cpu_relax();
	cycles = rdtsc() - start;
	apic_write(APIC_TMICT, 0);
	tsc_khz = cycles * (KVM_APIC_BUS_HZ / APIC_TIMER_DIVISOR / 1000) / counts;
	pr_warn("tsc: calibrated %u kHz against an assumed 1 GHz APIC bus\n",
		tsc_khz);
}

void apic_timer_bsp_setup(void)
{
	if (!tsc_khz)
		calibrate_tsc_from_apic();
	tsc_per_tick = (u64)tsc_khz * 1000 / HZ;
	use_tsc_deadline = boot_cpu_has(X86_FEATURE_TSC_DEADLINE) &&
			   !tsc_deadline_disabled;
	if (!use_tsc_deadline)
		apic_count_per_tick = apic_counts_over(tsc_per_tick);
	set_irq_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
	if (use_tsc_deadline)
		pr_info("clockevent: lapic tsc-deadline, HZ=%d, %llu TSC cycles per tick\n",
			HZ, (unsigned long long)tsc_per_tick);
	else
		pr_info("clockevent: lapic periodic, HZ=%d, %u APIC counts (div %d) per tick\n",
			HZ, apic_count_per_tick, APIC_TIMER_DIVISOR);
}

void apic_timer_cpu_init(void)
{
	if (use_tsc_deadline) {
		apic_write(APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | LOCAL_TIMER_VECTOR);
		/* SDM: the LVT write must land before the first deadline write. */
		__asm__ __volatile__("mfence" : : : "memory");
		program_deadline(rdtsc() + tsc_per_tick);
		return;
	}
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, apic_count_per_tick);
}
