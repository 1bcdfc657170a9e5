/* SPDX-License-Identifier: MIT */
/*
 * The layout of every guest struct the inspector reads, and the roots it
 * starts from, resolved once at start from the DWARF and symbols of the
 * kernel image the VMM loaded (memory/debuginfo.h). The image is the user's
 * own file: the layout comes from what the guest's compiler did, not from a
 * table the running guest fills (issue 15).
 *
 * mm_layout_table[] is the one list of what each reader reads: its name (the
 * query that needs it), the struct, the member path, the width the reader
 * assumes (0: any) and where the answer goes in struct mm_layout. Adding a
 * field to a reader is one line there and one member here.
 *
 * field_get() is the one reader of a field from a copy of a guest struct.
 *
 * Lifetime: resolved before the vCPUs start, then read-only (vm.h), so any
 * thread may read it without a lock.
 */
#ifndef VMM_CONTROL_MM_LAYOUT_H
#define VMM_CONTROL_MM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct debuginfo;

/* An entry's width meaning "a scalar field_get() reads: 1, 2, 4 or 8 bytes". */
#define MM_LAYOUT_SCALAR	UINT32_MAX

/* A struct's largest size the layout accepts: anything bigger is damage. */
#define MM_LAYOUT_MAX_STRUCT	(1U << 20)

/* One member of a struct: its offset and size in bytes. */
struct field {
	uint32_t off, size;
};

/* An array member: element i is at off + i * elem_size, i < count. */
struct field_array {
	uint32_t off, elem_size, count;
};

struct mm_layout {
	bool present;		/* false: the image has no memory manager */
	char absent_why[160];	/* then, why: said by every query */

	struct { uint32_t size; struct field next, prev; } list_head;

	struct {
		uint32_t size;
		struct field flags, private_, lru;
		struct field slab_list, slab_cache, inuse, objects, refcount,
			     order;
	} page;
	/* enum pageflags: bit numbers in page.flags */
	struct { uint64_t reserved, buddy, pcp, slab, head; } pg;

	struct {
		uint32_t size;
		struct field name, start_pfn, spanned, present, managed,
			     free_pages, first_deferred_pfn, deferred_pages;
		struct field lock_next, lock_owner;	/* a ticket lock */
		struct field_array watermark;	/* count: NR_WMARK */
		struct field_array free_area;	/* count: MAX_ORDER */
		struct field_array pcp;		/* count: NR_CPUS */
	} zone;
	struct { uint32_t size; struct field free_list, nr_free; } free_area;
	struct {
		uint32_t size;
		struct field count, high, batch;
		struct field_array lists;	/* count: NR_PCP_ORDERS */
	} pcp;

	struct {
		uint32_t size;
		struct field_array node_zones;	/* count: MAX_NR_ZONES */
	} pgdat;

	struct { uint32_t size; struct field memory, reserved; } memblock;
	struct {
		uint32_t size;
		struct field cnt, max, total_size, regions;
	} memblock_type;
	struct { uint32_t size; struct field base, size_, flags; } memblock_region;

	struct {
		uint32_t size;
		struct field_array cpu_cache;	/* count: NR_CPUS */
		struct field_array name;	/* char[KMEM_CACHE_NAME_LEN] */
		struct field magic, flags, size_, object_size, order, num,
			     limit, batchcount, shared, slabs_full,
			     slabs_partial, slabs_free, free_objects,
			     active_objs, total_objs, active_slabs,
			     total_slabs, list;
	} cache;
	struct { uint32_t size; struct field avail, limit, batchcount; } array_cache;
	struct {
		uint32_t size;
		struct field min_nr, curr_nr, source, source_arg, magic, list;
	} mempool;

	struct {
		uint32_t size;
		struct field va_start, va_end, list, pages, nr_pages, flags,
			     phys_addr, caller;
	} vmap_area;

