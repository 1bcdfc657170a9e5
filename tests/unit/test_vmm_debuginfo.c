// SPDX-License-Identifier: MIT
/*
 * The inspector's struct layouts from the guest image's DWARF
 * (vmm/memory/debuginfo.h, vmm/control/mm_layout.h): every entry of the
 * table resolves against the real guestmm.elf, and to what the guest itself
 * publishes today in its mminfo tables (the hosted build of the same
 * allocator, booted by inspect_fake_guest.c, fills them with offsetof());
 * a missing struct, member or a width the reader does not expect is one line
 * naming it; an image without debug info says so; field_get() stays inside
 * its copy.
 *
 * Environment: MEMVISOR_BUILD_TOP (for guestmm/guestmm.elf and the
 * fixtures; default ".").
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memvisor/bootparams.h>
#include <memvisor/mminfo.h>

#include "control/mm_layout.h"
#include "debuginfo.h"
#include "inspect_fake_guest.h"

/* The hosted guest's own descriptor and vmalloc (no guest header here). */
extern struct mv_mminfo mv_mminfo;
void kmem_cache_init(void);
void vmalloc_init(void);

static char *path_of(const char *rel)
{
	const char *top = getenv("MEMVISOR_BUILD_TOP");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", top && *top ? top : ".", rel);
	return path;
}

#define GUESTMM	path_of("guestmm/guestmm.elf")

static struct debuginfo *open_guestmm(void)
{
	struct debuginfo *di;
	struct errbuf e;

	cr_assert_eq(debuginfo_open_file(&di, GUESTMM, &e), 0, "%s", e.msg);
	return di;
}

static void resolve_guestmm(struct mm_layout *lay)
{
	struct debuginfo *di = open_guestmm();
	struct errbuf e;

	cr_assert_eq(mm_layout_resolve(di, lay, &e), 0, "%s", e.msg);
	debuginfo_close(di);
	cr_assert(lay->present, "%s", lay->absent_why);
}

/* ---- debuginfo queries --------------------------------------------------- */

Test(debuginfo, members_nested_anonymous_and_arrays)
{
	struct debuginfo *di = open_guestmm();
	struct di_member m, lru, slab_list;
	struct errbuf e;
	uint64_t v, size;

	/* a member of a member: zone->lock.next */
	cr_assert_eq(debuginfo_member(di, "struct zone", "lock", &m, &e), 0, "%s", e.msg);
	v = m.off;
	cr_assert_eq(debuginfo_member(di, "struct zone", "lock.next", &m, &e), 0, "%s", e.msg);
	cr_assert_geq(m.off, v);
	/* struct page's anonymous union: lru and slab_list share their place */
	cr_assert_eq(debuginfo_member(di, "struct page", "lru", &lru, &e), 0, "%s", e.msg);
	cr_assert_eq(debuginfo_member(di, "struct page", "slab_list", &slab_list, &e), 0, "%s", e.msg);
	cr_assert_eq(lru.off, slab_list.off);
	cr_assert_eq(lru.size, 16);
	/* arrays: element size and count */
	cr_assert_eq(debuginfo_member(di, "struct zone", "free_area", &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.count, FAKE_MAX_ORDER);
	cr_assert_eq(debuginfo_sizeof(di, "struct free_area", &v, &e), 0, "%s", e.msg);
	cr_assert_eq(m.elem_size, v);
	cr_assert_eq(m.size, v * FAKE_MAX_ORDER);
	/* a typedef of an anonymous struct */
	cr_assert_eq(debuginfo_member(di, "mempool_t", "source_arg", &m, &e), 0, "%s", e.msg);
	cr_assert_eq(m.size, 8);
	/* enumerators, small and 64-bit */
	cr_assert_eq(debuginfo_enum(di, "PG_buddy", &v, &e), 0, "%s", e.msg);
	cr_assert_eq(v, 1);
	cr_assert_eq(debuginfo_enum(di, "KMEM_CACHE_MAGIC", &v, &e), 0, "%s", e.msg);
	cr_assert_eq(v, 0x454843414d454d4bULL);
	/* symbols, local ones included */
	cr_assert_eq(debuginfo_symbol(di, "pcpu_info", &v, &size, &e), 0, "%s", e.msg);
	cr_assert_eq(size, sizeof(struct mv_percpu_info));
	debuginfo_close(di);
}

Test(debuginfo, what_is_missing_is_named)
{
	struct debuginfo *di = open_guestmm();
	struct di_member m;
	struct errbuf e;
	uint64_t v, size;

	cr_assert_eq(debuginfo_sizeof(di, "struct no_such_thing", &v, &e), -1);
	cr_assert_str_eq(e.msg, "no struct no_such_thing in the debug info");
	cr_assert_eq(debuginfo_member(di, "struct zone", "lock.no_such", &m, &e), -1);
	cr_assert_str_eq(e.msg, "struct zone has no member 'lock.no_such'");
	cr_assert_eq(debuginfo_member(di, "struct zone", "name.x", &m, &e), -1);
	cr_assert_str_eq(e.msg, "struct zone: member 'name' is not a struct or union");
	cr_assert_eq(debuginfo_enum(di, "NO_SUCH_ENUMERATOR", &v, &e), -1);
	cr_assert_str_eq(e.msg, "no enumerator NO_SUCH_ENUMERATOR in the debug info");
	cr_assert_eq(debuginfo_symbol(di, "no_such_symbol", &v, &size, &e), 1);
	cr_assert_str_eq(e.msg, "no symbol no_such_symbol");
	debuginfo_close(di);
}

/* A copy of guestmm.elf without its debug info, in @out (a mkstemp name). */
static void strip_guestmm(char *out)
{
	char cmd[8192];
	int fd = mkstemp(out);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "objcopy --strip-debug '%s' '%s'", GUESTMM, out);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
}

