// SPDX-License-Identifier: MIT
/*
 * mm_find_module_leaks() (<linux/module_leaks.h>): what was allocated from
 * a range of text and is still there, from each allocator's records of who
 * allocated. Collected under the allocators' locks, reported without them.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include "leaks.h"

/* Records listed at most; more are counted and named in one line. */
#define LEAKS_MAX	256

unsigned int mm_find_module_leaks(unsigned long start, unsigned long end,
				  module_leak_fn fn, void *arg)
{
	struct leak_list l = { .max = LEAKS_MAX, .start = start, .end = end };
	unsigned int i;

	might_sleep();
	if (start >= end)
		return 0;
	l.v = kmalloc_array(LEAKS_MAX, sizeof(*l.v), GFP_KERNEL);
	if (!l.v) {
		pr_err("mm_find_module_leaks: no memory for the records\n");
		return 0;
	}
	slab_find_leaks(&l);
	mempool_find_leaks(&l);
	page_owner_find_leaks(&l);
	vmalloc_find_leaks(&l);
	pcpu_find_leaks(&l);
	for (i = 0; i < l.nr; i++)
		fn(&l.v[i], arg);
	if (l.dropped)
		pr_warn("mm_find_module_leaks: %lu more leak records not listed\n",
			l.dropped);
	kfree(l.v);
	return l.nr;
}
