// SPDX-License-Identifier: MIT
/* Writes to free pages, caught from outside (check_uaf.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_uaf.h"
#include "ksyms.h"
#include "mm_layout.h"

#define HIST_MAX	64	/* bytes of a struct page_owner_hist read */

void uaf_watch_init(struct uaf_watch *w)
{
	memset(w, 0, sizeof(*w));
}

void uaf_watch_release(struct uaf_watch *w)
{
	free(w->was_free);
	free(w->wp_pfns);
	uaf_watch_init(w);
}

static void set_bits(uint64_t *bits, uint64_t first, uint64_t n)
{
	for (uint64_t p = first; p < first + n; p++)
		bits[p / 64] |= 1ULL << (p % 64);
}

static bool test_bit64(const uint64_t *bits, uint64_t p)
{
	return bits[p / 64] >> (p % 64) & 1;
}

/* ---- The free pages, from the lists ------------------------------------ */

struct free_walk {
	uint64_t mem_map, max_pfn;
	uint64_t *free;			/* max_pfn bits */
	uint64_t flag;			/* PG_buddy or PG_pcp, as a mask */
	unsigned int order;
	uint64_t pages;
};

/*
 * A node of a free list: marks its block free when its struct page says
 * so (the flag, the list's order, aligned, below max_pfn). Anything else is
 * check_buddy's to name; here it is only not watched.
 */
static bool mark_block(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct free_walk *fw = opaque;
	uint8_t page[INSP_PAGE_STRUCT_MAX];
	uint64_t va = node - l->page.lru.off, off = va - fw->mem_map, pfn;
	uint64_t n = 1ULL << fw->order;

	if (va < fw->mem_map || off % l->page.size)
		return true;
	pfn = off / l->page.size;
	if (pfn >= fw->max_pfn || n > fw->max_pfn - pfn || (pfn & (n - 1)) ||
	    insp_read(in, va, page, l->page.size))
		return true;
	if (!(field_get(page, l->page.size, l->page.flags) & fw->flag) ||
	    field_get(page, l->page.size, l->page.private_) != fw->order)
		return true;
	set_bits(fw->free, pfn, n);
	fw->pages += n;
	return true;
}

static void walk_free_list(struct insp *in, struct free_walk *fw,
			   uint64_t head, uint64_t flag, unsigned int order)
{
	struct insp_walk w;

	fw->flag = flag;
	fw->order = order;
	/* A broken list leaves pages unwatched, never wrongly watched. */
	insp_list_walk(in, head, fw->max_pfn + 1, mark_block, fw, &w);
}

static void walk_zone(struct insp *in, struct free_walk *fw, uint64_t zva,
		      uint32_t nr_cpus)
{
	const struct mm_layout *l = in->lay;
	uint64_t buddy = 1ULL << l->pg.buddy, pcp = 1ULL << l->pg.pcp;

	for (uint32_t o = 0; o < l->zone.free_area.count && o < 64; o++)
		walk_free_list(in, fw, zva + field_elem(l->zone.free_area, o).off +
			       l->free_area.free_list.off, buddy, o);
	for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
		uint64_t pva = zva + field_elem(l->zone.pcp, cpu).off;

		for (uint32_t o = 0; o < l->pcp.lists.count && o < 64; o++)
			walk_free_list(in, fw, pva + field_elem(l->pcp.lists, o).off,
				       pcp, o);
	}
}

/* Every page on a free list now into @fw->free: 0, or -1 (noted). */
static int read_free_pages(struct insp *in, struct free_walk *fw,
			   uint32_t *nr_cpus)
{
	const struct mm_layout *l = in->lay;

	if (insp_mem_map(in, &fw->mem_map, &fw->max_pfn) ||
	    insp_nr_cpus(in, nr_cpus))
		return -1;
	fw->free = calloc(fw->max_pfn / 64 + 1, sizeof(uint64_t));
	if (!fw->free) {
		insp_problem(in, "free pages: out of memory");
		return -1;
	}
	for (uint32_t z = 0; z < l->root.nr_zones; z++)
		walk_zone(in, fw, l->root.zones + (uint64_t)z * l->zone.size,
			  *nr_cpus);
	return 0;
}

