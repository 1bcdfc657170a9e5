/* SPDX-License-Identifier: MIT */
/*
 * Allocation requests from outside: the ring through which the VMM asks the
 * guest's own allocators to run (vmmctl kmalloc, kmem_cache, alloc_pages,
 * vmalloc, mempool, alloc_percpu, a DMA transfer) and reads their answers.
 *
 * At boot the guest allocates the ring (struct mv_alloc_ring, MV_ALLOC_RING_SIZE
 * bytes, physically contiguous, page-aligned) and announces it with
 * HC_ALLOC_RING op RING. Then, for each request:
 *
 *   1. the VMM picks a slot it holds free (its own book, never the guest's
 *      word), writes the request into it through gmem, state last, and sends
 *      MSI MV_ALLOC_VECTOR to the chosen CPU's APIC ID (= its CPU number:
 *      KVM's initial APIC ID is the vCPU id, and the VMM numbers vCPUs from 0);
 *   2. that CPU's interrupt handler serves an MV_ALLOC_F_ATOMIC request at
 *      once, in hard-interrupt context; any other it leaves to that CPU's
 *      kernel thread (allocd/N), which it wakes;
 *   3. the guest writes the answer into the slot and calls HC_ALLOC_RING op
 *      DONE with the slot's index;
 *   4. the VMM copies the slot, checks it against the request it posted
 *      (seq, kind) and every field against what the kind allows, frees the
 *      slot and reports the outcome.
 *
 * Slots with a state word rather than producer/consumer indices: requests
 * for different CPUs finish out of order, and the VMM must not let a guest
 * index decide which slot it reuses.
 *
 * Objects live in a table of handles the guest owns (MV_ALLOC_HANDLES of
 * them); requests name objects by handle, and LIST copies the table into
 * the ring's list area.
 *
 * A new request kind goes at the end of enum mv_alloc_kind, then: its name
 * (the QMP op) in devices/allocq.c's kind_names[] and, if it makes an
 * object, creates[]; its arguments in vmm/control/alloc_cmds.c's needs[];
 * what its answer may hold in allocq_check_answer(); its server in
 * guestmm/kernel/allocd.c's serve_kind().
 */
#ifndef MEMVISOR_ALLOCREQ_H
#define MEMVISOR_ALLOCREQ_H

#include <memvisor/types.h>
#include <memvisor/workload.h>

#define MV_ALLOC_VECTOR		0x42		/* the allocation ring's MSI */
#define MV_ALLOC_MAGIC		0x4d56414cU	/* "MVAL" */
#define MV_ALLOC_VERSION	1
#define MV_ALLOC_SLOTS		16		/* requests outstanding at most */
#define MV_ALLOC_HANDLES	256		/* objects allocated from outside */
#define MV_ALLOC_NAME_MAX	32		/* a cache's name, NUL-terminated */

enum mv_alloc_op {
	MV_ALLOC_OP_RING = 0,	/* gpa, size: the ring, once at boot */
	MV_ALLOC_OP_DONE = 1,	/* slot: its answer is written */
};

/* HC_ALLOC_RING's request (in the guest's .bss, below 4 GiB). */
struct mv_hc_alloc {
	mv_u32 op;		/* enum mv_alloc_op */
	mv_s32 result;		/* VMM -> guest: 0 or -errno */
	mv_u64 gpa;		/* RING: the ring's guest-physical address */
	mv_u64 size;		/* RING: its bytes, MV_ALLOC_RING_SIZE */
	mv_u32 slot;		/* DONE: the slot's index */
	mv_u32 reserved;
};

/* What a request asks. Extend at the end only. */
enum mv_alloc_kind {
	MV_ALLOC_NONE = 0,
	MV_ALLOC_KMALLOC = 1,		/* size, gfp -> handle */
	MV_ALLOC_KFREE = 2,		/* handle */
	MV_ALLOC_CACHE_CREATE = 3,	/* name, size, align, arg=slab flags */
	MV_ALLOC_CACHE_ALLOC = 4,	/* handle (cache), gfp -> handle */
	MV_ALLOC_CACHE_FREE = 5,	/* handle (object) */
	MV_ALLOC_CACHE_DESTROY = 6,	/* handle (cache); its objects freed */
	MV_ALLOC_PAGES = 7,		/* order, gfp -> handle */
	MV_ALLOC_FREE_PAGES = 8,	/* handle */
	MV_ALLOC_VMALLOC = 9,		/* size -> handle */
	MV_ALLOC_VFREE = 10,		/* handle */
	MV_ALLOC_MEMPOOL_CREATE = 11,	/* arg=min_nr, size (kmalloc pool) */
	MV_ALLOC_MEMPOOL_ALLOC = 12,	/* handle (pool), gfp -> handle */
	MV_ALLOC_MEMPOOL_FREE = 13,	/* handle (element) */
	MV_ALLOC_MEMPOOL_RESIZE = 14,	/* handle (pool), arg=new min_nr, gfp */
	MV_ALLOC_MEMPOOL_DESTROY = 15,	/* handle (pool); its elements freed */
	MV_ALLOC_PERCPU = 16,		/* size, align -> handle */
	MV_ALLOC_FREE_PERCPU = 17,	/* handle */
	MV_ALLOC_DMA_FILL = 18,		/* handle (buffer), arg=byte: the device fills it */
	MV_ALLOC_LIST = 19,		/* the table into the list area; count */
	MV_ALLOC_FREE_ALL = 20,		/* frees every object; count */
	MV_ALLOC_WORKLOAD_START = 21,	/* name, params: <linux/workload.h> */
	MV_ALLOC_WORKLOAD_STOP = 22,	/* name; it frees what it holds */
	MV_ALLOC_KIND_NR
};

