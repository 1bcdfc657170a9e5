// SPDX-License-Identifier: MIT
/*
 * query-percpu (see percpu_cmds.h):
 *
 *   {"unit_size", "nr_units", "static_size", "min_alloc_size",
 *    "static_start", "nr_chunks", "nr_max_chunks", "nr_alloc",
 *    "nr_dealloc", "nr_cur_alloc", "nr_max_alloc", "min_alloc_size_seen",
 *    "max_alloc_size_seen", "nr_failed",
 *    "units": [{"cpu", "offset", "base"}],
 *    "chunks": [{"addr", "base", "first", "start_offset", "used_bytes",
 *                "free_bytes", "contig_bytes", "nr_alloc", "first_free",
 *                "max_alloc_size"}],
 *    "inconsistencies": [...]}
 *
 * The reads and the inconsistencies are inspect.h's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/mminfo.h>

#include "inspect.h"
#include "inspect_query.h"
#include "pagewalk.h"
#include "percpu_cmds.h"

#define PAGE_SZ		4096ULL
#define MAX_UNITS	1024	/* the guest's nr_units, sanity bound */
#define MAX_COPY	4096	/* bytes of pcpu_info or a chunk, at most */

/* Reads the info at @va through the image's layout; 0 or -1 (r->err). */
static int read_info(struct insp *r, uint64_t va, struct percpu_info *pi)
{
	const struct mm_layout *lay = r->lay;
	uint8_t c[MAX_COPY];
	uint32_t n = lay->percpu_info.size;

	memset(pi, 0, sizeof(*pi));
	if (n > sizeof(c)) {
		snprintf(r->err, sizeof(r->err), "struct mv_percpu_info is %u bytes", n);
		return -1;
	}
	if (insp_read(r, va, c, n))
		return -1;
#define F(f)	pi->f = field_get(c, n, lay->percpu_info.f)
	F(magic); F(static_start); F(per_cpu_offset); F(chunks); F(version);
	F(unit_size); F(nr_units); F(static_size); F(min_alloc_size);
	F(nr_chunks); F(nr_max_chunks); F(nr_alloc); F(nr_dealloc);
	F(nr_cur_alloc); F(nr_max_alloc); F(min_alloc_size_seen);
	F(max_alloc_size_seen); F(nr_failed);
#undef F
	return 0;
}

int percpu_read_info(struct insp *r, struct percpu_info *pi, struct errbuf *e)
{
	const struct mm_layout *lay = r->lay;

	if (read_info(r, lay->root.percpu, pi))
		return errf(e, "percpu info at 0x%" PRIx64 ": %s", lay->root.percpu, r->err);
	if (!pi->magic)		/* its static value: before percpu init */
		return errf(e, "the guest has not set up its per-CPU areas yet");
	if (pi->magic != MV_PERCPU_MAGIC || pi->version != MV_PERCPU_VERSION ||
	    !pi->unit_size || pi->unit_size % PAGE_SZ || !pi->nr_units ||
	    pi->nr_units > MAX_UNITS)
		return errf(e, "percpu info at 0x%" PRIx64 ": magic 0x%" PRIx64 ", version %u, unit %u x %u: not one this VMM reads",
			    lay->root.percpu, pi->magic, pi->version, pi->unit_size, pi->nr_units);
	if (lay->percpu_chunk.size > MAX_COPY)
		return errf(e, "kernel image: struct mv_percpu_chunk is %u bytes, over %u",
			    lay->percpu_chunk.size, MAX_COPY);
	return 0;
}

void percpu_read_units(struct insp *r, struct percpu_info *pi,
		       percpu_unit_fn fn, void *arg)
{
	/* Each CPU's offset: its unit of chunk 0 is static_start + offset. */
	for (unsigned int cpu = 0; cpu < pi->nr_units; cpu++) {
		uint64_t at = pi->per_cpu_offset + (uint64_t)8 * cpu, off;

		if (insp_read(r, at, &off, sizeof(off))) {
			insp_problem(r, "__per_cpu_offset[%u] at 0x%" PRIx64 " is not mapped",
				     cpu, at);
			return;
		}
		if (!cpu) {
			pi->cpu0_offset = off;
			pi->have_cpu0_offset = true;
		}
		fn(&(struct percpu_unit){ cpu, off, pi->static_start + off }, arg);
	}
}

