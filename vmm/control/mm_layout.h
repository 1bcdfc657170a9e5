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
		struct field freelist;		/* a slab's first free object */
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
		/* the checker's (check.c): slots, free pointers, the lock */
		struct field red_left_pad, offset, lock_next, lock_owner;
		/* the freed-object check's (check_poison.c): the tracks */
		struct field track_offset;
	} cache;
	/* struct slab_track: the alloc's, then the free's, at track_offset */
	struct { uint32_t size; struct field addr; } track;
	/* entry[], the objects, follows cpu (pointer-aligned): slab_obj.c */
	struct { uint32_t size; struct field avail, limit, batchcount, cpu; } array_cache;
	struct {
		uint32_t size;
		struct field min_nr, curr_nr, source, source_arg, magic, list;
		struct field elements;		/* the checker's (void *[min_nr]) */
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
	/* the guest's chunk around it (mm/percpu.c): its maps, for the checker */
	struct {
		uint32_t size;
		struct field_array alloc_map, bound_map;	/* unsigned long[] */
	} pcpu_chunk;

	/*
	 * Loadable modules (query-modules): optional as a whole, as Linux's
	 * CONFIG_MODULES. A kernel without the symbol 'modules' has none of
	 * these (present false, the query says so); one with it must have
	 * every field, like any other reader's.
	 */
	struct {
		bool present;
		uint32_t size;
		struct field state, list, core_base, core_size, taints, refcnt,
			     init, exit;
		struct field_array name;	/* char[MODULE_NAME_LEN] */
	} module;
	/* enum module_state */
	struct { uint64_t live, coming, going, unformed; } ms;

	/*
	 * Workloads (query-workloads): optional as a whole, like modules: an
	 * image without the array 'workloads' has none (present false).
	 */
	struct {
		bool present;
		uint32_t size;
		struct field state, nr_threads, hz, start_jiffies, stop_jiffies,
			     seconds, ops, bytes, failures, held_bytes,
			     leaked_bytes, error;
		struct field_array name, params;	/* char[] */
	} workload;
	/* enum workload_state */
	struct { uint64_t free, starting, running, stopping, stopped, failed; } ws;

	/*
	 * Fault injection (fail_cmds.h): optional as a whole, like modules:
	 * an image without the symbol 'failslab' has none (present false).
	 * struct fault_attr's fields, then failslab's and fail_page_alloc's.
	 */
	struct {
		bool present;
		struct field probability, interval, times, space, verbose,
			     count, nr_calls, nr_failures;
		struct field slab_attr, slab_ignore_gfp_wait, slab_cache_filter,
			     slab_require_gfp;
		struct field_array slab_cache_name;	/* char[] */
		struct field page_attr, page_ignore_gfp_highmem,
			     page_ignore_gfp_wait, page_min_order,
			     page_require_gfp;
		uint64_t slab_failslab, slab_kmalloc;	/* SLAB_FAILSLAB, SLAB_KMALLOC */
		/* the roots: the attrs and their armed flags (ints) */
		uint64_t failslab, fail_page_alloc;
		uint64_t failslab_armed, fail_page_alloc_armed;
	} fault;

	/*
	 * The checker's quiet point (check.c): optional as a whole, keyed on
	 * the per-CPU PDA 'pcpu_pda' (the hosted build has none). A CPU's
	 * preempt_count is at its %gs base + pcpu_pda + pda.preempt_count;
	 * the allocators' global locks are spinlock_t by symbol.
	 */
	struct {
		bool present;
		uint64_t pcpu_pda;
		struct field preempt_count;	/* in struct cpu_pda */
		struct field lock_next, lock_owner;	/* in spinlock_t */
		uint64_t slab_lock, vmap_area_lock, purge_lock, pcpu_lock,
			 mempools_lock;
	} quiet;

	/*
	 * The pages' history past their free (<linux/page_owner.h>) that the
	 * use-after-free check reads (check_uaf.h): optional as a whole,
	 * like modules (symbol 'page_owner_hist').
	 */
	struct {
		bool present;
		uint32_t size;		/* struct page_owner_hist */
		struct field alloc_ip, free_ip, seq, jiffies, cpu, order;
		uint32_t clock_size;	/* struct page_owner_clock */
		struct field clock_seq;
		uint64_t hist;		/* the pointer page_owner_hist */
		uint64_t clock;		/* the array page_owner_clock[] */
	} hist;

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
		uint64_t page_owner_ips; /* u32 *page_owner_ips: callers by pfn */
		/*
		 * What page_owner_ips[] are offsets from: the kernel map
		 * (<linux/page_owner.h>); no symbol (a constant in the guest).
		 */
		uint64_t page_owner_base;
		uint64_t modules;	/* list_head of struct module.list */
		uint64_t workloads;	/* struct workload workloads[MV_WORKLOAD_MAX] */
		uint64_t jiffies;	/* unsigned long: the guest's clock */
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
 * A part of the table an image may lack as a whole: the entries of
 * @reader are resolved only when the image has symbol @symbol, and then
 * the bool at @present (offsetof struct mm_layout) is set.
 */
struct mm_layout_optional {
	const char *reader, *symbol;
	size_t present;
};

extern const struct mm_layout_optional mm_layout_optional[];
extern const unsigned int mm_layout_optional_len;

/*
 * Fills @lay from @di. 0: resolved (present), or absent because the image
 * has no memory manager (no contig_page_data symbol; absent_why says so).
 * An optional part (mm_layout_optional[]) the image lacks is skipped.
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
 * The same, in a child process whose answer comes back through a pipe:
 * libdw's memory and the debug sections it pages in never count against
 * the caller's resident size (vmm's footprint; about 1.5 MiB at its peak
 * otherwise). In the caller if it cannot fork. Call it before any thread
 * starts.
 */
int mm_layout_load_apart(const void *buf, size_t len, const char *name,
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
 * How the readers use it (inspect.h):
 *
 * Roots by symbol: lay->root.zones/nr_zones (contig_page_data.node_zones),
 * memblock, slab_caches, mempools, vmap_areas (vmap_area_list),
 * nr_vmap_areas, percpu (pcpu_info), kernel_start/_end (_text, _end), and
 * modules (the optional part: 0 and module.present false without it). The
 * values of mem_map, max_pfn and nr_cpu_ids (capped by zone.pcp.count) are
 * read from guest memory at query time (insp_mem_map(), insp_nr_cpus()).
 * The e820 copy is in the boot params at MV_BOOT_PARAMS_GPA, where the VMM
 * put them; pages are 4 KiB (the VMM's page tables).
 *
 * The page-table root is one rule, inspect.h's: the boot tables
 * (vm->boot.pml4); a vCPU's CR3 or a "cr3" argument only when asked.
 *
 * Until the guest has set a root up it reads as zero or as its static
 * initialiser (mem_map NULL before mem_init, pcpu_info.magic 0 before
 * percpu init, an empty vmap list before vmalloc_init): readers say "not
 * set up yet", not damage. The guest publishes nothing for the VMM
 * (HC_MMINFO is retired).
 *
 * The unit tests' fake guests (hosted build) are the test binary itself:
 * their layout comes from /proc/self/exe (tests/unit/fake_layout.h).
 *
 * Struct widths the readers assume are in the table (8 for pointers and
 * unsigned long, 4 for int and u32, 16 for a list_head, SCALAR where the
 * reader uses field_get() and any width does); a guest that changes one
 * fails at start, naming the field, instead of being misread.
 */

#endif
