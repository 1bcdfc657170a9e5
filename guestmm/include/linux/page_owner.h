/* SPDX-License-Identifier: MIT */
/*
 * Who allocated each page, as Linux's page_owner keeps it beside struct
 * page (which stays 64 bytes: the VMM reads it): page_owner_ips[pfn] is the
 * allocation's caller as an offset from page_owner_base, 0 = unknown or
 * free. Set on the head page when a block is allocated, cleared when it is
 * freed: one store each way. Kernel and module text both lie in the top
 * 2 GiB (the kernel map), so a u32 holds any caller.
 *
 * Pages whose caller lies in the module area are also counted, so that
 * mm_find_module_leaks() skips the scan when no module holds a page.
 *
 * page_owner_hist[pfn] keeps what Linux's page_owner keeps past the free
 * (the last allocation, its time, who freed it), for the VMM's
 * use-after-free check (vmm/control/check_uaf.c): a page free at two check
 * runs, written between them and not allocated since, was written after its
 * free. "Allocated since" needs an exact order with the VMM's park, which a
 * clock does not give across CPUs: each CPU counts its allocations
 * (page_owner_clock[cpu]) and the record says which CPU's count it took.
 * The VMM parks the guest where no CPU is inside the allocator, so any
 * allocation after the park stamps a count above the one it read then; a
 * racy increment (a task moved between CPUs) may repeat a count, never go
 * back below that.
 */
#ifndef _LINUX_PAGE_OWNER_H
#define _LINUX_PAGE_OWNER_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <memvisor/layout.h>
#include <memvisor/module.h>

extern u32 *page_owner_ips;

/* The block headed by a pfn, as last allocated (kept after its free). */
struct page_owner_hist {
	u32 alloc_ip;		/* caller, as page_owner_ips; 0: never */
	u32 free_ip;		/* who freed it (0: not freed since) */
	u32 seq;		/* page_owner_clock[cpu] after the allocation */
	u32 jiffies;		/* when: orders records of different CPUs */
	u16 cpu;		/* the CPU whose clock seq is */
	u16 order;		/* the block's order */
};

/* One CPU's allocations so far (wraps), alone on its cache line. */
struct page_owner_clock {
	u32 seq;
} ____cacheline_aligned;

extern struct page_owner_hist *page_owner_hist;
extern struct page_owner_clock page_owner_clock[NR_CPUS];
extern atomic_long_t page_owner_module_pages;

#ifdef __HOSTED__
extern unsigned long page_owner_base;	/* below the test program's text */
#else
#define page_owner_base	__START_KERNEL_map
#endif

/* An offset at or above this is in the module area (only the guest has one). */
#define PAGE_OWNER_MODULE_OFFSET ((u32)(MV_MODULES_BASE - MV_KERNEL_VIRT_BASE))

static __always_inline u32 page_owner_offset(unsigned long caller)
{
	return (u32)(caller - page_owner_base);
}

static __always_inline bool page_owner_in_modules(u32 off)
{
#ifdef __HOSTED__
	(void)off;
	return false;
#else
	return off >= PAGE_OWNER_MODULE_OFFSET;
#endif
}

/* The history record of @page (whose pfn is @pfn) for an allocation now. */
static __always_inline void page_owner_stamp(struct page *page,
					     unsigned long pfn, u32 off)
{
	struct page_owner_hist *h = &page_owner_hist[pfn];
	unsigned int cpu = raw_smp_processor_id();
	u32 seq = READ_ONCE(page_owner_clock[cpu].seq) + 1;

	WRITE_ONCE(page_owner_clock[cpu].seq, seq);
	h->alloc_ip = off;
	h->free_ip = 0;
	h->seq = seq;
	h->jiffies = (u32)jiffies;
	h->cpu = cpu;
	h->order = page->order;
}

/* The head page of a block just allocated for caller. */
static __always_inline void set_page_owner(struct page *page, unsigned long caller)
{
	unsigned long pfn = page_to_pfn(page);
	u32 off = page_owner_offset(caller);

	page_owner_ips[pfn] = off;
	page_owner_stamp(page, pfn, off);
	if (unlikely(page_owner_in_modules(off)))
		atomic_long_inc(&page_owner_module_pages);
}

/* The head page of a block being freed. */
static __always_inline void reset_page_owner(struct page *page)
{
	u32 *slot = &page_owner_ips[page_to_pfn(page)];

	if (unlikely(page_owner_in_modules(*slot)))
		atomic_long_dec(&page_owner_module_pages);
	*slot = 0;
}

/*
 * Who frees the block headed by page, as Linux's page_owner keeps the free
 * stack: noted by the free functions on entry, before the block can be
 * handed out again (whose allocation clears it).
 */
static __always_inline void page_owner_freed_by(struct page *page,
						unsigned long caller)
{
	page_owner_hist[page_to_pfn(page)].free_ip = page_owner_offset(caller);
}

/* The caller that allocated page (a block's head), or 0. */
static inline unsigned long page_owner_caller(const struct page *page)
{
	u32 off = page_owner_ips[page_to_pfn(page)];

	return off ? page_owner_base + off : 0;
}

/* Moves an allocation's caller from the page it was recorded on to another. */
void set_page_owner_caller(struct page *page, unsigned long caller);
/* split_page(): every page of the block keeps the block's caller. */
void split_page_owner(struct page *page, unsigned int order);
/* mm_init(): the array, one u32 per pfn below max_pfn. */
void page_owner_init(void);

#endif
