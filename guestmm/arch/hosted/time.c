// SPDX-License-Identifier: MIT
/*
 * Hosted time: jiffies advance at HZ from CLOCK_MONOTONIC, driven by a tick
 * thread (not a CPU: it runs no kernel code but this store). A forked child
 * has no threads but the forking one, so the tick is started per process.
 */
#include <linux/jiffies.h>
#include <linux/compiler.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "hosted_internal.h"

volatile unsigned long jiffies;

static pid_t tick_pid;
static u64 tick_start_ns;
static pthread_mutex_t tick_lock = PTHREAD_MUTEX_INITIALIZER;

u64 hosted_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/*
 * Brings jiffies up to the clock. Called by the tick thread and by a sleeper
 * whose timeout passed, so a loaded host that starves the tick thread never
 * lets a timeout end before jiffies show it. Never moves jiffies back.
 */
void hosted_jiffies_sync(void)
{
	unsigned long now = (hosted_now_ns() - tick_start_ns) / (1000000000ULL / HZ);
	unsigned long old = jiffies;

	while (old < now &&
	       !__atomic_compare_exchange_n((unsigned long *)&jiffies, &old, now,
					    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

static void *tick_thread(void *arg)
{
	const u64 period = 1000000000ULL / HZ;

	(void)arg;
	for (;;) {
		struct timespec ts = { 0, (long)period };

		nanosleep(&ts, NULL);
		hosted_jiffies_sync();
	}
	return NULL;
}

void hosted_time_init(void)
{
	pthread_t t;

	pthread_mutex_lock(&tick_lock);
	if (tick_pid != getpid()) {
		tick_pid = getpid();
		tick_start_ns = hosted_now_ns() - (u64)jiffies * (1000000000ULL / HZ);
		if (!pthread_create(&t, NULL, tick_thread, NULL))
			pthread_detach(t);
	}
	pthread_mutex_unlock(&tick_lock);
}
