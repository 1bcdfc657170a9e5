// SPDX-License-Identifier: MIT
/*
 * The inspector's struct layouts and roots from the kernel image's debug
 * info (mm_layout.h): one table, resolved once at start.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memvisor/layout.h>

#include "debuginfo.h"
#include "control/mm_layout.h"

#define ZONES	"query-zones"
#define MEMBLK	"query-memblock"
#define SLAB	"query-slabinfo"
#define POOLS	"query-mempools"
#define OWNER	"page-owner"
#define VMAP	"query-vmallocinfo"
#define PERCPU	"query-percpu"
#define MODS	"query-modules"
#define WORK	"query-workloads"
#define FAIL	"fail"
#define CHECK	"check"
#define UAF	"check-free-pages"
#define CHKPOOL	"check-mempools"
#define CHKPCPU	"check-percpu"

/* A width for a scalar read with field_get(): any of 1, 2, 4, 8 bytes. */
#define SCALAR	MM_LAYOUT_SCALAR

#define AT(m)	offsetof(struct mm_layout, m)
#define SZ(r, t, w, m)		{ r, MLK_SIZEOF, t, NULL, w, AT(m) }
#define FLD(r, t, p, w, m)	{ r, MLK_FIELD, t, p, w, AT(m) }
#define ARR(r, t, p, w, m)	{ r, MLK_ARRAY, t, p, w, AT(m) }
#define ENUM(r, n, m)		{ r, MLK_ENUM, NULL, n, 0, AT(m) }
#define SYM(r, n, m)		{ r, MLK_SYMBOL, NULL, n, 0, AT(m) }

#define LH	16	/* a struct list_head */

