// SPDX-License-Identifier: MIT
/*
 * The inspection primitives: opening over the image's layout, the roots'
 * values, reads of the kernel's address space by the VMM's own page walk,
 * bounded list walks.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "guest_str.h"
#include "inspect.h"
#include "pagewalk.h"

#define PAGE_4K		4096ULL

void insp_init(struct insp *in, const struct gmem *gm)
{
	memset(in, 0, sizeof(*in));
	in->gm = gm;
	in->problems = json_array();
	in->budget = INSP_READ_BUDGET;
	in->started_ns = monotonic_ns();
}

void insp_bound(struct insp *in, const struct insp_bounds *b)
{
	in->deadline_ns = b ? b->deadline_ns : 0;
}

const char *insp_stop_why(const struct insp *in, char *buf, size_t size)
{
	uint64_t us = (in->stopped_ns - in->started_ns) / 1000;

	switch (in->stop) {
	case INSP_STOP_TIME:
		snprintf(buf, size, "out of time: reading stopped after %" PRIu64 ".%03" PRIu64 " ms, at the deadline (the vCPUs stay parked at most %llu ms per query)",
			 us / 1000, us % 1000, INSP_QUERY_PARK_NS / 1000000);
		return buf;
	case INSP_STOP_BYTES:
		snprintf(buf, size, "out of read budget: %lu MiB read (the most one inspection reads)",
			 INSP_READ_BUDGET >> 20);
		return buf;
	case INSP_STOP_UNSET:
		snprintf(buf, size, "not set up yet: the guest has not set up %s (still its static value)",
			 in->unset);
		return buf;
	case INSP_STOP_NONE:
		break;
	}
	return NULL;
}

void insp_mark_incomplete(const struct insp *in, json_t *ans)
{
	char why[200];

	if (insp_stop_why(in, why, sizeof(why)))
		json_object_set_new(ans, "incomplete", json_string(why));
}

json_t *insp_take_problems(struct insp *in)
{
	json_t *p = in->problems;
	char why[200];

	/* a spent budget is named; a root not set up yet is no problem */
	if (in->stop != INSP_STOP_UNSET && insp_stop_why(in, why, sizeof(why)))
		json_array_insert_new(p, 0, json_sprintf("incomplete: %s", why));
	if (in->nr_problems > INSP_MAX_PROBLEMS)
		json_array_append_new(p, json_sprintf("... and %lu more",
				      in->nr_problems - INSP_MAX_PROBLEMS));
	in->problems = json_array();
	in->nr_problems = 0;
	return p;
}

void insp_close(struct insp *in)
{
	json_decref(in->problems);
	in->problems = NULL;
}

void insp_problem(struct insp *in, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (in->stop || in->nr_problems++ >= INSP_MAX_PROBLEMS)
		return;	/* after a stop: its consequence, said once */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(in->problems, json_string(msg));
}

static int stop_reading(struct insp *in, enum insp_stop why)
{
	char msg[200];

	in->stop = why;
	in->stopped_ns = monotonic_ns();
	snprintf(in->err, sizeof(in->err), "%s",
		 insp_stop_why(in, msg, sizeof(msg)));
	return -1;
}

/* ---- Opening, and the roots -------------------------------------------- */

int insp_open(struct insp *in, const struct gmem *gm,
	      const struct mm_layout *lay, uint64_t cr3, struct errbuf *e)
{
	insp_init(in, gm);
	e->msg[0] = '\0';
	if (!lay || !lay->present)
		return errf(e, "%s", lay ? lay->absent_why :
			    "the kernel image's layout was not read");
	if (lay->page.size > INSP_PAGE_STRUCT_MAX)
		return errf(e, "kernel image: struct page is %u bytes, more than the inspector's %u",
			    lay->page.size, INSP_PAGE_STRUCT_MAX);
	in->lay = lay;
	in->cr3 = cr3;
	return 0;
}

int insp_unset(struct insp *in, const char *name)
{
	in->unset = name;
	return stop_reading(in, INSP_STOP_UNSET);
}

int insp_read_u64(struct insp *in, uint64_t va, uint64_t *v)
{
	return insp_read(in, va, v, sizeof(*v));
}

int insp_read_u32(struct insp *in, uint64_t va, uint32_t *v)
{
	return insp_read(in, va, v, sizeof(*v));
}

