/* SPDX-License-Identifier: MIT */
/* The runner's state, shared by its reporting and running halves. */
#ifndef _KERNEL_KTEST_STATE_H
#define _KERNEL_KTEST_STATE_H

#include <linux/ktest.h>
#include <memvisor/hypercall.h>

struct task_struct;

struct ktest_state {
	unsigned int planned;		/* cases chosen */
	unsigned int index;		/* 1-based number of the running case, 0: none */
	struct ktest *running;		/* the running case, or NULL */
	struct task_struct *runner;	/* the thread that runs them */
	char skip_reason[MV_TEST_MSG_MAX];
	/*
	 * A module's own case (kmodd runs one at a time, --test or not): it
	 * reports on the console only, never to the VMM's ledger.
	 */
	struct ktest *module_running;
	struct task_struct *module_task;	/* its thread */
	char module_skip_reason[MV_TEST_MSG_MAX];
};

extern struct ktest_state ktest_state;

/* One HC_TEST event for the running case (index filled in). */
void ktest_event(u32 event, u32 status, const char *name, const char *file,
		 int line, const char *msg);

#endif