Test(debuginfo, an_image_without_dwarf_says_so)
{
	char out[] = "/tmp/test_vmm_debuginfo.XXXXXX";
	struct debuginfo *di;
	struct errbuf e;
	uint64_t v, size;

	strip_guestmm(out);
	cr_assert_eq(debuginfo_open_file(&di, out, &e), 0, "%s", e.msg);
	unlink(out);
	cr_assert_eq(debuginfo_sizeof(di, "struct zone", &v, &e), -1);
	cr_assert_str_eq(e.msg, "no DWARF debug info (built without -g, or stripped?)");
	cr_assert_eq(debuginfo_enum(di, "PG_buddy", &v, &e), -1);
	cr_assert_str_eq(e.msg, "no DWARF debug info (built without -g, or stripped?)");
	/* its symbols still answer */
	cr_assert_eq(debuginfo_symbol(di, "contig_page_data", &v, &size, &e), 0, "%s", e.msg);
	debuginfo_close(di);
}

/* guestmm.elf stripped of debug info: a memory manager, no layouts. */
Test(debuginfo, a_stripped_memory_manager_is_an_error_naming_the_query)
{
	char out[] = "/tmp/test_vmm_debuginfo.XXXXXX", want[8192];
	struct mm_layout lay;
	struct debuginfo *di;
	struct errbuf e;

	strip_guestmm(out);
	cr_assert_eq(debuginfo_open_file(&di, out, &e), 0, "%s", e.msg);
	cr_assert_eq(mm_layout_resolve(di, &lay, &e), -1);
	debuginfo_close(di);
	snprintf(want, sizeof(want),
		 "kernel image %s: no DWARF debug info (built without -g, or stripped?) (query-zones needs it)",
		 out);
	unlink(out);
	cr_assert_str_eq(e.msg, want);
	cr_assert_not(lay.present);
}

/* The test fixtures: assembly, no memory manager: the layout is absent. */
Test(debuginfo, an_image_without_a_memory_manager_is_absent)
{
	const char *path = path_of("tests/unit/fixtures/hello.elf");
	struct mm_layout lay;
	struct debuginfo *di;
	struct errbuf e;
	uint64_t v;

	cr_assert_eq(debuginfo_open_file(&di, path, &e), 0, "%s", e.msg);
	cr_assert_eq(debuginfo_sizeof(di, "struct zone", &v, &e), -1);
	cr_assert_str_eq(e.msg, "no struct zone in the debug info");
	cr_assert_eq(mm_layout_resolve(di, &lay, &e), 0, "%s", e.msg);
	debuginfo_close(di);
	cr_assert_not(lay.present);
	cr_assert(strstr(lay.absent_why, "has no memory manager (no symbol contig_page_data)"),
		  "%s", lay.absent_why);
}

