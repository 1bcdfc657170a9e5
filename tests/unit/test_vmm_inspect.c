// SPDX-License-Identifier: MIT
/*
 * The VMM's allocator readers (vmm/control/inspect.h) over a fake guest
 * built by the real guest allocator (inspect_fake_guest.h): the answers
 * agree with the allocator's own counters; and each kind of damage (a
 * free-list cycle, a pointer outside RAM, counters that disagree, roots
 * out of range) gives an answer whose inconsistencies name it, never a crash
 * or a hang (every test runs under a Criterion timeout).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include <memvisor/layout.h>

#include "fake_guest_open.h"
#include "gmem.h"
#include "inspect.h"
#include "inspect_fake_guest.h"
#include "memmap.h"
#include "module_read.h"
#include "percpu_cmds.h"
#include "qmp.h"
#include "vmalloc_cmds.h"
#include "workload_cmds.h"
#include "workload_read.h"
#include "zone_read.h"

#define FAKE_MEM	(64UL << 20)

static struct fake_guest g;
static struct gmem gm;
static struct mm_layout lay;

static void boot(void)
{
	fake_guest_open(&g, FAKE_MEM, 200, &gm, &lay);
}

TestSuite(inspect, .init = boot, .timeout = 60);

static json_t *problems_of(json_t *ans)
{
	json_t *p = json_object_get(ans, "inconsistencies");

	cr_assert(json_is_array(p), "no inconsistencies array");
	return p;
}

/* True if some inconsistency contains every one of the NULL-ended words. */
static bool named(json_t *ans, ...)
{
	json_t *p = problems_of(ans), *s;
	size_t i;

	json_array_foreach(p, i, s) {
		const char *msg = json_string_value(s), *w;
		bool all = true;
		va_list ap;

		va_start(ap, ans);
		while ((w = va_arg(ap, const char *)))
			if (!strstr(msg, w))
				all = false;
		va_end(ap);
		if (all)
			return true;
	}
	return false;
}

static char *dump(json_t *j)
{
	static char buf[8192];
	char *s = json_dumps(j, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", s ? s : "?");
	free(s);
	return buf;
}

static json_int_t geti(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	cr_assert(json_is_integer(v), "%s missing in %s", k, dump(o));
	return json_integer_value(v);
}

Test(inspect, zones_agree_with_the_allocator)
{
	json_t *ans = inspect_zones(&gm, g.cr3, &lay, NULL), *zones;
	size_t i;
	json_t *z;

	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	zones = json_object_get(ans, "zones");
	cr_assert_eq(json_array_size(zones), g.nr_zones);
	json_array_foreach(zones, i, z) {
		const struct fake_zone *f = &g.zone[i];
		json_t *fa = json_object_get(z, "free_area");
		json_t *pcp = json_object_get(z, "pcp");

		cr_assert_str_eq(json_string_value(json_object_get(z, "name")),
				 f->name);
		cr_assert_eq(geti(z, "start_pfn"), (json_int_t)f->start_pfn);
		cr_assert_eq(geti(z, "spanned"), (json_int_t)f->spanned);
		cr_assert_eq(geti(z, "present"), (json_int_t)f->present);
		cr_assert_eq(geti(z, "managed"), (json_int_t)f->managed);
		cr_assert_eq(geti(z, "free"), (json_int_t)f->free);
		cr_assert_eq(geti(z, "deferred"), (json_int_t)f->deferred);
		cr_assert_eq(geti(z, "first_deferred_pfn"),
			     (json_int_t)f->first_deferred_pfn);
		cr_assert_eq(geti(z, "min"), (json_int_t)f->min);
		cr_assert_eq(geti(z, "low"), (json_int_t)f->low);
		cr_assert_eq(geti(z, "high"), (json_int_t)f->high);
		cr_assert_eq(json_array_size(fa), FAKE_MAX_ORDER);
		for (size_t o = 0; o < FAKE_MAX_ORDER; o++)
			cr_assert_eq(json_integer_value(json_array_get(fa, o)),
				     (json_int_t)f->nr_free[o],
				     "zone %s order %zu", f->name, o);
		cr_assert_eq(json_array_size(pcp), 2);
		cr_assert_eq(geti(json_array_get(pcp, 0), "count"),
			     f->pcp_count0);
	}
	/* The churn left something on CPU 0's lists, which were walked. */
	cr_assert_gt(g.zone[1].pcp_count0 + g.zone[0].pcp_count0, 0);
	json_decref(ans);
}

Test(inspect, memblock_and_memstats)
{
	json_t *ans = inspect_memblock(&gm, g.cr3, &lay, NULL), *st;
	uint64_t free = 0, managed = 0;

	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "memory")),
		     g.memblock_memory_cnt);
	cr_assert_eq(json_array_size(json_object_get(ans, "reserved")),
		     g.memblock_reserved_cnt);
	cr_assert_eq(geti(json_array_get(json_object_get(ans, "reserved"), 0),
			  "base"), (json_int_t)g.memblock_reserved_base0);
	json_decref(ans);

	ans = inspect_memstats(&gm, g.cr3, &lay, FAKE_MEM, NULL);
	cr_assert_null(json_object_get(ans, "inconsistencies"), "%s", dump(ans));
	st = json_object_get(ans, "stats");
	for (unsigned int i = 0; i < g.nr_zones; i++) {
		free += g.zone[i].free + (uint64_t)g.zone[i].pcp_count0;
		managed += g.zone[i].managed;
	}
	cr_assert_eq(geti(st, "actual"), FAKE_MEM >> 10);
	cr_assert_eq(geti(st, "unused"), (json_int_t)(free * 4));
	cr_assert_eq(geti(st, "usable"), (json_int_t)(free * 4));
	cr_assert_eq(geti(st, "available"), (json_int_t)(managed * 4));
	cr_assert_str_eq(memstat_tag_name(6), "actual");
	json_decref(ans);
}

