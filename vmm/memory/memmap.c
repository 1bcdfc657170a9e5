// SPDX-License-Identifier: MIT
/* The guest-physical layout: RAM regions, zones, memslots, e820. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <memvisor/layout.h>

#include "e820.h"
#include "memmap.h"
#include "size.h"

_Static_assert(MV_DMADEV_MMIO_GPA >= MV_PCI_HOLE_START &&
	       MV_DMADEV_MMIO_GPA + MV_DMADEV_MMIO_SIZE <= MM_APIC_START,
	       "the DMA device window must sit in the PCI hole, below the APICs");
_Static_assert(MM_APIC_END <= MV_PCI_HOLE_END && MV_LAPIC_GPA < MM_APIC_END,
	       "the APIC area must sit in the PCI hole");

#define LOWMEM_DEFAULT_MAX	MV_MIB(896)
#define LOWMEM_ALIGN		MV_MIB(2)

/*
 * Half the RAM, at most 896 MiB as on 32-bit Linux, but never so little that
 * the guest's mem_map (64 bytes per 4 KiB page: RAM/64), which must live in
 * lowmem, would crowd it out: lowmem stays at least RAM/16.
 */
uint64_t memmap_default_lowmem(uint64_t mem)
{
	uint64_t cap = LOWMEM_DEFAULT_MAX;
	uint64_t l = mem / 2;

	if (cap < mem / 16)
		cap = mem / 16;
	if (l > cap)
		l = cap;
	return l & ~(LOWMEM_ALIGN - 1);
}

const char *memmap_zone_name(unsigned int zone)
{
	static const char *const names[] = { "DMA", "Normal", "HighMem" };

	return zone < MM_NR_ZONES ? names[zone] : "?";
}

static void layout_ram(struct memmap *mm, uint64_t mem)
{
	uint64_t low = mem < MV_PCI_HOLE_START ? mem : MV_PCI_HOLE_START;

	mm->ram[0] = (struct mm_range){ 0, low };
	mm->nr_ram = 1;
	if (mem > low) {
		mm->ram[1] = (struct mm_range){ MV_PCI_HOLE_END,
						MV_PCI_HOLE_END + mem - low };
		mm->nr_ram = 2;
	}
	mm->ram_end = mm->ram[mm->nr_ram - 1].end;
}

static void layout_zones(struct memmap *mm)
{
	unsigned int z, r;

	mm->zone[MM_ZONE_DMA] = (struct mm_range){ 0, MV_ZONE_DMA_LIMIT };
	mm->zone[MM_ZONE_NORMAL] = (struct mm_range){ MV_ZONE_DMA_LIMIT,
						      mm->lowmem };
	mm->zone[MM_ZONE_HIGHMEM] = (struct mm_range){ mm->lowmem,
						       mm->ram_end };

	/* one slot per (zone, RAM region) pair that has RAM in it */
	mm->nr_slots = 0;
	for (z = 0; z < MM_NR_ZONES; z++) {
		for (r = 0; r < mm->nr_ram; r++) {
			uint64_t s = mm->zone[z].start, e = mm->zone[z].end;

			if (s < mm->ram[r].start)
				s = mm->ram[r].start;
			if (e > mm->ram[r].end)
				e = mm->ram[r].end;
			if (s >= e)
				continue;
			mm->slot[mm->nr_slots++] = (struct mm_slot){
				.gpa = s, .size = e - s, .zone = z, .region = r,
			};
		}
	}
}

static int check_reserve(const struct memmap *mm, const struct vmm_reserve *r,
			 struct errbuf *e)
{
	char ram[128];

	if (memmap_in_ram(mm, r->addr, r->addr + r->size))
		return 0;
	if (mm->nr_ram == 1)
		snprintf(ram, sizeof(ram), "[0x%" PRIx64 "-0x%" PRIx64 ")",
			 mm->ram[0].start, mm->ram[0].end);
	else
		snprintf(ram, sizeof(ram),
			 "[0x%" PRIx64 "-0x%" PRIx64 ") and [0x%" PRIx64 "-0x%" PRIx64 ")",
			 mm->ram[0].start, mm->ram[0].end,
			 mm->ram[1].start, mm->ram[1].end);
	return errf(e, "vmm: --reserve %s: [0x%" PRIx64 "-0x%" PRIx64 ") is not inside RAM %s",
		    r->spec ? r->spec : "", r->addr, r->addr + r->size, ram);
}