Test(debuginfo, not_an_elf_executable)
{
	static const char junk[] = "not an ELF image at all";
	struct debuginfo *di;
	struct errbuf e;

	cr_assert_eq(debuginfo_open(&di, junk, sizeof(junk), "junk", &e), -1);
	cr_assert_str_eq(e.msg, "junk: not an ELF image");
	cr_assert_null(di);
}

/* ---- The table ---------------------------------------------------------- */

Test(mm_layout, every_entry_resolves_against_guestmm)
{
	struct mm_layout lay;

	resolve_guestmm(&lay);
	cr_assert_eq(lay.zone.free_area.count, FAKE_MAX_ORDER);
	cr_assert_eq(lay.zone.pcp.count, MV_MAX_CPUS);
	cr_assert_eq(lay.cache.cpu_cache.count, MV_MAX_CPUS);
	cr_assert_eq(lay.zone.watermark.count, 3);
	cr_assert_eq(lay.root.nr_zones, FAKE_MAX_ZONES);
	cr_assert_eq(lay.cache.name.count, 32);
	cr_assert_eq(lay.pcp.lists.count, 4);
	cr_assert_eq(lay.k.cache_magic, 0x454843414d454d4bULL);
	cr_assert_eq(lay.k.mempool_magic, 0x4c4f4f504d454d4dULL);
	cr_assert_eq(lay.percpu_chunk.size, sizeof(struct mv_percpu_chunk));
	cr_assert_eq(lay.percpu_info.size, sizeof(struct mv_percpu_info));
	cr_assert_eq(lay.percpu_info.nr_failed.off,
		     offsetof(struct mv_percpu_info, nr_failed));
	cr_assert_eq(lay.root.zones, lay.root.pgdat);	/* node_zones comes first */
	cr_assert_lt(lay.root.kernel_start, lay.root.kernel_end);
	/* every field inside its struct, every root in the kernel map */
	for (unsigned int i = 0; i < mm_layout_table_len; i++) {
		const struct mm_layout_entry *t = &mm_layout_table[i];
		const char *slot = (const char *)&lay + t->where;
		uint64_t addr;

		if (t->kind == MLK_FIELD) {
			struct field f;

			memcpy(&f, slot, sizeof(f));
			cr_assert_gt(f.size, 0, "%s.%s", t->type, t->name);
		} else if (t->kind == MLK_SYMBOL) {
			memcpy(&addr, slot, sizeof(addr));
			cr_assert_geq(addr, 0xffffffff80000000ULL, "%s", t->name);
		}
	}
}

/* Compares one published layout value with the resolved one. */
#define SAME(pub, res)	cr_expect_eq((uint64_t)(pub), (uint64_t)(res), \
				     "%s = %llu, DWARF says %s = %llu", #pub, \
				     (unsigned long long)(pub), #res, \
				     (unsigned long long)(res))
#define SAME_F(pub, res) do { SAME((pub).off, (res).off); \
			      SAME((pub).size, (res).size); } while (0)