/* The zones as zone_read_all() hands them over, copied (pcp[] is its own). */
struct zones_seen {
	unsigned int n;
	struct zone_info z[FAKE_MAX_ZONES];
	struct zone_pcp_info pcp0[FAKE_MAX_ZONES];
};

static void zone_seen(const struct zone_info *z, void *opaque)
{
	struct zones_seen *s = opaque;

	cr_assert_lt(s->n, FAKE_MAX_ZONES);
	cr_assert_gt(z->nr_pcp, 0);
	s->pcp0[s->n] = z->pcp[0];
	s->z[s->n] = *z;
	s->z[s->n++].pcp = NULL;	/* the reader's: gone after the call */
}

static void open_inspection(struct insp *in)
{
	struct errbuf e = { "" };

	cr_assert_eq(insp_open(in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	insp_bound(in, NULL);
}

/* The readers' C structs, not their JSON: the fake guest's own numbers. */
Test(inspect, zone_structs_agree_with_the_allocator)
{
	static struct zones_seen s;
	struct insp in;

	open_inspection(&in);
	cr_assert_eq(zone_read_all(&in, zone_seen, &s), 0);
	cr_assert_eq(in.nr_problems, 0, "%s", dump(in.problems));
	insp_close(&in);
	cr_assert_eq(s.n, g.nr_zones);
	for (unsigned int i = 0; i < s.n; i++) {
		const struct fake_zone *f = &g.zone[i];
		const struct zone_info *z = &s.z[i];

		cr_assert_eq(z->idx, i);
		cr_assert_str_eq(z->name, f->name);
		cr_assert_eq(z->start_pfn, f->start_pfn);
		cr_assert_eq(z->spanned, f->spanned);
		cr_assert_eq(z->managed, f->managed);
		cr_assert_eq(z->free, f->free);
		cr_assert_eq(z->low, f->low);
		cr_assert_eq(z->first_deferred_pfn, f->first_deferred_pfn);
		cr_assert_eq(z->nr_orders, FAKE_MAX_ORDER);
		for (unsigned int o = 0; o < FAKE_MAX_ORDER; o++)
			cr_assert_eq(z->nr_free[o], f->nr_free[o],
				     "zone %s order %u", f->name, o);
		cr_assert_eq(z->nr_pcp, 2);
		cr_assert_eq(s.pcp0[i].count, f->pcp_count0);
		cr_assert_eq(z->pcp_pages, (uint64_t)f->pcp_count0);
		cr_assert_not(z->locked);
	}
}

/* Damage is still named in the inspection, the struct still filled. */
Test(inspect, zone_structs_name_damage)
{
	static struct zones_seen s;
	struct insp in;

	fake_guest_damage(&g, FAKE_NR_FREE);
	open_inspection(&in);
	cr_assert_eq(zone_read_all(&in, zone_seen, &s), 0);
	cr_assert_gt(in.nr_problems, 0);
	cr_assert(strstr(json_string_value(json_array_get(in.problems, 0)),
			 "zone DMA free_area["), "%s", dump(in.problems));
	cr_assert_eq(s.n, g.nr_zones);
	insp_close(&in);
}

Test(inspect, memblock_and_memstats_structs)
{
	struct memblock_info mb;
	struct memstats st;
	struct insp in;
	uint64_t free = 0;

	open_inspection(&in);
	cr_assert_eq(memblock_read(&in, &mb), 0);
	cr_assert_eq(mb.memory.nr, g.memblock_memory_cnt);
	cr_assert_eq(mb.reserved.nr, g.memblock_reserved_cnt);
	cr_assert_eq(mb.reserved.cnt, g.memblock_reserved_cnt);
	cr_assert_eq(mb.reserved.regions[0].base, g.memblock_reserved_base0);
	memblock_info_release(&mb);
	cr_assert_eq(memstats_read(&in, FAKE_MEM, &st), 0);
	cr_assert_eq(in.nr_problems, 0, "%s", dump(in.problems));
	insp_close(&in);
	for (unsigned int i = 0; i < g.nr_zones; i++)
		free += g.zone[i].free + (uint64_t)g.zone[i].pcp_count0;
	cr_assert(st.have[VIR_DOMAIN_MEMORY_STAT_UNUSED]);
	cr_assert_eq(st.val[VIR_DOMAIN_MEMORY_STAT_UNUSED], free * 4);
	cr_assert_eq(st.val[VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON], FAKE_MEM >> 10);
	cr_assert_not(st.have[VIR_DOMAIN_MEMORY_STAT_SWAP_IN]);
}

/* Without an inspection only what the VMM knows: actual, last_update. */
Test(inspect, memstats_struct_without_guest)
{
	struct memstats st;

	cr_assert_eq(memstats_read(NULL, FAKE_MEM, &st), -1);
	cr_assert(st.have[VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON]);
	cr_assert(st.have[VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE]);
	cr_assert_not(st.have[VIR_DOMAIN_MEMORY_STAT_UNUSED]);
}

/* Damage, query zones, expect every word in one inconsistency. */
#define DAMAGED(kind, ...) do {						\
	json_t *ans;							\
	fake_guest_damage(&g, kind);					\
	ans = inspect_zones(&gm, g.cr3, &lay, NULL);				\
	cr_log_info("%s", dump(ans));					\
	cr_assert(named(ans, __VA_ARGS__, NULL), "%s", dump(ans));	\
	json_decref(ans);						\
} while (0)

/* The record stays, its name made UTF-8, and the answer says why. */
Test(inspect, zone_name_not_utf8)
{
	json_t *ans, *dma;

	fake_guest_damage(&g, FAKE_ZONE_NAME);
	ans = inspect_zones(&gm, g.cr3, &lay, NULL);
	cr_assert_eq(json_array_size(json_object_get(ans, "zones")), g.nr_zones,
		     "%s", dump(ans));
	dma = json_array_get(json_object_get(ans, "zones"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(dma, "name")),
			 "D\\xffMA\x1b[2J", "%s", dump(ans));
	cr_assert_eq(geti(dma, "managed"), (json_int_t)g.zone[0].managed);
	cr_assert(named(ans, "not UTF-8, 1 byte shown as \\xHH", NULL), "%s",
		  dump(ans));
	json_decref(ans);
}

Test(inspect, free_list_cycle)
{
	DAMAGED(FAKE_FREELIST_CYCLE, "zone DMA free_area[", "cycle");
}

Test(inspect, pointer_outside_ram)
{
	DAMAGED(FAKE_POINTER_OUTSIDE, "zone DMA free_area[", "not mapped");
}

Test(inspect, nr_free_disagrees)
{
	DAMAGED(FAKE_NR_FREE, "zone DMA free_area[", "nr_free",
		"blocks on the free list");
}

Test(inspect, free_pages_disagrees)
{
	DAMAGED(FAKE_FREE_PAGES, "zone DMA: free_pages");
}

Test(inspect, pcp_count_disagrees)
{
	DAMAGED(FAKE_PCP_COUNT, "zone DMA cpu 0: pcp count");
}

Test(inspect, listed_block_not_buddy)
{
	DAMAGED(FAKE_NOT_BUDDY, "zone DMA free_area[", "no PG_buddy");
}

Test(inspect, prev_link_broken)
{
	DAMAGED(FAKE_PREV_LINK, "zone DMA free_area[", "has prev");
}

/* The roots' values are the guest's: checked as they are read. */
Test(inspect, nr_cpu_ids_beyond_the_pcp_slots)
{
	DAMAGED(FAKE_NR_CPUS, "nr_cpu_ids", "per-CPU slots");
}

Test(inspect, max_pfn_beyond_ram)
{
	DAMAGED(FAKE_MAX_PFN, "roots: max_pfn", "beyond guest RAM");
}

/*
 * A root the guest has not set up yet (mem_map still NULL, as before
 * mem_init) is said as such, as the answer's "incomplete": not damage, so
 * no inconsistency, and no zone read from it.
 */
Test(inspect, root_not_set_up_is_not_damage)
{
	json_t *ans;
	const char *inc;

	fake_guest_damage(&g, FAKE_MEM_MAP_UNSET);
	ans = inspect_zones(&gm, g.cr3, &lay, NULL);
	inc = json_string_value(json_object_get(ans, "incomplete"));
	cr_assert(inc && strstr(inc, "not set up yet") && strstr(inc, "mem_map"),
		  "%s", dump(ans));
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "zones")), 0);
	json_decref(ans);
	ans = inspect_memstats(&gm, g.cr3, &lay, FAKE_MEM, NULL);
	cr_assert_null(json_object_get(ans, "inconsistencies"), "%s", dump(ans));
	cr_assert(strstr(json_string_value(json_object_get(ans, "incomplete")),
			 "not set up yet"), "%s", dump(ans));
	cr_assert_eq(geti(json_object_get(ans, "stats"), "actual"),
		     FAKE_MEM >> 10);
	json_decref(ans);
}