/* Frames of guest RAM: the highest gpa gmem maps, in pages. */
uint64_t insp_ram_pfns(const struct gmem *gm)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < gm->nr; i++)
		if (gm->r[i].gpa + gm->r[i].size > end)
			end = gm->r[i].gpa + gm->r[i].size;
	return end / PAGE_4K;
}

int insp_read_field(struct insp *in, uint64_t struct_va, struct field f,
		    uint64_t *v)
{
	uint8_t buf[8];

	*v = 0;
	if (f.size > sizeof(buf)) {
		snprintf(in->err, sizeof(in->err),
			 "a field of %u bytes is not a scalar", f.size);
		return -1;
	}
	if (insp_read(in, struct_va + f.off, buf, f.size))
		return -1;
	*v = field_get(buf, f.size, (struct field){ 0, f.size });
	return 0;
}

int insp_mem_map(struct insp *in, uint64_t *mem_map, uint64_t *max_pfn)
{
	const struct mm_layout *lay = in->lay;

	if (in->have_mem_map) {
		*mem_map = in->mem_map;
		*max_pfn = in->max_pfn;
		return 0;
	}
	if (insp_read_u64(in, lay->root.mem_map, mem_map) ||
	    insp_read_u64(in, lay->root.max_pfn, max_pfn))
		return -1;
	if (!*mem_map || !*max_pfn)
		return insp_unset(in, *mem_map ? "max_pfn" : "mem_map");
	if (*max_pfn > insp_ram_pfns(in->gm)) {
		snprintf(in->err, sizeof(in->err),
			 "max_pfn 0x%" PRIx64 " is beyond guest RAM (0x%" PRIx64 " frames)",
			 *max_pfn, insp_ram_pfns(in->gm));
		return -1;
	}
	in->have_mem_map = true;
	in->mem_map = *mem_map;
	in->max_pfn = *max_pfn;
	return 0;
}

int insp_nr_cpus(struct insp *in, uint32_t *nr)
{
	uint32_t slots = in->lay->zone.pcp.count;

	if (insp_read_u32(in, in->lay->root.nr_cpu_ids, nr))
		return -1;
	if (!*nr)
		return insp_unset(in, "nr_cpu_ids");
	if (*nr > slots) {
		insp_problem(in, "nr_cpu_ids %u is more than the zones' %u per-CPU slots (NR_CPUS): reading %u",
			     *nr, slots, slots);
		*nr = slots;
	}
	return 0;
}

/* ---- Reads ---------------------------------------------------------------- */

/* Past the deadline? The clock is read once per INSP_CLOCK_PAGES pages. */
static bool out_of_time(struct insp *in)
{
	if (!in->deadline_ns || ++in->pages_since_clock < INSP_CLOCK_PAGES)
		return false;
	in->pages_since_clock = 0;
	return monotonic_ns() >= in->deadline_ns;
}

bool insp_spent(struct insp *in)
{
	if (in->stop)
		return true;
	if (out_of_time(in))
		stop_reading(in, INSP_STOP_TIME);
	return in->stop;
}

bool insp_spent_now(struct insp *in)
{
	if (in->deadline_ns)
		in->pages_since_clock = INSP_CLOCK_PAGES;
	return insp_spent(in);
}

/* [va, va+n) within one page, from guest memory into @buf or (@write) back. */
static int copy_page_part(struct insp *in, uint64_t va, void *buf, size_t n,
			  bool write)
{
	struct pagewalk w;

	if (pagewalk(in->gm, in->cr3, va, &w)) {
		snprintf(in->err, sizeof(in->err),
			 "0x%" PRIx64 " is not mapped (%s)", va, w.error);
		return -1;
	}
	if (write ? gmem_write(in->gm, w.gpa, buf, n) :
		    gmem_read(in->gm, w.gpa, buf, n)) {
		snprintf(in->err, sizeof(in->err),
			 "0x%" PRIx64 " maps to 0x%" PRIx64 ", not guest RAM",
			 va, w.gpa);
		return -1;
	}
	return 0;
}

