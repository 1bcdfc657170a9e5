/* SPDX-License-Identifier: MIT */
/* mm/-private interfaces between memblock, the page allocator and reclaim. */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>

/*
 * A may-sleep allocation in atomic context (Linux's might_alloc() warns of
 * it), for the slab and page fast paths: the context is tested first, the
 * unlikely part, so the common case is one test that falls through.
 */
static __always_inline bool alloc_sleeps_in_atomic(gfp_t gfp)
{
	return unlikely(in_atomic() | irqs_disabled()) && (gfp & __GFP_WAIT);
}

/*
 * alloc_flags: which watermark an attempt must respect, and how far below
 * it the caller may go (Linux's ALLOC_*).
 */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_WMARK_MASK	0x03u
#define ALLOC_NO_WATERMARKS	0x04u	/* reclaim itself: anything goes */
#define ALLOC_HARDER		0x10u	/* atomic: a quarter below the mark */
#define ALLOC_HIGH		0x20u	/* __GFP_HIGH: half below the mark */

/*
 * Slow-path retry budget. A round is: drain the per-CPU lists, run the
 * shrinkers, wait up to ALLOC_WAIT_JIFFIES for a free. Orders above
 * PAGE_ALLOC_COSTLY_ORDER give up after one round unless __GFP_REPEAT.
 */
#define ALLOC_ROUNDS_DEFAULT	5
#define ALLOC_ROUNDS_REPEAT	20
#define ALLOC_ROUNDS_COSTLY	1
#define ALLOC_WAIT_JIFFIES	(HZ / 10 ? HZ / 10 : 1)

/* Objects asked of the shrinkers per reclaim round, per page wanted. */
#define SHRINK_BATCH		128

/* page_alloc.c */
/* Releases a block memblock kept until now (refcount 0, reserved bit clear). */
void __free_pages_core(struct page *page, unsigned int order);
/* Boot handover, deferred: nr free pages of zone, counted free and managed. */
void zone_add_deferred(struct zone *zone, unsigned long nr);
/* A free block of a section being initialised to the lists (zone->lock). */
void __free_pages_deferred(struct page *page, unsigned int order);
/* Frees one boot-reserved page after the handover (free_bootmem late). */
void free_reserved_page(struct page *page);
void zone_pcp_init(struct zone *zone);
/* alloc_pages() for caller, whom the page owner names: kmalloc's large blocks. */
struct page *alloc_pages_caller(gfp_t gfp, unsigned int order,
				unsigned long caller);
void bad_page(struct page *page, const char *reason);

/* mm_init.c: what the boot params said, kept for checks after boot. */
struct mm_boot_info {
	phys_addr_t kernel_start, kernel_end;
	phys_addr_t boot_alloc_start, boot_alloc_end;
	phys_addr_t boot_params, boot_params_end;
	phys_addr_t cmdline, cmdline_end;
	phys_addr_t dma_limit, lowmem_limit, ram_end;
};
extern struct mm_boot_info mm_boot_info;

/* mm_init.c */
void setup_per_zone_wmarks(void);
/*
 * Initialises the struct pages of the zone's next section (or what of it
 * the zone spans) and frees those memblock did not keep to the lists;
 * returns how many. zone->lock held.
 */
unsigned long deferred_init_section(struct zone *zone);
void setup_per_zone_lowmem_reserve(void);

/* vmscan.c: runs the shrinkers gfp allows as PF_MEMALLOC; returns objects freed. */
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order);

/* show_mem.c: the "page allocation failure" report. */
void warn_alloc(gfp_t gfp, unsigned int order);
/* Tells the VMM (an event for its control socket); arch code. */
void arch_report_alloc_failure(unsigned int order, gfp_t gfp, const char *comm);
extern unsigned long alloc_failure_reports;	/* printed */
extern unsigned long alloc_failure_suppressed;	/* rate-limited away */


#endif