Test(inspect, memblock_cnt_beyond_max)
{
	json_t *ans;

	fake_guest_damage(&g, FAKE_MEMBLOCK_CNT);
	ans = inspect_memblock(&gm, g.cr3, &lay, NULL);
	cr_assert(named(ans, "memblock.reserved: cnt", NULL), "%s", dump(ans));
	json_decref(ans);
}

/*
 * The other roots' static values: per-CPU areas not set up is said as
 * such (an error naming it, no "damage"), and an empty vmap list is an
 * empty answer with nothing wrong in it.
 */
Test(inspect, percpu_and_vmap_not_set_up_are_not_damage)
{
	struct errbuf e = { "" };
	json_t *ans;

	fake_guest_damage(&g, FAKE_PERCPU_UNSET);
	cr_assert_null(percpu_read(&gm, g.cr3, &lay, NULL, &e));
	cr_assert(strstr(e.msg, "not set up"), "%s", e.msg);
	fake_guest_damage(&g, FAKE_VMAP_EMPTY);
	ans = vmalloc_read_vmallocinfo(&gm, g.cr3, &lay, NULL, &e);
	cr_assert_not_null(ans, "%s", e.msg);
	cr_assert(json_is_array(json_object_get(ans, "areas")), "%s", dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "areas")), 0, "%s",
		     dump(ans));
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	json_decref(ans);
}

struct percpu_seen {
	unsigned int units, chunks;
	struct percpu_chunk chunk0;
};

static void count_unit(const struct percpu_unit *u, void *arg)
{
	struct percpu_seen *s = arg;

	(void)u;
	s->units++;
}

static void count_chunk(const struct percpu_chunk *c, void *arg)
{
	struct percpu_seen *s = arg;

	if (!s->chunks++)
		s->chunk0 = *c;
}

