// SPDX-License-Identifier: MIT
/*
 * The kernel core's calls into the page allocator (guestmm/mm): mm_init()
 * right after setup_arch() (the per-CPU areas come from it next), then slab (as Linux's mm_core_init); then
 * stacks, task structs and page-table pages come from it instead of the
 * static pools.
 */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_alloc.h>
#include <memvisor/mminfo.h>
#include <asm/hypercall.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include "mm_glue.h"

static bool mm_up;

/*
 * GFP_KERNEL where we may sleep; early boot (interrupts still off) and
 * atomic callers get an allocation that never sleeps instead.
 */
unsigned long mm_glue_get_pages(unsigned int order)
{
	bool may_sleep = !in_atomic() && !irqs_disabled();

	if (!mm_up)
		return 0;
	return __get_free_pages(may_sleep ? GFP_KERNEL : GFP_NOWAIT, order);
}

void mm_glue_free_pages(unsigned long addr, unsigned int order)
{
	if (mm_up && addr)
		free_pages(addr, order);
}

static void *pgtable_page_alloc(void)
{
	void *page = (void *)mm_glue_get_pages(0);

	if (page)
		memset(page, 0, PAGE_SIZE);
	return page;
}

static void pgtable_page_free(void *page)
{
	mm_glue_free_pages((unsigned long)page, 0);
}

static const struct pgtable_page_source page_allocator_source = {
	.alloc = pgtable_page_alloc,
	.free = pgtable_page_free,
};

void mm_glue_init(const struct mv_boot_params *bp)
{
	mm_init(bp);
	mm_up = true;
	kmem_cache_init();
	task_alloc_use_page_allocator();
	pgtable_set_page_source(&page_allocator_source);
}
