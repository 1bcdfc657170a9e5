// SPDX-License-Identifier: MIT
/*
 * check_percpu() (check.h): each per-CPU chunk's counters against its
 * allocation map, and the chunks' sums against pcpu_info, from guest
 * memory alone. The guest's chunk (mm/percpu.c's struct pcpu_chunk, its
 * struct mv_percpu_chunk first) keeps an allocation bitmap, a bit per
 * min_alloc_size bytes of a unit (1: in use, the static part included),
 * and a boundary bitmap (1: an area starts or ends there):
 *
 *   - free_bytes is the map's clear bits, in bytes;
 *   - nr_alloc is the areas: bits set in both maps (a live area's start);
 *   - first_free: every bit below it is set;
 *   - contig_bytes bounds the longest run of clear bits from above (the
 *     guest lowers it only on a failed fit, so it may exceed the run);
 *   - the list holds nr_chunks chunks, their nr_alloc add up to
 *     nr_cur_alloc, which is nr_alloc - nr_dealloc and at most
 *     nr_max_alloc; nr_chunks is at most nr_max_chunks.
 * The chunks are walked by percpu_cmds.c's reader (bounded, cycles
 * caught); a map that cannot be read is no verdict.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "inspect.h"
#include "percpu_cmds.h"

#define MAX_MAP_LONGS	4096	/* 256 Ki bits: a unit of 1 MiB at 4 bytes a bit */

/* What one chunk's maps say. */
struct map_count {
	uint64_t clear_bits, areas, first_clear, longest_run;
};

struct pcpu_check {
	struct check_run *run;
	const struct percpu_info *pi;
	uint64_t maps[2][MAX_MAP_LONGS];	/* alloc_map, bound_map */
	uint32_t nr_bits;
	uint64_t chunks, live;
	bool stopped;
};

static bool bit_of(const uint64_t *map, uint32_t bit)
{
	return map[bit / 64] >> (bit % 64) & 1;
}

static void count_map(const struct pcpu_check *pc, struct map_count *mc)
{
	const uint64_t *alloc = pc->maps[0], *bound = pc->maps[1];
	uint64_t run = 0;

	*mc = (struct map_count){ .first_clear = pc->nr_bits };
	for (uint32_t bit = 0; bit < pc->nr_bits; bit++) {
		if (bit_of(alloc, bit)) {
			mc->areas += bit_of(bound, bit);
			run = 0;
			continue;
		}
		if (!mc->clear_bits++)
			mc->first_clear = bit;
		if (++run > mc->longest_run)
			mc->longest_run = run;
	}
}

static void chunk_violation(struct pcpu_check *pc, const struct percpu_chunk *c,
			    const char *field, uint64_t expected, uint64_t found,
			    const char *rule)
{
	char e[CHECK_TEXT_MAX], f[CHECK_TEXT_MAX];

	snprintf(e, sizeof(e), "%s %" PRIu64, field, expected);
	snprintf(f, sizeof(f), "%s %" PRIu64, field, found);
	check_violation(pc->run, "pcpu_chunk", c->addr, e, f,
			"chunk %u of the list: %s", c->index, rule);
}

/* Reads map @which of the chunk at @addr: 0, or -1 (no verdict). */
static int read_map(struct insp *in, struct pcpu_check *pc, uint64_t addr,
		    struct field_array map, unsigned int which)
{
	uint32_t longs = (pc->nr_bits + 63) / 64;

	return insp_read(in, addr + map.off, pc->maps[which], (size_t)longs * 8);
}

static void check_chunk_map(const struct percpu_chunk *c, void *arg)
{
	struct pcpu_check *pc = arg;
	struct insp *in = check_insp(pc->run);
	const struct mm_layout *lay = in->lay;
	uint32_t min = pc->pi->min_alloc_size;
	struct map_count mc;

	pc->chunks++;
	pc->live += c->nr_alloc;
	if (pc->stopped || (pc->stopped = insp_spent(in)) || !pc->nr_bits)
		return;
	if (read_map(in, pc, c->addr, lay->pcpu_chunk.alloc_map, 0) ||
	    read_map(in, pc, c->addr, lay->pcpu_chunk.bound_map, 1))
		return;
	count_map(pc, &mc);
	if (mc.clear_bits * min != c->free_bytes)
		chunk_violation(pc, c, "free_bytes", mc.clear_bits * min, c->free_bytes,
				"free_bytes is not the allocation map's clear bits");
	if (mc.areas != c->nr_alloc)
		chunk_violation(pc, c, "nr_alloc", mc.areas, c->nr_alloc,
				"nr_alloc is not the areas the maps hold");
	if (c->first_free > mc.first_clear * min)
		chunk_violation(pc, c, "first_free", mc.first_clear * min, c->first_free,
				"first_free is past a free byte (at most the first one)");
	if (c->contig_bytes < mc.longest_run * min)
		chunk_violation(pc, c, "contig_bytes", mc.longest_run * min, c->contig_bytes,
				"contig_bytes is below the longest free run (at least it)");
}