	struct {
		uint32_t size;
		struct field magic, version, size_, chunks, static_start,
			     per_cpu_offset, unit_size, nr_units, static_size,
			     min_alloc_size, sizeof_chunk, nr_chunks,
			     nr_max_chunks, nr_alloc, nr_dealloc, nr_cur_alloc,
			     nr_max_alloc, min_alloc_size_seen,
			     max_alloc_size_seen, nr_failed;
	} percpu_info;
	struct {
		uint32_t size;
		struct field magic, next, base, flags, start_offset, free_bytes,
			     contig_bytes, nr_alloc, first_free, max_alloc_size;
	} percpu_chunk;

	/* the guest's constants, from its enums */
	struct {
		uint64_t cache_magic;		/* KMEM_CACHE_MAGIC */
		uint64_t cache_no_tunables;	/* SLAB_NO_TUNABLES */
		uint64_t mempool_magic;		/* MEMPOOL_MAGIC */
		uint64_t vmalloc_start, vmalloc_end;	/* [start, end) */
	} k;

	/*
	 * The roots: guest-virtual addresses of the kernel's variables, from
	 * its symbols. mem_map, max_pfn and nr_cpu_ids are the variables,
	 * whose values the reader reads from guest memory at query time.
	 */
	struct {
		uint64_t pgdat;		/* contig_page_data */
		uint64_t zones;		/* contig_page_data.node_zones */
		uint32_t nr_zones;	/* its length: MAX_NR_ZONES */
		uint64_t memblock;	/* struct memblock */
		uint64_t mem_map;	/* struct page *mem_map */
		uint64_t max_pfn;	/* unsigned long max_pfn */
		uint64_t nr_cpu_ids;	/* unsigned int nr_cpu_ids */
		uint64_t slab_caches;	/* list_head of kmem_cache.list */
		uint64_t mempools;	/* list_head of mempool_t.list */
		uint64_t vmap_areas;	/* list_head of vmap_area.list */
		uint64_t nr_vmap_areas;	/* unsigned long */
		uint64_t percpu;	/* struct mv_percpu_info pcpu_info */
		uint64_t kernel_start;	/* _text, virtual */
		uint64_t kernel_end;	/* _end, virtual */
	} root;
};

enum mm_layout_kind {
	MLK_SIZEOF,	/* a uint32_t: sizeof(struct) */
	MLK_FIELD,	/* a struct field */
	MLK_ARRAY,	/* a struct field_array */
	MLK_ENUM,	/* a uint64_t: an enumerator's value */
	MLK_SYMBOL,	/* a uint64_t: a symbol's address */
};

struct mm_layout_entry {
	const char *reader;	/* the query that needs it: "query-zones" */
	enum mm_layout_kind kind;
	const char *type;	/* "struct zone", "mempool_t"; NULL for enum/symbol */
	const char *name;	/* member path, enumerator or symbol */
	/* bytes the reader assumes (array: its element); 0 any; or SCALAR */
	uint32_t width;
	size_t where;		/* offsetof(struct mm_layout, ...) */
};

extern const struct mm_layout_entry mm_layout_table[];
extern const unsigned int mm_layout_table_len;

/*
 * Fills @lay from @di. 0: resolved (present), or absent because the image
 * has no memory manager (no contig_page_data symbol; absent_why says so).
 * -1 with one line in @e naming the first missing or wrong struct, field,
 * enumerator or symbol and the query that needs it:
 *   "kernel image: struct zone has no member 'free_area' (query-zones needs it)"
 */
int mm_layout_resolve(struct debuginfo *di, struct mm_layout *lay,
		      struct errbuf *e);
/* The same over another table (the unit tests' broken ones). */
int mm_layout_resolve_table(struct debuginfo *di,
			    const struct mm_layout_entry *table,
			    unsigned int len, struct mm_layout *lay,
			    struct errbuf *e);

/*
 * As mm_layout_resolve() over the ELF image @buf (@len bytes, @name in
 * messages): opens and closes its debug info.
 */
int mm_layout_load(const void *buf, size_t len, const char *name,
		   struct mm_layout *lay, struct errbuf *e);