/* ---- The guest's page history -------------------------------------------- */

struct hist_rec {
	uint32_t alloc_ip, free_ip, seq, jiffies;
	uint16_t cpu, order;
};

struct hist_view {
	uint64_t base;			/* the array: page_owner_hist's value */
	uint32_t size;
};

static int read_hist(struct insp *in, const struct hist_view *h, uint64_t pfn,
		     struct hist_rec *r)
{
	const struct mm_layout *l = in->lay;
	uint8_t buf[HIST_MAX];

	if (h->size > sizeof(buf) ||
	    insp_read(in, h->base + pfn * h->size, buf, h->size))
		return -1;
	r->alloc_ip = (uint32_t)field_get(buf, h->size, l->hist.alloc_ip);
	r->free_ip = (uint32_t)field_get(buf, h->size, l->hist.free_ip);
	r->seq = (uint32_t)field_get(buf, h->size, l->hist.seq);
	r->jiffies = (uint32_t)field_get(buf, h->size, l->hist.jiffies);
	r->cpu = (uint16_t)field_get(buf, h->size, l->hist.cpu);
	r->order = (uint16_t)field_get(buf, h->size, l->hist.order);
	return 0;
}

/* Each CPU's allocation clock now: 0, or -1 (noted). */
static int read_clocks(struct insp *in, uint32_t nr_cpus, uint32_t *clock)
{
	const struct mm_layout *l = in->lay;

	for (uint32_t cpu = 0; cpu < nr_cpus && cpu < UAF_MAX_CPUS; cpu++) {
		uint64_t v;

		if (insp_read_field(in, l->hist.clock + (uint64_t)cpu *
				    l->hist.clock_size, l->hist.clock_seq, &v)) {
			insp_problem(in, "page_owner_clock[%u]: %s", cpu, in->err);
			return -1;
		}
		clock[cpu] = (uint32_t)v;
	}
	return 0;
}

/* Stamped after the previous run: its CPU's clock has passed that run's. */
static bool stamped_since(const struct uaf_watch *w, const struct hist_rec *r)
{
	if (r->cpu >= w->nr_cpus)
		return true;	/* a CPU we know no clock of: assume so */
	return (int32_t)(r->seq - w->clock[r->cpu]) > 0;
}

/*
 * Was @pfn possibly allocated since the previous run? Any block holding it
 * has its head at @pfn rounded down to its order; a later allocation at
 * that head overwrites the record, with a later stamp still. So a stamp
 * since the previous run at any such head says "maybe", and none says
 * "no". Meanwhile, the last allocation that held it (the newest record
 * that covers it) goes to @owner.
 */
static bool allocated_since(const struct uaf_watch *w, struct insp *in,
			    const struct hist_view *h, uint64_t pfn,
			    struct uaf_report *owner)
{
	uint32_t newest = 0;
	bool found = false;

	for (unsigned int k = 0; k < in->lay->zone.free_area.count && k < 64; k++) {
		uint64_t head = pfn & ~((1ULL << k) - 1);
		struct hist_rec r;

		if (k && head == (pfn & ~((1ULL << (k - 1)) - 1)))
			continue;	/* the same head as the order below */
		if (read_hist(in, h, head, &r))
			return true;	/* unreadable: do not accuse */
		if (stamped_since(w, &r))
			return true;
		if (!r.alloc_ip || r.order >= 64 || pfn - head >= (1ULL << r.order))
			continue;
		if (found && (int32_t)(r.jiffies - newest) <= 0)
			continue;	/* the nearer head wins a tie */
		found = true;
		newest = r.jiffies;
		owner->alloc_caller = in->lay->root.page_owner_base + r.alloc_ip;
		owner->free_caller = r.free_ip ?
			in->lay->root.page_owner_base + r.free_ip : 0;
		owner->order = r.order;
	}
	return false;
}

/* ---- The run -------------------------------------------------------------- */

static const struct uaf_writer *writer_of(const struct uaf_watch *w,
					  uint64_t pfn)
{
	for (unsigned int i = 0; i < w->nr_writers; i++)
		if (w->writers[i].pfn == pfn)
			return &w->writers[i];
	return NULL;
}