/* What each reader reads: the struct, the member, the width it assumes. */
const struct mm_layout_entry mm_layout_table[] = {
	SZ(ZONES, "struct list_head", LH, list_head.size),
	FLD(ZONES, "struct list_head", "next", 8, list_head.next),
	FLD(ZONES, "struct list_head", "prev", 8, list_head.prev),

	SZ(ZONES, "struct page", 0, page.size),
	FLD(ZONES, "struct page", "flags", 8, page.flags),
	FLD(ZONES, "struct page", "private", 8, page.private_),
	FLD(ZONES, "struct page", "lru", LH, page.lru),
	FLD(SLAB, "struct page", "slab_list", LH, page.slab_list),
	FLD(SLAB, "struct page", "slab_cache", 8, page.slab_cache),
	FLD(SLAB, "struct page", "inuse", 4, page.inuse),
	FLD(SLAB, "struct page", "objects", 4, page.objects),
	FLD(OWNER, "struct page", "_refcount", 4, page.refcount),
	FLD(OWNER, "struct page", "order", 4, page.order),
	FLD(SLAB, "struct page", "freelist", 8, page.freelist),
	ENUM(ZONES, "PG_reserved", pg.reserved),
	ENUM(ZONES, "PG_buddy", pg.buddy),
	ENUM(ZONES, "PG_pcp", pg.pcp),
	ENUM(OWNER, "PG_slab", pg.slab),
	ENUM(OWNER, "PG_head", pg.head),

	SZ(ZONES, "struct zone", 0, zone.size),
	FLD(ZONES, "struct zone", "name", 8, zone.name),
	FLD(ZONES, "struct zone", "zone_start_pfn", 8, zone.start_pfn),
	FLD(ZONES, "struct zone", "spanned_pages", 8, zone.spanned),
	FLD(ZONES, "struct zone", "present_pages", SCALAR, zone.present),
	FLD(ZONES, "struct zone", "managed_pages", SCALAR, zone.managed),
	FLD(ZONES, "struct zone", "free_pages", SCALAR, zone.free_pages),
	FLD(ZONES, "struct zone", "first_deferred_pfn", 8, zone.first_deferred_pfn),
	FLD(ZONES, "struct zone", "deferred_pages", SCALAR, zone.deferred_pages),
	FLD(ZONES, "struct zone", "lock.next", SCALAR, zone.lock_next),
	FLD(ZONES, "struct zone", "lock.owner", SCALAR, zone.lock_owner),
	ARR(ZONES, "struct zone", "_watermark", SCALAR, zone.watermark),
	ARR(ZONES, "struct zone", "free_area", 0, zone.free_area),
	ARR(ZONES, "struct zone", "pcp", 0, zone.pcp),
	SZ(ZONES, "struct free_area", 0, free_area.size),
	FLD(ZONES, "struct free_area", "free_list", LH, free_area.free_list),
	FLD(ZONES, "struct free_area", "nr_free", SCALAR, free_area.nr_free),
	SZ(ZONES, "struct per_cpu_pages", 0, pcp.size),
	FLD(ZONES, "struct per_cpu_pages", "count", SCALAR, pcp.count),
	FLD(ZONES, "struct per_cpu_pages", "high", SCALAR, pcp.high),
	FLD(ZONES, "struct per_cpu_pages", "batch", SCALAR, pcp.batch),
	ARR(ZONES, "struct per_cpu_pages", "lists", LH, pcp.lists),
	SZ(ZONES, "struct pglist_data", 0, pgdat.size),
	ARR(ZONES, "struct pglist_data", "node_zones", 0, pgdat.node_zones),

	SZ(MEMBLK, "struct memblock", 0, memblock.size),
	FLD(MEMBLK, "struct memblock", "memory", 0, memblock.memory),
	FLD(MEMBLK, "struct memblock", "reserved", 0, memblock.reserved),
	SZ(MEMBLK, "struct memblock_type", 0, memblock_type.size),
	FLD(MEMBLK, "struct memblock_type", "cnt", 8, memblock_type.cnt),
	FLD(MEMBLK, "struct memblock_type", "max", SCALAR, memblock_type.max),
	FLD(MEMBLK, "struct memblock_type", "total_size", SCALAR, memblock_type.total_size),
	FLD(MEMBLK, "struct memblock_type", "regions", 8, memblock_type.regions),
	SZ(MEMBLK, "struct memblock_region", 0, memblock_region.size),
	FLD(MEMBLK, "struct memblock_region", "base", 8, memblock_region.base),
	FLD(MEMBLK, "struct memblock_region", "size", 8, memblock_region.size_),
	FLD(MEMBLK, "struct memblock_region", "flags", SCALAR, memblock_region.flags),

	SZ(SLAB, "struct kmem_cache", 0, cache.size),
	ARR(SLAB, "struct kmem_cache", "cpu_cache", 8, cache.cpu_cache),
	ARR(SLAB, "struct kmem_cache", "name", 1, cache.name),
	FLD(SLAB, "struct kmem_cache", "magic", 8, cache.magic),
	FLD(SLAB, "struct kmem_cache", "flags", 8, cache.flags),
	FLD(SLAB, "struct kmem_cache", "size", 4, cache.size_),
	FLD(SLAB, "struct kmem_cache", "object_size", 4, cache.object_size),
	FLD(SLAB, "struct kmem_cache", "order", 4, cache.order),
	FLD(SLAB, "struct kmem_cache", "num", 4, cache.num),
	FLD(SLAB, "struct kmem_cache", "limit", 4, cache.limit),
	FLD(SLAB, "struct kmem_cache", "batchcount", 4, cache.batchcount),
	FLD(SLAB, "struct kmem_cache", "shared", 8, cache.shared),
	FLD(SLAB, "struct kmem_cache", "slabs_full", LH, cache.slabs_full),
	FLD(SLAB, "struct kmem_cache", "slabs_partial", LH, cache.slabs_partial),
	FLD(SLAB, "struct kmem_cache", "slabs_free", LH, cache.slabs_free),
	FLD(SLAB, "struct kmem_cache", "free_objects", 8, cache.free_objects),
	FLD(SLAB, "struct kmem_cache", "stats.active_objs", 8, cache.active_objs),
	FLD(SLAB, "struct kmem_cache", "stats.total_objs", 8, cache.total_objs),
	FLD(SLAB, "struct kmem_cache", "stats.active_slabs", 8, cache.active_slabs),
	FLD(SLAB, "struct kmem_cache", "stats.total_slabs", 8, cache.total_slabs),
	FLD(SLAB, "struct kmem_cache", "list", LH, cache.list),
	FLD(SLAB, "struct kmem_cache", "red_left_pad", 4, cache.red_left_pad),
	FLD(SLAB, "struct kmem_cache", "offset", 4, cache.offset),
	FLD(SLAB, "struct kmem_cache", "lock.next", SCALAR, cache.lock_next),
	FLD(SLAB, "struct kmem_cache", "lock.owner", SCALAR, cache.lock_owner),
	FLD(SLAB, "struct kmem_cache", "track_offset", 4, cache.track_offset),
	SZ(SLAB, "struct slab_track", 0, track.size),
	FLD(SLAB, "struct slab_track", "addr", 8, track.addr),
	SZ(SLAB, "struct array_cache", 0, array_cache.size),
	FLD(SLAB, "struct array_cache", "avail", 4, array_cache.avail),
	FLD(SLAB, "struct array_cache", "limit", 4, array_cache.limit),
	FLD(SLAB, "struct array_cache", "batchcount", 4, array_cache.batchcount),
	FLD(SLAB, "struct array_cache", "cpu", 4, array_cache.cpu),
	ENUM(SLAB, "KMEM_CACHE_MAGIC", k.cache_magic),
	ENUM(SLAB, "SLAB_NO_TUNABLES", k.cache_no_tunables),

	SZ(POOLS, "mempool_t", 0, mempool.size),
	FLD(POOLS, "mempool_t", "min_nr", 4, mempool.min_nr),
	FLD(POOLS, "mempool_t", "curr_nr", 4, mempool.curr_nr),
	FLD(POOLS, "mempool_t", "source", 4, mempool.source),
	FLD(POOLS, "mempool_t", "source_arg", 8, mempool.source_arg),
	FLD(POOLS, "mempool_t", "magic", 8, mempool.magic),
	FLD(POOLS, "mempool_t", "list", LH, mempool.list),
	ENUM(POOLS, "MEMPOOL_MAGIC", k.mempool_magic),
	FLD(CHKPOOL, "mempool_t", "elements", 8, mempool.elements),

	SZ(VMAP, "struct vmap_area", 0, vmap_area.size),
	FLD(VMAP, "struct vmap_area", "va_start", 8, vmap_area.va_start),
	FLD(VMAP, "struct vmap_area", "va_end", 8, vmap_area.va_end),
	FLD(VMAP, "struct vmap_area", "list", LH, vmap_area.list),
	FLD(VMAP, "struct vmap_area", "pages", 8, vmap_area.pages),
	FLD(VMAP, "struct vmap_area", "nr_pages", 4, vmap_area.nr_pages),
	FLD(VMAP, "struct vmap_area", "flags", 4, vmap_area.flags),
	FLD(VMAP, "struct vmap_area", "phys_addr", 8, vmap_area.phys_addr),
	FLD(VMAP, "struct vmap_area", "caller", 8, vmap_area.caller),
	ENUM(VMAP, "VMALLOC_START", k.vmalloc_start),
	ENUM(VMAP, "VMALLOC_END", k.vmalloc_end),

#define PI(p, w)	FLD(PERCPU, "struct mv_percpu_info", #p, w, percpu_info.p)
#define PC(p, w)	FLD(PERCPU, "struct mv_percpu_chunk", #p, w, percpu_chunk.p)
	SZ(PERCPU, "struct mv_percpu_info", 0, percpu_info.size),
	PI(magic, 8), PI(version, 4),
	FLD(PERCPU, "struct mv_percpu_info", "size", 4, percpu_info.size_),
	PI(chunks, 8), PI(static_start, 8), PI(per_cpu_offset, 8),
	PI(unit_size, 4), PI(nr_units, 4), PI(static_size, 4),
	PI(min_alloc_size, 4), PI(sizeof_chunk, 4), PI(nr_chunks, 4),
	PI(nr_max_chunks, 4), PI(nr_alloc, 8), PI(nr_dealloc, 8),
	PI(nr_cur_alloc, 8), PI(nr_max_alloc, 8), PI(min_alloc_size_seen, 8),
	PI(max_alloc_size_seen, 8), PI(nr_failed, 8),
	SZ(PERCPU, "struct mv_percpu_chunk", 0, percpu_chunk.size),
	PC(magic, 8), PC(next, 8), PC(base, 8), PC(flags, 4),
	PC(start_offset, 4), PC(free_bytes, 4), PC(contig_bytes, 4),
	PC(nr_alloc, 4), PC(first_free, 4), PC(max_alloc_size, 4),
	SZ(CHKPCPU, "struct pcpu_chunk", 0, pcpu_chunk.size),
	ARR(CHKPCPU, "struct pcpu_chunk", "alloc_map", 8, pcpu_chunk.alloc_map),
	ARR(CHKPCPU, "struct pcpu_chunk", "bound_map", 8, pcpu_chunk.bound_map),
#undef PI
#undef PC

	SZ(MODS, "struct module", 0, module.size),
	FLD(MODS, "struct module", "state", 4, module.state),
	FLD(MODS, "struct module", "list", LH, module.list),
	ARR(MODS, "struct module", "name", 1, module.name),
	FLD(MODS, "struct module", "core_base", 8, module.core_base),
	FLD(MODS, "struct module", "core_size", SCALAR, module.core_size),
	FLD(MODS, "struct module", "taints", SCALAR, module.taints),
	FLD(MODS, "struct module", "refcnt", SCALAR, module.refcnt),
	FLD(MODS, "struct module", "init", 8, module.init),
	FLD(MODS, "struct module", "exit", 8, module.exit),
	ENUM(MODS, "MODULE_STATE_LIVE", ms.live),
	ENUM(MODS, "MODULE_STATE_COMING", ms.coming),
	ENUM(MODS, "MODULE_STATE_GOING", ms.going),
	ENUM(MODS, "MODULE_STATE_UNFORMED", ms.unformed),
	SYM(MODS, "modules", root.modules),

#define WL(f, w)	FLD(WORK, "struct workload", #f, w, workload.f)
#define WLA(f, w)	FLD(WORK, "struct workload", #f ".counter", w, workload.f)
	SZ(WORK, "struct workload", 0, workload.size),
	ARR(WORK, "struct workload", "name", 1, workload.name),
	ARR(WORK, "struct workload", "params", 1, workload.params),
	WL(state, 4), WL(nr_threads, 4), WL(hz, 4), WL(start_jiffies, 8),
	WL(stop_jiffies, 8), WL(seconds, 8), WL(error, 4),
	WLA(ops, 8), WLA(bytes, 8), WLA(failures, 8), WLA(held_bytes, 8),
	WLA(leaked_bytes, 8),
#undef WL
#undef WLA
	ENUM(WORK, "WORKLOAD_FREE", ws.free),
	ENUM(WORK, "WORKLOAD_STARTING", ws.starting),
	ENUM(WORK, "WORKLOAD_RUNNING", ws.running),
	ENUM(WORK, "WORKLOAD_STOPPING", ws.stopping),
	ENUM(WORK, "WORKLOAD_STOPPED", ws.stopped),
	ENUM(WORK, "WORKLOAD_FAILED", ws.failed),
	SYM(WORK, "workloads", root.workloads),
	SYM(WORK, "jiffies", root.jiffies),

#define FA(f, w)	FLD(FAIL, "struct fault_attr", #f, w, fault.f)
	FA(probability, 8), FA(interval, 8), FA(times, 4), FA(space, 4),
	FA(verbose, 8), FA(count, 8),
	FLD(FAIL, "struct fault_attr", "nr_calls.counter", 8, fault.nr_calls),
	FLD(FAIL, "struct fault_attr", "nr_failures.counter", 8, fault.nr_failures),
#undef FA
	FLD(FAIL, "struct failslab_attr", "attr", 0, fault.slab_attr),
	FLD(FAIL, "struct failslab_attr", "ignore_gfp_wait", 1, fault.slab_ignore_gfp_wait),
	FLD(FAIL, "struct failslab_attr", "cache_filter", 1, fault.slab_cache_filter),
	FLD(FAIL, "struct failslab_attr", "require_gfp", 4, fault.slab_require_gfp),
	ARR(FAIL, "struct failslab_attr", "cache_name", 1, fault.slab_cache_name),
	FLD(FAIL, "struct fail_page_alloc_attr", "attr", 0, fault.page_attr),
	FLD(FAIL, "struct fail_page_alloc_attr", "ignore_gfp_highmem", 1, fault.page_ignore_gfp_highmem),
	FLD(FAIL, "struct fail_page_alloc_attr", "ignore_gfp_wait", 1, fault.page_ignore_gfp_wait),
	FLD(FAIL, "struct fail_page_alloc_attr", "min_order", 4, fault.page_min_order),
	FLD(FAIL, "struct fail_page_alloc_attr", "require_gfp", 4, fault.page_require_gfp),
	ENUM(FAIL, "SLAB_FAILSLAB", fault.slab_failslab),
	ENUM(FAIL, "SLAB_KMALLOC", fault.slab_kmalloc),
	SYM(FAIL, "failslab", fault.failslab),
	SYM(FAIL, "fail_page_alloc", fault.fail_page_alloc),
	SYM(FAIL, "failslab_armed", fault.failslab_armed),
	SYM(FAIL, "fail_page_alloc_armed", fault.fail_page_alloc_armed),
	SYM(CHECK, "pcpu_pda", quiet.pcpu_pda),
	FLD(CHECK, "struct cpu_pda", "preempt_count", 4, quiet.preempt_count),
	FLD(CHECK, "spinlock_t", "next", SCALAR, quiet.lock_next),
	FLD(CHECK, "spinlock_t", "owner", SCALAR, quiet.lock_owner),
	SYM(CHECK, "slab_lock", quiet.slab_lock),
	SYM(CHECK, "vmap_area_lock", quiet.vmap_area_lock),
	SYM(CHECK, "purge_lock", quiet.purge_lock),
	SYM(CHECK, "pcpu_lock", quiet.pcpu_lock),
	SYM(CHECK, "mempools_lock", quiet.mempools_lock),

#define PH(p, w, m)	FLD(UAF, "struct page_owner_hist", p, w, hist.m)
	SZ(UAF, "struct page_owner_hist", 0, hist.size),
	PH("alloc_ip", 4, alloc_ip), PH("free_ip", 4, free_ip),
	PH("seq", 4, seq), PH("jiffies", 4, jiffies), PH("cpu", 2, cpu),
	PH("order", 2, order),
#undef PH
	SZ(UAF, "struct page_owner_clock", 0, hist.clock_size),
	FLD(UAF, "struct page_owner_clock", "seq", 4, hist.clock_seq),
	SYM(UAF, "page_owner_hist", hist.hist),
	SYM(UAF, "page_owner_clock", hist.clock),

	SYM(ZONES, "contig_page_data", root.pgdat),
	SYM(ZONES, "mem_map", root.mem_map),
	SYM(ZONES, "max_pfn", root.max_pfn),
	SYM(ZONES, "nr_cpu_ids", root.nr_cpu_ids),
	SYM(MEMBLK, "memblock", root.memblock),
	SYM(SLAB, "slab_caches", root.slab_caches),
	SYM(POOLS, "mempools", root.mempools),
	SYM(VMAP, "vmap_area_list", root.vmap_areas),
	SYM(VMAP, "nr_vmap_areas", root.nr_vmap_areas),
	SYM(PERCPU, "pcpu_info", root.percpu),
	SYM(OWNER, "_text", root.kernel_start),
	SYM(OWNER, "_end", root.kernel_end),
	SYM(OWNER, "page_owner_ips", root.page_owner_ips),
};