static void info_violation(struct check_run *run, uint64_t addr,
			   const char *expected_fmt, uint64_t expected,
			   const char *found_fmt, uint64_t found, const char *rule)
{
	char e[CHECK_TEXT_MAX], f[CHECK_TEXT_MAX];

	snprintf(e, sizeof(e), expected_fmt, expected);
	snprintf(f, sizeof(f), found_fmt, found);
	check_violation(run, "pcpu_chunk", addr, e, f, "pcpu_info: %s", rule);
}

/* The chunks' sums and pcpu_info's own counters. */
static void check_sums(struct check_run *run, const struct percpu_info *pi,
		       const struct pcpu_check *pc, uint64_t at)
{
	if (pc->chunks != pi->nr_chunks)
		info_violation(run, at, "%" PRIu64 " chunks", pc->chunks,
			       "nr_chunks %" PRIu64, pi->nr_chunks,
			       "nr_chunks does not count the chunk list");
	if (pc->live != pi->nr_cur_alloc)
		info_violation(run, at, "nr_cur_alloc %" PRIu64, pc->live,
			       "nr_cur_alloc %" PRIu64, pi->nr_cur_alloc,
			       "nr_cur_alloc is not the chunks' nr_alloc summed");
	if (pi->nr_alloc - pi->nr_dealloc != pi->nr_cur_alloc)
		info_violation(run, at, "nr_cur_alloc %" PRIu64,
			       pi->nr_alloc - pi->nr_dealloc,
			       "nr_cur_alloc %" PRIu64, pi->nr_cur_alloc,
			       "nr_cur_alloc is not nr_alloc - nr_dealloc");
	if (pi->nr_cur_alloc > pi->nr_max_alloc)
		info_violation(run, at, "at most nr_max_alloc %" PRIu64, pi->nr_max_alloc,
			       "nr_cur_alloc %" PRIu64, pi->nr_cur_alloc,
			       "more areas live than the most ever live");
	if (pi->nr_chunks > pi->nr_max_chunks)
		info_violation(run, at, "at most nr_max_chunks %" PRIu64, pi->nr_max_chunks,
			       "nr_chunks %" PRIu64, pi->nr_chunks,
			       "more chunks than the most ever");
}

/* The map's bits, or 0 when the unit does not fit the layout's maps. */
static uint32_t map_bits(struct insp *in, const struct percpu_info *pi)
{
	const struct mm_layout *lay = in->lay;
	uint64_t bits = pi->min_alloc_size ? pi->unit_size / pi->min_alloc_size : 0;
	uint64_t have = (uint64_t)lay->pcpu_chunk.alloc_map.count * 64;

	if (bits && bits <= have && bits <= MAX_MAP_LONGS * 64ULL &&
	    lay->pcpu_chunk.alloc_map.elem_size == 8 &&
	    lay->pcpu_chunk.bound_map.elem_size == 8 &&
	    lay->pcpu_chunk.bound_map.count * 64ULL >= bits)
		return (uint32_t)bits;
	insp_problem(in, "percpu: a unit of %u bytes in %u-byte bits does not fit the chunk's maps; not checked",
		     pi->unit_size, pi->min_alloc_size);
	return 0;
}

void check_percpu(struct check_run *run)
{
	struct insp *in = check_insp(run);
	struct pcpu_check *pc;
	struct insp_pager pager;
	struct percpu_info pi;
	struct errbuf e;

	if (insp_spent(in) || percpu_read_info(in, &pi, &e))
		return;		/* not set up yet, or not one this VMM reads */
	pc = calloc(1, sizeof(*pc));	/* 64 KiB of maps: not on the stack */
	if (!pc) {
		insp_problem(in, "percpu: out of memory for the chunk maps; not checked");
		return;
	}
	pc->run = run;
	pc->pi = &pi;
	pc->nr_bits = map_bits(in, &pi);
	insp_pager_init(&pager, NULL, PERCPU_MAX_CHUNKS, false);
	percpu_read_chunks(in, &pi, &pager, check_chunk_map, pc);
	check_covered(run, "pcpu_chunks", pc->chunks);
	if (!in->stop && !pc->stopped)
		check_sums(run, &pi, pc, in->lay->root.percpu);
	free(pc);
}
