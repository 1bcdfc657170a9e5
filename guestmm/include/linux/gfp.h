/* SPDX-License-Identifier: MIT */
/*
 * The page allocator's interface and the GFP flags, with the names and
 * signatures of the seed (docs/seeds). Flag values are memvisor's own;
 * their meanings are Linux's (see each comment).
 */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/types.h>
#include <linux/mmzone.h>
#include <memvisor/gfp.h>	/* the values, shared with the VMM's parser */

/* Zone modifiers */
#define __GFP_DMA	MV___GFP_DMA	/* from ZONE_DMA only (below 16 MiB) */
#define __GFP_HIGHMEM	MV___GFP_HIGHMEM	/* may come from ZONE_HIGHMEM (not direct-mapped) */
#define GFP_ZONEMASK	(__GFP_DMA | __GFP_HIGHMEM)

/* Action modifiers */
#define __GFP_WAIT	MV___GFP_WAIT	/* may sleep: reclaim (shrinkers) and wait for frees */
#define __GFP_DIRECT_RECLAIM __GFP_WAIT
#define __GFP_HIGH	MV___GFP_HIGH	/* high priority: may use the emergency reserve */
#define __GFP_IO	MV___GFP_IO	/* reclaim may start I/O */
#define __GFP_FS	MV___GFP_FS	/* reclaim may call into filesystems */
#define __GFP_COLD	MV___GFP_COLD	/* a cache-cold page: the cold end of the per-CPU list */
#define __GFP_NOWARN	MV___GFP_NOWARN	/* no "page allocation failure" report */
#define __GFP_REPEAT	MV___GFP_REPEAT	/* try harder (more reclaim rounds), may still fail */
#define __GFP_NOFAIL	MV___GFP_NOFAIL	/* never fail: wait as long as it takes */
#define __GFP_NORETRY	MV___GFP_NORETRY	/* fail at once when memory is short: no reclaim, no wait */
#define __GFP_COMP	MV___GFP_COMP	/* a compound page (order kept in the head) */
#define __GFP_ZERO	MV___GFP_ZERO	/* zeroed */
#define __GFP_NOMEMALLOC MV___GFP_NOMEMALLOC /* never use the emergency reserve */
#define __GFP_HARDWALL	MV___GFP_HARDWALL /* user allocation (no effect: one node, no cpusets) */
#define __GFP_ATOMIC	MV___GFP_ATOMIC /* cannot sleep: may dip below the min watermark */
#define __GFP_BITS_MASK	MV___GFP_BITS_MASK

/* The seed's flags */
#define GFP_ATOMIC	MV_GFP_ATOMIC	/* __GFP_HIGH | __GFP_ATOMIC */
#define GFP_NOWAIT	MV_GFP_NOWAIT
#define GFP_NOIO	MV_GFP_NOIO	/* __GFP_WAIT */
#define GFP_NOFS	MV_GFP_NOFS	/* __GFP_WAIT | __GFP_IO */
#define GFP_KERNEL	MV_GFP_KERNEL	/* __GFP_WAIT | __GFP_IO | __GFP_FS */
#define GFP_USER	MV_GFP_USER	/* GFP_KERNEL | __GFP_HARDWALL */
#define GFP_HIGHUSER	MV_GFP_HIGHUSER	/* GFP_USER | __GFP_HIGHMEM */
#define GFP_DMA		MV_GFP_DMA

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_WAIT;
}

struct page;

/* nid: the NUMA node; memvisor has one, node 0 (-1 means "this node"). */
struct page *alloc_pages_node(int nid, unsigned int flags, unsigned int order);
struct page *alloc_pages(unsigned int flags, unsigned int order);
#define alloc_page(flags) alloc_pages(flags, 0)

unsigned long __get_free_pages(unsigned int flags, unsigned int order);
#define __get_free_page(flags) __get_free_pages(flags, 0)
unsigned long get_zeroed_page(unsigned int flags);
/*
 * size bytes of whole pages, physically contiguous, each page freeable on
 * its own: the block's pages beyond PAGE_ALIGN(size) are given back at once.
 */
void *alloc_pages_exact(size_t size, unsigned int flags);
void free_pages_exact(void *virt, size_t size);

void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)
void free_pages(unsigned long addr, unsigned long order);
#define free_page(addr) free_pages(addr, 0)
/* Order-0 frees to the hot (recently used) or cold end of the per-CPU list. */
void free_hot_page(struct page *page);
void free_cold_page(struct page *page);

#endif