static void compare(struct uaf_watch *w, struct insp *in,
		    const struct hist_view *h, const struct free_walk *fw,
		    const uint64_t *dirty, uint64_t dirty_pfns,
		    uaf_report_fn fn, void *opaque, struct uaf_stats *st)
{
	uint64_t pfns = fw->max_pfn < w->nr_pfns ? fw->max_pfn : w->nr_pfns;

	st->checked = true;
	if (dirty_pfns < pfns)
		pfns = dirty_pfns;
	for (uint64_t p = 0; p < pfns && !insp_spent(in); p++) {
		uint64_t both = w->was_free[p / 64] & fw->free[p / 64];
		struct uaf_report r = { .pfn = p };

		if (!(p % 64) && !both) {
			p += 63;
			continue;
		}
		if (!test_bit64(w->was_free, p) || !test_bit64(fw->free, p))
			continue;
		st->watched++;
		/* a write the VMM completed for its writer is not in KVM's log */
		r.writer = writer_of(w, p);
		if (!test_bit64(dirty, p) && !r.writer)
			continue;
		st->written++;
		if (allocated_since(w, in, h, p, &r)) {
			st->reallocated++;
			continue;
		}
		if (st->reported++ < UAF_MAX_REPORTS)
			fn(&r, opaque);
	}
}

/* ---- The pages write-protected (--watch-free-pages) ---------------------- */

struct freed_block {
	uint64_t head;
	uint32_t jiffies;		/* of its allocation: the newest first */
	unsigned int order;
};

struct sample {
	struct freed_block *blocks;	/* the newest freed blocks */
	unsigned int nr_blocks, max;
	uint64_t *pfns;
	unsigned int nr;
	uint64_t *taken;		/* max_pfn bits */
};

