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
struct uaf_watch;

#define CHECK_STRUCT_MAX	24	/* "zone", "free_area", "slab", ... */
#define CHECK_TEXT_MAX		96	/* expected, found */
#define CHECK_WHAT_MAX		400	/* the sentence (a free page's writer and callers: long) */

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
/*
 * check_zones' map of this run's free frames, one byte a pfn below
 * *@max_pfn, non-zero for a page on a free or per-CPU list (what the free
 * lists' walk found: check_free_pages' free set, with no second walk);
 * NULL when check_zones did not make it.
 */
const uint8_t *check_free_map(const struct check_run *run, uint64_t *max_pfn);
/* free pages written since the last run (check_uaf.h; needs run->uaf) */
void check_free_pages(struct check_run *run);
/* free objects of poisoned caches still poisoned (check_poison.c) */
void check_free_objects(struct check_run *run);

/*
 * What a checker covered, by name ("zones", "slabs", "vmap_areas"): @n
 * added to the count of @what (at most CHECK_COVER_MAX names a run).
 */
#define CHECK_COVER_MAX		24
void check_covered(struct check_run *run, const char *what, uint64_t n);

/* ---- The run (check.c), for its callers (check_cmds.c, the tests) ---- */

#define CHECK_KEPT		64	/* violations kept; all are counted */
/* The longest a full check keeps the vCPUs parked, by default. */
#define CHECK_PARK_NS		200000000ULL

typedef void (*check_fn)(struct check_run *run);

/*
 * The families a run checks, in order: check.c's table (the one place a
 * new checker is listed).
 */
struct check_family {
	const char *name;
	check_fn fn;
};
extern const struct check_family check_families[];
extern const unsigned int check_nr_families;

struct check_cover {
	const char *what;
	uint64_t n;
};

struct check_run {
	struct insp in;			/* open from check_run_open() on */
	const struct ksyms *ksyms;
	struct check_violation kept[CHECK_KEPT];
	unsigned int nr_kept;
	unsigned long nr_violations;	/* including those not kept */
	struct check_cover cover[CHECK_COVER_MAX];
	unsigned int nr_cover;
	/* each violation as it is found (a vmm line), or NULL */
	void (*on_violation)(const struct check_violation *v, void *opaque);
	void *opaque;
	void *zones;			/* check_zone.c's, for check_buddy */
	/*
	 * What check_free_pages keeps from run to run (check_uaf.h), kept
	 * by check_run_open like on_violation; NULL: not watched.
	 */
	struct uaf_watch *uaf;
	/* the direct map's base: MV_DIRECT_MAP_BASE (a hosted test's own) */
	uint64_t direct_map;
};

/*
 * Opens the run's inspection from @cr3 through @lay, reading until
 * @deadline_ns (0: none): 0, or -1 with @e set (the run closed).
 */
int check_run_open(struct check_run *run, const struct gmem *gm,
		   const struct mm_layout *lay, uint64_t cr3,
		   const struct ksyms *ksyms, uint64_t deadline_ns,
		   struct errbuf *e);
/* Calls every family of check_families[] in order, while budget lasts. */
void check_run_all(struct check_run *run);
/* Did a budget (time, bytes) or a root not set up cut the run short? */
bool check_run_incomplete(struct check_run *run, char *why, size_t size);
void check_run_close(struct check_run *run);

#endif