Test(mm_layout, equals_what_the_guest_publishes)
{
	const struct mv_mm_layout_alloc *a = &mv_mminfo.alloc;
	const struct mv_slab_layout *s = &mv_mminfo.slab;
	const struct mv_vmap_layout *v = &mv_mminfo.vmap;
	struct fake_guest g;
	struct mm_layout lay;

	resolve_guestmm(&lay);
	fake_guest_boot(&g, 64UL << 20);	/* mm_init(): alloc and slab tables */
	kmem_cache_init();
	vmalloc_init();				/* the vmap table */
	cr_assert_eq(mv_mminfo.magic, MV_MMINFO_MAGIC);
	cr_assert_neq(v->sizeof_area, 0, "vmalloc_init() did not fill the vmap table");

	SAME(a->sizeof_list_head, lay.list_head.size);
	SAME_F(a->list_next, lay.list_head.next);
	SAME_F(a->list_prev, lay.list_head.prev);
	SAME(a->sizeof_page, lay.page.size);
	SAME(mv_mminfo.sizeof_page, lay.page.size);
	SAME_F(a->page_flags, lay.page.flags);
	SAME_F(a->page_private, lay.page.private_);
	SAME_F(a->page_lru, lay.page.lru);
	SAME(a->pg_buddy, 1ULL << lay.pg.buddy);
	SAME(a->pg_pcp, 1ULL << lay.pg.pcp);
	SAME(a->pg_reserved, 1ULL << lay.pg.reserved);
	SAME(a->sizeof_zone, lay.zone.size);
	SAME(mv_mminfo.sizeof_zone, lay.zone.size);
	SAME(mv_mminfo.nr_zones, lay.root.nr_zones);
	SAME_F(a->zone_name, lay.zone.name);
	SAME_F(a->zone_start_pfn, lay.zone.start_pfn);
	SAME_F(a->zone_spanned, lay.zone.spanned);
	SAME_F(a->zone_present, lay.zone.present);
	SAME_F(a->zone_managed, lay.zone.managed);
	SAME_F(a->zone_free_pages, lay.zone.free_pages);
	SAME(a->zone_watermark.off, lay.zone.watermark.off);
	SAME(a->zone_watermark.size, lay.zone.watermark.elem_size * lay.zone.watermark.count);
	SAME(a->nr_wmark, lay.zone.watermark.count);
	SAME_F(a->zone_first_deferred_pfn, lay.zone.first_deferred_pfn);
	SAME_F(a->zone_deferred_pages, lay.zone.deferred_pages);
	SAME_F(a->zone_lock_next, lay.zone.lock_next);
	SAME_F(a->zone_lock_owner, lay.zone.lock_owner);
	SAME(a->zone_free_area.off, lay.zone.free_area.off);
	SAME(a->sizeof_free_area, lay.zone.free_area.elem_size);
	SAME(a->max_order, lay.zone.free_area.count);
	SAME_F(a->free_area_free_list, lay.free_area.free_list);
	SAME_F(a->free_area_nr_free, lay.free_area.nr_free);
	SAME(a->zone_pcp.off, lay.zone.pcp.off);
	SAME(a->sizeof_pcp, lay.zone.pcp.elem_size);
	SAME(a->nr_pcp, lay.zone.pcp.count);
	SAME_F(a->pcp_count, lay.pcp.count);
	SAME_F(a->pcp_high, lay.pcp.high);
	SAME_F(a->pcp_batch, lay.pcp.batch);
	SAME(a->pcp_lists.off, lay.pcp.lists.off);
	SAME(a->nr_pcp_lists, lay.pcp.lists.count);
	SAME(a->sizeof_memblock, lay.memblock.size);
	SAME_F(a->memblock_memory, lay.memblock.memory);
	SAME_F(a->memblock_reserved, lay.memblock.reserved);
	SAME(a->sizeof_memblock_type, lay.memblock_type.size);
	SAME_F(a->mbt_cnt, lay.memblock_type.cnt);
	SAME_F(a->mbt_max, lay.memblock_type.max);
	SAME_F(a->mbt_total_size, lay.memblock_type.total_size);
	SAME_F(a->mbt_regions, lay.memblock_type.regions);
	SAME(a->sizeof_memblock_region, lay.memblock_region.size);
	SAME_F(a->mbr_base, lay.memblock_region.base);
	SAME_F(a->mbr_size, lay.memblock_region.size_);
	SAME_F(a->mbr_flags, lay.memblock_region.flags);

	SAME(s->nr_cpus, lay.cache.cpu_cache.count);
	SAME(s->sizeof_cache, lay.cache.size);
	SAME(s->cache_cpu_cache, lay.cache.cpu_cache.off);
	SAME(s->cache_magic, lay.cache.magic.off);
	SAME(s->cache_flags, lay.cache.flags.off);
	SAME(s->cache_size, lay.cache.size_.off);
	SAME(s->cache_object_size, lay.cache.object_size.off);
	SAME(s->cache_order, lay.cache.order.off);
	SAME(s->cache_num, lay.cache.num.off);
	SAME(s->cache_limit, lay.cache.limit.off);
	SAME(s->cache_batchcount, lay.cache.batchcount.off);
	SAME(s->cache_shared, lay.cache.shared.off);
	SAME(s->cache_slabs_full, lay.cache.slabs_full.off);
	SAME(s->cache_slabs_partial, lay.cache.slabs_partial.off);
	SAME(s->cache_slabs_free, lay.cache.slabs_free.off);
	SAME(s->cache_free_objects, lay.cache.free_objects.off);
	SAME(s->cache_stat_active_objs, lay.cache.active_objs.off);
	SAME(s->cache_stat_total_objs, lay.cache.total_objs.off);
	SAME(s->cache_stat_active_slabs, lay.cache.active_slabs.off);
	SAME(s->cache_stat_total_slabs, lay.cache.total_slabs.off);
	SAME(s->cache_list, lay.cache.list.off);
	SAME(s->cache_name, lay.cache.name.off);
	SAME(s->cache_name_len, lay.cache.name.count);
	SAME(s->cache_magic_value, lay.k.cache_magic);
	SAME(s->cache_no_tunables, lay.k.cache_no_tunables);
	SAME(s->ac_avail, lay.array_cache.avail.off);
	SAME(s->ac_limit, lay.array_cache.limit.off);
	SAME(s->ac_batchcount, lay.array_cache.batchcount.off);
	SAME(s->page_flags, lay.page.flags.off);
	SAME(s->page_private, lay.page.private_.off);
	SAME(s->page_slab_list, lay.page.slab_list.off);
	SAME(s->page_slab_cache, lay.page.slab_cache.off);
	SAME(s->page_inuse, lay.page.inuse.off);
	SAME(s->page_objects, lay.page.objects.off);
	SAME(s->page_refcount, lay.page.refcount.off);
	SAME(s->page_order, lay.page.order.off);
	SAME(s->pg_reserved, lay.pg.reserved);
	SAME(s->pg_buddy, lay.pg.buddy);
	SAME(s->pg_pcp, lay.pg.pcp);
	SAME(s->pg_slab, lay.pg.slab);
	SAME(s->pg_head, lay.pg.head);
	SAME(s->max_order, lay.zone.free_area.count);
	SAME(s->zone_name, lay.zone.name.off);
	SAME(s->zone_start_pfn, lay.zone.start_pfn.off);
	SAME(s->zone_spanned, lay.zone.spanned.off);
	SAME(s->zone_first_deferred_pfn, lay.zone.first_deferred_pfn.off);
	SAME(s->memblock_reserved, lay.memblock.reserved.off);
	SAME(s->mbtype_cnt, lay.memblock_type.cnt.off);
	SAME(s->mbtype_regions, lay.memblock_type.regions.off);
	SAME(s->sizeof_region, lay.memblock_region.size);
	SAME(s->region_base, lay.memblock_region.base.off);
	SAME(s->region_size, lay.memblock_region.size_.off);
	SAME(s->sizeof_mempool, lay.mempool.size);
	SAME(s->pool_min_nr, lay.mempool.min_nr.off);
	SAME(s->pool_curr_nr, lay.mempool.curr_nr.off);
	SAME(s->pool_source, lay.mempool.source.off);
	SAME(s->pool_source_arg, lay.mempool.source_arg.off);
	SAME(s->pool_magic, lay.mempool.magic.off);
	SAME(s->pool_list, lay.mempool.list.off);
	SAME(s->pool_magic_value, lay.k.mempool_magic);

	SAME(v->sizeof_area, lay.vmap_area.size);
	SAME(v->va_start, lay.vmap_area.va_start.off);
	SAME(v->va_end, lay.vmap_area.va_end.off);
	SAME(v->list, lay.vmap_area.list.off);
	SAME(v->pages, lay.vmap_area.pages.off);
	SAME(v->nr_pages, lay.vmap_area.nr_pages.off);
	SAME(v->flags, lay.vmap_area.flags.off);
	SAME(v->phys_addr, lay.vmap_area.phys_addr.off);
	SAME(v->caller, lay.vmap_area.caller.off);
	SAME(v->vmalloc_start, lay.k.vmalloc_start);
	SAME(v->vmalloc_end, lay.k.vmalloc_end);
}