const unsigned int mm_layout_table_len =
	sizeof(mm_layout_table) / sizeof(mm_layout_table[0]);

/* A kernel without modules (today's images before issue 16) still boots. */
const struct mm_layout_optional mm_layout_optional[] = {
	{ MODS, "modules", AT(module.present) },
	/* and one without workloads (before issue 17) */
	{ WORK, "workloads", AT(workload.present) },
	/* and one without fault injection (before issue 18) */
	{ FAIL, "failslab", AT(fault.present) },
	/* and the hosted build, which has no PDA for the checker's quiet point */
	{ CHECK, "pcpu_pda", AT(quiet.present) },
	/* and one without the pages' history (before issue 18) */
	{ UAF, "page_owner_hist", AT(hist.present) },
};

const unsigned int mm_layout_optional_len =
	sizeof(mm_layout_optional) / sizeof(mm_layout_optional[0]);

/*
 * Which optional parts @di has: bit i for mm_layout_optional[i], set when
 * its symbol is there. 0, or -1 with @e set when the symbols are unreadable.
 */
static int optional_parts(struct debuginfo *di, uint32_t *have,
			  struct errbuf *e)
{
	uint64_t addr, size;

	*have = 0;
	for (unsigned int i = 0; i < mm_layout_optional_len; i++) {
		int r = debuginfo_symbol(di, mm_layout_optional[i].symbol,
					 &addr, &size, e);

		if (r < 0)
			return -1;
		if (!r)
			*have |= 1U << i;
	}
	return 0;
}

