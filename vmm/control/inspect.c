// SPDX-License-Identifier: MIT
/*
 * The inspection primitives: the descriptor's checks, reads of the kernel's
 * address space by the VMM's own page walk, bounded list walks.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "guest_str.h"
#include "inspect.h"
#include "pagewalk.h"

#define PAGE_4K		4096ULL

uint64_t insp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void insp_init(struct insp *in, const struct gmem *gm)
{
	memset(in, 0, sizeof(*in));
	in->gm = gm;
	in->problems = json_array();
	in->budget = INSP_READ_BUDGET;
	in->started_ns = insp_now_ns();
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

	if (insp_stop_why(in, why, sizeof(why)))
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

/* ---- The descriptor ------------------------------------------------------ */

/* A scalar field inside a struct of @size bytes. */
static int check_field(struct mv_field f, uint32_t size, const char *name,
		       struct errbuf *e)
{
	if (f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8)
		return errf(e, "mminfo: field %s has size %u (not 1, 2, 4 or 8)",
			    name, f.size);
	if ((uint64_t)f.off + f.size > size)
		return errf(e, "mminfo: field %s [%u+%u) is outside its struct (%u bytes)",
			    name, f.off, f.size, size);
	return 0;
}

/* An array of @n elements of @elem bytes at f.off, inside @size bytes. */
static int check_array(struct mv_field f, uint32_t elem, uint32_t n,
		       uint32_t size, const char *name, struct errbuf *e)
{
	if (!elem || !n || (uint64_t)elem * n != f.size)
		return errf(e, "mminfo: array %s is %u bytes, not %u x %u",
			    name, f.size, n, elem);
	if ((uint64_t)f.off + f.size > size)
		return errf(e, "mminfo: array %s [%u+%u) is outside its struct (%u bytes)",
			    name, f.off, f.size, size);
	return 0;
}

static int check_size(uint32_t size, uint32_t min, uint32_t max,
		      const char *name, struct errbuf *e)
{
	if (size < min || size > max)
		return errf(e, "mminfo: %s is %u bytes (%u..%u allowed)", name,
			    size, min, max);
	return 0;
}

#define F(st, fld)	check_field(l->fld, l->st, #fld, e)

