/* SPDX-License-Identifier: MIT */
/*
 * Temporary kernel mappings of highmem pages, which are not in the direct
 * map. kmap() may sleep (it may wait for a free slot in the window at
 * MV_KMAP_BASE) and maps the page for every CPU until kunmap(); kmap_atomic()
 * never sleeps, disables preemption and maps the page in a slot private to
 * this CPU until kunmap_atomic(), which must be called in reverse order. For
 * lowmem pages both return the direct-map address.
 */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <linux/mm.h>
#include <linux/string.h>

/* kmap()'s shared window: LAST_PKMAP pages from MV_KMAP_BASE. */
#define LAST_PKMAP		512
/* kmap_atomic() slots per CPU (nesting depth: task, softirq, irq, nmi). */
#define KM_TYPE_NR		16

void *kmap(struct page *page);
void kunmap(struct page *page);
void *kmap_atomic(struct page *page);
void kunmap_atomic(void *addr);

/* The page behind a kmap_atomic() or direct-map address. */
struct page *kmap_atomic_to_page(void *addr);

static inline void clear_highpage(struct page *page)
{
	void *addr = kmap_atomic(page);

	memset(addr, 0, PAGE_SIZE);
	kunmap_atomic(addr);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	void *vfrom = kmap_atomic(from);
	void *vto = kmap_atomic(to);

	memcpy(vto, vfrom, PAGE_SIZE);
	kunmap_atomic(vto);
	kunmap_atomic(vfrom);
}

/* Statistics for tests and the VMM: mappings in the kmap() window. */
extern unsigned int pkmap_count_in_use;

void kmap_init(void);
/* Unmaps every kmap() slot nobody uses, with one global TLB flush. */
void kmap_flush_unused(void);

#endif
