// SPDX-License-Identifier: MIT
/*
 * vmm/control/slab_cmds.c over a hosted guest: guestmm's own allocator
 * builds caches, objects and mempools in an arena (slabinsp_guest.c); the
 * arena and this program's data (the guest's globals live there) become
 * two gmem regions, mapped by 4 KiB page tables built here, from which the
 * VMM's readers answer. Their slabinfo must equal the guest's own
 * slabinfo_print(); corrupted lists and counters must come back as
 * inconsistencies, not crashes or hangs.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "../../vmm/memory/gmem.h"
#include "../../vmm/memory/pgtable.h"
#include "../../vmm/control/page_owner.h"
#include "../../vmm/control/slab_cmds.h"
#include "fake_layout.h"
#include "slabinsp_guest.h"

#define DATA_GPA	(1ULL << 32)
#define POOL_PAGES	256

extern char etext[], end[];

static uint8_t pt_pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int pt_used;
static uintptr_t data_start, data_end;
static struct gmem gm;
static struct sg_state st;
static uint64_t cr3;
static struct mm_layout lay;

static uint64_t pool_gpa(void *p)
{
	return DATA_GPA + ((uintptr_t)p - data_start);
}

static uint64_t *table_at(uint64_t gpa)
{
	return (uint64_t *)(data_start + (gpa - DATA_GPA));
}

static void map_page(uint64_t va, uint64_t gpa)
{
	uint64_t *t = table_at(cr3);

	for (int level = 4; level > 1; level--) {
		unsigned int i = (va >> (12 + 9 * (level - 1))) & 511;

		if (!(t[i] & PTE_P)) {
			cr_assert_lt(pt_used, POOL_PAGES);
			t[i] = pool_gpa(pt_pool[pt_used++]) | PTE_P | PTE_RW;
		}
		t = table_at(t[i] & PTE_ADDR_MASK);
	}
	t[(va >> 12) & 511] = gpa | PTE_P | PTE_RW;
}

static void setup(void)
{
	sg_build(&st);
	data_start = (uintptr_t)etext & ~4095UL;
	data_end = ((uintptr_t)end + 4095) & ~4095UL;
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, st.ram_size, (void *)st.ram), 0);
	cr_assert_eq(gmem_add(&gm, DATA_GPA, data_end - data_start,
			      (void *)data_start), 0);
	memset(pt_pool, 0, sizeof(pt_pool));
	pt_used = 1;
	cr3 = pool_gpa(pt_pool[0]);
	for (uint64_t off = 0; off < st.ram_size; off += 4096)
		map_page(st.ram + off, off);
	for (uintptr_t va = data_start; va < data_end; va += 4096)
		map_page(va, DATA_GPA + (va - data_start));
	fake_layout_load(&lay, st.pgdat, MV_KERNEL_VIRT_BASE + st.kernel_start,
			 MV_KERNEL_VIRT_BASE + st.kernel_end);
	lay.root.page_owner_base = st.page_owner_base;	/* the guest's is a constant */
}

TestSuite(slab_cmds, .init = setup);

static json_t *incons_of(json_t *ret)
{
	json_t *a = json_object_get(ret, "inconsistencies");

	cr_assert(json_is_array(a));
	return a;
}

static bool incons_has(json_t *ret, const char *s)
{
	json_t *a = incons_of(ret), *v;
	size_t i;

	json_array_foreach(a, i, v)
		if (strstr(json_string_value(v), s))
			return true;
	return false;
}

