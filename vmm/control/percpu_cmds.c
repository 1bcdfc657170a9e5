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

/* What the reader uses of the guest's struct mv_percpu_info. */
struct pcpu_info {
	uint64_t magic, static_start, per_cpu_offset, chunks;
	uint32_t version, unit_size, nr_units, static_size, min_alloc_size;
	uint32_t nr_chunks, nr_max_chunks;
	uint64_t nr_alloc, nr_dealloc, nr_cur_alloc, nr_max_alloc;
	uint64_t min_alloc_size_seen, max_alloc_size_seen, nr_failed;
};

/* ... and of a struct mv_percpu_chunk. */
struct pcpu_chunk {
	uint64_t magic, next, base;
	uint32_t flags, start_offset, free_bytes, contig_bytes, nr_alloc;
	uint32_t first_free, max_alloc_size;
};

/* Reads the info at @va through the image's layout; 0 or -1 (r->err). */
static int read_info(struct insp *r, uint64_t va, struct pcpu_info *pi)
{
	const struct mm_layout *lay = r->lay;
	uint8_t c[MAX_COPY];
	uint32_t n = lay->percpu_info.size;

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

static int read_chunk_at(struct insp *r, uint64_t va, struct pcpu_chunk *pc)
{
	const struct mm_layout *lay = r->lay;
	uint8_t c[MAX_COPY];
	uint32_t n = lay->percpu_chunk.size;

	if (n > sizeof(c) || insp_read(r, va, c, n))
		return -1;
#define F(f)	pc->f = field_get(c, n, lay->percpu_chunk.f)
	F(magic); F(next); F(base); F(flags); F(start_offset); F(free_bytes);
	F(contig_bytes); F(nr_alloc); F(first_free); F(max_alloc_size);
#undef F
	return 0;
}

static json_t *read_chunk(struct insp *r, const struct pcpu_info *pi,
			  uint64_t va, const struct pcpu_chunk *c,
			  unsigned int index)
{
	uint32_t unit = pi->unit_size;
	uint64_t used;

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
	if (!!(c->flags & MV_PERCPU_CHUNK_FIRST) != (index == 0))
		insp_problem(r, "chunk %u at 0x%" PRIx64 ": first-chunk flag %s",
		       index, va, index ? "set on a later chunk" : "missing");
	used = c->free_bytes <= unit ? unit - c->free_bytes : 0;
	return json_pack("{s:o, s:o, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "addr", qmp_addr(va), "base", qmp_addr(c->base),
			 "first", !!(c->flags & MV_PERCPU_CHUNK_FIRST),
			 "start_offset", (json_int_t)c->start_offset,
			 "used_bytes", (json_int_t)used,
			 "free_bytes", (json_int_t)c->free_bytes,
			 "contig_bytes", (json_int_t)c->contig_bytes,
			 "nr_alloc", (json_int_t)c->nr_alloc,
			 "first_free", (json_int_t)c->first_free,
			 "max_alloc_size", (json_int_t)c->max_alloc_size);
}

json_t *percpu_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, const struct insp_bounds *b,
		    struct errbuf *e)
{
	struct insp_pager pager;	/* key: the chunk's address */
	struct insp r;
	struct pcpu_info pi;
	json_t *ret, *chunks, *units;
	uint64_t va, *seen, off0 = 0;
	bool have_off0 = false;
	unsigned int n = 0;
	uint64_t live = 0;

	if (insp_open(&r, gm, lay, cr3, e)) {
		insp_close(&r);
		return NULL;
	}
	insp_bound(&r, b);
	insp_pager_init(&pager, b, PERCPU_PAGE_CHUNKS, false);
	if (read_info(&r, lay->root.percpu, &pi)) {
		errf(e, "percpu info at 0x%" PRIx64 ": %s", lay->root.percpu, r.err);
		insp_close(&r);
		return NULL;
	}
	if (!pi.magic) {	/* its static value: before percpu init */
		insp_close(&r);
		errf(e, "the guest has not set up its per-CPU areas yet");
		return NULL;
	}
	if (pi.magic != MV_PERCPU_MAGIC || pi.version != MV_PERCPU_VERSION ||
	    !pi.unit_size || pi.unit_size % PAGE_SZ || !pi.nr_units ||
	    pi.nr_units > MAX_UNITS) {
		insp_close(&r);
		errf(e, "percpu info at 0x%" PRIx64 ": magic 0x%" PRIx64 ", version %u, unit %u x %u: not one this VMM reads",
		     lay->root.percpu, pi.magic, pi.version, pi.unit_size, pi.nr_units);
		return NULL;
	}