/*
 * The value of @f in @copy (@copy_len bytes of a guest struct), 1, 2, 4 or
 * 8 bytes, little-endian as x86. 0 when @f does not lie inside the copy or
 * has another size: mm_layout_resolve() checked every field against its
 * struct's size, so for a copy of the whole struct that never happens; the
 * check keeps a reader's mistake from reading past its buffer.
 */
uint64_t field_get(const void *copy, size_t copy_len, struct field f);

/*
 * Element @i of @a as a field, for field_get(); size 0 (field_get() reads
 * 0) past the end, or where the offset would not fit 32 bits.
 */
static inline struct field field_elem(struct field_array a, uint32_t i)
{
	uint64_t off = a.off + (uint64_t)i * a.elem_size;

	if (i >= a.count || off > UINT32_MAX)
		return (struct field){ 0, 0 };
	return (struct field){ (uint32_t)off, a.elem_size };
}

/*
 * Member @f of the struct that @outer (a member or an element) holds, as a
 * field of the outer copy: zone.pcp[cpu].count is
 * field_in(field_elem(lay->zone.pcp, cpu), lay->pcp.count). Size 0 (so
 * field_get() reads 0) when @outer is or where the offset would not fit.
 */
static inline struct field field_in(struct field outer, struct field f)
{
	uint64_t off = (uint64_t)outer.off + f.off;

	if (!outer.size || off > UINT32_MAX)
		return (struct field){ 0, 0 };
	return (struct field){ (uint32_t)off, f.size };
}

