// SPDX-License-Identifier: MIT
/* Random vmalloc/vfree of mixed sizes (vmalloc_stress.h). */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "mm_test_util.h"
#include "vmalloc_stress.h"

unsigned long vmalloc_stress_ops = 100000;

static int __init_stress_ops(char *val)
{
	int ops;

	if (!param_get_int(val, &ops) || ops < 0)
		return -1;
	vmalloc_stress_ops = (unsigned long)ops;
	return 0;
}
__setup("vmalloc_stress_ops=", __init_stress_ops);

static unsigned long stress_size(u64 *rng)
{
	unsigned int r = mm_rand(rng) % 100;

	if (r < 50)
		return (mm_rand(rng) % PAGE_SIZE) + 1;		/* one page */
	if (r < 90)
		return (1 + mm_rand(rng) % 16) * PAGE_SIZE - mm_rand(rng) % 64;
	return (17 + mm_rand(rng) % 48) * PAGE_SIZE;
}

/*
 * Each area holds its size in its first word and the size's complement in
 * its last (the same word below 5 bytes: that one holds the complement).
 */
static bool stress_intact(const struct vmalloc_stress_slot *x)
{
	unsigned long last = (x->size - 1) / 4;

	return x->p[last] == (u32)~x->size && (!last || x->p[0] == (u32)x->size);
}

unsigned long vmalloc_stress(struct ktest *t, struct vmalloc_stress_slot *s,
			     unsigned long ops, u64 seed)
{
	unsigned long bad = 0;
	u64 rng = seed;

	for (unsigned long op = 0; op < ops; op++) {
		struct vmalloc_stress_slot *x = &s[mm_rand(&rng) % VMALLOC_STRESS_SLOTS];

		if (x->p) {
			if (!stress_intact(x)) {
				if (!bad)
					ktest_diag("op %lu: %lu bytes at %px changed: %x %x",
						   op, x->size, x->p, x->p[0],
						   x->p[(x->size - 1) / 4]);
				bad++;
			}
			vfree(x->p);
			x->p = NULL;
			continue;
		}
		x->size = stress_size(&rng);
		x->p = vmalloc(x->size);
		if (!x->p) {
			if (!bad)
				ktest_diag("op %lu: vmalloc(%lu) failed", op, x->size);
			bad++;
			continue;
		}
		x->p[0] = (u32)x->size;
		x->p[(x->size - 1) / 4] = (u32)~x->size;
		if (op % 4096 == 0 && vmap_check_trees()) {
			ktest_fail(t, __FILE__, __LINE__, "%s", vmap_check_trees());
			bad++;
		}
	}
	for (int i = 0; i < VMALLOC_STRESS_SLOTS; i++) {
		vfree(s[i].p);
		s[i].p = NULL;
	}
	vm_unmap_aliases();
	return bad;
}
