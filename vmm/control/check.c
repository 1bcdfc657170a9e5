// SPDX-License-Identifier: MIT
/*
 * The check run (check.h): one open inspection, the families of
 * check_families[] called in order over it, the violations they report
 * (the first CHECK_KEPT kept, every one counted) and what they covered.
 * Pure, like the checkers: check_cmds.c finds the quiet point, gives the
 * run its deadline, and makes the answer, the events and the lines. How it
 * knows no CPU is inside an allocator: the guest's allocators change state
 * only under a spinlock (preempt_count raised) or with interrupts off, so
 * with every vCPU parked with RFLAGS.IF set and preempt_count 0, and every
 * allocator lock word free, no update is half done (check_cmds.c's header
 * gives the details; a guest never quiet in 64 tries is not checked).
 *
 * A run's reads are bounded by its deadline (the parked-time budget,
 * CHECK_PARK_NS by default) and by CHECK_READ_BUDGET bytes; a run cut
 * short says so (check_run_incomplete) and the next run starts over from
 * the beginning: no cursor, so what one run covered is always one moment
 * of the guest.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "check.h"

/* A whole mem_map at 4 GiB is 64 MiB; the deadline is the real bound. */
#define CHECK_READ_BUDGET	(1ULL << 30)

/*
 * The families, in check.h's order. h-chk2's check_vmap, check_percpu and
 * check_mempools (their own files) are added below the slabs; h-uaf's
 * checker after them.
 */
const struct check_family check_families[] = {
	{ "zones", check_zones },
	{ "buddy", check_buddy },
	{ "slabs", check_slabs },
	{ "free_pages", check_free_pages },
	{ "free_objects", check_free_objects },
	{ "vmap", check_vmap },
	{ "percpu", check_percpu },
	{ "mempools", check_mempools },
};
const unsigned int check_nr_families =
	sizeof(check_families) / sizeof(check_families[0]);

struct insp *check_insp(struct check_run *run)
{
	return &run->in;
}

const struct ksyms *check_ksyms(const struct check_run *run)
{
	return run->ksyms;
}

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void check_violation(struct check_run *run, const char *structure,
		     uint64_t addr, const char *expected, const char *found,
		     const char *fmt, ...)
{
	struct check_violation v;
	va_list ap;

	memset(&v, 0, sizeof(v));
	copy_text(v.structure, sizeof(v.structure), structure);
	v.addr = addr;
	copy_text(v.expected, sizeof(v.expected), expected);
	copy_text(v.found, sizeof(v.found), found);
	va_start(ap, fmt);
	vsnprintf(v.what, sizeof(v.what), fmt, ap);
	va_end(ap);
	run->nr_violations++;
	if (run->nr_kept < CHECK_KEPT)
		run->kept[run->nr_kept++] = v;
	if (run->on_violation)
		run->on_violation(&v, run->opaque);
}

void check_covered(struct check_run *run, const char *what, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < run->nr_cover; i++)
		if (!strcmp(run->cover[i].what, what))
			break;
	if (i == run->nr_cover) {
		if (i == CHECK_COVER_MAX)
			return;
		run->cover[run->nr_cover++].what = what;
	}
	run->cover[i].n += n;
}

int check_run_open(struct check_run *run, const struct gmem *gm,
		   const struct mm_layout *lay, uint64_t cr3,
		   const struct ksyms *ksyms, uint64_t deadline_ns,
		   struct errbuf *e)
{
	struct insp_bounds b = { .deadline_ns = deadline_ns, .ksyms = ksyms };
	void (*on_violation)(const struct check_violation *, void *) =
		run->on_violation;
	void *opaque = run->opaque;
	struct uaf_watch *uaf = run->uaf;

	memset(run, 0, sizeof(*run));
	run->on_violation = on_violation;
	run->opaque = opaque;
	run->uaf = uaf;
	run->ksyms = ksyms;
	run->direct_map = MV_DIRECT_MAP_BASE;
	if (insp_open(&run->in, gm, lay, cr3, e)) {
		insp_close(&run->in);
		return -1;
	}
	insp_bound(&run->in, &b);
	run->in.budget = CHECK_READ_BUDGET;
	return 0;
}

void check_run_all(struct check_run *run)
{
	for (unsigned int i = 0; i < check_nr_families; i++) {
		if (run->in.stop)
			break;
		check_families[i].fn(run);
	}
}

bool check_run_incomplete(struct check_run *run, char *why, size_t size)
{
	uint64_t us = (run->in.stopped_ns - run->in.started_ns) / 1000;

	switch (run->in.stop) {
	case INSP_STOP_NONE:
		return false;
	case INSP_STOP_TIME:
		snprintf(why, size, "out of time: reading stopped at the check's deadline, %" PRIu64 ".%03" PRIu64 " ms into it (its parked-time budget: --check-budget, budget-ms)",
			 us / 1000, us % 1000);
		return true;
	case INSP_STOP_BYTES:
		snprintf(why, size, "out of read budget: %llu MiB read (the most one check reads)",
			 CHECK_READ_BUDGET >> 20);
		return true;
	case INSP_STOP_UNSET:
		break;
	}
	if (!insp_stop_why(&run->in, why, size))
		copy_text(why, size, "a budget ran out");
	return true;
}

void check_run_close(struct check_run *run)
{
	free(run->zones);
	run->zones = NULL;
	insp_close(&run->in);
}