static json_t *find_cache(json_t *ret, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(ret, "caches"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	return NULL;
}

static char *dumps(json_t *j)
{
	static char buf[8192];
	char *s = json_dumps(j, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", s ? s : "?");
	free(s);
	return buf;
}

Test(slab_cmds, slabinfo_equals_the_guests_own)
{
	static const char *const col[] = {
		"active_objs", "num_objs", "objsize", "objperslab",
		"pagesperslab", "limit", "batchcount", "sharedfactor",
		"active_slabs", "num_slabs", "sharedavail"
	};
	static char text[65536];
	struct errbuf e;
	json_t *ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	char *line, *save;
	unsigned int lines = 0;

	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect_eq(json_array_size(incons_of(ret)), 0, "%s", dumps(incons_of(ret)));
	cr_assert_lt(sg_slabinfo(text, sizeof(text)), (int)sizeof(text));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long v[11];
		char name[64];
		json_t *c;

		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7], &v[8], &v[9], &v[10]) != 12)
			continue;
		lines++;
		c = find_cache(ret, name);
		cr_assert_not_null(c, "cache %s missing from the VMM's answer", name);
		for (int i = 0; i < 11; i++)
			cr_expect_eq(json_integer_value(json_object_get(c, col[i])),
				     (json_int_t)v[i], "%s %s: VMM %lld, guest %lu",
				     name, col[i],
				     (long long)json_integer_value(json_object_get(c, col[i])),
				     v[i]);
	}
	cr_expect_gt(lines, 10);
	cr_expect_eq(json_array_size(json_object_get(ret, "caches")), lines);
	cr_assert_not_null(find_cache(ret, "insp-a"));
	cr_expect_gt(json_integer_value(json_object_get(find_cache(ret, "insp-a"),
							"num_slabs")), 1);
	json_decref(ret);
}

Test(slab_cmds, cycle_in_a_slab_list_is_reported)
{
	struct errbuf e;
	json_t *ret;

	sg_cycle_in_slab_list();
	ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect(incons_has(ret, "cache insp-a: slab at pfn"), "%s", dumps(ret));
	cr_expect(incons_has(ret, "seen twice"));
	cr_expect_not_null(find_cache(ret, "kmalloc-64"), "the other caches are still read");
	json_decref(ret);
}

Test(slab_cmds, pointer_outside_ram_is_reported)
{
	struct errbuf e;
	json_t *ret;

	sg_slab_list_outside_ram();
	ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect(incons_has(ret, "cache insp-a: slabs_partial entry 0xdead"),
		  "%s", dumps(incons_of(ret)));
	cr_expect_not_null(find_cache(ret, "kmalloc-64"), "the other caches are still read");
	json_decref(ret);
}

Test(slab_cmds, counters_that_disagree_are_reported)
{
	struct errbuf e;
	json_t *ret;

	sg_counter_disagrees();
	ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect_eq(json_array_size(incons_of(ret)), 1, "%s", dumps(incons_of(ret)));
	cr_expect(incons_has(ret, "cache insp-a: active_objs says"));
	json_decref(ret);
}

/* The record stays, its bad bytes escaped, and the answer names it. */
Test(slab_cmds, name_not_utf8_is_escaped_and_named)
{
	struct errbuf e;
	json_t *ret;

	sg_name_not_utf8();
	ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect_not_null(find_cache(ret, "insp-\\xff\\xfe"), "%s", dumps(ret));
	cr_expect(incons_has(ret, "cache insp-\\xff\\xfe at 0x"), "%s",
		  dumps(incons_of(ret)));
	cr_expect(incons_has(ret, "its name is not UTF-8, 2 bytes shown as \\xHH"),
		  "%s", dumps(incons_of(ret)));
	json_decref(ret);
}