/* The optional part @t belongs to, as an index, or -1: not optional. */
static int optional_of(const struct mm_layout_entry *t)
{
	for (unsigned int i = 0; i < mm_layout_optional_len; i++)
		if (!strcmp(t->reader, mm_layout_optional[i].reader))
			return (int)i;
	return -1;
}

/* The symbol whose presence says the image has a memory manager at all. */
#define MM_PRESENT_SYMBOL	"contig_page_data"

static bool width_ok(uint32_t want, uint64_t got)
{
	if (want == SCALAR)
		return got == 1 || got == 2 || got == 4 || got == 8;
	return !want || want == got;
}

static const char *width_name(uint32_t want, char *buf, size_t len)
{
	if (want == SCALAR)
		return "1, 2, 4 or 8";
	snprintf(buf, len, "%u", want);
	return buf;
}

/* The struct's size, bounded. 0, or -1 with the reason in @e. */
static int struct_size(struct debuginfo *di, const char *type, uint64_t *size,
		       struct errbuf *e)
{
	if (debuginfo_sizeof(di, type, size, e))
		return -1;
	if (!*size || *size > MM_LAYOUT_MAX_STRUCT)
		return errf(e, "%s is %llu bytes, not 1 to %u", type,
			    (unsigned long long)*size, MM_LAYOUT_MAX_STRUCT);
	return 0;
}

