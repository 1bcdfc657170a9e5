// SPDX-License-Identifier: MIT
/*
 * Kernel mappings on top of the VMM's page tables: the kernel keeps the
 * tables it was started with (direct map, kernel map) and adds what it needs
 * (the xAPIC page; later vmalloc/kmap through this same API). Tables are
 * reached through the direct map, which covers every page-table page: the
 * VMM's (boot reservation), the early pool (kernel image), the page
 * allocator's (lowmem).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#define PTRS_PER_TABLE	512
#define EARLY_PGTABLE_PAGES 16

static pteval_t supported_pte_mask = ~_PAGE_NX;	/* until EFER.NX is on */
static spinlock_t pgtable_lock = __SPIN_LOCK_UNLOCKED(pgtable_lock);

static char early_pool[EARLY_PGTABLE_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
static unsigned int early_pool_used;

/* Early page source: a bump allocator; its pages are never given back. */
static void *early_pool_alloc(void)
{
	if (early_pool_used >= EARLY_PGTABLE_PAGES)
		return NULL;
	return early_pool[early_pool_used++];
}

static void early_pool_free(void *page)
{
}

static const struct pgtable_page_source early_source = {
	.alloc = early_pool_alloc,
	.free = early_pool_free,
};
static const struct pgtable_page_source *page_source = &early_source;

void pgtable_set_page_source(const struct pgtable_page_source *src)
{
	unsigned long flags;

	local_irq_save(flags);
	arch_spin_lock(&pgtable_lock);
	page_source = src ? src : &early_source;
	arch_spin_unlock(&pgtable_lock);
	local_irq_restore(flags);
}

void pgtable_cpu_init(void)
{
	/* cpu_detect_features said so when it is missing */
	if (!boot_cpu_has(X86_FEATURE_NX))
		return;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NX);
	supported_pte_mask = ~0UL;
}

static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

static inline pteval_t *entry_table(pteval_t e)
{
	return __va(e & PTE_PFN_MASK);
}

static bool canonical(unsigned long va)
{
	long top = (long)va >> 47;

	return top == 0 || top == -1;
}

/*
 * The level-1 entry for va, allocating missing tables when alloc is set.
 * Levels are numbered 4 (PML4) down to 1 (PT).
 */
static pteval_t *walk(unsigned long va, bool alloc, int *err)
{
	pteval_t *table = __va(read_cr3() & PTE_PFN_MASK);

	for (int level = 4; level > 1; level--) {
		pteval_t *e = &table[pt_index(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			void *page = alloc ? page_source->alloc() : NULL;

			if (!page) {
				*err = alloc ? -ENOMEM : -ENOENT;
				return NULL;
			}
			memset(page, 0, PAGE_SIZE);
			*e = __pa(page) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
		} else if (*e & _PAGE_PSE) {
			*err = -EEXIST;	/* inside a large page */
			return NULL;
		}
		table = entry_table(*e);
	}
	return &table[pt_index(va, 1)];
}

int map_page(unsigned long va, phys_addr_t pa, pteval_t flags)
{
	unsigned long irqflags;
	pteval_t *pte;
	int err = 0;

	if (!canonical(va) || (va | pa) & ~PAGE_MASK)
		return -EINVAL;
	local_irq_save(irqflags);
	arch_spin_lock(&pgtable_lock);
	pte = walk(va, true, &err);
	if (pte && (*pte & _PAGE_PRESENT))
		err = -EEXIST;
	else if (pte)
		*pte = (pa & PTE_PFN_MASK) | ((flags | _PAGE_PRESENT) & supported_pte_mask);
	arch_spin_unlock(&pgtable_lock);
	local_irq_restore(irqflags);
	return err;
}

int unmap_page(unsigned long va)
{
	unsigned long irqflags;
	pteval_t *pte;
	int err = 0;

	if (!canonical(va))
		return -EINVAL;
	local_irq_save(irqflags);
	arch_spin_lock(&pgtable_lock);
	pte = walk(va, false, &err);
	if (pte && !(*pte & _PAGE_PRESENT))
		err = -ENOENT;
	else if (pte)
		*pte = 0;
	arch_spin_unlock(&pgtable_lock);
	local_irq_restore(irqflags);
	if (!err)
		invlpg(va);
	return err;
}

/*
 * The PTE slot of va in tables that already exist, for fixed windows whose
 * slots each have one owner (a CPU's kmap_atomic slots): the owner then maps
 * and unmaps through it with no lock, as Linux's kmap_pte.
 */
pteval_t *kernel_pte_slot(unsigned long va)
{
	unsigned long irqflags;
	pteval_t *pte;
	int err = 0;

	if (!canonical(va))
		return NULL;
	local_irq_save(irqflags);
	arch_spin_lock(&pgtable_lock);
	pte = walk(va, false, &err);
	arch_spin_unlock(&pgtable_lock);
	local_irq_restore(irqflags);
	return pte;
}

void set_pte_slot(pteval_t *pte, phys_addr_t pa, pteval_t flags)
{
	WRITE_ONCE(*pte, (pa & PTE_PFN_MASK) | ((flags | _PAGE_PRESENT) & supported_pte_mask));
}

/* Only this CPU's TLB: no other CPU uses the slot. */
void clear_pte_slot(pteval_t *pte, unsigned long va)
{
	WRITE_ONCE(*pte, 0);
	invlpg(va);
}

/* Lock-free: also used from fault reporting, where the lock may be held. */
pteval_t *lookup_address(unsigned long va, enum pg_level *level)
{
	pteval_t *table;

	*level = PG_LEVEL_NONE;
	if (!canonical(va))
		return NULL;
	table = __va(read_cr3() & PTE_PFN_MASK);
	for (int l = 4; l >= 1; l--) {
		pteval_t *e = &table[pt_index(va, l)];

		if (!(*e & _PAGE_PRESENT))
			return NULL;
		if (l == 1 || (l <= 3 && (*e & _PAGE_PSE))) {
			*level = (enum pg_level)l;
			return e;
		}
		table = entry_table(*e);
	}
	return NULL;
}

phys_addr_t slow_virt_to_phys(unsigned long va)
{
	enum pg_level level;
	pteval_t *e = lookup_address(va, &level);
	unsigned long size;

	if (!e)
		return ~(phys_addr_t)0;
	size = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	return ((*e & PTE_PFN_MASK) & ~(size - 1)) | (va & (size - 1));
}

bool kernel_range_mapped(unsigned long va, unsigned long len)
{
	unsigned long end = va + len, p;
	enum pg_level level;

	if (end < va)
		return false;
	for (p = va & PAGE_MASK; p < end; p += PAGE_SIZE)
		if (!lookup_address(p, &level))
			return false;
	return true;
}