int insp_read(struct insp *in, uint64_t va, void *dst, size_t len)
{
	uint8_t *d = dst;

	if (in->stop)
		return -1;	/* in->err says which budget */
	if (len > in->budget)
		return stop_reading(in, INSP_STOP_BYTES);
	if (len && va + len - 1 < va) {
		snprintf(in->err, sizeof(in->err),
			 "[0x%" PRIx64 "+0x%zx) wraps around the address space",
			 va, len);
		return -1;
	}
	in->budget -= len;
	while (len) {
		uint64_t off = va & (PAGE_4K - 1);
		size_t n = PAGE_4K - off < len ? PAGE_4K - off : len;

		if (out_of_time(in))
			return stop_reading(in, INSP_STOP_TIME);
		if (copy_page_part(in, va, d, n, false))
			return -1;
		va += n;
		d += n;
		len -= n;
	}
	return 0;
}

int insp_write(struct insp *in, uint64_t va, const void *src, size_t len)
{
	if (in->stop)
		return -1;
	if (!len || len > 8 || (va & (PAGE_4K - 1)) + len > PAGE_4K) {
		snprintf(in->err, sizeof(in->err),
			 "a write of %zu bytes at 0x%" PRIx64 " is not one word in one page",
			 len, va);
		return -1;
	}
	return copy_page_part(in, va, (void *)src, len, true);
}

/* The guest's bytes of a C string, at most @max - 1 of them, terminated. */
static int read_raw_str(struct insp *in, uint64_t va, char *dst, size_t max)
{
	size_t got = 0;

	dst[0] = '\0';
	while (got + 1 < max) {
		size_t n = PAGE_4K - (va & (PAGE_4K - 1));

		if (n > max - 1 - got)
			n = max - 1 - got;
		if (insp_read(in, va, dst + got, n)) {
			dst[got] = '\0';
			return -1;
		}
		dst[got + n] = '\0';
		if (strlen(dst + got) < n)
			return 0;
		got += n;
		va += n;
	}
	dst[max - 1] = '\0';
	return 0;
}

int insp_read_str(struct insp *in, uint64_t va, char *dst, size_t max)
{
	char raw[INSP_STR_MAX];
	size_t bad;

	if (max > sizeof(raw))
		max = sizeof(raw);
	if (read_raw_str(in, va, raw, max)) {
		dst[0] = '\0';
		return -1;
	}
	bad = guest_str_escape(dst, max, raw, strlen(raw));
	if (bad)
		insp_problem(in, "string at 0x%" PRIx64 ": not UTF-8, %zu byte%s shown as \\xHH: \"%s\"",
			     va, bad, bad == 1 ? "" : "s", dst);
	return 0;
}

/* ---- Lists ---------------------------------------------------------------- */

/* The node's links, read from @c (@len bytes, the node @shift in). */
static void node_links(const struct insp *in, const struct insp_list *l,
		       const void *c, size_t len, uint32_t shift,
		       uint64_t *next, uint64_t *prev)
{
	const struct mm_layout *lay = in->lay;
	struct field n = l->end == INSP_LIST_NULL ? l->next : lay->list_head.next;
	struct field p = lay->list_head.prev;

	*next = field_get(c, len, (struct field){ n.off + shift, n.size });
	*prev = l->end == INSP_LIST_NULL ? 0 :
		field_get(c, len, (struct field){ p.off + shift, p.size });
}

/* Reads the node at @node, into l->copy if asked, and its links. */
static int read_node(struct insp *in, const struct insp_list *l, uint64_t node,
		     uint64_t *next, uint64_t *prev)
{
	uint8_t lh[16];

	if (l->copy_size) {
		if (insp_read(in, node - l->copy_off, l->copy, l->copy_size))
			return -1;
		node_links(in, l, l->copy, l->copy_size, l->copy_off, next, prev);
		return 0;
	}
	if (l->end == INSP_LIST_NULL) {
		*prev = 0;
		return insp_read_field(in, node, l->next, next);
	}
	if (insp_read(in, node, lh, sizeof(lh)))
		return -1;
	node_links(in, l, lh, sizeof(lh), 0, next, prev);
	return 0;
}

/* The first node: the head's next, or the head itself; -1 if unreadable. */
static int first_node(struct insp *in, const struct insp_list *l,
		      uint64_t *node, struct insp_walk *w)
{
	if (l->end == INSP_LIST_NULL) {
		*node = l->head;
		return 0;
	}
	if (!insp_read_field(in, l->head, in->lay->list_head.next, node))
		return 0;
	w->broken = true;
	w->at = l->head;
	snprintf(w->why, sizeof(w->why), "head unreadable: %s", in->err);
	return -1;
}

