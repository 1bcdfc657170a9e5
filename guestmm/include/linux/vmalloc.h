/* SPDX-License-Identifier: MIT */
/*
 * vmalloc: virtually contiguous memory from pages that need not be
 * physically contiguous (HIGHMEM ones included), mapped into the vmalloc
 * area at MV_VMALLOC_BASE with an unmapped guard page after each area.
 * vmalloc() may sleep. ioremap() maps device MMIO there, uncached.
 *
 * Every live area is a struct vmap_area on vmap_area_list, sorted by
 * address: the VMM reads the list itself (its vmallocinfo), finding it by
 * its symbol and the struct's layout in the image's DWARF.
 */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/gfp.h>
#include <asm-generic/pgtable_types.h>

struct page;

/* vmap_area.flags: the kind of area (Linux's vm_struct flags). */
#define VM_IOREMAP	0x00000001u	/* ioremap() and friends */
#define VM_ALLOC	0x00000002u	/* vmalloc() */
#define VM_MAP		0x00000004u	/* vmap() */
#define VM_USERMAP	0x00000008u	/* (unused here) */
#define VM_UNINITIALIZED 0x00000020u	/* pages being mapped: not listed yet */
#define VM_NO_GUARD	0x00000040u	/* no guard page (unused here) */


struct vmap_area {
	/* Read by the VMM: mm_layout_table[] gives the widths it expects. */
	unsigned long va_start;		/* first byte */
	unsigned long va_end;		/* past the guard page */
	struct list_head list;		/* vmap_area_list (busy) or purge list */
	struct page **pages;		/* VM_ALLOC/VM_MAP: nr_pages entries */
	unsigned int nr_pages;
	unsigned int flags;		/* VM_*; 0 while free */
	phys_addr_t phys_addr;		/* VM_IOREMAP: the first byte mapped */
	const void *caller;		/* who asked (a return address) */

	/* A treap node in the busy or the free tree, keyed by va_start. */
	struct vmap_area *left, *right;
	unsigned long subtree_max_size;	/* free tree: largest size below */
	unsigned int prio;
};

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   gfp_t gfp_mask, const void *caller);
void vfree(const void *addr);

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot);
void vunmap(const void *addr);

struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
bool is_vmalloc_addr(const void *addr);

/*
 * vfree() leaves other CPUs' TLB entries to a lazy, batched purge (one
 * shootdown for many areas) before the address range is reused, as Linux
 * does; vm_unmap_aliases() purges now, after which no CPU can reach any
 * freed area. Must be able to sleep (it sends IPIs).
 */
void vm_unmap_aliases(void);

/* The live areas, by address (vmap_area_lock), for the VMM and tests. */
extern struct list_head vmap_area_list;
extern unsigned long nr_vmap_areas;		/* on vmap_area_list */
extern unsigned long nr_vmap_lazy_pages;	/* freed, not yet purged */
extern unsigned long nr_vmap_purges;		/* shootdowns so far */

/* Checks both trees' order and augmentation; 0 or the first error. */
const char *vmap_check_trees(void);
/* Free ranges in the free tree (each a maximal gap between areas). */
unsigned long vmap_nr_free_ranges(void);

void vmalloc_init(void);

#endif