/* query-percpu's struct API, not through JSON: the fake's per-CPU areas. */
Test(inspect, percpu_reader_fills_structs)
{
	struct percpu_seen s = { 0 };
	struct percpu_info pi;
	struct insp_pager pager;
	struct errbuf e = { "" };
	struct insp r;
	json_t *p;

	cr_assert_eq(insp_open(&r, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	cr_assert_eq(percpu_read_info(&r, &pi, &e), 0, "%s", e.msg);
	cr_assert_gt(pi.nr_units, 0);
	cr_assert_gt(pi.nr_chunks, 0);
	/* the fake does not map the kernel's static __per_cpu_offset[] */
	percpu_read_units(&r, &pi, count_unit, &s);
	cr_assert_eq(s.units, 0);
	cr_assert(!pi.have_cpu0_offset);
	p = insp_take_problems(&r);
	cr_assert_eq(json_array_size(p), 1, "%s", dump(p));
	cr_assert(strstr(json_string_value(json_array_get(p, 0)),
			 "__per_cpu_offset[0]"), "%s", dump(p));
	json_decref(p);
	insp_pager_init(&pager, NULL, PERCPU_PAGE_CHUNKS, false);
	percpu_read_chunks(&r, &pi, &pager, count_chunk, &s);
	cr_assert_eq(s.chunks, pi.nr_chunks);
	cr_assert_eq(s.chunk0.addr, pi.chunks);
	cr_assert_eq(s.chunk0.index, 0);
	cr_assert(s.chunk0.first);
	cr_assert_eq(s.chunk0.base & 4095, 0);
	cr_assert_eq(s.chunk0.used_bytes, pi.unit_size - s.chunk0.free_bytes);
	p = insp_take_problems(&r);
	cr_assert_eq(json_array_size(p), 0, "%s", dump(p));
	json_decref(p);
	insp_close(&r);
}

/* An image without a memory manager: every query says so. */
Test(inspect, no_memory_manager)
{
	struct mm_layout none = { .present = false,
				  .absent_why = "kernel image x has no memory manager" };
	json_t *ans = inspect_zones(&gm, g.cr3, &none, NULL);

	cr_assert(named(ans, "has no memory manager", NULL), "%s", dump(ans));
	json_decref(ans);
}

Test(inspect, list_walk_bounds)
{
	/* A list of 3 nodes in a page of its own, walked by hand. */
	struct insp in;
	struct errbuf e;
	struct insp_walk w;
	uint64_t *pg = g.ram, va = (uint64_t)(uintptr_t)g.ram;

	/* The fake's first page is reserved: free to scribble on. */
	cr_assert_eq(insp_open(&in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	for (int i = 0; i < 4; i++) {
		pg[2 * i] = va + 16 * ((i + 1) % 4);		/* next */
		pg[2 * i + 1] = va + 16 * ((i + 3) % 4);	/* prev */
	}
	cr_assert_eq(insp_list_walk(&in, va, 10, NULL, NULL, &w), 0, "%s",
		     w.why);
	cr_assert_eq(w.nodes, 3);
	cr_assert_eq(insp_list_walk(&in, va, 2, NULL, NULL, &w), -1);
	cr_assert(w.truncated);
	/* 3 -> 1: a cycle 1 -> 2 -> 3 -> 1 without the head */
	pg[6] = va + 16;
	cr_assert_eq(insp_list_walk(&in, va, 1000000, NULL, NULL, &w), -1);
	cr_assert(w.cycle, "%s", w.why);
	cr_assert_lt(w.nodes, 16);
	insp_close(&in);
}

/* What a walk's callback saw: each node's first word, from the copy. */
struct seen_nodes {
	const uint64_t *copy;
	uint64_t first_word[8];
	unsigned int n;
};

static bool note_node(struct insp *in, uint64_t node_va, void *opaque)
{
	struct seen_nodes *s = opaque;

	(void)in;
	(void)node_va;
	if (s->n < 8)
		s->first_word[s->n] = s->copy[0];
	s->n++;
	return true;
}

/*
 * The walker's singly linked mode: nodes of 4 words (an id, then next) in
 * the fake's reserved first page, the last one's next 0; each node's
 * struct copied once for the callback.
 */
Test(inspect, list_walk_null_ended)
{
	uint64_t *pg = (uint64_t *)g.ram + 64, va = (uint64_t)(uintptr_t)pg;
	uint64_t copy[4];
	struct seen_nodes s = { .copy = copy };
	struct insp_list l = {
		.end = INSP_LIST_NULL, .head = va, .limit = 10,
		.next = { 8, 8 }, .copy_size = sizeof(copy), .copy = copy,
	};
	struct insp_walk w;
	struct errbuf e;
	struct insp in;

	cr_assert_eq(insp_open(&in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	for (int i = 0; i < 3; i++) {
		pg[4 * i] = 100 + i;				/* id */
		pg[4 * i + 1] = i < 2 ? va + 32 * (i + 1) : 0;	/* next */
	}
	/* the NULL end: 3 nodes, each seen with its own struct */
	cr_assert_eq(insp_walk_list(&in, &l, note_node, &s, &w), 0, "%s", w.why);
	cr_assert_eq(w.nodes, 3);
	cr_assert_eq(s.n, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(s.first_word[i], 100 + i);
	/* an empty list: head 0 */
	l.head = 0;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), 0);
	cr_assert_eq(w.nodes, 0);
	/* the step limit: stops at the node after it */
	l.head = va;
	l.limit = 2;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), -1);
	cr_assert(w.truncated && !w.cycle && !w.broken);
	cr_assert_eq(w.nodes, 2);
	cr_assert_eq(w.at, va + 64);
	/* the links alone (no copy): same walk */
	l.limit = 10;
	l.copy_size = 0;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), 0, "%s", w.why);
	cr_assert_eq(w.nodes, 3);
	/* 2 -> 1: a cycle 1 -> 2 -> 1 that never ends at NULL */
	pg[9] = va + 32;
	l.limit = 1000000;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), -1);
	cr_assert(w.cycle, "%s", w.why);
	cr_assert(strstr(w.why, "ending at NULL"), "%s", w.why);
	cr_assert_lt(w.nodes, 16);
	/* a self-loop too, caught at once */
	pg[1] = va;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), -1);
	cr_assert(w.cycle, "%s", w.why);
	cr_assert_eq(w.at, va);
	cr_assert_eq(w.nodes, 1);
	/* a next that is not mapped: broken there */
	pg[1] = 0xffff800000000000ULL;
	cr_assert_eq(insp_walk_list(&in, &l, NULL, NULL, &w), -1);
	cr_assert(w.broken, "%s", w.why);
	cr_assert_eq(w.at, 0xffff800000000000ULL);
	cr_assert_eq(w.nodes, 1);
	insp_close(&in);
}

/* ---- Bounds: pages, the deadline, a list that wraps --------------------- */