/* Ends the walk at @node for the reason @fmt says: -1. */
static int walk_ended(struct insp_walk *w, bool *what, uint64_t node,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int walk_ended(struct insp_walk *w, bool *what, uint64_t node,
		      const char *fmt, ...)
{
	va_list ap;

	*what = true;
	w->at = node;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
	return -1;
}

int insp_walk_list(struct insp *in, const struct insp_list *l,
		   insp_node_fn fn, void *opaque, struct insp_walk *w)
{
	bool circular = l->end == INSP_LIST_CIRCULAR;
	uint64_t end = circular ? l->head : 0, prev = l->head, saved = end;
	uint64_t node, next, back;
	unsigned long power = 1, since = 0;

	memset(w, 0, sizeof(*w));
	if (first_node(in, l, &node, w))
		return -1;
	while (node != end) {
		if (w->nodes >= l->limit)
			return walk_ended(w, &w->truncated, node,
					  "more than %lu nodes", l->limit);
		/* Brent: a node seen at the last power-of-two checkpoint. */
		if (node == saved && w->nodes)
			return walk_ended(w, &w->cycle, node,
					  "cycle: node 0x%" PRIx64 " again after %lu nodes, not %s",
					  node, w->nodes,
					  circular ? "back at the head" : "ending at NULL");
		if (read_node(in, l, node, &next, &back))
			return walk_ended(w, &w->broken, node,
					  "node %lu unreadable: %s", w->nodes, in->err);
		if (circular && back != prev && !w->bad_prev) {
			/* Noted; the walk goes on (the limit and Brent end it). */
			w->bad_prev = true;
			snprintf(w->prev_why, sizeof(w->prev_why),
				 "node %lu (0x%" PRIx64 ") has prev 0x%" PRIx64 ", not 0x%" PRIx64,
				 w->nodes, node, back, prev);
		}
		w->nodes++;
		if (fn && !fn(in, node, opaque))
			return 0;
		if (++since == power) {
			saved = node;
			power *= 2;
			since = 0;
		}
		prev = node;
		node = next;
	}
	return 0;
}

int insp_list_walk(struct insp *in, uint64_t head_va, unsigned long limit,
		   insp_node_fn fn, void *opaque, struct insp_walk *w)
{
	struct insp_list l = {
		.end = INSP_LIST_CIRCULAR, .head = head_va, .limit = limit,
	};

	return insp_walk_list(in, &l, fn, opaque, w);
}

/* ---- Pages of a long list ------------------------------------------------ */

void insp_pager_init(struct insp_pager *pg, const struct insp_bounds *b,
		     unsigned int page_max, bool sorted)
{
	memset(pg, 0, sizeof(*pg));
	if (b)
		pg->b = *b;
	if (!pg->b.page_max || pg->b.page_max > page_max)
		pg->b.page_max = page_max;
	pg->sorted = sorted;
}

enum insp_page_place insp_pager_place(struct insp_pager *pg, uint64_t key)
{
	if (pg->b.has_start_after && !pg->passed) {
		if (pg->sorted ? key <= pg->b.start_after :
				 key != pg->b.start_after)
			return INSP_PAGE_BEFORE;
		pg->passed = true;
		if (!pg->sorted)
			return INSP_PAGE_BEFORE;	/* the cursor's own */
	}
	if (pg->listed < pg->b.page_max) {
		pg->listed++;
		return INSP_PAGE_IN;
	}
	pg->skipped++;
	return INSP_PAGE_AFTER;
}

void insp_pager_end(struct insp *in, const struct insp_pager *pg, json_t *ans)
{
	if (pg->b.has_start_after && !pg->sorted && !pg->passed && !in->stop)
		insp_problem(in, "start-after 0x%" PRIx64 ": no such entry on the list (gone since the page before?)",
			     pg->b.start_after);
	/*
	 * Cut short after some entries, the rest is unknown: the answer is
	 * truncated there, so that the next query (a budget of its own) goes
	 * on from its last entry.
	 */
	bool more = pg->skipped || (in->stop && pg->listed);

	insp_mark_incomplete(in, ans);
	json_object_set_new(ans, "truncated", json_boolean(more));
	if (!more)
		return;
	json_object_set_new(ans, "skipped", json_integer((json_int_t)pg->skipped));
	if (in->stop)
		json_object_set_new(ans, "skipped_at_least", json_true());
}