/* One broken table entry against the real image: @want is the whole line. */
static void expect_error(struct mm_layout_entry t, const char *want)
{
	struct debuginfo *di = open_guestmm();
	struct mm_layout lay;
	struct errbuf e;
	char line[4096 + 512];

	cr_assert_eq(mm_layout_resolve_table(di, &t, 1, &lay, &e), -1);
	debuginfo_close(di);
	snprintf(line, sizeof(line), "kernel image %s: %s", GUESTMM, want);
	cr_assert_str_eq(e.msg, line);
}

#define AT(m)	offsetof(struct mm_layout, m)

Test(mm_layout, a_missing_struct_is_one_line)
{
	expect_error((struct mm_layout_entry){ "query-zones", MLK_SIZEOF,
		     "struct zone_v2", NULL, 0, AT(zone.size) },
		     "no struct zone_v2 in the debug info (query-zones needs it)");
}

Test(mm_layout, a_missing_member_is_one_line)
{
	expect_error((struct mm_layout_entry){ "query-zones", MLK_FIELD,
		     "struct zone", "free_areas", 0, AT(zone.name) },
		     "struct zone has no member 'free_areas' (query-zones needs it)");
}

Test(mm_layout, a_width_mismatch_is_one_line)
{
	expect_error((struct mm_layout_entry){ "query-slabinfo", MLK_FIELD,
		     "struct kmem_cache", "size", 8, AT(cache.size_) },
		     "struct kmem_cache: member 'size' is 4 bytes, not 8 (query-slabinfo needs it)");
	expect_error((struct mm_layout_entry){ "query-zones", MLK_ARRAY,
		     "struct zone", "_watermark", 4, AT(zone.watermark) },
		     "struct zone: member '_watermark''s element is 8 bytes, not 4 (query-zones needs it)");
	expect_error((struct mm_layout_entry){ "query-zones", MLK_ARRAY,
		     "struct zone", "name", 0, AT(zone.watermark) },
		     "struct zone: member 'name' is not an array (query-zones needs it)");
	expect_error((struct mm_layout_entry){ "query-zones", MLK_FIELD,
		     "struct zone", "free_area", MM_LAYOUT_SCALAR, AT(zone.name) },
		     "struct zone: member 'free_area' is 264 bytes, not 1, 2, 4 or 8 (query-zones needs it)");
}