/* A member, inside its struct, of the width the reader assumes. */
static int member(struct debuginfo *di, const struct mm_layout_entry *t,
		  struct di_member *m, struct errbuf *e)
{
	uint64_t size, w;
	char buf[16];

	if (struct_size(di, t->type, &size, e) ||
	    debuginfo_member(di, t->type, t->name, m, e))
		return -1;
	if (m->off > size || m->size > size - m->off)
		return errf(e, "%s: member '%s' [%llu, +%llu) lies outside its %llu bytes",
			    t->type, t->name, (unsigned long long)m->off,
			    (unsigned long long)m->size, (unsigned long long)size);
	if (t->kind == MLK_ARRAY && !m->count)
		return errf(e, "%s: member '%s' is not an array", t->type, t->name);
	w = t->kind == MLK_ARRAY ? m->elem_size : m->size;
	if (!width_ok(t->width, w))
		return errf(e, "%s: member '%s'%s is %llu bytes, not %s", t->type,
			    t->name, t->kind == MLK_ARRAY ? "'s element" : "",
			    (unsigned long long)w, width_name(t->width, buf, sizeof(buf)));
	return 0;
}

/* Fills the entry @t's slot in @lay. 0, or -1 with the reason in @e. */
static int resolve_one(struct debuginfo *di, const struct mm_layout_entry *t,
		       struct mm_layout *lay, struct errbuf *e)
{
	void *slot = (char *)lay + t->where;
	struct di_member m;
	uint64_t v, size;