/* The chunk at @va, from its copy @c. */
static void chunk_of(struct insp *r, const struct percpu_info *pi,
		     const uint8_t *c, uint64_t va, unsigned int index,
		     struct percpu_chunk *pc)
{
	const struct mm_layout *lay = r->lay;
	uint32_t n = lay->percpu_chunk.size;

	pc->addr = va;
	pc->index = index;
#define F(f)	pc->f = field_get(c, n, lay->percpu_chunk.f)
	F(magic); F(next); F(base); F(flags); F(start_offset); F(free_bytes);
	F(contig_bytes); F(nr_alloc); F(first_free); F(max_alloc_size);
#undef F
	pc->first = pc->flags & MV_PERCPU_CHUNK_FIRST;
	pc->used_bytes = pc->free_bytes <= pi->unit_size ?
			 pi->unit_size - pc->free_bytes : 0;
}

/* What a listed chunk says against itself and the unit. */
static void check_chunk(struct insp *r, const struct percpu_info *pi,
			const struct percpu_chunk *c)
{
	uint32_t unit = pi->unit_size;
	unsigned int index = c->index;
	uint64_t va = c->addr;

	if (c->magic != MV_PERCPU_CHUNK_MAGIC)
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": magic 0x%" PRIx64, index, va, c->magic);
	if (c->start_offset > unit || c->free_bytes > unit - c->start_offset)
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": start_offset %u + free_bytes %u exceed the unit (%u)",
		       index, va, c->start_offset, c->free_bytes, unit);
	if (c->contig_bytes > unit)
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": contig_bytes %u exceed the unit (%u)",
		       index, va, c->contig_bytes, unit);
	if (c->base & (PAGE_SZ - 1))
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": base 0x%" PRIx64 " is not page aligned",
		       index, va, c->base);
	if (c->first != (index == 0))
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": first-chunk flag %s",
		       index, va, index ? "set on a later chunk" : "missing");
}

/* A walk of the chunk list (insp_walk_list()'s, NULL-ended). */
struct chunk_walk {
	uint8_t copy[MAX_COPY];
	const struct percpu_info *pi;
	struct insp_pager *pager;
	unsigned int n;		/* chunks seen */
	uint64_t live;		/* their nr_alloc */
	percpu_chunk_fn fn;
	void *arg;
};

static bool walk_chunk(struct insp *r, uint64_t va, void *opaque)
{
	struct chunk_walk *cw = opaque;
	const struct percpu_info *pi = cw->pi;
	struct percpu_chunk c;

	chunk_of(r, pi, cw->copy, va, cw->n++, &c);
	if (c.index == 0 && pi->have_cpu0_offset &&
	    c.base != pi->static_start + pi->cpu0_offset)
		insp_problem(r, "chunk 0 base 0x%" PRIx64 " is not CPU 0's unit", c.base);
	cw->live += c.nr_alloc;
	if (insp_pager_place(cw->pager, va) == INSP_PAGE_IN) {
		check_chunk(r, pi, &c);
		cw->fn(&c, cw->arg);
	}
	return true;
}

void percpu_read_chunks(struct insp *r, const struct percpu_info *pi,
			struct insp_pager *pager, percpu_chunk_fn fn, void *arg)
{
	struct chunk_walk cw = { .pi = pi, .pager = pager, .fn = fn, .arg = arg };
	struct insp_list l = {
		.end = INSP_LIST_NULL, .head = pi->chunks,
		.limit = PERCPU_MAX_CHUNKS, .next = r->lay->percpu_chunk.next,
		.copy_size = r->lay->percpu_chunk.size, .copy = cw.copy,
	};
	struct insp_walk w;

