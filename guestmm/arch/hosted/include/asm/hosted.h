/* SPDX-License-Identifier: MIT */
/*
 * The hosted build's own interface, for unit tests and benchmarks: boot the
 * guest's mm/ on an mmap'ed arena, make host threads into CPUs, and search
 * the console log.
 */
#ifndef _ASM_HOSTED_H
#define _ASM_HOSTED_H

#include <linux/types.h>
#include <memvisor/bootparams.h>

#define HOSTED_MAX_RESERVES	8

struct hosted_boot_config {
	unsigned long mem_size;		/* RAM bytes (default 64 MiB, at most 3 GiB) */
	unsigned long lowmem;		/* ZONE_HIGHMEM starts here (default: as the VMM) */
	unsigned long kernel_size;	/* a pretend image at 1 MiB (default 2 MiB) */
	unsigned int nr_reserves;	/* extra e820 reserved ranges */
	struct { u64 addr, size; } reserve[HOSTED_MAX_RESERVES];
	unsigned long bootmem_test;	/* as the bootmem_test= option */
	bool memblock_debug;		/* as memblock=debug */
};

void hosted_default_config(struct hosted_boot_config *cfg);
/*
 * Maps a fresh arena of cfg->mem_size and fills bp as the VMM would: e820
 * map with the PC holes, kernel image, boot page tables, boot params and
 * command line placed in it.
 */
void hosted_make_boot_params(const struct hosted_boot_config *cfg,
			     struct mv_boot_params *bp);
/*
 * The whole boot: arena, this thread as CPU 0, per-CPU areas, mm_init().
 * cfg NULL: defaults. May be called again to start over.
 */
void hosted_boot(const struct hosted_boot_config *cfg);
extern struct mv_boot_params hosted_boot_params;

/* Makes the calling host thread a CPU with a task (name) / gives it back. */
int hosted_cpu_attach(const char *name);
void hosted_cpu_detach(void);

/* Brings jiffies up to CLOCK_MONOTONIC now (the tick thread may lag). */
void hosted_jiffies_sync(void);

/* The console log: everything printk wrote since boot (or the last clear). */
bool hosted_log_contains(const char *s);
void hosted_log_clear(void);
/* Console lines at or below this level also go to stderr (default 4). */
extern int hosted_console_level;

/* Failure messages of the last ktest run, "file:line: msg" per line. */
const char *hosted_ktest_messages(void);

#endif