/* query-vmallocinfo's reader over the fake, within @b (NULL: the first page). */
static json_t *vmallocinfo(const struct insp_bounds *b)
{
	struct errbuf e;
	json_t *ans;

	ans = vmalloc_read_vmallocinfo(&gm, g.cr3, &lay, b, &e);
	cr_assert_not_null(ans, "%s", e.msg);
	return ans;
}

static uint64_t addr_of(json_t *o, const char *k)
{
	uint64_t a;

	cr_assert_eq(qmp_get_addr(json_object_get(o, k), &a), 0, "%s in %s", k,
		     dump(o));
	return a;
}

#define NR_AREAS	10000UL
#define PAGE_AREAS	1500U

/* Pages that follow the cursor list every area once, in order. */
Test(inspect, vmallocinfo_in_pages_lists_every_area_once)
{
	struct insp_bounds b = { .page_max = PAGE_AREAS };
	unsigned long seen = 0, pages = 0;

	cr_assert_eq(fake_guest_vmap(&g, NR_AREAS), 0);
	for (;;) {
		json_t *ans = vmallocinfo(&b), *areas = json_object_get(ans, "areas");
		unsigned long left = NR_AREAS - seen;
		size_t i;
		json_t *a;

		cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
		cr_assert_eq(json_array_size(areas),
			     left < PAGE_AREAS ? left : PAGE_AREAS);
		json_array_foreach(areas, i, a)
			cr_assert_eq(addr_of(a, "start"),
				     FAKE_VMALLOC_START + (seen + i) * 2 * 4096,
				     "page %lu entry %zu", pages, i);
		seen += json_array_size(areas);
		pages++;
		if (!json_is_true(json_object_get(ans, "truncated"))) {
			cr_assert_null(json_object_get(ans, "skipped"));
			json_decref(ans);
			break;
		}
		/* the entries after the page, counted though not listed */
		cr_assert_eq(geti(ans, "skipped"), (json_int_t)(NR_AREAS - seen));
		cr_assert_null(json_object_get(ans, "skipped_at_least"));
		b.has_start_after = true;
		b.start_after = addr_of(json_array_get(areas, i - 1), "start");
		json_decref(ans);
		cr_assert_lt(pages, 100);
	}
	cr_assert_eq(seen, NR_AREAS);
	cr_assert_eq(pages, (NR_AREAS + PAGE_AREAS - 1) / PAGE_AREAS);
}

/* The areas a reader's page handed over, as structs. */
struct area_list {
	struct vmap_area_info a[16];
	unsigned int n;
};

static void keep_area(const struct vmap_area_info *a, void *arg)
{
	struct area_list *l = arg;

	cr_assert_lt(l->n, 16);
	l->a[l->n++] = *a;
}

/* The reader's struct API, not through JSON: the fake's areas, in order. */
Test(inspect, vmalloc_read_areas_fills_structs)
{
	struct insp_bounds b = { .page_max = 16, .has_start_after = true,
				 .start_after = FAKE_VMALLOC_START + 3 * 2 * 4096 };
	struct area_list l = { .n = 0 };
	struct insp_pager pager;
	struct errbuf e;
	struct insp r;
	json_t *p;

	cr_assert_eq(fake_guest_vmap(&g, 100), 0);
	cr_assert_eq(vmalloc_open(&r, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pager, &b, VMALLOC_PAGE_AREAS, true);
	vmalloc_read_areas(&r, &pager, keep_area, &l);
	cr_assert_eq(l.n, 16);
	cr_assert_eq(pager.skipped, 100 - 4 - 16);
	for (unsigned int i = 0; i < l.n; i++) {
		uint64_t start = FAKE_VMALLOC_START + (4 + i) * 2 * 4096;

		cr_assert_eq(l.a[i].start, start, "area %u", i);
		cr_assert_eq(l.a[i].end, start + 2 * 4096);
		cr_assert_eq(l.a[i].kind, VMAP_KIND_VMALLOC);
		cr_assert_eq(l.a[i].nr_pages, 1);
		cr_assert_eq(l.a[i].caller, 0xffffffff80100000ULL);
		cr_assert_neq(l.a[i].va, 0);
	}
	p = insp_take_problems(&r);
	cr_assert_eq(json_array_size(p), 0, "%s", dump(p));
	json_decref(p);
	insp_close(&r);
}

/*
 * An area vmalloc() is still setting up (VM_UNINITIALIZED, no pages yet)
 * is not listed and is no damage, as Linux's /proc/vmallocinfo skips it.
 */
Test(inspect, vmallocinfo_skips_an_area_being_set_up)
{
	json_t *ans;

	cr_assert_eq(fake_guest_vmap(&g, 3), 0);
	fake_guest_vmap_setting_up(&g, 1);
	ans = vmallocinfo(NULL);
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "areas")), 2, "%s", dump(ans));
	cr_assert_eq(addr_of(json_array_get(json_object_get(ans, "areas"), 1), "start"),
		     FAKE_VMALLOC_START + 2 * 2 * 4096);
	json_decref(ans);
}

/* Without a page size, an answer stops at the reader's own. */
Test(inspect, vmallocinfo_first_page_is_bounded)
{
	json_t *ans;

	cr_assert_eq(fake_guest_vmap(&g, NR_AREAS), 0);
	ans = vmallocinfo(NULL);
	cr_assert_eq(json_array_size(json_object_get(ans, "areas")),
		     VMALLOC_PAGE_AREAS);
	cr_assert(json_is_true(json_object_get(ans, "truncated")));
	cr_assert_eq(geti(ans, "skipped"), NR_AREAS - VMALLOC_PAGE_AREAS);
	json_decref(ans);
}

/*
 * A 2-node list that loops and whose first area starts at the last page:
 * start + 4096 wraps to 0, which let it pass the order check and loop
 * 2^20 times. Now the first area is named and the walk ends there.
 */
