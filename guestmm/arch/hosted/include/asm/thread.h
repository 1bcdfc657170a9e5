/* SPDX-License-Identifier: MIT */
#ifndef _ASM_THREAD_H
#define _ASM_THREAD_H

#include <pthread.h>

/*
 * A hosted task is a host thread. It sleeps on a futex word that every
 * wake-up bumps: futex calls are async-signal-safe, so a wake-up from an
 * IPI (a signal handler) is as safe as one from a thread.
 */
struct arch_thread {
	pthread_t thread;
	int wake_seq;			/* futex word */
	bool started;			/* a kthread: has its own host thread */
	int want_cpu;			/* kthread_create_on_cpu's cpu, or -1 */
};

#endif
