/* SPDX-License-Identifier: MIT */
/*
 * struct page and the pfn/address conversions, page flags, and the
 * page allocator's helpers beyond the seed's API (which is in gfp.h).
 *
 * mem_map[] is one flat array of struct page indexed by pfn, from pfn 0 to
 * max_pfn (Linux's FLATMEM): holes have struct pages too, marked reserved.
 * Each zone initialises its part of mem_map a section at a time, when its
 * buddy lists run dry (mmzone.h): a struct page beyond the zone's
 * first_deferred_pfn is not to be read (pfn_initialised()).
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/gfp.h>
#include <linux/pfn.h>
#include <asm/page.h>
#include <asm-generic/pgtable_types.h>	/* PAGE_KERNEL..., pgprot_t, as Linux */
/* Linux's, the same token for token as mm/vmalloc.c's own. */
#define PAGE_ALIGN(x)	ALIGN((unsigned long)(x), PAGE_SIZE)

struct mv_boot_params;

extern struct page *mem_map;
extern unsigned long max_pfn;		/* highest RAM pfn + 1: mem_map's length */
extern unsigned long max_low_pfn;	/* end of the direct map (lowmem) */
extern unsigned long totalram_pages;	/* pages managed by the buddy allocator */
extern unsigned long totalhigh_pages;

/*
 * Page flags. Bits change only under the zone lock (allocator states) or by
 * the page's owner, so the non-atomic forms are the only ones: SetPageX is
 * __SetPageX here.
 */
enum pageflags {
	PG_reserved,		/* never on the buddy lists (firmware, image, bootmem, holes) */
	PG_buddy,		/* head of a free block; order in page->private */
	PG_pcp,			/* on a per-CPU list (free, order 0) */
	PG_slab,		/* owned by the slab allocator */
	PG_head,		/* head of a compound (__GFP_COMP) allocation */
	__NR_PAGEFLAGS
};

/* The zone index lives in the top byte of page->flags, as on Linux. */
#define ZONES_PGSHIFT	(sizeof(unsigned long) * 8 - 8)
#define ZONES_MASK	0xffUL

#define __PAGEFLAG(uname, lname)					\
static inline bool Page##uname(const struct page *page)		\
{ return page->flags & (1UL << PG_##lname); }				\
static inline void __SetPage##uname(struct page *page)			\
{ page->flags |= 1UL << PG_##lname; }					\
static inline void __ClearPage##uname(struct page *page)		\
{ page->flags &= ~(1UL << PG_##lname); }				\
static inline void SetPage##uname(struct page *page)			\
{ __SetPage##uname(page); }						\
static inline void ClearPage##uname(struct page *page)			\
{ __ClearPage##uname(page); }

__PAGEFLAG(Reserved, reserved)
__PAGEFLAG(Buddy, buddy)
__PAGEFLAG(Pcp, pcp)
__PAGEFLAG(Slab, slab)
__PAGEFLAG(Head, head)

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)(page->flags >> ZONES_PGSHIFT);
}

static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= (unsigned long)zone << ZONES_PGSHIFT;
}

static inline struct zone *page_zone(const struct page *page)
{
	return &contig_page_data.node_zones[page_zonenum(page)];
}

static inline bool PageHighMem(const struct page *page)
{
	return page_zonenum(page) == ZONE_HIGHMEM;
}

/* Linux's: up to the next page boundary. */
#define PAGE_ALIGN(x)	ALIGN((unsigned long)(x), PAGE_SIZE)

#define page_to_pfn(page)	((unsigned long)((page) - mem_map))
#define pfn_to_page(pfn)	(mem_map + (pfn))
#define pfn_valid(pfn)		((unsigned long)(pfn) < max_pfn)
#define page_to_phys(page)	PFN_PHYS(page_to_pfn(page))
#define phys_to_page(phys)	pfn_to_page(PHYS_PFN(phys))
/* Direct-map (lowmem) addresses only, as on Linux. */
#define virt_to_page(addr)	pfn_to_page(__pa(addr) >> PAGE_SHIFT)
#define virt_addr_valid(addr)	pfn_valid(__pa(addr) >> PAGE_SHIFT)

static inline void *lowmem_page_address(const struct page *page)
{
	return __va(PFN_PHYS(page_to_pfn(page)));
}

/*
 * The page's kernel virtual address: its direct-map address for lowmem; for
 * highmem, where kmap() put it, or NULL when it is not mapped (as Linux).
 */
static inline void *page_address(const struct page *page)
{
	if (likely(!PageHighMem(page)))
		return lowmem_page_address(page);
	return page->virtual;
}

static inline void set_page_address(struct page *page, void *virtual)
{
	page->virtual = virtual;
}

/* Reference counts: only get_page() and a shared put use atomics. */
static inline int page_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}

static inline void get_page(struct page *page)
{
	atomic_inc(&page->_refcount);
}

/* Drops a reference; frees the allocation (page->order) at zero. */
void put_page(struct page *page);

static inline unsigned int compound_order(const struct page *page)
{
	return PageHead(page) ? page->order : 0;
}

/*
 * The order of the smallest block holding size bytes: the bit length of the
 * last page's index (a bsr, not a loop: kmalloc_large takes it on every
 * call). The index shifted left with the low bit set is never 0 (bsr's
 * undefined case) and has one more bit: no branch for the index 0.
 */
static __always_inline unsigned int get_order(unsigned long size)
{
	size = (size - 1) >> PAGE_SHIFT;
	return 63 - __builtin_clzl((size << 1) | 1);
}

/* Turns an order-n allocation into 2^n order-0 ones, each freed alone. */
void split_page(struct page *page, unsigned int order);

unsigned long nr_free_pages(void);		/* buddy + per-CPU lists, all zones */
unsigned long nr_free_buffer_pages(void);	/* the same, lowmem zones only */

/* Gives this CPU's per-CPU pages of zone (NULL: every zone) back to the buddy. */
void drain_local_pages(struct zone *zone);
/* The same on every online CPU (IPIs; may not be called with irqs off). */
void drain_all_pages(struct zone *zone);

/* Linux-like reports: zone free areas (show_free_areas) and /proc files. */
void show_free_areas(void);
void show_mem(void);
void show_buddyinfo(void);
void show_zoneinfo(void);
/* Writes "GFP_KERNEL|__GFP_NOWARN"-style names for gfp into buf. */
int gfp_flags_snprint(char *buf, size_t size, gfp_t gfp);

/*
 * Boot: builds memblock from the VMM's e820 map, reserves the kernel image,
 * boot params, command line and the VMM's boot page tables and stacks,
 * allocates mem_map, sets up the zones and hands every free page to the
 * buddy allocator. Called once by start_kernel on the boot CPU, after
 * setup_per_cpu_areas(); prints the zone summary.
 */
void mm_init(const struct mv_boot_params *bp);
/* True once mm_init() has handed memory to the buddy allocator. */
extern bool page_alloc_ready;

/* The zone whose span holds pfn, NULL beyond max_pfn. */
struct zone *pfn_to_zone(unsigned long pfn);
/* Is pfn's struct page initialised (readable)? */
bool pfn_initialised(unsigned long pfn);
/*
 * Initialises the struct pages of [spfn, epfn) now (whole sections of each
 * zone, and every section below them), handing their free pages to the buddy
 * lists. deferred_init_all(): all of mem_map. Both take the zone locks.
 */
void deferred_init_range(unsigned long spfn, unsigned long epfn);
void deferred_init_all(void);

/* A CPU going away (the hosted build's threads) gives back its lists. */
void page_alloc_cpu_dead(unsigned int cpu);

#endif