Test(slab_cmds, cycle_in_the_cache_list_ends_the_walk)
{
	struct errbuf e;
	json_t *ret;

	sg_cycle_in_cache_list();
	ret = slab_read_slabinfo(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect(incons_has(ret, "slab_caches: a cycle through"), "%s",
		  dumps(incons_of(ret)));
	json_decref(ret);
}

/* An image without a memory manager: an error that says so. */
Test(slab_cmds, no_memory_manager_is_an_error)
{
	struct mm_layout none = { .present = false,
				  .absent_why = "kernel image x has no memory manager" };
	struct errbuf e;

	cr_expect_null(slab_read_slabinfo(&gm, cr3, &none, NULL, &e));
	cr_expect(strstr(e.msg, "has no memory manager"), "%s", e.msg);
	cr_expect_null(slab_read_mempools(&gm, cr3, &none, NULL, &e));
	cr_expect(strstr(e.msg, "has no memory manager"), "%s", e.msg);
}

Test(slab_cmds, mempools)
{
	struct errbuf e;
	json_t *ret = slab_read_mempools(&gm, cr3, &lay, NULL, &e), *p;

	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect_eq(json_array_size(incons_of(ret)), 0, "%s", dumps(ret));
	cr_assert_eq(json_array_size(json_object_get(ret, "mempools")), 3, "%s",
		     dumps(ret));
	p = json_array_get(json_object_get(ret, "mempools"), 0);
	{
		uint64_t addr = 0;

		cr_expect_eq(qmp_get_addr(json_object_get(p, "addr"), &addr), 0);
		cr_expect_eq(addr, (uint64_t)st.pools[0]);
	}
	cr_expect_eq(json_integer_value(json_object_get(p, "min_nr")), 4);
	cr_expect_eq(json_integer_value(json_object_get(p, "curr_nr")), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(p, "source"), "cache")),
			 "insp-a");
	p = json_array_get(json_object_get(ret, "mempools"), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(p, "source"), "type")),
			 "kmalloc");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(p, "source"), "size")), 256);
	p = json_array_get(json_object_get(ret, "mempools"), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(p, "source"), "order")), 1);
	json_decref(ret);

	sg_mempool_bad();
	ret = slab_read_mempools(&gm, cr3, &lay, NULL, &e);
	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect(incons_has(ret, "5 elements in a reserve of 4"), "%s", dumps(ret));
	json_decref(ret);
}

/* ---- the readers' structs, without JSON ---- */

#define MAX_GOT	64

/* What a reader handed its callback: copies of up to MAX_GOT entries. */
struct got {
	void *at;
	size_t size;
	unsigned int nr;
};

static void got_one(const void *entry, struct got *g)
{
	cr_assert_lt(g->nr, MAX_GOT);
	memcpy((char *)g->at + g->nr++ * g->size, entry, g->size);
}

static void got_cache(const struct cache_info *c, void *g)
{
	got_one(c, g);
}

static void got_pool(const struct mempool_info *p, void *g)
{
	got_one(p, g);
}

/* insp-a's line of the guest's own /proc/slabinfo, its 11 numbers in @v. */
static void guest_line_of_insp_a(unsigned long v[11])
{
	static char text[65536];
	char *line, *save;

	cr_assert_lt(sg_slabinfo(text, sizeof(text)), (int)sizeof(text));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "insp-a %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10]) == 11)
			return;
	cr_assert_fail("no insp-a in the guest's slabinfo");
}