Test(inspect, vmallocinfo_wrapping_list_is_named_and_ends)
{
	json_t *ans;

	fake_guest_vmap_wrap(&g);
	ans = vmallocinfo(NULL);
	cr_assert(named(ans, "0xfffffffffffff000", "out of order", NULL), "%s",
		  dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "areas")), 0);
	cr_assert_null(json_object_get(ans, "incomplete"), "%s", dump(ans));
	cr_assert(!json_is_true(json_object_get(ans, "truncated")));
	json_decref(ans);
}

/* A deadline already past: the reader stops within INSP_CLOCK_PAGES reads. */
Test(inspect, vmallocinfo_past_deadline_says_out_of_time)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	json_t *ans, *p;

	cr_assert_eq(fake_guest_vmap(&g, NR_AREAS), 0);
	ans = vmallocinfo(&b);
	cr_assert(named(ans, "incomplete: out of time", NULL), "%s", dump(ans));
	cr_assert_not_null(strstr(json_string_value(json_object_get(ans, "incomplete")),
				  "out of time"), "%s", dump(ans));
	cr_assert_leq(json_array_size(json_object_get(ans, "areas")),
		      INSP_CLOCK_PAGES);
	cr_assert_gt(json_array_size(json_object_get(ans, "areas")), 0);
	/* cut short: the next page goes on from the last area listed */
	cr_assert(json_is_true(json_object_get(ans, "truncated")), "%s", dump(ans));
	cr_assert(json_is_true(json_object_get(ans, "skipped_at_least")), "%s",
		  dump(ans));
	/* what the stop caused is not blamed on the guest */
	cr_assert(!named(ans, "not readable", NULL), "%s", dump(ans));
	cr_assert(!named(ans, "nr_vmap_areas", NULL), "%s", dump(ans));
	p = problems_of(ans);
	cr_assert_eq(json_array_size(p), 1, "%s", dump(ans));
	json_decref(ans);
}

/* A spent budget and a bad pointer are told apart. */
Test(inspect, read_errors_tell_the_budget_from_a_bad_pointer)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	struct insp in;
	struct errbuf e;
	uint64_t v, va = (uint64_t)(uintptr_t)g.ram;

	cr_assert_eq(insp_open(&in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	cr_assert_eq(insp_read(&in, 0xffff800000000000ULL, &v, sizeof(v)), -1);
	cr_assert_eq(in.stop, INSP_STOP_NONE);
	cr_assert_not_null(strstr(in.err, "not mapped"), "%s", in.err);
	insp_bound(&in, &b);
	for (int i = 0; i < INSP_CLOCK_PAGES && !in.stop; i++)
		insp_read(&in, va, &v, sizeof(v));
	cr_assert_eq(in.stop, INSP_STOP_TIME);
	cr_assert_eq(insp_read(&in, va, &v, sizeof(v)), -1);
	cr_assert_not_null(strstr(in.err, "out of time"), "%s", in.err);
	insp_close(&in);
}

/*
 * A structure too big to read in time: the deadline a query gives
 * (INSP_QUERY_PARK_NS from the start) stops the reader, and says so. The
 * walk is repeated until it stops, so a fast machine gets there too. How
 * soon after the deadline it stops is a figure, measured by
 * bench/hostile-table.sh, not asserted here (a loaded machine may take the
 * CPU from the reader between two clock reads); that it stops within
 * INSP_CLOCK_PAGES reads is read_errors_tell_the_budget_from_a_bad_pointer.
 */
Test(inspect, huge_list_is_cut_at_the_deadline)
{
	struct insp_bounds b;
	struct insp_walk w;
	struct insp in;
	struct errbuf e;
	unsigned long walks = 0;

	cr_assert_eq(fake_guest_vmap(&g, 4 * NR_AREAS), 0);
	cr_assert_eq(insp_open(&in, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	b = (struct insp_bounds){ .deadline_ns = in.started_ns + INSP_QUERY_PARK_NS };
	insp_bound(&in, &b);
	while (!in.stop && walks++ < 100000)
		insp_list_walk(&in, lay.root.vmap_areas, 1UL << 20, NULL, NULL, &w);
	cr_assert_eq(in.stop, INSP_STOP_TIME, "%s", in.err);
	cr_assert(w.broken && strstr(w.why, "out of time"), "%s", w.why);
	cr_assert_lt(w.nodes, 4 * NR_AREAS, "the last walk went to the end");
	cr_assert_geq(in.stopped_ns, b.deadline_ns);
	insp_close(&in);
}

/* A page cut short by its deadline: the next query goes on from its end. */
Test(inspect, vmallocinfo_goes_on_after_a_deadline_stop)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	json_t *ans, *areas;
	size_t got;

	cr_assert_eq(fake_guest_vmap(&g, NR_AREAS), 0);
	ans = vmallocinfo(&b);
	areas = json_object_get(ans, "areas");
	got = json_array_size(areas);
	cr_assert_gt(got, 0);
	b = (struct insp_bounds){ .has_start_after = true,
				  .start_after = addr_of(json_array_get(areas, got - 1), "start") };
	json_decref(ans);
	ans = vmallocinfo(&b);
	areas = json_object_get(ans, "areas");
	cr_assert_eq(json_array_size(areas), VMALLOC_PAGE_AREAS);
	cr_assert_eq(geti(ans, "skipped"),
		     (json_int_t)(NR_AREAS - got - VMALLOC_PAGE_AREAS));
	cr_assert_eq(addr_of(json_array_get(areas, 0), "start"),
		     FAKE_VMALLOC_START + got * 2 * 4096);
	cr_assert_null(json_object_get(ans, "incomplete"));
	json_decref(ans);
}

/* ---- query-modules ------------------------------------------------------- */

static json_t *read_modules(const struct insp_bounds *b)
{
	struct errbuf e;
	json_t *ans = module_read_modules(&gm, g.cr3, &lay, b, &e);

	cr_assert_not_null(ans, "%s", e.msg);
	return ans;
}

/* The modules of an answer, as "name state size taints" lines. */
static const char *module_lines(json_t *ans)
{
	static char buf[8192];
	size_t n = 0, i;
	json_t *m;

	buf[0] = '\0';
	json_array_foreach(json_object_get(ans, "modules"), i, m)
		n += snprintf(buf + n, sizeof(buf) - n, "%s %s %lld %s|",
			      json_string_value(json_object_get(m, "name")),
			      json_string_value(json_object_get(m, "state")),
			      (long long)geti(m, "size"),
			      json_string_value(json_object_get(m, "taints")));
	return buf;
}

Test(inspect, modules_are_read_as_the_loader_keeps_them)
{
	json_t *ans, *m;

	cr_assert_eq(fake_guest_modules(&g, 3), 0);
	ans = read_modules(NULL);
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	cr_assert_str_eq(module_lines(ans),
			 "mod0 live 16384 O|mod1 live 16384 O|mod2 live 16384 O|");
	m = json_array_get(json_object_get(ans, "modules"), 1);
	cr_assert_eq(addr_of(m, "base"), MV_MODULES_BASE + 16384);
	cr_assert_eq(addr_of(m, "addr"), fake_guest_module_addr(1));
	cr_assert_eq(geti(m, "refcnt"), 0);
	cr_assert_null(json_object_get(m, "permanent"));
	cr_assert(!json_is_true(json_object_get(ans, "truncated")));
	json_decref(ans);
}

Test(inspect, no_modules_is_an_empty_list)
{
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 0), 0);
	ans = read_modules(NULL);
	cr_assert_eq(json_array_size(json_object_get(ans, "modules")), 0);
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	json_decref(ans);
}