	ret = json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"unit_size", (json_int_t)pi.unit_size,
			"nr_units", (json_int_t)pi.nr_units,
			"static_size", (json_int_t)pi.static_size,
			"min_alloc_size", (json_int_t)pi.min_alloc_size,
			"static_start", qmp_addr(pi.static_start),
			"nr_chunks", (json_int_t)pi.nr_chunks,
			"nr_max_chunks", (json_int_t)pi.nr_max_chunks,
			"nr_alloc", (json_int_t)pi.nr_alloc,
			"nr_dealloc", (json_int_t)pi.nr_dealloc,
			"nr_cur_alloc", (json_int_t)pi.nr_cur_alloc,
			"nr_max_alloc", (json_int_t)pi.nr_max_alloc,
			"min_alloc_size_seen", (json_int_t)pi.min_alloc_size_seen,
			"max_alloc_size_seen", (json_int_t)pi.max_alloc_size_seen,
			"nr_failed", (json_int_t)pi.nr_failed);

	/* Each CPU's offset: its unit of chunk 0 is static_start + offset. */
	units = json_array();
	for (unsigned int cpu = 0; cpu < pi.nr_units; cpu++) {
		uint64_t off;

		if (insp_read(&r, pi.per_cpu_offset + (uint64_t)8 * cpu, &off, sizeof(off))) {
			insp_problem(&r, "__per_cpu_offset[%u] at 0x%" PRIx64 " is not mapped",
			       cpu, pi.per_cpu_offset + (uint64_t)8 * cpu);
			break;
		}
		if (!cpu) {
			off0 = off;
			have_off0 = true;
		}
		json_array_append_new(units, json_pack("{s:I, s:o, s:o}",
			"cpu", (json_int_t)cpu, "offset", qmp_addr(off),
			"base", qmp_addr(pi.static_start + off)));
	}
	json_object_set_new(ret, "units", units);

	chunks = json_array();
	seen = calloc(PERCPU_MAX_CHUNKS, sizeof(*seen));
	for (va = pi.chunks; va && seen; n++) {
		struct pcpu_chunk c;
		bool loop = false;

		if (n == PERCPU_MAX_CHUNKS) {
			insp_problem(&r, "chunk list: more than %d chunks, walk stopped", PERCPU_MAX_CHUNKS);
			break;
		}
		for (unsigned int i = 0; i < n; i++)
			loop |= seen[i] == va;
		if (loop) {
			insp_problem(&r, "chunk list: a cycle back to 0x%" PRIx64 " after %u chunks", va, n);
			break;
		}
		seen[n] = va;
		if (read_chunk_at(&r, va, &c)) {
			insp_problem(&r, "chunk %u at 0x%" PRIx64 " is not mapped in guest RAM", n, va);
			break;
		}
		if (n == 0 && have_off0 && c.base != pi.static_start + off0)
			insp_problem(&r, "chunk 0 base 0x%" PRIx64 " is not CPU 0's unit", c.base);
		live += c.nr_alloc;
		if (insp_pager_place(&pager, va) == INSP_PAGE_IN)
			json_array_append_new(chunks, read_chunk(&r, &pi, va, &c, n));
		va = c.next;
	}
	free(seen);
	insp_pager_end(&r, &pager, ret);
	if (n != pi.nr_chunks)
		insp_problem(&r, "nr_chunks says %u, the list holds %u", pi.nr_chunks, n);
	if (live != pi.nr_cur_alloc)
		insp_problem(&r, "nr_cur_alloc says %" PRIu64 ", the chunks hold %" PRIu64,
		       (uint64_t)pi.nr_cur_alloc, live);
	json_object_set_new(ret, "chunks", chunks);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

json_t *cmd_query_percpu(struct qmp_ctx *ctx, json_t *args,
			 struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, PERCPU_PAGE_CHUNKS, &page, err))
		return NULL;
	return insp_query_reader(ctx, "query-percpu", percpu_read, &page, err);
}
