// SPDX-License-Identifier: MIT
/*
 * The console: each message goes to the VMM in one HC_CONSOLE request. The
 * requests live in .bss, one per CPU and nesting level, so the VMM can read
 * them below 4 GiB; a lock keeps the lines of different CPUs whole and in
 * order. A fault while printing (a panic report) nests on the same CPU: it
 * uses the second buffer and doesn't wait for the lock it already holds.
 */
#include <linux/kernel.h>
#include <linux/console.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/hypercall.h>
#include <asm/panic_report.h>

#define CONSOLE_NEST	2

static struct mv_hc_console console_req[NR_CPUS][CONSOLE_NEST] __aligned(64);
static spinlock_t console_lock = __SPIN_LOCK_UNLOCKED(console_lock);
static int console_owner = -1;
static int console_depth[NR_CPUS];

/* After a fatal report started, a stuck lock holder must not silence us. */
#define CONSOLE_BUST_SPINS	(1UL << 22)

static bool console_lock_acquire(int cpu)
{
	unsigned long spins = 0;

	if (READ_ONCE(console_owner) == cpu)
		return false;	/* nested on this CPU: already ours */
	while (!arch_spin_trylock(&console_lock)) {
		if (READ_ONCE(oops_in_progress) && ++spins > CONSOLE_BUST_SPINS)
			return false;
		cpu_relax();
	}
	WRITE_ONCE(console_owner, cpu);
	return true;
}

static void console_lock_release(bool locked)
{
	if (!locked)
		return;
	WRITE_ONCE(console_owner, -1);
	arch_spin_unlock(&console_lock);
}

static void console_send(struct mv_hc_console *req, const char *buf,
			 size_t len, int level)
{
	while (len) {
		size_t n = min(len, (size_t)MV_HC_CONSOLE_MAX);

		memcpy(req->data, buf, n);
		req->len = n;
		req->level = level;
		hypercall(HC_CONSOLE, hc_gpa(req));
		buf += n;
		len -= n;
	}
}

void arch_console_write(const char *buf, size_t len, int level)
{
	unsigned long flags = arch_local_irq_save();
	int cpu = raw_smp_processor_id();
	int depth = console_depth[cpu]++;
	bool locked = console_lock_acquire(cpu);

	console_send(&console_req[cpu][min(depth, CONSOLE_NEST - 1)], buf, len,
		     level);
	console_lock_release(locked);
	console_depth[cpu]--;
	arch_local_irq_restore(flags);
}