/* The typed reader hands over structs; states and taints as Linux's. */
struct module_list {
	struct module_info m[8];
	unsigned int n;
};

static void keep_module(const struct module_info *m, void *arg)
{
	struct module_list *l = arg;

	if (l->n < 8)
		l->m[l->n++] = *m;
}

Test(inspect, module_read_all_fills_structs)
{
	struct module_list l = { .n = 0 };
	struct insp_pager pager;
	struct insp r;
	struct errbuf e;
	char letters[16];

	cr_assert_eq(fake_guest_modules(&g, 2), 0);
	fake_guest_module_damage(FAKE_MOD_COMING_PROPRIETARY);
	cr_assert_eq(module_read_open(&r, &gm, &lay, g.cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pager, NULL, MODULES_PAGE, false);
	module_read_all(&r, &pager, keep_module, &l);
	cr_assert_eq(r.nr_problems, 0);
	insp_close(&r);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.m[0].name, "mod0");
	cr_assert_eq(l.m[0].state, MODULE_INFO_COMING);
	cr_assert_eq(l.m[1].state, MODULE_INFO_LIVE);
	cr_assert_eq(l.m[0].size, 16384);
	module_taint_letters(l.m[0].taints, letters, sizeof(letters));
	cr_assert_str_eq(letters, "PO");
	cr_assert_not(l.m[0].permanent);
}

Test(inspect, a_module_without_exit_is_permanent)
{
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 1), 0);
	fake_guest_module_damage(FAKE_MOD_PERMANENT);
	ans = read_modules(NULL);
	cr_assert(json_is_true(json_object_get(json_array_get(json_object_get(ans, "modules"), 0),
					       "permanent")), "%s", dump(ans));
	json_decref(ans);
}

/* A list that loops back to its first module, not the head: it ends, each listed once. */
Test(inspect, modules_loop_is_named_and_ends)
{
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 3), 0);
	fake_guest_module_damage(FAKE_MOD_LOOP);
	ans = read_modules(NULL);
	cr_assert(named(ans, "modules: module at", "has prev", "the rest is not listed", NULL),
		  "%s", dump(ans));
	cr_assert_str_eq(module_lines(ans),
			 "mod0 live 16384 O|mod1 live 16384 O|mod2 live 16384 O|");
	json_decref(ans);
}

/* A name that fills its 56 bytes: shown, bounded, named. */
Test(inspect, module_name_without_nul_is_named)
{
	char want[MV_MODULE_NAME_MAX + 1];
	json_t *ans, *m;

	cr_assert_eq(fake_guest_modules(&g, 2), 0);
	fake_guest_module_damage(FAKE_MOD_NAME_NO_NUL);
	ans = read_modules(NULL);
	memset(want, 'x', MV_MODULE_NAME_MAX);
	want[MV_MODULE_NAME_MAX] = '\0';
	m = json_array_get(json_object_get(ans, "modules"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(m, "name")), want);
	cr_assert(named(ans, want, "fills its 56 bytes without a NUL", NULL), "%s",
		  dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "modules")), 2);
	json_decref(ans);
}

/* A next pointer mapped nowhere: what came before is listed, the node named. */
Test(inspect, module_bad_pointer_is_named_and_ends)
{
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 3), 0);
	fake_guest_module_damage(FAKE_MOD_BAD_POINTER);
	ans = read_modules(NULL);
	cr_assert(named(ans, "modules: module at", "is not readable", NULL), "%s",
		  dump(ans));
	cr_assert_str_eq(module_lines(ans), "mod0 live 16384 O|");
	json_decref(ans);
}

Test(inspect, module_state_and_core_are_checked)
{
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 2), 0);
	fake_guest_module_damage(FAKE_MOD_BAD_STATE);
	fake_guest_module_damage(FAKE_MOD_CORE_OUTSIDE);
	ans = read_modules(NULL);
	cr_assert(named(ans, "module mod0", "unknown state 7", NULL), "%s", dump(ans));
	cr_assert(named(ans, "module mod0", "outside the module area", NULL), "%s",
		  dump(ans));
	cr_assert_str_eq(module_lines(ans), "mod0 unknown 16384 O|mod1 live 16384 O|");
	json_decref(ans);
}

