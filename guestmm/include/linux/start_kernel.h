/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_START_KERNEL_H
#define _LINUX_START_KERNEL_H

#include <linux/compiler.h>

/* The generic kernel's entry, on the boot CPU, from the arch's early code. */
__noreturn void start_kernel(void);

#endif
