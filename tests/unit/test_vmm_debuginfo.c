// SPDX-License-Identifier: MIT
/*
 * The inspector's struct layouts from the guest image's DWARF
 * (vmm/memory/debuginfo.h, vmm/control/mm_layout.h): every entry of the
 * table resolves against the real guestmm.elf, and to the same layout as
 * the hosted build of the same allocator linked into this test (the unit
 * tests' fake guests, inspect_fake_guest.c, read through that one);
 * a missing struct, member or a width the reader does not expect is one line
 * naming it; an image without debug info says so; field_get() stays inside
 * its copy.
 *
 * Environment: MEMVISOR_BUILD_TOP (for guestmm/guestmm.elf and the
 * fixtures; default ".").
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memvisor/bootparams.h>
#include <memvisor/mminfo.h>
#include <memvisor/module.h>
#include <memvisor/workload.h>

#include "control/mm_layout.h"
#include "debuginfo.h"
#include "fake_layout.h"
#include "inspect_fake_guest.h"


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
	cr_assert_eq(lay.pcp.lists.count, 6);	/* orders 0..PCP_MAX_ORDER */
	cr_assert_eq(lay.k.cache_magic, 0x454843414d454d4bULL);
	cr_assert_eq(lay.k.mempool_magic, 0x4c4f4f504d454d4dULL);
	cr_assert_eq(lay.percpu_chunk.size, sizeof(struct mv_percpu_chunk));
	cr_assert_eq(lay.percpu_info.size, sizeof(struct mv_percpu_info));
	cr_assert_eq(lay.percpu_info.nr_failed.off,
		     offsetof(struct mv_percpu_info, nr_failed));
	cr_assert_eq(lay.root.zones, lay.root.pgdat);	/* node_zones comes first */
	cr_assert_lt(lay.root.kernel_start, lay.root.kernel_end);
	/* the loader is in the image: its optional part is there */
	cr_assert(lay.module.present);
	cr_assert_eq(lay.module.name.count, MV_MODULE_NAME_MAX);
	cr_assert_eq(lay.ms.unformed, 3);
	/* and the workloads' */
	cr_assert(lay.workload.present);
	cr_assert_eq(lay.workload.name.count, MV_WORKLOAD_NAME_MAX);
	cr_assert_eq(lay.workload.params.count, MV_WORKLOAD_PARAMS_MAX);
	cr_assert_eq(lay.workload.ops.size, 8);
	cr_assert_neq(lay.root.workloads, 0);
	cr_assert_neq(lay.root.jiffies, 0);
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

/* The bytes of an entry's answer in struct mm_layout. */
static size_t answer_size(enum mm_layout_kind kind)
{
	switch (kind) {
	case MLK_SIZEOF:
		return sizeof(uint32_t);
	case MLK_FIELD:
		return sizeof(struct field);
	case MLK_ARRAY:
		return sizeof(struct field_array);
	case MLK_ENUM:
	case MLK_SYMBOL:
		break;
	}
	return sizeof(uint64_t);
}

/* Is @reader an optional part (mm_layout_optional[]) @lay went without? */
static bool optional_absent(const struct mm_layout *lay, const char *reader)
{
	for (unsigned int i = 0; i < mm_layout_optional_len; i++)
		if (!strcmp(mm_layout_optional[i].reader, reader))
			return !*(const bool *)((const char *)lay +
						mm_layout_optional[i].present);
	return false;
}

/*
 * The kernel image and the hosted build of the same allocator (linked into
 * this test, its layout from its own DWARF: fake_layout.h) agree on every
 * struct, field and enumerator: the unit tests' fakes read what the guest
 * is. The roots differ (another program), so symbols are not compared;
 * nor is an optional part the hosted build has not (the checker's quiet
 * point: no per-CPU PDA there).
 */
Test(mm_layout, equals_the_hosted_builds)
{
	struct mm_layout kernel, hosted;
	struct fake_guest g;

	resolve_guestmm(&kernel);
	fake_guest_boot(&g, 64UL << 20);
	fake_layout_load(&hosted, g.pgdat, 0, 0);
	for (unsigned int i = 0; i < mm_layout_table_len; i++) {
		const struct mm_layout_entry *t = &mm_layout_table[i];

		if (t->kind == MLK_SYMBOL || optional_absent(&hosted, t->reader))
			continue;
		cr_expect(!memcmp((const char *)&kernel + t->where,
				  (const char *)&hosted + t->where,
				  answer_size(t->kind)),
			  "%s %s: guestmm.elf and the hosted build differ",
			  t->type ? t->type : "enumerator", t->name);
	}
}

/*
 * A kernel without modules (main's image before the loader, as Linux
 * without CONFIG_MODULES): guestmm.elf with its symbol 'modules' renamed
 * resolves, every other reader's part present, the modules' absent.
 */
Test(mm_layout, a_kernel_without_modules_still_resolves)
{
	char out[] = "/tmp/test_vmm_debuginfo.XXXXXX", cmd[8192];
	struct mm_layout lay;
	struct debuginfo *di;
	struct errbuf e;
	int fd = mkstemp(out);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "objcopy --redefine-sym modules=no_modules '%s' '%s'",
		 GUESTMM, out);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
	cr_assert_eq(debuginfo_open_file(&di, out, &e), 0, "%s", e.msg);
	unlink(out);
	cr_assert_eq(mm_layout_resolve(di, &lay, &e), 0, "%s", e.msg);
	debuginfo_close(di);
	cr_assert(lay.present, "%s", lay.absent_why);
	cr_assert_not(lay.module.present);
	cr_assert_eq(lay.module.size, 0);
	cr_assert_eq(lay.root.modules, 0);
	cr_assert_gt(lay.zone.size, 0);
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

/* An image with 'modules' must have the struct the reader reads, whole. */
Test(mm_layout, a_module_support_without_its_member_is_one_line)
{
	expect_error((struct mm_layout_entry){ "query-modules", MLK_FIELD,
		     "struct module", "mem", 0, AT(module.core_base) },
		     "struct module has no member 'mem' (query-modules needs it)");
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

/* The whole file's bytes (freed by the caller). */
static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Resolved in a child (vmm's way), the layout is the one resolved here. */
Test(mm_layout, resolved_apart_equals_resolved_here)
{
	static struct mm_layout here, apart;
	struct errbuf e;
	size_t len;
	void *img = slurp(GUESTMM, &len);

	cr_assert_eq(mm_layout_load(img, len, "guestmm.elf", &here, &e), 0, "%s", e.msg);
	cr_assert_eq(mm_layout_load_apart(img, len, "guestmm.elf", &apart, &e), 0,
		     "%s", e.msg);
	free(img);
	cr_assert(apart.present);
	cr_assert_eq(memcmp(&here, &apart, sizeof(here)), 0);
}

/* An error in the child comes back as its one line. */
Test(mm_layout, resolved_apart_says_what_failed)
{
	char out[] = "/tmp/test_vmm_debuginfo.XXXXXX";
	static struct mm_layout lay;
	struct errbuf e;
	size_t len;
	void *img;

	strip_guestmm(out);
	img = slurp(out, &len);
	unlink(out);
	cr_assert_eq(mm_layout_load_apart(img, len, "stripped.elf", &lay, &e), -1);
	free(img);
	cr_assert_str_eq(e.msg, "kernel image stripped.elf: no DWARF debug info (built without -g, or stripped?) (query-zones needs it)");
}