int mminfo_check(const struct mv_mminfo *mi, struct errbuf *e)
{
	const struct mv_mm_layout_alloc *l = &mi->alloc;

	if (mi->magic != MV_MMINFO_MAGIC)
		return errf(e, "mminfo: magic 0x%" PRIx64 ", not MV_MMINFO_MAGIC",
			    mi->magic);
	if (mi->version != MV_MMINFO_VERSION)
		return errf(e, "mminfo: version %u, the VMM knows %u",
			    mi->version, MV_MMINFO_VERSION);
	if (mi->size < sizeof(*mi))
		return errf(e, "mminfo: size %u is less than %zu", mi->size,
			    sizeof(*mi));
	if (l->size != sizeof(*l))
		return errf(e, "mminfo: the allocator's layout table is %u bytes, the VMM's %zu",
			    l->size, sizeof(*l));
	if (mi->page_shift != 12)
		return errf(e, "mminfo: page_shift %u, not 12", mi->page_shift);
	if (mi->kernel_pgd_gpa & (PAGE_4K - 1))
		return errf(e, "mminfo: kernel_pgd_gpa 0x%" PRIx64 " is not page aligned",
			    mi->kernel_pgd_gpa);
	if (check_size(l->sizeof_list_head, 16, 16, "sizeof_list_head", e) ||
	    F(sizeof_list_head, list_next) || F(sizeof_list_head, list_prev) ||
	    l->list_next.size != 8 || l->list_prev.size != 8)
		return e->msg[0] ? -1 : errf(e, "mminfo: list_head pointers are not 8 bytes");
	if (check_size(l->sizeof_page, 16, 4096, "sizeof_page", e) ||
	    l->sizeof_page != mi->sizeof_page ||
	    F(sizeof_page, page_flags) || F(sizeof_page, page_private) ||
	    check_array(l->page_lru, l->sizeof_list_head, 1, l->sizeof_page,
			"page_lru", e))
		return e->msg[0] ? -1 : errf(e, "mminfo: sizeof_page %u disagrees with the layout's %u",
					     mi->sizeof_page, l->sizeof_page);
	if (check_size(l->sizeof_zone, 64, INSP_MAX_STRUCT, "sizeof_zone", e) ||
	    l->sizeof_zone != mi->sizeof_zone ||
	    F(sizeof_zone, zone_name) || F(sizeof_zone, zone_start_pfn) ||
	    F(sizeof_zone, zone_spanned) || F(sizeof_zone, zone_present) ||
	    F(sizeof_zone, zone_managed) || F(sizeof_zone, zone_free_pages) ||
	    F(sizeof_zone, zone_first_deferred_pfn) ||
	    F(sizeof_zone, zone_deferred_pages) ||
	    F(sizeof_zone, zone_lock_next) || F(sizeof_zone, zone_lock_owner))
		return e->msg[0] ? -1 : errf(e, "mminfo: sizeof_zone %u disagrees with the layout's %u",
					     mi->sizeof_zone, l->sizeof_zone);
	if (l->nr_wmark != 3 ||
	    check_array(l->zone_watermark, 8, 3, l->sizeof_zone,
			"zone_watermark", e))
		return e->msg[0] ? -1 : errf(e, "mminfo: %u watermarks, not 3", l->nr_wmark);
	if (l->max_order < 1 || l->max_order > 20)
		return errf(e, "mminfo: max_order %u (1..20 allowed)", l->max_order);
	if (check_size(l->sizeof_free_area, 16, 4096, "sizeof_free_area", e) ||
	    check_array(l->zone_free_area, l->sizeof_free_area, l->max_order,
			l->sizeof_zone, "zone_free_area", e) ||
	    check_array(l->free_area_free_list, l->sizeof_list_head, 1,
			l->sizeof_free_area, "free_area_free_list", e) ||
	    F(sizeof_free_area, free_area_nr_free))
		return -1;
	if (l->nr_pcp < 1 || l->nr_pcp > 4096)
		return errf(e, "mminfo: nr_pcp %u (1..4096 allowed)", l->nr_pcp);
	if (mi->nr_cpus < 1 || mi->nr_cpus > l->nr_pcp)
		return errf(e, "mminfo: nr_cpus %u (1..nr_pcp %u allowed)",
			    mi->nr_cpus, l->nr_pcp);
	if (l->nr_pcp_lists < 1 || l->nr_pcp_lists > l->max_order)
		return errf(e, "mminfo: nr_pcp_lists %u (1..max_order allowed)",
			    l->nr_pcp_lists);
	if (check_size(l->sizeof_pcp, 16, 65536, "sizeof_pcp", e) ||
	    check_array(l->zone_pcp, l->sizeof_pcp, l->nr_pcp, l->sizeof_zone,
			"zone_pcp", e) ||
	    F(sizeof_pcp, pcp_count) || F(sizeof_pcp, pcp_high) ||
	    F(sizeof_pcp, pcp_batch) ||
	    check_array(l->pcp_lists, l->sizeof_list_head, l->nr_pcp_lists,
			l->sizeof_pcp, "pcp_lists", e))
		return -1;
	if (check_size(l->sizeof_memblock, 16, 65536, "sizeof_memblock", e) ||
	    check_size(l->sizeof_memblock_type, 16, 4096, "sizeof_memblock_type", e) ||
	    check_array(l->memblock_memory, l->sizeof_memblock_type, 1,
			l->sizeof_memblock, "memblock_memory", e) ||
	    check_array(l->memblock_reserved, l->sizeof_memblock_type, 1,
			l->sizeof_memblock, "memblock_reserved", e) ||
	    F(sizeof_memblock_type, mbt_cnt) || F(sizeof_memblock_type, mbt_max) ||
	    F(sizeof_memblock_type, mbt_total_size) ||
	    F(sizeof_memblock_type, mbt_regions) ||
	    check_size(l->sizeof_memblock_region, 8, 4096,
		       "sizeof_memblock_region", e) ||
	    F(sizeof_memblock_region, mbr_base) ||
	    F(sizeof_memblock_region, mbr_size) ||
	    F(sizeof_memblock_region, mbr_flags))
		return -1;
	if (mi->nr_zones < 1 || mi->nr_zones > 8)
		return errf(e, "mminfo: nr_zones %u (1..8 allowed)", mi->nr_zones);
	if (mi->max_pfn > (1ULL << (52 - 12)))
		return errf(e, "mminfo: max_pfn 0x%" PRIx64 " is beyond 52-bit physical addresses",
			    mi->max_pfn);
	return 0;
}

#undef F