Test(mm_layout, a_missing_enumerator_or_symbol_is_one_line)
{
	expect_error((struct mm_layout_entry){ "page-owner", MLK_ENUM, NULL,
		     "PG_compound", 0, AT(pg.head) },
		     "no enumerator PG_compound in the debug info (page-owner needs it)");
	expect_error((struct mm_layout_entry){ "query-vmallocinfo", MLK_SYMBOL,
		     NULL, "vmap_area_root", 0, AT(root.vmap_areas) },
		     "no symbol vmap_area_root (query-vmallocinfo needs it)");
}

/* ---- field_get ------------------------------------------------------------ */

Test(field_get, reads_each_width_little_endian)
{
	const uint8_t b[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 3, 1 }), 4);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 0, 2 }), 0x0201);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 12, 4 }), 0x100f0e0d);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 8, 8 }), 0x100f0e0d0c0b0a09ULL);
}

Test(field_get, stays_inside_the_copy)
{
	const uint8_t b[16] = { [15] = 0xff };

	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 15, 1 }), 0xff);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 9, 8 }), 0);	/* one past */
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 16, 1 }), 0);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ UINT32_MAX, 8 }), 0);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 8, UINT32_MAX }), 0);
	cr_assert_eq(field_get(b, sizeof(b), (struct field){ 12, 3 }), 0);	/* no such width */
	cr_assert_eq(field_get(b, 0, (struct field){ 0, 1 }), 0);
	cr_assert_eq(field_get(NULL, 0, (struct field){ 0, 0 }), 0);
}

Test(field_get, array_elements_stop_at_the_count)
{
	struct field_array a = { .off = 4, .elem_size = 8, .count = 3 };
	struct field f = field_elem(a, 2);

	cr_assert_eq(f.off, 20);
	cr_assert_eq(f.size, 8);
	cr_assert_eq(field_elem(a, 3).size, 0);
}
