/* SPDX-License-Identifier: MIT */
/*
 * Writes to free pages, caught from outside (issue 18, item 2). Each check
 * run, with the vCPUs parked at a quiet point, reads which pages are free
 * (on a buddy free list or a per-CPU list, by the VMM's own walk) and the
 * guest's per-CPU allocation clocks (<linux/page_owner.h>). A page free at
 * the previous run and now, that no allocation covered in between (no
 * block head that could hold it has a history record stamped after the
 * previous run's clocks) and that KVM's dirty log saw written in between,
 * was written after its free: reported with the last allocation's and the
 * free's callers.
 *
 * Why an honest guest is never reported: the buddy allocator keeps its
 * links in struct page (mem_map, memblock-reserved), never in the page,
 * and poisons nothing; a page leaves the lists only through an allocation,
 * which stamps its block's head before the allocator returns; and the
 * parks are quiet points, so no allocation is half done at either run.
 * Pages not initialised yet (deferred) are on no list: never watched. The
 * VMM's own writes (a device's DMA) are not in KVM's log.
 *
 * Pure (no KVM, no locks): the dirty bits come from the caller
 * (core/dirty.h, taken in the same park as the run), so the unit tests
 * drive it over a hosted guest.
 */
#ifndef VMM_CONTROL_CHECK_UAF_H
#define VMM_CONTROL_CHECK_UAF_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect.h"

#define UAF_MAX_CPUS		64	/* allocation clocks kept */
#define UAF_MAX_REPORTS		16	/* pages reported per run; more counted */
#define UAF_MAX_WRITERS		64	/* writers caught between two runs, kept */
#define UAF_RUN_HEAD		8	/* pages first taken of each run of new frees */

/* A write caught on a write-protected free page (--watch-free-pages). */
#define UAF_WRITER_CALLERS	3

struct uaf_writer {
	uint64_t pfn;
	uint64_t rip;			/* after the writing instruction */
	/*
	 * The word at the stack's top (the caller of a leaf such as memset,
	 * which pushes no frame), then the frame-pointer chain's return
	 * addresses; 0: none. Only those the symbols name are shown.
	 */
	uint64_t callers[UAF_WRITER_CALLERS];
	unsigned int cpu;
};

/* What is kept between runs: the free pages and the clocks at the last. */
struct uaf_watch {
	uint64_t nr_pfns;		/* bits in was_free */
	uint64_t *was_free;
	uint32_t clock[UAF_MAX_CPUS];
	uint32_t nr_cpus;
	bool primed;			/* was_free and clock are a run's */
	/*
	 * The pages the guest wrote since the last take (core/dirty.h's
	 * bitmap, its pfns in *@nr_pfns), taken in the run's park; NULL when
	 * it could not be had. Set by whoever runs the checks (check_cmds.c);
	 * NULL: no dirty log, nothing compared.
	 */
	const uint64_t *(*take_dirty)(void *opaque, uint64_t *nr_pfns);
	void *take_opaque;
	/*
	 * --watch-free-pages: the run's sample, up to @wp_max pfns (0: off),
	 * the most recently freed first; the caller protects it after the run
	 * and fills @writers with the writes caught on it before the next.
	 */
	unsigned int wp_max, wp_nr;
	uint64_t *wp_pfns;
	struct uaf_writer writers[UAF_MAX_WRITERS];
	unsigned int nr_writers;
	/* Parked, before the run: lift the protection, fill @writers. */
	void (*wp_take)(void *opaque, struct uaf_watch *w);
	/* Parked, after it: protect @wp_pfns. */
	void (*wp_protect)(void *opaque, const struct uaf_watch *w);
};

/* One page written after its free. */
struct uaf_report {
	uint64_t pfn;
	uint64_t alloc_caller;		/* the last allocation's; 0: unknown */
	uint64_t free_caller;		/* who freed it; 0: unknown */
	unsigned int order;		/* the block that allocation was */
	const struct uaf_writer *writer;	/* caught writing it; NULL: not */
};

struct uaf_stats {
	uint64_t free_pages;		/* free now, by the walk */
	uint64_t watched;		/* free at both runs */
	uint64_t written;		/* of those, in the dirty log */
	uint64_t reallocated;		/* of those, allocated in between */
	uint64_t reported;		/* written after the free */
	bool checked;			/* compared against a previous run */
};

typedef void (*uaf_report_fn)(const struct uaf_report *r, void *opaque);

void uaf_watch_init(struct uaf_watch *w);
void uaf_watch_release(struct uaf_watch *w);

/*
 * One run over @in (the vCPUs parked at a quiet point). @dirty: the pages
 * the guest wrote since the previous run (core/dirty.h's bitmap over
 * @dirty_pfns pfns), taken in this park; NULL when it could not be had
 * (then nothing is compared and the next run only starts again). Each page
 * written after its free goes to @fn (at most UAF_MAX_REPORTS; stats count
 * all). 0; -1 when the image has no page history or the free pages could
 * not be read (noted in @in): the next run starts again. (check_free_pages
 * takes the free pages from check_zones' walk of the same run instead of
 * walking the lists a second time: check_free_map().)
 */
int uaf_check_free_pages(struct uaf_watch *w, struct insp *in,
			 const uint64_t *dirty, uint64_t dirty_pfns,
			 uaf_report_fn fn, void *opaque, struct uaf_stats *st);


struct vm;
/*
 * The VMM's watch over @vm (check_uaf_vm.c), its dirty bits from the VM's
 * dirty log: what check_cmds.c gives a run (run->uaf) when free pages are
 * watched. The first take opens the log's client (logging starts).
 */
struct uaf_watch *uaf_watch_of_vm(struct vm *vm);

/*
 * --watch-free-pages N (check_uaf_vm.c): from now on, each run write-
 * protects up to @n free pages, when this KVM names the page a faulting
 * write hit (else one notice line, and nothing is protected); a write to
 * one reaches vm->write_fault. Called before the vCPUs start.
 */
void uaf_vm_watch_writes(struct vm *vm, unsigned int n);
/* Its cost, one line at exit (with check_periodic_stop's). */
void uaf_vm_watch_summary(void);


#endif