static int build_e820(struct memmap *mm, struct errbuf *e)
{
	struct e820_item items[MM_MAX_RAM + 4 + VMM_MAX_RESERVES];
	unsigned int n = 0, i, nr;
	int ret;

	for (i = 0; i < mm->nr_ram; i++)
		items[n++] = (struct e820_item){ mm->ram[i].start,
						 mm->ram[i].end, E820_TYPE_RAM };
	/* page 0 stays reserved, as on PCs: a NULL pfn is never handed out */
	items[n++] = (struct e820_item){ 0, MV_LOW_RESERVED_END,
					 E820_TYPE_RESERVED };
	items[n++] = (struct e820_item){ MV_EBDA_START, MV_HOLE_END,
					 E820_TYPE_RESERVED };
	items[n++] = (struct e820_item){ MV_DMADEV_MMIO_GPA,
					 MV_DMADEV_MMIO_GPA + MV_DMADEV_MMIO_SIZE,
					 E820_TYPE_RESERVED };
	items[n++] = (struct e820_item){ MM_APIC_START, MM_APIC_END,
					 E820_TYPE_RESERVED };
	for (i = 0; i < mm->nr_reserves; i++)
		items[n++] = (struct e820_item){
			mm->reserves[i].addr,
			mm->reserves[i].addr + mm->reserves[i].size,
			E820_TYPE_RESERVED };

	ret = e820_build(items, n, mm->e820, E820_MAX_ENTRIES, &nr);
	if (ret == -E2BIG)
		return errf(e, "vmm: --reserve: the e820 map would need %u entries, more than its %u (E820_MAX_ENTRIES)",
			    nr, E820_MAX_ENTRIES);
	if (ret)
		return errf(e, "vmm: internal error building the e820 map (%s)",
			    strerror(-ret));
	mm->nr_e820 = nr;
	return 0;
}

int memmap_build(struct memmap *mm, uint64_t mem, uint64_t lowmem,
		 const struct vmm_reserve *res, unsigned int nr_res,
		 struct errbuf *e)
{
	char a[32], b[32];
	unsigned int i;

	memset(mm, 0, sizeof(*mm));
	if (mem < MV_ZONE_DMA_LIMIT || mem % MV_PAGE_SIZE)
		return errf(e, "vmm: --mem: %" PRIu64 " bytes is not a usable RAM size",
			    mem);
	if (nr_res > VMM_MAX_RESERVES)
		return errf(e, "vmm: --reserve: at most %u ranges", VMM_MAX_RESERVES);
	/*
	 * RAM above the PCI hole ends at mem + the hole's size: refuse what
	 * would end beyond the address space before computing that end,
	 * which could wrap past 2^64 and look small.
	 */
	if (mem > (1ULL << MM_GUEST_PHYS_BITS) -
		  (MV_PCI_HOLE_END - MV_PCI_HOLE_START)) {
		size_format(mem, a, sizeof(a));
		return errf(e, "vmm: --mem: %s of RAM would end beyond the guest's %d-bit physical address space",
			    a, MM_GUEST_PHYS_BITS);
	}
	mm->mem_size = mem;
	layout_ram(mm, mem);

	mm->lowmem = lowmem ? lowmem : memmap_default_lowmem(mem);
	if (mm->lowmem < MV_ZONE_DMA_LIMIT || mm->lowmem % LOWMEM_ALIGN) {
		size_format(mm->lowmem, a, sizeof(a));
		return errf(e, "vmm: --lowmem: %s must be 2 MiB aligned and at least 16 MiB",
			    a);
	}
	if (mm->lowmem > mm->ram_end) {
		size_format(mm->lowmem, a, sizeof(a));
		size_format(mm->ram_end, b, sizeof(b));
		return errf(e, "vmm: --lowmem: %s is above the end of RAM (%s)",
			    a, b);
	}
	layout_zones(mm);

	if (nr_res)
		memcpy(mm->reserves, res, nr_res * sizeof(*res));
	mm->nr_reserves = nr_res;
	for (i = 0; i < nr_res; i++)
		if (check_reserve(mm, &res[i], e))
			return -1;
	return build_e820(mm, e);
}

uint32_t memmap_e820_type(const struct memmap *mm, uint64_t start,
			  uint64_t end)
{
	unsigned int i;

	if (end < start)
		return 0;
	for (i = 0; i < mm->nr_e820; i++) {
		const struct e820_entry *x = &mm->e820[i];

		if (start >= x->addr && end <= x->addr + x->size)
			return x->type;
	}
	return 0;
}

bool memmap_in_ram(const struct memmap *mm, uint64_t start, uint64_t end)
{
	unsigned int i;

	if (end <= start)
		return false;
	for (i = 0; i < mm->nr_ram; i++)
		if (start >= mm->ram[i].start && end <= mm->ram[i].end)
			return true;
	return false;
}