Test(slab_cmds, cache_info_is_the_guests_slabinfo_line)
{
	static struct cache_info caches[MAX_GOT];
	struct got got = { caches, sizeof(*caches), 0 };
	struct insp_pager pg;
	struct errbuf e;
	struct insp r;
	unsigned long v[11];
	const struct cache_info *a = NULL;

	guest_line_of_insp_a(v);
	cr_assert_eq(slab_open(&r, &gm, &lay, cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pg, NULL, SLAB_PAGE_CACHES, false);
	cr_assert_eq(slab_caches_read(&r, &pg, got_cache, &got, &e), 0, "%s", e.msg);
	cr_expect_eq(r.nr_problems, 0);
	cr_expect_eq(pg.skipped, 0);
	cr_expect_gt(got.nr, 10);
	for (unsigned int i = 0; i < got.nr; i++)
		if (!strcmp(caches[i].name, "insp-a"))
			a = &caches[i];
	cr_assert_not_null(a);
	cr_expect_eq(a->addr, (uint64_t)st.cache_a);
	cr_expect_eq(a->active_objs, v[0]);
	cr_expect_eq(a->num_objs, v[1]);
	cr_expect_eq(a->objsize, v[2]);
	cr_expect_eq(a->objperslab, v[3]);
	cr_expect_eq(a->pagesperslab, v[4]);
	cr_expect_eq(a->limit, v[5]);
	cr_expect_eq(a->batchcount, v[6]);
	cr_expect_eq(a->sharedfactor, v[7]);
	cr_expect_eq(a->active_slabs, v[8]);
	cr_expect_eq(a->num_slabs, v[9]);
	cr_expect_eq(a->sharedavail, v[10]);
	cr_expect_gt(a->num_slabs, 1);
	insp_close(&r);
}

/* A page of 2: @fn sees two caches, the pager counts the rest. */
Test(slab_cmds, cache_info_in_a_page)
{
	static struct cache_info all_c[MAX_GOT], page_c[MAX_GOT];
	struct got all = { all_c, sizeof(*all_c), 0 };
	struct got page = { page_c, sizeof(*page_c), 0 };
	struct insp_bounds b = { .page_max = 2 };
	struct insp_pager pg;
	struct errbuf e;
	struct insp r;

	cr_assert_eq(slab_open(&r, &gm, &lay, cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pg, NULL, SLAB_PAGE_CACHES, false);
	cr_assert_eq(slab_caches_read(&r, &pg, got_cache, &all, &e), 0, "%s", e.msg);
	insp_close(&r);

	cr_assert_eq(slab_open(&r, &gm, &lay, cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pg, &b, SLAB_PAGE_CACHES, false);
	cr_assert_eq(slab_caches_read(&r, &pg, got_cache, &page, &e), 0, "%s", e.msg);
	cr_expect_eq(page.nr, 2);
	cr_expect_eq(pg.skipped, all.nr - 2);
	cr_expect_eq(page_c[1].addr, all_c[1].addr);
	cr_expect_str_eq(page_c[1].name, all_c[1].name);
	insp_close(&r);
}

Test(slab_cmds, mempool_info_names_each_source)
{
	static struct mempool_info pools[MAX_GOT];
	struct got got = { pools, sizeof(*pools), 0 };
	struct insp_pager pg;
	struct errbuf e;
	struct insp r;

	cr_assert_eq(slab_open(&r, &gm, &lay, cr3, &e), 0, "%s", e.msg);
	insp_pager_init(&pg, NULL, SLAB_PAGE_POOLS, false);
	cr_assert_eq(slab_mempools_read(&r, &pg, got_pool, &got, &e), 0, "%s", e.msg);
	cr_expect_eq(r.nr_problems, 0);
	cr_assert_eq(got.nr, 3);
	for (unsigned int i = 0; i < 3; i++)
		cr_expect_eq(pools[i].addr, (uint64_t)st.pools[i], "pool %u", i);
	cr_expect_eq(pools[0].source, MEMPOOL_SLAB);
	cr_expect_eq(pools[0].arg, (uint64_t)st.cache_a);
	cr_expect_str_eq(pools[0].cache, "insp-a");
	cr_expect_eq(pools[0].min_nr, 4);
	cr_expect_eq(pools[0].curr_nr, 4);
	cr_expect_eq(pools[1].source, MEMPOOL_KMALLOC);
	cr_expect_eq(pools[1].arg, 256);
	cr_expect_eq(pools[1].min_nr, 3);
	cr_expect_eq(pools[2].source, MEMPOOL_PAGE);
	cr_expect_eq(pools[2].arg, 1);
	insp_close(&r);
}

static json_t *owner(uint64_t pfn, const char *want)
{
	struct errbuf e;
	json_t *ret = page_owner_answer(&gm, cr3, &lay, NULL, pfn, &e);

	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect_str_eq(json_string_value(json_object_get(ret, "owner")), want,
			 "pfn %llu: %s", (unsigned long long)pfn, dumps(ret));
	return ret;
}

/* A "caller" address as QMP gives it (qmp_addr: a "0x..." string), or 0. */
static uint64_t caller_of(json_t *r)
{
	const char *s = json_string_value(json_object_get(r, "caller"));

	return s ? strtoull(s, NULL, 16) : 0;
}

Test(slab_cmds, page_owner)
{
	json_t *r;

	r = owner(st.pfn_slab, "slab");
	cr_expect_str_eq(json_string_value(json_object_get(r, "cache")), "insp-a");
	json_decref(r);
	r = owner(st.pfn_free, "free");
	cr_expect_eq(json_integer_value(json_object_get(r, "order")), 5, "%s", dumps(r));
	cr_expect_eq(json_integer_value(json_object_get(r, "head_pfn")), st.pfn_free - 3);
	json_decref(r);
	r = owner(st.pfn_alloc, "allocated");
	cr_expect_eq(json_integer_value(json_object_get(r, "order")), 2, "%s", dumps(r));
	cr_assert_neq(st.alloc_caller, 0);
	cr_expect_eq(caller_of(r), st.alloc_caller, "%s", dumps(r));
	json_decref(r);
	r = owner(st.pfn_alloc + 3, "allocated");
	cr_expect_eq(json_integer_value(json_object_get(r, "head_pfn")), st.pfn_alloc);
	cr_expect_eq(caller_of(r), st.alloc_caller, "%s", dumps(r));	/* the block's */
	json_decref(r);
	/* Free pages have no caller: it is cleared as they are freed. */
	r = owner(st.pfn_pcp, "pcp");
	cr_expect_null(json_object_get(r, "caller"), "%s", dumps(r));
	json_decref(r);
	json_decref(owner(st.pfn_pcp, "pcp"));
	json_decref(owner(st.pfn_kernel, "kernel"));
	json_decref(owner(st.pfn_bootmem, "bootmem"));
	if (st.pfn_deferred) {
		r = owner(st.pfn_deferred, "free");
		cr_expect(json_is_true(json_object_get(r, "deferred")), "%s", dumps(r));
		json_decref(r);
	}
	r = owner(st.ram_size / 4096 + 5, "unknown");
	json_decref(r);
}

static struct page_state state_of(uint64_t pfn)
{
	struct page_state s = { PAGE_STATE_NONE, -1, 0, 0, 0 };
	struct errbuf e;

	cr_assert_eq(page_state_read(&gm, cr3, &lay, pfn, &s, &e), 0,
		     "%s", e.msg);
	return s;
}

/*
 * The devices' O(1) look: what the struct pages say, as a struct the DMA
 * device compares (kind, order, head, cache); no zone, memblock, table or
 * vmap search, so the kernel image and mem_map are just "reserved".
 */
Test(slab_cmds, page_state)
{
	struct page_state s;

	s = state_of(st.pfn_slab);
	cr_expect_eq(s.kind, PAGE_STATE_SLAB);
	cr_expect_neq(s.cache, 0);
	s = state_of(st.pfn_free);
	cr_expect_eq(s.kind, PAGE_STATE_FREE);
	cr_expect_eq(s.order, 5);
	cr_expect_eq(s.head_pfn, st.pfn_free - 3);
	s = state_of(st.pfn_alloc + 3);
	cr_expect_eq(s.kind, PAGE_STATE_ALLOCATED);
	cr_expect_eq(s.order, 2);
	cr_expect_eq(s.head_pfn, st.pfn_alloc);
	s = state_of(st.pfn_pcp);
	cr_expect_eq(s.kind, PAGE_STATE_PCP);
	cr_expect_eq(s.order, -1);
	cr_expect_eq(state_of(st.pfn_kernel).kind, PAGE_STATE_RESERVED);
	cr_expect_eq(state_of(st.ram_size / 4096 + 5).kind, PAGE_STATE_UNKNOWN);
}

/*
 * The devices' range look, many times on one thread: a bootmem page stays
 * "bootmem" and nothing grows between looks (the reserved regions it
 * keeps per thread once piled up across looks, past their array, into the
 * thread's TLS: the DMA device's thread crashed).
 */
Test(slab_cmds, page_states_many_looks)
{
	struct page_state s[2];
	struct errbuf e;

	for (unsigned int i = 0; i < 1000; i++) {
		cr_assert_eq(page_states_read(&gm, cr3, &lay, st.pfn_bootmem, 1,
					      s, &e), 0, "look %u: %s", i, e.msg);
		cr_assert_eq(s[0].kind, PAGE_STATE_BOOTMEM, "look %u: %s", i,
			     page_state_kind_name(s[0].kind));
		cr_assert_eq(page_states_read(&gm, cr3, &lay, st.pfn_kernel, 2,
					      s, &e), 0, "look %u: %s", i, e.msg);
		cr_assert_eq(s[0].kind, PAGE_STATE_KERNEL, "look %u", i);
	}
}

/* Caches and mempools in pages of one and two: every entry once, in order. */
static void pages_list_each_once(json_t *(*read)(const struct gmem *, uint64_t,
						  const struct mm_layout *,
						  const struct insp_bounds *,
						  struct errbuf *),
				 const char *list, unsigned int page_max)
{
	struct insp_bounds b = { .page_max = page_max };
	struct errbuf e;
	json_t *whole = read(&gm, cr3, &lay, NULL, &e), *all;
	size_t seen = 0, pages = 0;

	cr_assert_not_null(whole, "%s", e.msg);
	all = json_object_get(whole, list);
	cr_assert_gt(json_array_size(all), page_max);
	cr_assert(json_is_false(json_object_get(whole, "truncated")));
	for (;;) {
		json_t *ret = read(&gm, cr3, &lay, &b, &e), *got, *x;
		size_t i, left = json_array_size(all) - seen;

		cr_assert_not_null(ret, "%s", e.msg);
		cr_expect_eq(json_array_size(incons_of(ret)), 0, "%s", dumps(ret));
		got = json_object_get(ret, list);
		cr_assert_eq(json_array_size(got), left < page_max ? left : page_max);
		json_array_foreach(got, i, x)
			cr_assert(json_equal(json_object_get(x, "addr"),
					     json_object_get(json_array_get(all, seen + i), "addr")),
				  "%s entry %zu", list, seen + i);
		seen += i;
		pages++;
		if (!json_is_true(json_object_get(ret, "truncated"))) {
			json_decref(ret);
			break;
		}
		cr_assert_eq(json_integer_value(json_object_get(ret, "skipped")),
			     (json_int_t)(json_array_size(all) - seen));
		b.has_start_after = true;
		cr_assert_eq(qmp_get_addr(json_object_get(json_array_get(got, i - 1), "addr"),
					  &b.start_after), 0);
		json_decref(ret);
		cr_assert_lt(pages, 1000);
	}
	cr_assert_eq(seen, json_array_size(all));
	json_decref(whole);
}

Test(slab_cmds, slabinfo_and_mempools_in_pages)
{
	pages_list_each_once(slab_read_slabinfo, "caches", 1);
	pages_list_each_once(slab_read_slabinfo, "caches", 2);
	pages_list_each_once(slab_read_mempools, "mempools", 2);
}

/* A cursor that is on the list no more is named, not taken for the start. */
Test(slab_cmds, a_lost_cursor_is_named)
{
	struct insp_bounds b = { .page_max = 4, .has_start_after = true,
				 .start_after = 0x1000 };
	struct errbuf e;
	json_t *ret = slab_read_slabinfo(&gm, cr3, &lay, &b, &e);

	cr_assert_not_null(ret, "%s", e.msg);
	cr_expect(incons_has(ret, "start-after 0x1000: no such entry"), "%s",
		  dumps(ret));
	cr_expect_eq(json_array_size(json_object_get(ret, "caches")), 0);
	json_decref(ret);
}

/* Past its deadline, slabinfo says it ran out of time, and nothing else. */
Test(slab_cmds, slabinfo_out_of_time_says_so)
{
	struct insp_bounds b = { .deadline_ns = 1 };
	struct errbuf e;
	json_t *ret = slab_read_slabinfo(&gm, cr3, &lay, &b, &e);

	cr_assert_not_null(ret, "%s", e.msg);
	cr_assert(json_is_string(json_object_get(ret, "incomplete")), "%s",
		  dumps(ret));
	cr_expect(strstr(json_string_value(json_object_get(ret, "incomplete")),
			 "out of time"), "%s", dumps(ret));
	cr_expect_eq(json_array_size(incons_of(ret)), 1, "%s", dumps(ret));
	cr_expect(incons_has(ret, "incomplete: out of time"), "%s", dumps(ret));
	cr_expect(!incons_has(ret, "not readable"), "%s", dumps(ret));
	json_decref(ret);
}
