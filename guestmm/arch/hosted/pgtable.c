// SPDX-License-Identifier: MIT
/*
 * The simulated kernel page table of the hosted build (asm/pgtable.h):
 * the guest's four-level walk over pages from the page allocator.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#define PTRS_PER_TABLE	512

unsigned long hosted_tlb_flushes;
unsigned long hosted_pgtable_pages;
static pteval_t *root;
static DEFINE_SPINLOCK(sim_lock);

void hosted_pgtable_reset(void)
{
	root = NULL;	/* its pages went with the old arena */
	hosted_pgtable_pages = 0;
	hosted_tlb_flushes = 0;
}

static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

static pteval_t *new_table(void)
{
	/* Under sim_lock: never sleeps, as the guest's map_page() in atomic context. */
	pteval_t *t = (pteval_t *)get_zeroed_page(GFP_NOWAIT);

	if (t)
		hosted_pgtable_pages++;
	return t;
}

/* The level-1 entry of va; missing tables allocated when alloc is set. */
static pteval_t *walk(unsigned long va, bool alloc)
{
	pteval_t *table;

	if (!root && (!alloc || !(root = new_table())))
		return NULL;
	table = root;
	for (int level = 4; level > 1; level--) {
		pteval_t *e = &table[pt_index(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			pteval_t *t = alloc ? new_table() : NULL;

			if (!t)
				return NULL;
			*e = __pa(t) | _PAGE_PRESENT | _PAGE_RW;
		}
		table = __va(*e & PTE_PFN_MASK);
	}
	return &table[pt_index(va, 1)];
}

int map_page(unsigned long va, phys_addr_t pa, pteval_t flags)
{
	pteval_t *pte;
	int err = 0;

	if ((va | pa) & ~PAGE_MASK)
		return -EINVAL;
	spin_lock(&sim_lock);
	pte = walk(va, true);
	if (!pte)
		err = -ENOMEM;
	else if (*pte & _PAGE_PRESENT)
		err = -EEXIST;
	else
		*pte = (pa & PTE_PFN_MASK) | flags | _PAGE_PRESENT;
	spin_unlock(&sim_lock);
	return err;
}

int unmap_page(unsigned long va)
{
	pteval_t *pte;
	int err = 0;

	spin_lock(&sim_lock);
	pte = walk(va, false);
	if (!pte || !(*pte & _PAGE_PRESENT))
		err = -ENOENT;
	else
		*pte = 0;
	spin_unlock(&sim_lock);
	return err;
}

pteval_t hosted_pte(unsigned long va)
{
	pteval_t *pte, v;

	spin_lock(&sim_lock);
	pte = walk(va, false);
	v = pte ? *pte : 0;
	spin_unlock(&sim_lock);
	return v;
}

phys_addr_t slow_virt_to_phys(unsigned long va)
{
	pteval_t v = hosted_pte(va);

	if (!(v & _PAGE_PRESENT))
		return ~(phys_addr_t)0;
	return (v & PTE_PFN_MASK) | (va & ~PAGE_MASK);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	(void)start;
	(void)end;
	__atomic_add_fetch(&hosted_tlb_flushes, 1, __ATOMIC_RELAXED);
}
