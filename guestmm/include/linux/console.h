/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_CONSOLE_H
#define _LINUX_CONSOLE_H

#include <linux/types.h>

/* The arch's console: the guest forwards to the VMM, the host to stderr. */
void arch_console_write(const char *buf, size_t len, int level);

#endif
