/* SPDX-License-Identifier: MIT */
/*
 * Kernel accesses that may fault and say so instead of oopsing (Linux's
 * copy_from_kernel_nofault() and friends): 0, or -EFAULT if a byte of the
 * range is not mapped (or not writable). The guest has no user space, so
 * these are the only ones.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/types.h>

long copy_from_kernel_nofault(void *dst, const void *src, size_t size);
long copy_to_kernel_nofault(void *dst, const void *src, size_t size);

#endif