	switch (t->kind) {
	case MLK_SIZEOF: {
		uint32_t s;
		char buf[16];

		if (struct_size(di, t->type, &v, e))
			return -1;
		if (!width_ok(t->width, v))
			return errf(e, "%s is %llu bytes, not %s", t->type,
				    (unsigned long long)v,
				    width_name(t->width, buf, sizeof(buf)));
		s = v;
		memcpy(slot, &s, sizeof(s));
		return 0;
	}
	case MLK_FIELD: {
		struct field f;

		if (member(di, t, &m, e))
			return -1;
		f = (struct field){ m.off, m.size };
		memcpy(slot, &f, sizeof(f));
		return 0;
	}
	case MLK_ARRAY: {
		struct field_array a;

		if (member(di, t, &m, e))
			return -1;
		a = (struct field_array){ m.off, m.elem_size, m.count };
		memcpy(slot, &a, sizeof(a));
		return 0;
	}
	case MLK_ENUM:
		if (debuginfo_enum(di, t->name, &v, e))
			return -1;
		memcpy(slot, &v, sizeof(v));
		return 0;
	case MLK_SYMBOL:
		if (debuginfo_symbol(di, t->name, &v, &size, e))
			return -1;
		memcpy(slot, &v, sizeof(v));
		return 0;
	}
	return errf(e, "entry kind %d unknown", t->kind);
}