static bool newer(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Keeps the @s->max newest blocks, in no order. */
static void keep_block(struct sample *s, const struct freed_block *b)
{
	unsigned int oldest = 0;

	if (s->nr_blocks < s->max) {
		s->blocks[s->nr_blocks++] = *b;
		return;
	}
	for (unsigned int i = 1; i < s->nr_blocks; i++)
		if (newer(s->blocks[oldest].jiffies, s->blocks[i].jiffies))
			oldest = i;
	if (newer(b->jiffies, s->blocks[oldest].jiffies))
		s->blocks[oldest] = *b;
}

/*
 * The blocks freed (a history record with its free's caller) whose head
 * is free now, 64 records a read: each free page's own record, the ones
 * at block heads say allocated then, and freed.
 */
static void find_freed(struct insp *in, const struct hist_view *h,
		       const struct free_walk *fw, struct sample *s)
{
	const struct mm_layout *l = in->lay;
	uint8_t buf[64 * HIST_MAX];

	if (h->size > HIST_MAX)
		return;
	for (uint64_t w = 0; w <= fw->max_pfn / 64 && !insp_spent(in); w++) {
		uint64_t n = fw->max_pfn - w * 64 < 64 ? fw->max_pfn - w * 64 : 64;

		if (!fw->free[w] || !n ||
		    insp_read(in, h->base + w * 64 * h->size, buf, n * h->size))
			continue;
		for (uint64_t i = 0; i < n; i++) {
			const uint8_t *rec = buf + i * h->size;
			struct freed_block b = { .head = w * 64 + i };

			if (!(fw->free[w] >> i & 1) ||
			    !field_get(rec, h->size, l->hist.free_ip) ||
			    !field_get(rec, h->size, l->hist.alloc_ip))
				continue;
			b.jiffies = (uint32_t)field_get(rec, h->size, l->hist.jiffies);
			b.order = (unsigned int)field_get(rec, h->size, l->hist.order);
			if (b.order < 64)
				keep_block(s, &b);
		}
	}
}

static int cmp_newest(const void *a, const void *b)
{
	const struct freed_block *x = a, *y = b;

	return newer(y->jiffies, x->jiffies) - newer(x->jiffies, y->jiffies);
}

/*
 * Each block's free pages from its head, from @from to below @to of it:
 * with @from 0 the first UAF_RUN_HEAD of every block (so each block freed
 * has some watched), then the rest.
 */
static void take_pages(const struct free_walk *fw, struct sample *s,
		       uint64_t from, uint64_t to)
{
	for (unsigned int i = 0; i < s->nr_blocks && s->nr < s->max; i++) {
		const struct freed_block *b = &s->blocks[i];

		for (uint64_t k = from; k < to && k < 1ULL << b->order &&
		     s->nr < s->max; k++) {
			uint64_t p = b->head + k;

			if (p >= fw->max_pfn || !test_bit64(fw->free, p) ||
			    test_bit64(s->taken, p))
				continue;
			set_bits(s->taken, p, 1);
			s->pfns[s->nr++] = p;
		}
	}
}

/* This run's sample into w->wp_pfns: the pages freed most recently. */
static void choose_sample(struct uaf_watch *w, struct insp *in,
			  const struct hist_view *h, const struct free_walk *fw)
{
	struct sample s = { .max = w->wp_max };

	if (!w->wp_max)
		return;
	s.blocks = calloc(s.max, sizeof(*s.blocks));
	s.pfns = calloc(s.max, sizeof(*s.pfns));
	s.taken = calloc(fw->max_pfn / 64 + 1, sizeof(uint64_t));
	if (s.blocks && s.pfns && s.taken) {
		find_freed(in, h, fw, &s);
		qsort(s.blocks, s.nr_blocks, sizeof(*s.blocks), cmp_newest);
		take_pages(fw, &s, 0, UAF_RUN_HEAD);
		take_pages(fw, &s, UAF_RUN_HEAD, UINT64_MAX);
	}
	free(s.blocks);
	free(s.taken);
	free(w->wp_pfns);
	w->wp_pfns = s.pfns;
	w->wp_nr = s.nr;
}

/* This run's free pages and clocks become the ones the next compares to. */
static void remember(struct uaf_watch *w, struct free_walk *fw,
		     const uint32_t *clock, uint32_t nr_cpus, bool primed)
{
	free(w->was_free);
	w->was_free = fw->free;
	fw->free = NULL;
	w->nr_pfns = fw->max_pfn;
	w->nr_cpus = nr_cpus < UAF_MAX_CPUS ? nr_cpus : UAF_MAX_CPUS;
	memcpy(w->clock, clock, sizeof(w->clock));
	w->primed = primed;
}

/* @fw's free pages from a map of bytes, as check_free_map() gives it. */
static int free_pages_of_map(struct insp *in, struct free_walk *fw,
			     const uint8_t *map, uint64_t map_pfns,
			     uint32_t *nr_cpus)
{
	if (insp_mem_map(in, &fw->mem_map, &fw->max_pfn) ||
	    insp_nr_cpus(in, nr_cpus))
		return -1;
	if (map_pfns < fw->max_pfn)
		fw->max_pfn = map_pfns;
	fw->free = calloc(fw->max_pfn / 64 + 1, sizeof(uint64_t));
	if (!fw->free) {
		insp_problem(in, "free pages: out of memory");
		return -1;
	}
	for (uint64_t p = 0; p < fw->max_pfn; p++)
		if (map[p]) {
			fw->free[p / 64] |= 1ULL << (p % 64);
			fw->pages++;
		}
	return 0;
}

static int check_with(struct uaf_watch *w, struct insp *in,
		      const uint8_t *map, uint64_t map_pfns,
		      const uint64_t *dirty, uint64_t dirty_pfns,
		      uaf_report_fn fn, void *opaque, struct uaf_stats *st)
{
	struct free_walk fw = { 0 };
	struct hist_view h = { 0 };
	uint32_t clock[UAF_MAX_CPUS] = { 0 }, nr_cpus = 0;
	uint64_t base;

	memset(st, 0, sizeof(*st));
	w->primed = w->primed && dirty;
	if (!in->lay->hist.present) {
		insp_problem(in, "free pages: the image keeps no page history (page_owner_hist)");
		goto fail;
	}
	if (insp_read_u64(in, in->lay->hist.hist, &base) || !base) {
		insp_problem(in, "free pages: page_owner_hist is not readable or not set up");
		goto fail;
	}
	h = (struct hist_view){ .base = base, .size = in->lay->hist.size };
	if ((map ? free_pages_of_map(in, &fw, map, map_pfns, &nr_cpus) :
		   read_free_pages(in, &fw, &nr_cpus)) ||
	    read_clocks(in, nr_cpus, clock) || insp_spent(in))
		goto fail;
	st->free_pages = fw.pages;
	if (w->primed)
		compare(w, in, &h, &fw, dirty, dirty_pfns, fn, opaque, st);
	choose_sample(w, in, &h, &fw);
	/* Cut short, this run's set is a subset: still sound to compare to. */
	remember(w, &fw, clock, nr_cpus, dirty != NULL);
	return 0;
fail:
	free(fw.free);
	w->primed = false;
	w->wp_nr = 0;		/* which pages are free is not known now */
	return -1;
}

int uaf_check_free_pages(struct uaf_watch *w, struct insp *in,
			 const uint64_t *dirty, uint64_t dirty_pfns,
			 uaf_report_fn fn, void *opaque, struct uaf_stats *st)
{
	return check_with(w, in, NULL, 0, dirty, dirty_pfns, fn, opaque, st);
}

/* ---- The checker of check.h ------------------------------------------------ */

static void name_caller(const struct ksyms *ks, uint64_t caller, char *out,
			size_t size)
{
	if (!caller)
		snprintf(out, size, "unknown");
	else if (!ks || ksyms_format(ks, caller, out, size))
		snprintf(out, size, "0x%" PRIx64, caller);
}

/* "; written by cpu N at f+0x8/0x10 (...), called from g+0x1f/0x140 < ..." */
static void name_writer(const struct ksyms *ks, const struct uaf_writer *w,
			char *out, size_t size)
{
	char sym[KSYM_FORMAT_MAX];
	size_t n;

	name_caller(ks, w->rip, sym, sizeof(sym));
	n = (size_t)snprintf(out, size, "; written by cpu %u at %s (rip 0x%" PRIx64 ", after the writing instruction)",
			     w->cpu, sym, w->rip);
	for (unsigned int i = 0, named = 0; i < UAF_WRITER_CALLERS && n < size; i++) {
		if (!w->callers[i] || !ks ||
		    ksyms_format(ks, w->callers[i], sym, sizeof(sym)))
			continue;
		n += (size_t)snprintf(out + n, size - n, "%s%s",
				      named++ ? " < " : ", called from ", sym);
	}
}

static void report_page(const struct uaf_report *r, void *opaque)
{
	struct check_run *run = opaque;
	const struct ksyms *ks = check_ksyms(run);
	char alloc[KSYM_FORMAT_MAX], freer[KSYM_FORMAT_MAX], found[CHECK_TEXT_MAX];

	name_caller(ks, r->alloc_caller, alloc, sizeof(alloc));
	name_caller(ks, r->free_caller, freer, sizeof(freer));
	char by[4 * KSYM_FORMAT_MAX + 128] = "";

	if (r->writer)
		name_writer(ks, r->writer, by, sizeof(by));
	snprintf(found, sizeof(found), "written; allocated by %.*s",
		 (int)(sizeof(found) - 24), alloc);
	check_violation(run, "free_page", r->pfn << 12, "unwritten while free",
			found, "free page 0x%" PRIx64 " written after its free; last allocated by %s (order %u), freed by %s%s",
			r->pfn << 12, alloc, r->order, freer, by);
}

void check_free_pages(struct check_run *run)
{
	struct uaf_watch *w = run->uaf;
	const uint64_t *dirty = NULL;
	const uint8_t *map;
	uint64_t pfns = 0, map_pfns = 0;
	struct uaf_stats st;

	if (!w)
		return;
	if (w->take_dirty)
		dirty = w->take_dirty(w->take_opaque, &pfns);
	if (w->wp_take)
		w->wp_take(w->take_opaque, w);
	/* check_zones walked the lists this run: its map, not a second walk */
	map = check_free_map(run, &map_pfns);
	if (check_with(w, check_insp(run), map, map_pfns, dirty, pfns,
		       report_page, run, &st)) {
		w->nr_writers = 0;
		return;
	}
	w->nr_writers = 0;
	if (w->wp_protect)
		w->wp_protect(w->take_opaque, w);
	check_covered(run, "free pages", st.free_pages);
	if (st.checked)
		check_covered(run, "free pages watched", st.watched);
}
