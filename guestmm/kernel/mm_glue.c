// SPDX-License-Identifier: MIT
/*
 * The bridge to guestmm/mm. The symbols are weak so the kernel links (and
 * boots on its static pools) before mm/ exists; once it does, mm_init() runs
 * right after the per-CPU areas, and stacks, task structs and page-table
 * pages come from the page allocator.
 * TODO(once mm/ is complete): make these calls direct and drop the weak refs.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <linux/task_alloc.h>
#include "mm_glue.h"

#if __has_include(<linux/gfp.h>) && __has_include(<linux/mm.h>)
#include <linux/gfp.h>
#include <linux/mm.h>
#define MM_GLUE_GFP	GFP_KERNEL
#else
void mm_init(const struct mv_boot_params *bp);
unsigned long __get_free_pages(unsigned int flags, unsigned int order);
void free_pages(unsigned long addr, unsigned long order);
#define MM_GLUE_GFP	0
#endif

#pragma weak mm_init
#pragma weak __get_free_pages
#pragma weak free_pages

static bool mm_up;

unsigned long mm_glue_get_pages(unsigned int order)
{
	if (!mm_up)
		return 0;
	return __get_free_pages(MM_GLUE_GFP, order);
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
	if (!mm_init || !__get_free_pages || !free_pages) {
		pr_notice("mm: no page allocator linked in: tasks, stacks and page tables use static pools\n");
		return;
	}
	mm_init(bp);
	mm_up = true;
	task_alloc_use_page_allocator();
	pgtable_set_page_source(&page_allocator_source);
}
