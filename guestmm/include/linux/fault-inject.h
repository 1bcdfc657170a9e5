/* SPDX-License-Identifier: MIT */
/*
 * Fault injection, as Linux's (Documentation/fault-injection/): a struct
 * fault_attr says how often calls fail, should_fail() decides one call.
 * Two users: failslab (mm/failslab.c, kmem_cache_alloc and kmalloc's slab
 * paths) and fail_page_alloc (mm/page_alloc.c, every page allocation).
 *
 * Linux sets them through debugfs; here the VMM sets them from outside
 * (vmmctl fail, vmm/control/fail_cmds.c): it parks the vCPUs and writes
 * the structs below, found by symbol and DWARF, then sets the armed flag.
 * Their field names and types are the VMM's contract (mm_layout.c reads
 * them by name), like every struct the inspector reads.
 *
 * Off costs one branch: slab_alloc() and __alloc_pages() test the attr's
 * armed flag (an int among the read-mostly data, written only by the VMM)
 * before calling out of line.
 */
#ifndef _LINUX_FAULT_INJECT_H
#define _LINUX_FAULT_INJECT_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#ifdef __HOSTED__
#include <sys/types.h>
#endif

struct kmem_cache;

/*
 * Linux's fields, with its meanings:
 *   probability	percent of the calls that fail (0: none, 100: all)
 *   interval		only every interval-th call may fail (> 1)
 *   times		failures left; -1: no limit
 *   space		bytes of calls let through before any fails
 *   verbose		1: one FAULT_INJECTION line per failure
 *   count		calls counted for interval
 * and memvisor's, which the VMM reads back (vmmctl fail):
 *   nr_calls		calls that reached should_fail() while armed
 *   nr_failures	failures injected
 *   rnd		the state of its xorshift PRNG (racy: it is noise)
 */
struct fault_attr {
	unsigned long probability;
	unsigned long interval;
	atomic_t times;
	atomic_t space;
	unsigned long verbose;
	unsigned long count;
	atomic_long_t nr_calls;
	atomic_long_t nr_failures;
	u64 rnd;
	const char *name;	/* in the FAULT_INJECTION line */
};

#define FAULT_ATTR_INITIALIZER(n) {					\
	.interval = 1, .times = ATOMIC_INIT(1), .verbose = 2, .name = (n), \
	.rnd = 0x9e3779b97f4a7c15ULL,					\
}

#define FAULT_NOWARN	0x1	/* no FAULT_INJECTION line (__GFP_NOWARN) */

/* Does this call fail? @size: its bytes, for space. */
bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags,
		    unsigned long caller);
bool should_fail(struct fault_attr *attr, ssize_t size);

/*
 * failslab: Linux's attr and filters. With cache_filter only caches with
 * SLAB_FAILSLAB fail. require_gfp is memvisor's: only allocations whose
 * flags hold all of it fail (0: any). cache_name too: a cache created
 * with this name gets SLAB_FAILSLAB (as Linux's slab_debug=A,NAME), so a
 * driver's cache can be failed before the driver is loaded.
 */
#define FAILSLAB_NAME_LEN	32
struct failslab_attr {
	struct fault_attr attr;
	bool ignore_gfp_wait;	/* allocations that may sleep never fail */
	bool cache_filter;
	gfp_t require_gfp;
	char cache_name[FAILSLAB_NAME_LEN];
};

/* fail_page_alloc: Linux's attr and filters, and require_gfp as above. */
struct fail_page_alloc_attr {
	struct fault_attr attr;
	bool ignore_gfp_highmem;
	bool ignore_gfp_wait;
	u32 min_order;		/* smaller orders never fail */
	gfp_t require_gfp;
};

extern struct failslab_attr failslab;
extern struct fail_page_alloc_attr fail_page_alloc;
/* Non-zero: the attr may fail calls (the VMM sets it last, clears it first). */
extern int failslab_armed;
extern int fail_page_alloc_armed;

bool should_failslab(struct kmem_cache *s, gfp_t gfp, unsigned long caller);
/* SLAB_FAILSLAB for a new cache named @name if failslab.cache_name says so. */
unsigned long failslab_cache_flags(const char *name);
bool should_fail_alloc_page(gfp_t gfp, unsigned int order,
			    unsigned long caller);

#endif
