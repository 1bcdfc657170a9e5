// SPDX-License-Identifier: MIT
/*
 * should_fail(): Linux's lib/fault-inject.c decision, in its order. The
 * attr is set from outside (<linux/fault-inject.h>); nothing here writes
 * its settings, only its counters.
 */
#include <linux/fault-inject.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/instruction_pointer.h>

/* kallsyms, should the kernel core provide it (as slab_debug.c's). */
extern int sprint_symbol(char *buffer, unsigned long address) __attribute__((weak));

/* xorshift64*: a number in [0, 100). Racy updates only mix the noise. */
static unsigned int random_below_100(struct fault_attr *attr)
{
	u64 x = READ_ONCE(attr->rnd) ?: 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	attr->rnd = x;
	return (unsigned int)(((x * 0x2545f4914f6cdd1dULL) >> 32) % 100);
}

static void fail_dump(struct fault_attr *attr, unsigned long caller)
{
	char sym[128];

	if (!attr->verbose)
		return;
	snprintf(sym, sizeof(sym), "0x%lx", caller);
#ifndef __HOSTED__
	if (caller && sprint_symbol)
		sprint_symbol(sym, caller);
#endif
	printk(KERN_NOTICE "FAULT_INJECTION: forcing a failure.\n"
	       "name %s, interval %lu, probability %lu, space %d, times %d, caller %s\n",
	       attr->name ?: "?", attr->interval, attr->probability,
	       atomic_read(&attr->space), atomic_read(&attr->times), sym);
}

/* Linux's atomic_dec_not_zero(): times stays 0 once it gets there. */
static void times_dec(atomic_t *times)
{
	int t = atomic_read(times);

	while (t > 0) {
		int old = atomic_cmpxchg(times, t, t - 1);

		if (old == t)
			return;
		t = old;
	}
}

bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags,
		    unsigned long caller)
{
	/* No need to look further when nothing may fail. */
	if (READ_ONCE(attr->probability) == 0)
		return false;
	atomic_long_inc(&attr->nr_calls);
	if (atomic_read(&attr->times) == 0)
		return false;
	if (atomic_read(&attr->space) > size) {
		atomic_sub((int)size, &attr->space);
		return false;
	}
	if (attr->interval > 1) {
		attr->count++;
		if (attr->count % attr->interval)
			return false;
	}
	if (attr->probability <= random_below_100(attr))
		return false;
	atomic_long_inc(&attr->nr_failures);
	if (!(flags & FAULT_NOWARN))
		fail_dump(attr, caller);
	if (atomic_read(&attr->times) != -1)
		times_dec(&attr->times);
	return true;
}

bool should_fail(struct fault_attr *attr, ssize_t size)
{
	return should_fail_ex(attr, size, 0, _RET_IP_);
}