int insp_open(struct insp *in, const struct gmem *gm, uint64_t mminfo_gpa,
	      struct errbuf *e)
{
	insp_init(in, gm);
	e->msg[0] = '\0';
	if (!mminfo_gpa)
		return errf(e, "the guest has not published its mminfo descriptor (HC_MMINFO)");
	/* Copy, then check the copy: the guest may be changing it. */
	if (gmem_read(gm, mminfo_gpa, &in->mi, sizeof(in->mi)))
		return errf(e, "mminfo: descriptor [0x%" PRIx64 "+0x%zx) is not in guest RAM",
			    mminfo_gpa, sizeof(in->mi));
	if (mminfo_check(&in->mi, e))
		return -1;
	in->cr3 = in->mi.kernel_pgd_gpa;
	return 0;
}

/* ---- Reads ---------------------------------------------------------------- */

static int stop_reading(struct insp *in, enum insp_stop why)
{
	char msg[200];

	in->stop = why;
	in->stopped_ns = insp_now_ns();
	snprintf(in->err, sizeof(in->err), "%s",
		 insp_stop_why(in, msg, sizeof(msg)));
	return -1;
}

/* Past the deadline? The clock is read once per INSP_CLOCK_PAGES pages. */
static bool out_of_time(struct insp *in)
{
	if (!in->deadline_ns || ++in->pages_since_clock < INSP_CLOCK_PAGES)
		return false;
	in->pages_since_clock = 0;
	return insp_now_ns() >= in->deadline_ns;
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
		struct pagewalk w;
		uint64_t off = va & (PAGE_4K - 1);
		size_t n = PAGE_4K - off < len ? PAGE_4K - off : len;

		if (out_of_time(in))
			return stop_reading(in, INSP_STOP_TIME);
		if (pagewalk(in->gm, in->cr3, va, &w)) {
			snprintf(in->err, sizeof(in->err),
				 "0x%" PRIx64 " is not mapped (%s)", va, w.error);
			return -1;
		}
		if (gmem_read(in->gm, w.gpa, d, n)) {
			snprintf(in->err, sizeof(in->err),
				 "0x%" PRIx64 " maps to 0x%" PRIx64 ", not guest RAM",
				 va, w.gpa);
			return -1;
		}
		va += n;
		d += n;
		len -= n;
	}
	return 0;
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

uint64_t insp_field(const void *buf, struct mv_field f)
{
	const uint8_t *p = (const uint8_t *)buf + f.off;
	uint64_t v = 0;

	switch (f.size) {
	case 1: return p[0];
	case 2: { uint16_t x; memcpy(&x, p, 2); return x; }
	case 4: { uint32_t x; memcpy(&x, p, 4); return x; }
	case 8: memcpy(&v, p, 8); return v;
	}
	return 0;
}

/* ---- Lists ---------------------------------------------------------------- */

int insp_list_walk(struct insp *in, uint64_t head_va, unsigned long limit,
		   insp_node_fn fn, void *opaque, struct insp_walk *w)
{
	const struct mv_mm_layout_alloc *l = &in->mi.alloc;
	uint8_t lh[16];
	uint64_t prev = head_va, node, saved = head_va;
	unsigned long power = 1, since = 0;

	memset(w, 0, sizeof(*w));
	if (insp_read(in, head_va, lh, sizeof(lh))) {
		w->broken = true;
		snprintf(w->why, sizeof(w->why), "head unreadable: %s", in->err);
		return -1;
	}
	node = insp_field(lh, l->list_next);
	while (node != head_va) {
		uint64_t back;

		if (w->nodes >= limit) {
			w->truncated = true;
			snprintf(w->why, sizeof(w->why),
				 "more than %lu nodes", limit);
			return -1;
		}
		/* Brent: a node seen at the last power-of-two checkpoint. */
		if (node == saved && w->nodes) {
			w->cycle = true;
			snprintf(w->why, sizeof(w->why),
				 "cycle: node 0x%" PRIx64 " again after %lu nodes, not back at the head",
				 node, w->nodes);
			return -1;
		}
		if (insp_read(in, node, lh, sizeof(lh))) {
			w->broken = true;
			snprintf(w->why, sizeof(w->why),
				 "node %lu unreadable: %s", w->nodes, in->err);
			return -1;
		}
		back = insp_field(lh, l->list_prev);
		if (back != prev && !w->bad_prev) {
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
		node = insp_field(lh, l->list_next);
	}
	return 0;
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