	if (insp_walk_list(r, &l, walk_chunk, &cw, &w)) {
		if (w.truncated)
			insp_problem(r, "chunk list: more than %d chunks, walk stopped", PERCPU_MAX_CHUNKS);
		else if (w.cycle)
			insp_problem(r, "chunk list: a cycle back to 0x%" PRIx64 " after %lu chunks",
				     w.at, w.nodes);
		else
			insp_problem(r, "chunk %lu at 0x%" PRIx64 " is not mapped in guest RAM",
				     w.nodes, w.at);
	}
	if (cw.n != pi->nr_chunks)
		insp_problem(r, "nr_chunks says %u, the list holds %u", pi->nr_chunks, cw.n);
	if (cw.live != pi->nr_cur_alloc)
		insp_problem(r, "nr_cur_alloc says %" PRIu64 ", the chunks hold %" PRIu64,
		       (uint64_t)pi->nr_cur_alloc, cw.live);
}

/* ---- the edge: JSON ------------------------------------------------------ */

static json_t *info_json(const struct percpu_info *pi)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"unit_size", (json_int_t)pi->unit_size,
			"nr_units", (json_int_t)pi->nr_units,
			"static_size", (json_int_t)pi->static_size,
			"min_alloc_size", (json_int_t)pi->min_alloc_size,
			"static_start", qmp_addr(pi->static_start),
			"nr_chunks", (json_int_t)pi->nr_chunks,
			"nr_max_chunks", (json_int_t)pi->nr_max_chunks,
			"nr_alloc", (json_int_t)pi->nr_alloc,
			"nr_dealloc", (json_int_t)pi->nr_dealloc,
			"nr_cur_alloc", (json_int_t)pi->nr_cur_alloc,
			"nr_max_alloc", (json_int_t)pi->nr_max_alloc,
			"min_alloc_size_seen", (json_int_t)pi->min_alloc_size_seen,
			"max_alloc_size_seen", (json_int_t)pi->max_alloc_size_seen,
			"nr_failed", (json_int_t)pi->nr_failed);
}

static void append_unit(const struct percpu_unit *u, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:o, s:o}",
			      "cpu", (json_int_t)u->cpu, "offset", qmp_addr(u->offset),
			      "base", qmp_addr(u->base)));
}

static void append_chunk(const struct percpu_chunk *c, void *arg)
{
	json_array_append_new(arg,
		json_pack("{s:o, s:o, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			  "addr", qmp_addr(c->addr), "base", qmp_addr(c->base),
			  "first", c->first,
			  "start_offset", (json_int_t)c->start_offset,
			  "used_bytes", (json_int_t)c->used_bytes,
			  "free_bytes", (json_int_t)c->free_bytes,
			  "contig_bytes", (json_int_t)c->contig_bytes,
			  "nr_alloc", (json_int_t)c->nr_alloc,
			  "first_free", (json_int_t)c->first_free,
			  "max_alloc_size", (json_int_t)c->max_alloc_size));
}

json_t *percpu_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, const struct insp_bounds *b,
		    struct errbuf *e)
{
	struct insp_pager pager;	/* key: the chunk's address */
	struct percpu_info pi;
	struct insp r;
	json_t *ret, *units, *chunks;

	if (insp_open(&r, gm, lay, cr3, e))
		goto fail;
	insp_bound(&r, b);
	if (percpu_read_info(&r, &pi, e))
		goto fail;
	insp_pager_init(&pager, b, PERCPU_PAGE_CHUNKS, false);
	ret = info_json(&pi);
	units = json_array();
	percpu_read_units(&r, &pi, append_unit, units);
	json_object_set_new(ret, "units", units);
	chunks = json_array();
	percpu_read_chunks(&r, &pi, &pager, append_chunk, chunks);
	insp_pager_end(&r, &pager, ret);
	json_object_set_new(ret, "chunks", chunks);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
fail:
	insp_close(&r);
	return NULL;
}

json_t *cmd_query_percpu(struct qmp_ctx *ctx, json_t *args,
			 struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, PERCPU_PAGE_CHUNKS, &page, err))
		return NULL;
	return insp_query_reader_retry(ctx, "query-percpu", INSP_QUERY_ATTEMPTS,
				       percpu_read, &page, err);
}
