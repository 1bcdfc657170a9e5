/* SPDX-License-Identifier: MIT */
#ifndef _KERNEL_KTEST_RUNNER_H
#define _KERNEL_KTEST_RUNNER_H

#include <linux/types.h>

/* ktest= or ktest_list was given. */
bool ktest_requested(void);
/* Lists or runs the chosen cases; returns the exit status (0: all passed). */
int ktest_main(void);
struct ktest_case;
/* A module's cases (kmodd, after its init), on the console only; failed. */
unsigned int ktest_run_module_cases(const char *module,
				    const struct ktest_case *cases,
				    unsigned int n);

#endif