/* More modules than a page: the pages list every one once. */
Test(inspect, modules_in_pages_list_every_module_once)
{
	struct insp_bounds b = { .page_max = 0 };
	unsigned long seen = 0, total = MODULES_PAGE + 100;
	json_t *ans, *mods;

	cr_assert_eq(fake_guest_modules(&g, total), 0);
	ans = read_modules(&b);
	mods = json_object_get(ans, "modules");
	cr_assert_eq(json_array_size(mods), MODULES_PAGE);
	cr_assert(json_is_true(json_object_get(ans, "truncated")));
	cr_assert_eq(geti(ans, "skipped"), 100);
	seen = json_array_size(mods);
	b.has_start_after = true;
	b.start_after = addr_of(json_array_get(mods, seen - 1), "addr");
	json_decref(ans);
	ans = read_modules(&b);
	mods = json_object_get(ans, "modules");
	cr_assert_eq(json_array_size(mods), 100, "%s", dump(ans));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mods, 0), "name")),
			 "mod1024");
	cr_assert(!json_is_true(json_object_get(ans, "truncated")));
	json_decref(ans);
}

Test(inspect, modules_past_deadline_say_out_of_time)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	json_t *ans;

	cr_assert_eq(fake_guest_modules(&g, 3000), 0);
	ans = read_modules(&b);
	cr_assert(named(ans, "incomplete: out of time", NULL), "%s", dump(ans));
	cr_assert_lt(json_array_size(json_object_get(ans, "modules")), 3000);
	cr_assert(!named(ans, "not readable", NULL), "%s", dump(ans));
	json_decref(ans);
}

/* ---- query-workloads ----------------------------------------------------- */

static json_t *read_workloads(void)
{
	struct mm_layout l = lay;
	struct errbuf e;
	json_t *ans;

	l.root.jiffies = fake_guest_jiffies_addr();
	ans = workload_read_workloads(&gm, g.cr3, &l, NULL, &e);

	cr_assert_not_null(ans, "%s", e.msg);
	return ans;
}

Test(inspect, workloads_are_read_from_their_table)
{
	json_t *ans, *w;

	fake_guest_workload(0, NULL, 0, 0, 0);
	fake_guest_workload(1, "fragment", -1, 500, 8192);
	ans = read_workloads();
	cr_assert_eq(json_array_size(problems_of(ans)), 0, "%s", dump(ans));
	cr_assert_eq(json_array_size(json_object_get(ans, "workloads")), 1, "%s", dump(ans));
	w = json_array_get(json_object_get(ans, "workloads"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(w, "name")), "fragment");
	cr_assert_str_eq(json_string_value(json_object_get(w, "state")), "running");
	cr_assert_str_eq(json_string_value(json_object_get(w, "params")), "threads=2");
	cr_assert_eq(geti(w, "ops"), 500);
	cr_assert_eq(geti(w, "held-bytes"), 8192);
	cr_assert_eq(geti(w, "threads"), 2);
	cr_assert_eq(geti(w, "elapsed-ms"), 2000);
	cr_assert_eq(geti(ans, "jiffies"), 1000);
	json_decref(ans);
	fake_guest_workload(0, NULL, 0, 0, 0);
}

Test(inspect, a_damaged_workload_is_named)
{
	json_t *ans;

	fake_guest_workload(0, NULL, 0, 0, 0);
	fake_guest_workload(2, "slab_churn", 77, 1, -4096);
	ans = read_workloads();
	cr_assert_eq(json_array_size(problems_of(ans)), 2, "%s", dump(ans));
	cr_assert_str_eq(json_string_value(json_array_get(problems_of(ans), 0)),
			 "workload slab_churn in slot 2: unknown state 77");
	cr_assert_str_eq(json_string_value(json_array_get(problems_of(ans), 1)),
			 "workload slab_churn in slot 2: a negative count (held -4096, ops 1, failures 0)");
	json_decref(ans);
	fake_guest_workload(0, NULL, 0, 0, 0);
}

/* workload-start's request for the ring: name and params, checked. */
Test(inspect, workload_start_request)
{
	struct qmp_error err = { 0 };
	struct allocq_req r;
	char big[200];
	json_t *a;

	a = json_pack("{s:s,s:s,s:i}", "name", "fragment", "params", "max_order=3", "cpu", 1);
	cr_assert_eq(workload_request(a, MV_ALLOC_WORKLOAD_START, &r, &err), 0);
	cr_assert_eq(r.kind, MV_ALLOC_WORKLOAD_START);
	cr_assert_eq(r.cpu, 1);
	cr_assert_str_eq(r.name, "fragment");
	cr_assert_str_eq(r.params, "max_order=3");
	json_decref(a);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a = json_pack("{s:s,s:s}", "name", "fragment", "params", big);
	cr_assert_eq(workload_request(a, MV_ALLOC_WORKLOAD_START, &r, &err), -1);
	json_decref(a);
	a = json_pack("{s:s}", "name", "a_name_over_15_bytes");
	cr_assert_eq(workload_request(a, MV_ALLOC_WORKLOAD_STOP, &r, &err), -1);
	json_decref(a);
}

Test(inspect, a_kernel_without_workloads_says_so)
{
	struct mm_layout none = lay;
	struct errbuf e;

	none.workload.present = false;
	cr_assert_null(workload_read_workloads(&gm, g.cr3, &none, NULL, &e));
	cr_assert_str_eq(e.msg, "this kernel has no workloads (its image has no symbol 'workloads')");
}

/* A kernel without modules: one line, no answer. */
Test(inspect, a_kernel_without_modules_says_so)
{
	struct mm_layout none = lay;
	struct errbuf e;

	none.module.present = false;
	cr_assert_null(module_read_modules(&gm, g.cr3, &none, NULL, &e));
	cr_assert_str_eq(e.msg, "this kernel has no module support (its image has no symbol 'modules')");
}
