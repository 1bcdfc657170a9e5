/* SPDX-License-Identifier: MIT */
#ifndef _ASM_THREAD_H
#define _ASM_THREAD_H

#include <pthread.h>

/* A hosted task is a host thread; sleeping waits on its condition variable. */
struct arch_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool started;
};

#endif
