/* SPDX-License-Identifier: MIT */
/*
 * The guest half of test_vmm_slab_cmds: a hosted guest (guestmm's mm on an
 * mmap'ed arena) with caches, objects and mempools, built with the guest's
 * own headers in slabinsp_guest.c; the VMM half reads it with the VMM's.
 * Plain types only here: neither side's headers see the other's.
 */
#ifndef TESTS_UNIT_SLABINSP_GUEST_H
#define TESTS_UNIT_SLABINSP_GUEST_H

#include <stddef.h>
#include <stdint.h>

struct sg_state {
	uintptr_t ram;			/* host address of guest-physical 0 */
	uint64_t ram_size;
	uintptr_t pgdat;		/* &contig_page_data, for fake_layout.h */
	uint64_t kernel_start, kernel_end;	/* the kernel image, physical */
	uintptr_t cache_a;		/* the cache "insp-a" */
	uintptr_t pools[3];		/* slab, kmalloc, page mempools */
	uint64_t pfn_slab;		/* a slab page of insp-a */
	uint64_t pfn_free, free_order;	/* the head of a free buddy block */
	uint64_t pfn_alloc;		/* head of an order-2 allocation */
	uint64_t alloc_caller;		/* who made it: the guest's page owner */
	uint64_t page_owner_base;	/* the hosted build's, for the layout */
	uint64_t pfn_pcp;		/* on a per-CPU list */
	uint64_t pfn_kernel;		/* in the kernel image */
	uint64_t pfn_bootmem;		/* mem_map itself */
	uint64_t pfn_deferred;		/* not initialised yet, or 0 */
};

/* Boots the hosted guest and builds the state. */
void sg_build(struct sg_state *st);
/* The guest's own /proc/slabinfo text. */
int sg_slabinfo(char *buf, size_t size);

/* Corruptions of insp-a. */
void sg_cycle_in_slab_list(void);	/* partial list loops, missing the head */
void sg_slab_list_outside_ram(void);	/* a next pointer to nowhere */
void sg_counter_disagrees(void);	/* stats.active_objs off by 3 */
void sg_cycle_in_cache_list(void);	/* insp-a's list.next = itself */
void sg_name_not_utf8(void);		/* insp-a named "insp-\xff\xfe" */
void sg_mempool_bad(void);		/* curr_nr > min_nr in pools[0] */

#endif