/*
 * Phase B, converting the readers (include/memvisor/mminfo.h's tables go):
 *
 *   mi.alloc.sizeof_list_head, list_next/prev -> lay->list_head.size, .next/.prev
 *   mi.alloc.sizeof_page, mi.sizeof_page      -> lay->page.size
 *   mi.alloc.page_flags/private/lru           -> lay->page.flags/private_/lru
 *   mi.alloc.pg_buddy/pg_pcp/pg_reserved (masks) -> 1ULL << lay->pg.buddy/pcp/reserved
 *   mi.slab.pg_* (bit numbers)                -> lay->pg.*
 *   mi.alloc.sizeof_zone, mi.sizeof_zone      -> lay->zone.size
 *   mi.alloc.zone_name/start_pfn/spanned/present/managed/free_pages
 *                                             -> lay->zone.name/start_pfn/...
 *   mi.alloc.zone_watermark, nr_wmark         -> lay->zone.watermark (.count)
 *   mi.alloc.zone_first_deferred_pfn/deferred_pages -> lay->zone.*
 *   mi.alloc.zone_lock_next/owner             -> lay->zone.lock_next/lock_owner
 *   mi.alloc.zone_free_area, sizeof_free_area, max_order
 *                                             -> lay->zone.free_area (.elem_size, .count)
 *   mi.alloc.free_area_free_list/nr_free      -> lay->free_area.free_list/nr_free
 *   mi.alloc.zone_pcp, sizeof_pcp, nr_pcp     -> lay->zone.pcp (.elem_size, .count)
 *   mi.alloc.pcp_count/high/batch             -> lay->pcp.count/high/batch
 *   mi.alloc.pcp_lists, nr_pcp_lists          -> lay->pcp.lists (.count)
 *   mi.alloc.sizeof_memblock, memblock_memory/reserved -> lay->memblock.*
 *   mi.alloc.sizeof_memblock_type, mbt_*, mi.slab.mbtype_* -> lay->memblock_type.*
 *   mi.alloc.sizeof_memblock_region, mbr_*, mi.slab.region_*, sizeof_region
 *                                             -> lay->memblock_region.*
 *   mi.slab.zone_*                            -> lay->zone.* (one table now)
 *   mi.slab.page_* (flags, private, slab_list, slab_cache, inuse, objects,
 *     refcount, order)                        -> lay->page.*
 *   mi.slab.max_order                         -> lay->zone.free_area.count
 *   mi.slab.nr_cpus, cache_cpu_cache          -> lay->cache.cpu_cache (.count)
 *   mi.slab.sizeof_cache, cache_*             -> lay->cache.* (cache_size -> size_,
 *     cache_stat_X -> X)
 *   mi.slab.cache_name, cache_name_len        -> lay->cache.name (.count)
 *   mi.slab.cache_magic_value                 -> lay->k.cache_magic
 *   mi.slab.cache_no_tunables                 -> lay->k.cache_no_tunables
 *   mi.slab.ac_*                              -> lay->array_cache.*
 *   mi.slab.sizeof_mempool, pool_*            -> lay->mempool.*
 *   mi.slab.pool_magic_value                  -> lay->k.mempool_magic
 *   mi.slab.kernel_start_pfn/end_pfn          -> PFN of lay->root.kernel_start/_end
 *                                                minus MV_KERNEL_VIRT_BASE (for
 *                                                guestmm.elf the same as
 *                                                elf_check()'s k.start/k.end)
 *   mi.vmap.sizeof_area, va_start...caller    -> lay->vmap_area.*
 *   mi.vmap.nr_areas                          -> lay->root.nr_vmap_areas
 *   mi.vmap.vmalloc_start/end                 -> lay->k.vmalloc_start/end
 *   struct mv_percpu_info / mv_percpu_chunk (read as C structs today)
 *                                             -> lay->percpu_info.* / percpu_chunk.*
 *
 * Roots (by symbol in the image):
 *   mi.zones, nr_zones  -> lay->root.zones, nr_zones (contig_page_data.node_zones)
 *   mi.memblock         -> lay->root.memblock (memblock)
 *   mi.mem_map          -> the pointer at lay->root.mem_map (mem_map), read at query time
 *   mi.max_pfn          -> the value at lay->root.max_pfn (max_pfn), read at query time
 *   mi.nr_cpus          -> the value at lay->root.nr_cpu_ids, capped by zone.pcp.count
 *   mi.slab_caches      -> lay->root.slab_caches (slab_caches)
 *   mi.mempools         -> lay->root.mempools (mempools)
 *   mi.vmap_areas       -> lay->root.vmap_areas (vmap_area_list)
 *   mi.percpu           -> lay->root.percpu (pcpu_info; its magic says whether
 *                          the guest has set it up yet)
 *   mi.boot_params_gpa  -> MV_BOOT_PARAMS_GPA: the VMM put them there
 *   mi.page_shift       -> 12: the VMM's page tables
 *
 * The page-table root, one rule: the kernel's address space is the table
 * the VMM built and booted the guest on (vm->boot.pml4): the guest keeps it
 * for ever (arch/x86_64/pgtable.c adds to it, never switches) and the VMM
 * knows it without asking the guest, so no guest value is needed or
 * trusted. A vCPU's CR3 (read from the paused vCPU, checked as a PML4 in
 * RAM) or a "cr3" argument is used only when the query asks for it.
 * mi.kernel_pgd_gpa goes.
 *
 * What only the running guest can say stays guest memory read at query
 * time through the roots above (values, lists, the per-CPU info); the
 * HC_MMINFO descriptor then carries nothing the VMM needs and can go.
 * Until the guest has set a root up it reads as zero or as its static
 * initialiser (pcpu_info.magic 0 before percpu init, an empty vmap list
 * before vmalloc_init): readers say "not set up yet", as for mi.percpu == 0.
 * The unit tests' fake guests (hosted build) are the test binary itself:
 * phase B resolves their layout from /proc/self/exe (the hosted library
 * and the fakes build with -g) and passes roots the fake sets up.
 *
 * Struct widths the readers assume are in the table (8 for pointers and
 * unsigned long, 4 for int and u32, 16 for a list_head, SCALAR where the
 * reader uses field_get() and any width does); a guest that changes one
 * fails at start, naming the field, instead of being misread.
 */

#endif