/* What the table alone cannot say: arrays of structs agree with the structs. */
static int cross_check(const struct mm_layout *lay, struct errbuf *e)
{
	static const struct {
		const char *what;
		size_t elem, size;
	} same[] = {
		{ "struct pglist_data.node_zones[] and struct zone",
		  offsetof(struct mm_layout, pgdat.node_zones.elem_size),
		  offsetof(struct mm_layout, zone.size) },
		{ "struct zone.free_area[] and struct free_area",
		  offsetof(struct mm_layout, zone.free_area.elem_size),
		  offsetof(struct mm_layout, free_area.size) },
		{ "struct zone.pcp[] and struct per_cpu_pages",
		  offsetof(struct mm_layout, zone.pcp.elem_size),
		  offsetof(struct mm_layout, pcp.size) },
		{ "struct per_cpu_pages.lists[] and struct list_head",
		  offsetof(struct mm_layout, pcp.lists.elem_size),
		  offsetof(struct mm_layout, list_head.size) },
	};

	for (unsigned int i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		uint32_t a, b;

		memcpy(&a, (const char *)lay + same[i].elem, sizeof(a));
		memcpy(&b, (const char *)lay + same[i].size, sizeof(b));
		if (a != b)
			return errf(e, "%s disagree: %u and %u bytes", same[i].what,
				    a, b);
	}
	return 0;
}

int mm_layout_resolve(struct debuginfo *di, struct mm_layout *lay,
		      struct errbuf *e)
{
	return mm_layout_resolve_table(di, mm_layout_table, mm_layout_table_len,
				       lay, e);
}

