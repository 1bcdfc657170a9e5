/* SPDX-License-Identifier: MIT */
/*
 * Random vmalloc/vfree of mixed sizes (half a page or less, up to 16
 * pages, up to 64), each area checked before it is freed: vmalloc's own
 * stress (vmalloc_test.c) and the VMM's inspection fixture (vminsp_test.c)
 * share it. vmalloc_stress_ops=N (default 10^5) sets the operations a pass.
 */
#ifndef _VMALLOC_STRESS_H
#define _VMALLOC_STRESS_H

#include <linux/ktest.h>
#include <linux/types.h>

#define VMALLOC_STRESS_SLOTS	256

struct vmalloc_stress_slot {
	u32 *p;
	unsigned long size;
};

extern unsigned long vmalloc_stress_ops;

/*
 * @ops operations on VMALLOC_STRESS_SLOTS slots (@s, zeroed), from @seed;
 * frees all and purges at the end. The number of failures (each reported).
 */
unsigned long vmalloc_stress(struct ktest *t, struct vmalloc_stress_slot *s,
			     unsigned long ops, u64 seed);

#endif
