/* SPDX-License-Identifier: MIT */
/*
 * What the guest's memory manager and the VMM's inspector share besides
 * the kernel image's DWARF: the values of a few fields (a mempool's source,
 * a vmap area's kind) and the per-CPU allocator's plain structs, which the
 * guest runs on and the VMM reads. The VMM takes every struct's layout and
 * every root from the image's debug info and symbols
 * (vmm/control/mm_layout.h): the guest publishes no layout table and no
 * descriptor (HC_MMINFO is retired).
 */
#ifndef MEMVISOR_MMINFO_H
#define MEMVISOR_MMINFO_H

#include <memvisor/types.h>

/* A mempool's element source (mempool_t.source). */
#define MV_MEMPOOL_SRC_CUSTOM	0	/* mempool_create() with own functions */
#define MV_MEMPOOL_SRC_SLAB	1	/* source_arg: struct kmem_cache * */
#define MV_MEMPOOL_SRC_KMALLOC	2	/* source_arg: the element size */
#define MV_MEMPOOL_SRC_PAGE	3	/* source_arg: the page order */

/* vmap_area.flags: the kind of area. */
#define MV_VM_IOREMAP	0x1u	/* ioremap() */
#define MV_VM_ALLOC	0x2u	/* vmalloc() */
#define MV_VM_MAP	0x4u	/* vmap() */
/*
 * Set while vmalloc()/vmap() map the area's pages (it is on the list,
 * its pages and count not yet written): readers skip it, as Linux's
 * /proc/vmallocinfo skips VM_UNINITIALIZED areas.
 */
#define MV_VM_UNINITIALIZED	0x20u

/*
 * The per-CPU allocator (guest mm/percpu.c), in plain structs the guest
 * itself runs on: the one mv_percpu_info (the symbol pcpu_info; magic 0
 * until the guest sets it up) heads a singly linked list of chunks. Every
 * chunk has nr_units units of unit_size bytes, unit u at
 * base + u * unit_size; CPU c's unit is c. The
 * first chunk's first static_size bytes of each unit are the static
 * DEFINE_PER_CPU variables (counted as used). The guest changes these under
 * its lock: a reader outside it may see a chunk mid-update (the VMM reads
 * with the vCPUs paused).
 */
#define MV_PERCPU_MAGIC		0x5550434d4d564d00ULL	/* "\0MVMMCPU" */
#define MV_PERCPU_CHUNK_MAGIC	0x4b4e484355504350ULL	/* "PCPUCHNK" */
#define MV_PERCPU_VERSION	1
#define MV_PERCPU_CHUNK_FIRST	0x1	/* holds the static variables */

struct mv_percpu_chunk {
	mv_u64 magic;		/* MV_PERCPU_CHUNK_MAGIC while on the list */
	mv_u64 next;		/* struct mv_percpu_chunk *, 0 at the end */
	mv_u64 base;		/* unit 0's address (direct map) */
	mv_u32 flags;		/* MV_PERCPU_CHUNK_* */
	mv_u32 start_offset;	/* bytes of each unit not for alloc_percpu */
	mv_u32 free_bytes;	/* per unit; used = unit_size - free_bytes */
	mv_u32 contig_bytes;	/* upper bound of the longest free run */
	mv_u32 nr_alloc;	/* live allocations */
	mv_u32 first_free;	/* byte offset below which all is allocated */
	mv_u32 max_alloc_size;	/* largest allocation made here */
	mv_u32 pad;
};

struct mv_percpu_info {
	mv_u64 magic;		/* MV_PERCPU_MAGIC */
	mv_u32 version;		/* MV_PERCPU_VERSION */
	mv_u32 size;		/* sizeof(struct mv_percpu_info) */
	mv_u64 chunks;		/* struct mv_percpu_chunk *: the first chunk */
	mv_u64 static_start;	/* the master copy (__start_percpu_data) */
	mv_u64 per_cpu_offset;	/* unsigned long[nr_units]: __per_cpu_offset */
	mv_u32 unit_size;
	mv_u32 nr_units;	/* possible CPUs */
	mv_u32 static_size;
	mv_u32 min_alloc_size;	/* the allocation map's granule */
	mv_u32 sizeof_chunk;	/* sizeof(struct mv_percpu_chunk) */
	mv_u32 nr_chunks;	/* on the list */
	mv_u32 nr_max_chunks;	/* most ever at once */
	mv_u32 pad;
	/* as /sys/kernel/debug/percpu_stats */
	mv_u64 nr_alloc;	/* allocations ever made */
	mv_u64 nr_dealloc;	/* and freed */
	mv_u64 nr_cur_alloc;	/* live */
	mv_u64 nr_max_alloc;	/* most ever live */
	mv_u64 min_alloc_size_seen;
	mv_u64 max_alloc_size_seen;
	mv_u64 nr_failed;	/* allocations that returned NULL */
};

#endif