/* What a handle names. */
enum mv_alloc_obj {
	MV_OBJ_NONE = 0,
	MV_OBJ_KMALLOC = 1,
	MV_OBJ_CACHE = 2,
	MV_OBJ_CACHE_OBJ = 3,
	MV_OBJ_PAGES = 4,
	MV_OBJ_VMALLOC = 5,
	MV_OBJ_MEMPOOL = 6,
	MV_OBJ_MEMPOOL_OBJ = 7,
	MV_OBJ_PERCPU = 8,
	MV_OBJ_NR
};

/* Slot states: the VMM writes POSTED, the guest TAKEN then ANSWERED. */
enum mv_alloc_state {
	MV_SLOT_FREE = 0,
	MV_SLOT_POSTED = 1,
	MV_SLOT_TAKEN = 2,
	MV_SLOT_ANSWERED = 3,
};

#define MV_ALLOC_F_ATOMIC	0x1	/* served in the interrupt handler */

#define MV_ALLOC_NO_HANDLE	0xffffffffU
#define MV_ALLOC_NO_PFN		(~0ULL)

struct mv_alloc_slot {
	mv_u32 state;		/* enum mv_alloc_state */
	mv_u32 kind;		/* enum mv_alloc_kind */
	mv_u64 seq;		/* the VMM's request number */
	/* request (VMM -> guest) */
	mv_u32 cpu;		/* the CPU that must serve it */
	mv_u32 flags;		/* MV_ALLOC_F_* */
	mv_u32 gfp;		/* GFP flags, the guest's values (gfp.h) */
	mv_u32 handle;		/* the object a request names */
	mv_u64 size;
	mv_u64 align;
	mv_u64 arg;		/* order, min_nr, slab flags, fill byte */
	char name[MV_ALLOC_NAME_MAX];
	/* answer (guest -> VMM) */
	mv_s32 status;		/* 0 or -errno */
	mv_u32 ans_handle;	/* the new object's handle, or NO_HANDLE */
	mv_u32 obj;		/* enum mv_alloc_obj of ans_handle */
	mv_u32 served_cpu;	/* smp_processor_id() of the server */
	mv_u64 addr;		/* the object's address (virtual) */
	mv_u64 pfn;		/* its first page, or NO_PFN */
	mv_u64 bytes;		/* its size as allocated (ksize, 4K << order) */
	mv_u32 zone;		/* the zone of pfn: enum zone_type */
	mv_u32 order;		/* pages: the order; slab: the slab's order */
	mv_u32 count;		/* LIST: entries; FREE_ALL: objects freed */
	mv_u32 in_interrupt;	/* served in hard-interrupt context */
	char cache[MV_ALLOC_NAME_MAX];	/* the slab cache serving it, or "" */
	mv_u64 slab;		/* a slab object's slab (its first byte), or 0 */
	/* request: WORKLOAD_START's "k=v,..." (NUL-terminated) */
	char params[MV_WORKLOAD_PARAMS_MAX];
};

/* One handle of LIST's answer. */
struct mv_alloc_entry {
	mv_u32 handle;
	mv_u32 obj;		/* enum mv_alloc_obj */
	mv_u32 parent;		/* cache or pool of an object, or NO_HANDLE */
	mv_u32 cpu;		/* where it was allocated */
	mv_u64 addr;
	mv_u64 bytes;
	mv_u64 pfn;		/* or NO_PFN */
	char cache[MV_ALLOC_NAME_MAX];
};

struct mv_alloc_ring {
	mv_u32 magic;		/* MV_ALLOC_MAGIC */
	mv_u32 version;		/* MV_ALLOC_VERSION */
	mv_u32 nr_slots;	/* MV_ALLOC_SLOTS */
	mv_u32 nr_cpus;		/* CPUs with a server thread */
	struct mv_alloc_slot slot[MV_ALLOC_SLOTS];
	struct mv_alloc_entry list[MV_ALLOC_HANDLES];	/* LIST's answer */
};

#define MV_ALLOC_RING_SIZE	sizeof(struct mv_alloc_ring)

#endif