int mm_layout_resolve_table(struct debuginfo *di,
			    const struct mm_layout_entry *table,
			    unsigned int len, struct mm_layout *lay,
			    struct errbuf *e)
{
	const char *name = debuginfo_name(di);
	struct errbuf why;
	uint64_t addr, size;
	uint32_t have;
	int r;

	memset(lay, 0, sizeof(*lay));
	r = debuginfo_symbol(di, MM_PRESENT_SYMBOL, &addr, &size, &why);
	if (r > 0) {
		snprintf(lay->absent_why, sizeof(lay->absent_why),
			 "kernel image %s has no memory manager (no symbol %s)",
			 name, MM_PRESENT_SYMBOL);
		return 0;
	}
	if (r < 0 || optional_parts(di, &have, &why))
		return errf(e, "kernel image %s: %s", name, why.msg);
	for (unsigned int i = 0; i < len; i++) {
		const struct mm_layout_entry *t = &table[i];
		int part = optional_of(t);

		if (part >= 0 && !(have & (1U << part)))
			continue;
		if (resolve_one(di, t, lay, &why))
			return errf(e, "kernel image %s: %s (%s needs it)", name,
				    why.msg, t->reader);
	}
	if (table == mm_layout_table && cross_check(lay, &why))
		return errf(e, "kernel image %s: %s", name, why.msg);
	lay->root.zones = lay->root.pgdat + lay->pgdat.node_zones.off;
	lay->root.nr_zones = lay->pgdat.node_zones.count;
	lay->root.page_owner_base = MV_KERNEL_VIRT_BASE;
	for (unsigned int i = 0; i < mm_layout_optional_len; i++)
		*(bool *)((char *)lay + mm_layout_optional[i].present) =
			!!(have & (1U << i));
	lay->present = true;
	return 0;
}

int mm_layout_load(const void *buf, size_t len, const char *name,
		   struct mm_layout *lay, struct errbuf *e)
{
	struct debuginfo *di;
	int r;

	memset(lay, 0, sizeof(*lay));
	if (debuginfo_open(&di, buf, len, name, e))
		return -1;
	r = mm_layout_resolve(di, lay, e);
	debuginfo_close(di);
	return r;
}

/* What the child of mm_layout_load_apart() sends back. */
struct layout_reply {
	int ret;
	struct errbuf e;
	struct mm_layout lay;
};

static int read_reply(int fd, struct layout_reply *r)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*r)) {
		n = read(fd, (char *)r + got, sizeof(*r) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static void resolve_in_child(int fd, const void *buf, size_t len,
			     const char *name)
{
	static struct layout_reply r;
	size_t put = 0;
	ssize_t n;

	r.ret = mm_layout_load(buf, len, name, &r.lay, &r.e);
	while (put < sizeof(r)) {
		n = write(fd, (const char *)&r + put, sizeof(r) - put);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		put += (size_t)n;
	}
	_exit(0);
}

int mm_layout_load_apart(const void *buf, size_t len, const char *name,
			 struct mm_layout *lay, struct errbuf *e)
{
	static struct layout_reply r;
	int fd[2], status, got;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC))
		return mm_layout_load(buf, len, name, lay, e);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return mm_layout_load(buf, len, name, lay, e);
	}
	if (!pid) {
		close(fd[0]);
		resolve_in_child(fd[1], buf, len, name);
	}
	close(fd[1]);
	got = read_reply(fd[0], &r);
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got)
		return errf(e, "kernel image %s: reading its debug info failed (the reader ended with status %d)",
			    name, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	*lay = r.lay;
	if (r.ret)
		*e = r.e;
	return r.ret;
}

uint64_t field_get(const void *copy, size_t copy_len, struct field f)
{
	const uint8_t *p;
	uint64_t v = 0;

	if ((f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8) ||
	    f.off > copy_len || f.size > copy_len - f.off)
		return 0;
	/* x86 is little-endian: the low bytes of v are the field */
	p = (const uint8_t *)copy + f.off;
	memcpy(&v, p, f.size);
	return v;
}
