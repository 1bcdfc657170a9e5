/* SPDX-License-Identifier: MIT */
/*
 * The allocators' checker (issue 18): invariants verified by the VMM from
 * guest memory alone, the vCPUs parked at a quiet point (check.c says how
 * it knows no CPU is inside an allocator: every vCPU parked with RFLAGS.IF
 * set and its preempt_count 0, or halted, and every allocator lock word
 * free; otherwise the guest runs a little and is parked again).
 *
 * One check run (struct check_run) calls each checker in turn over one
 * open inspection (inspect.h: its reads, its budget and deadline). A
 * checker reads through the existing readers (zone_read.h, slab_cmds.h,
 * vmalloc_cmds.h, percpu_cmds.h) or insp_read*() and reports each broken
 * invariant with check_violation(): which structure, its guest address,
 * what was expected and what was found. A read that fails (unmapped,
 * budget spent) is not a violation: checkers stop on insp_spent() and the
 * run says it was incomplete; coverage, not a false alarm.
 *
 * Checkers are pure (no KVM, no threads, no JSON): unit-tested over a
 * hosted guest's memory (tests/unit/inspect_fake_guest.h), where a test
 * breaks a structure on purpose and asserts the violation reported.
 */
#ifndef VMM_CONTROL_CHECK_H
#define VMM_CONTROL_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "inspect.h"

struct check_run;
struct ksyms;

#define CHECK_STRUCT_MAX	24	/* "zone", "free_area", "slab", ... */
#define CHECK_TEXT_MAX		96	/* expected, found */
#define CHECK_WHAT_MAX		200	/* the sentence */

/* One broken invariant, with its evidence. */
struct check_violation {
	char structure[CHECK_STRUCT_MAX];	/* "zone", "free_area", "pcp",
						 * "page", "slab", "kmem_cache",
						 * "vmap_area", "pcpu_chunk",
						 * "mempool", "free_page",
						 * "free_object" */
	uint64_t addr;		/* the structure's guest address (a pfn's
				 * struct page; for a free page written, the
				 * page's guest-physical address) */
	char expected[CHECK_TEXT_MAX];
	char found[CHECK_TEXT_MAX];
	char what[CHECK_WHAT_MAX];	/* one line: the invariant broken */
};

/* The run's reads: an open inspection over the kernel's address space. */
struct insp *check_insp(struct check_run *run);

/* The kernel image's symbols (callers named), or NULL. */
const struct ksyms *check_ksyms(const struct check_run *run);

/*
 * Reports a broken invariant. @expected and @found are short values
 * ("12", "order 3", "on free list of order 2"); @fmt the sentence. Guest
 * strings in them are escaped by the caller (guest_str.h).
 */
void check_violation(struct check_run *run, const char *structure,
		     uint64_t addr, const char *expected, const char *found,
		     const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * The checkers, each over one family of structures; called in this order
 * by check_run_all(). Each returns when done or when insp_spent().
 */
void check_zones(struct check_run *run);	/* counters, watermarks */
void check_buddy(struct check_run *run);	/* free lists, buddies, owners */
void check_slabs(struct check_run *run);	/* slabs, freelists, caches */
void check_vmap(struct check_run *run);		/* vmap areas, their pages */
void check_percpu(struct check_run *run);	/* per-CPU chunks */
void check_mempools(struct check_run *run);	/* mempools' elements */

#endif
