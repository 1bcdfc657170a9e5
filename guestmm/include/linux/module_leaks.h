/* SPDX-License-Identifier: MIT */
/*
 * What a module left behind (not installed: the loader's, not a driver's).
 * The memory manager owns the records it keeps for this: the creator of
 * each cache and mempool, the caller of each page allocation, vmalloc area
 * and per-CPU allocation. The loader asks, after module_exit, for every
 * one whose caller lies in the module's core [start, end).
 */
#ifndef _LINUX_MODULE_LEAKS_H
#define _LINUX_MODULE_LEAKS_H

#include <linux/types.h>
#include <memvisor/module.h>

struct module_leak {
	enum mv_module_leak_kind kind;
	const char *what;		/* cache name, or NULL */
	unsigned long count;
	unsigned long bytes;
	unsigned long addr;		/* one example */
	unsigned long caller;		/* an address in [start, end) */
};

typedef void (*module_leak_fn)(const struct module_leak *leak, void *arg);

/*
 * Calls fn once per leak record whose caller lies in [start, end); returns
 * how many. Process context, may sleep; takes the allocators' locks.
 */
unsigned int mm_find_module_leaks(unsigned long start, unsigned long end,
				  module_leak_fn fn, void *arg);

#endif
