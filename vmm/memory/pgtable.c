// SPDX-License-Identifier: MIT
/* The initial page tables: the kernel map and the direct map. */
#include <errno.h>
#include <string.h>

#include <memvisor/layout.h>

#include "pgtable.h"

#define ENTRIES		512
#define PML4_SHIFT	39
#define PDPT_SHIFT	30
#define PD_SHIFT	21
#define GIB		MV_GIB(1)

/* Page-table entries pointing at a table; leaves are 2 MiB pages. */
#define TABLE_FLAGS	(PTE_P | PTE_RW)
/* A and D preset: the CPU never has to write to the VMM's tables */
#define LEAF_FLAGS	(PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D)

static unsigned int idx(uint64_t va, unsigned int shift)
{
	return (va >> shift) & (ENTRIES - 1);
}

/* The direct map covers RAM below lowmem: is any of [s, s+len) such? */
static int direct_mapped(const struct memmap *mm, uint64_t s, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < mm->nr_ram; i++) {
		uint64_t end = mm->ram[i].end < mm->lowmem ?
			       mm->ram[i].end : mm->lowmem;

		if (s < end && mm->ram[i].start < s + len)
			return 1;
	}
	return 0;
}

static uint64_t direct_gibs(const struct memmap *mm)
{
	return (mm->lowmem + GIB - 1) / GIB;
}

/*
 * Table pages: PML4, kernel PDPT and PD, then for the direct map one PDPT
 * per 512 GiB and one PD per GiB that hold mapped RAM. The bump allocator
 * in pgtable_build hands them out in the same order.
 */
uint64_t pgtable_pages(const struct memmap *mm)
{
	uint64_t g, pages = 3, last_pdpt = UINT64_MAX;

	for (g = 0; g < direct_gibs(mm); g++) {
		if (!direct_mapped(mm, g * GIB, GIB))
			continue;
		if (g / ENTRIES != last_pdpt) {
			last_pdpt = g / ENTRIES;
			pages++;
		}
		pages++;
	}
	return pages;
}

struct ptb {
	const struct gmem *gm;
	uint64_t next;		/* next free table page */
};

static int set_entry(struct ptb *b, uint64_t table, unsigned int i,
		     uint64_t val)
{
	return gmem_write(b->gm, table + i * sizeof(uint64_t), &val,
			  sizeof(val));
}

static uint64_t alloc_table(struct ptb *b)
{
	uint64_t t = b->next;

	b->next += MV_PAGE_SIZE;
	return t;
}

static int build_kernel_map(struct ptb *b, uint64_t pml4)
{
	uint64_t pdpt = alloc_table(b), pd = alloc_table(b);
	uint64_t va = MV_KERNEL_VIRT_BASE;
	unsigned int i;
	int ret;

	ret = set_entry(b, pml4, idx(va, PML4_SHIFT), pdpt | TABLE_FLAGS);
	ret = ret ?: set_entry(b, pdpt, idx(va, PDPT_SHIFT), pd | TABLE_FLAGS);
	for (i = 0; i < ENTRIES && !ret; i++)
		ret = set_entry(b, pd, i, i * PGTABLE_LARGE | LEAF_FLAGS);
	return ret;
}

static int build_direct_gib(struct ptb *b, const struct memmap *mm,
			    uint64_t pdpt, uint64_t g)
{
	uint64_t pd = alloc_table(b);
	unsigned int i;
	int ret;

	ret = set_entry(b, pdpt, g % ENTRIES, pd | TABLE_FLAGS);
	for (i = 0; i < ENTRIES && !ret; i++) {
		uint64_t pa = g * GIB + i * PGTABLE_LARGE;

		if (direct_mapped(mm, pa, PGTABLE_LARGE))
			ret = set_entry(b, pd, i, pa | LEAF_FLAGS);
	}
	return ret;
}

static int build_direct_map(struct ptb *b, const struct memmap *mm,
			    uint64_t pml4)
{
	uint64_t g, pdpt = 0, last_pdpt = UINT64_MAX;
	int ret;

	for (g = 0; g < direct_gibs(mm); g++) {
		if (!direct_mapped(mm, g * GIB, GIB))
			continue;
		if (g / ENTRIES != last_pdpt) {
			uint64_t va = MV_DIRECT_MAP_BASE + g * GIB;

			last_pdpt = g / ENTRIES;
			pdpt = alloc_table(b);
			ret = set_entry(b, pml4, idx(va, PML4_SHIFT),
					pdpt | TABLE_FLAGS);
			if (ret)
				return ret;
		}
		ret = build_direct_gib(b, mm, pdpt, g);
		if (ret)
			return ret;
	}
	return 0;
}

int pgtable_build(const struct gmem *gm, const struct memmap *mm,
		  uint64_t base, uint64_t *pml4)
{
	uint64_t pages = pgtable_pages(mm);
	struct ptb b = { .gm = gm, .next = base };
	uint64_t root;
	int ret;

	if (base % MV_PAGE_SIZE)
		return -EINVAL;
	if (gmem_fill(gm, base, 0, pages * MV_PAGE_SIZE))
		return -EFAULT;
	root = alloc_table(&b);
	ret = build_kernel_map(&b, root);
	ret = ret ?: build_direct_map(&b, mm, root);
	if (ret)
		return -EFAULT;
	*pml4 = root;
	return 0;
}
