// SPDX-License-Identifier: MIT
/* The boot reservation, the boot parameters and the command line. */
#include <inttypes.h>
#include <string.h>

#include <memvisor/bootparams.h>
#include <memvisor/dmadev.h>
#include <memvisor/layout.h>

#include "boot.h"
#include "pgtable.h"

_Static_assert(sizeof(struct mv_boot_params) <= MV_PAGE_SIZE,
	       "the boot parameters must fit in their page");

/*
 * Flat 64-bit code and data descriptors, with the accessed bit already set
 * so a segment load never makes the CPU write to the GDT.
 */
static const uint64_t boot_gdt[BOOT_GDT_ENTRIES] = {
	[0] = 0,
	[BOOT_CS / 8] = 0x00af9b000000ffffULL,	/* P, DPL 0, code, L, G */
	[BOOT_DS / 8] = 0x00cf93000000ffffULL,	/* P, DPL 0, data rw, D/B, G */
};

static uint64_t page_up(uint64_t x)
{
	return (x + MV_PAGE_SIZE - 1) & ~(MV_PAGE_SIZE - 1);
}

uint64_t boot_region_size(const struct memmap *mm, unsigned int nr_cpus)
{
	return MV_PAGE_SIZE +				/* GDT */
	       pgtable_pages(mm) * MV_PAGE_SIZE +
	       (uint64_t)nr_cpus * MV_BOOT_STACK_SIZE;
}

/* The first page at or after @s where @size bytes overlap no fixed range. */
static uint64_t clear_of_fixed_ranges(uint64_t s, uint64_t size)
{
	const struct fixed_range *f;

	while ((f = fixed_range_overlap(s, s + size)))
		s = page_up(f->end);
	return s;
}

int boot_place(const struct memmap *mm, const struct kernel_image *k,
	       unsigned int nr_cpus, struct boot_info *bi, struct errbuf *e)
{
	uint64_t size = boot_region_size(mm, nr_cpus);
	uint64_t limit = mm->lowmem < MV_KERNEL_MAP_SIZE ? mm->lowmem
							 : MV_KERNEL_MAP_SIZE;
	uint64_t from = page_up(k->end);
	unsigned int i;

	memset(bi, 0, sizeof(*bi));
	for (i = 0; i < mm->nr_e820; i++) {
		const struct e820_entry *x = &mm->e820[i];
		uint64_t s = page_up(x->addr > from ? x->addr : from);

		if (x->type != E820_TYPE_RAM || s >= x->addr + x->size)
			continue;
		s = clear_of_fixed_ranges(s, size);
		if (s >= x->addr + x->size ||
		    size > x->addr + x->size - s || s + size > limit)
			continue;
		bi->start = s;
		bi->end = s + size;
		bi->gdt = s;
		bi->pml4 = s + MV_PAGE_SIZE;
		bi->stacks = s + MV_PAGE_SIZE + pgtable_pages(mm) * MV_PAGE_SIZE;
		bi->nr_cpus = nr_cpus;
		bi->entry = k->entry;
		return 0;
	}
	return errf(e, "vmm: no room for the boot page tables and stacks (%" PRIu64 " KiB) in usable RAM between the kernel's end (0x%" PRIx64 ") and 0x%" PRIx64,
		    size >> 10, k->end, limit);
}

static void fill_params(struct mv_boot_params *bp, const struct memmap *mm,
			const struct kernel_image *k,
			const struct boot_info *bi, size_t cmdline_len,
			uint32_t tsc_khz)
{
	memset(bp, 0, sizeof(*bp));
	bp->magic = MV_BOOT_MAGIC;
	bp->version = MV_BOOT_VERSION;
	bp->size = sizeof(*bp);
	bp->nr_cpus = bi->nr_cpus;
	bp->e820_entries = mm->nr_e820;
	bp->mem_size = mm->mem_size;
	bp->ram_end = mm->ram_end;
	bp->dma_limit = MV_ZONE_DMA_LIMIT;
	bp->lowmem_limit = mm->lowmem;
	bp->kernel_start = k->start;
	bp->kernel_end = k->end;
	bp->boot_alloc_start = bi->start;
	bp->boot_alloc_end = bi->end;
	bp->pml4 = bi->pml4;
	bp->direct_map_base = MV_DIRECT_MAP_BASE;
	bp->direct_map_end_phys = mm->lowmem;
	bp->kernel_virt_base = MV_KERNEL_VIRT_BASE;
	bp->cmdline = MV_CMDLINE_GPA;
	bp->cmdline_len = cmdline_len;
	bp->tsc_khz = tsc_khz;
	bp->dmadev_mmio = MV_DMADEV_MMIO_GPA;
	bp->dmadev_mmio_size = MV_DMADEV_MMIO_SIZE;
	bp->dmadev_vector = MV_DMADEV_VECTOR;
	memcpy(bp->e820, mm->e820, mm->nr_e820 * sizeof(mm->e820[0]));
}

static int write_cmdline(const struct gmem *gm, const char *cmdline,
			 size_t *len, struct errbuf *e)
{
	*len = cmdline ? strlen(cmdline) : 0;
	if (*len >= MV_CMDLINE_MAX)
		return errf(e, "vmm: --cmdline: the guest command line is %zu bytes, more than the maximum of %d",
			    *len, MV_CMDLINE_MAX - 1);
	if (gmem_fill(gm, MV_CMDLINE_GPA, 0, MV_CMDLINE_MAX) ||
	    gmem_write(gm, MV_CMDLINE_GPA, cmdline ? cmdline : "", *len))
		return errf(e, "vmm: the command line page 0x%llx is not in guest RAM",
			    MV_CMDLINE_GPA);
	return 0;
}

int boot_write(const struct gmem *gm, const struct memmap *mm,
	       const struct kernel_image *k, const struct boot_info *bi,
	       const char *cmdline, uint32_t tsc_khz, struct errbuf *e)
{
	struct mv_boot_params bp;
	uint64_t pml4;
	size_t len;

	if (gmem_fill(gm, bi->start, 0, bi->end - bi->start) ||
	    gmem_write(gm, bi->gdt, boot_gdt, sizeof(boot_gdt)))
		return errf(e, "vmm: the boot reservation [0x%" PRIx64 "-0x%" PRIx64 ") is not in guest RAM",
			    bi->start, bi->end);
	if (pgtable_build(gm, mm, bi->pml4, &pml4) || pml4 != bi->pml4)
		return errf(e, "vmm: cannot write the initial page tables at 0x%" PRIx64,
			    bi->pml4);
	if (write_cmdline(gm, cmdline, &len, e))
		return -1;
	fill_params(&bp, mm, k, bi, len, tsc_khz);
	if (gmem_fill(gm, MV_BOOT_PARAMS_GPA, 0, MV_PAGE_SIZE) ||
	    gmem_write(gm, MV_BOOT_PARAMS_GPA, &bp, sizeof(bp)))
		return errf(e, "vmm: the boot parameters page 0x%llx is not in guest RAM",
			    MV_BOOT_PARAMS_GPA);
	return 0;
}

uint64_t boot_gdt_virt(const struct boot_info *bi)
{
	return MV_KERNEL_VIRT_BASE + bi->gdt;
}

uint64_t boot_stack_top(const struct boot_info *bi, unsigned int cpu)
{
	return MV_KERNEL_VIRT_BASE + bi->stacks +
	       (uint64_t)(cpu + 1) * MV_BOOT_STACK_SIZE;
}
