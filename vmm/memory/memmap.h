/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical layout: RAM regions, zones, KVM memslots and the e820
 * map, computed from --mem, --lowmem and --reserve. Pure (no KVM, no
 * memory), so it is unit-tested for many sizes.
 *
 * RAM is contiguous from 0 like on a PC, except that what would cross
 * MV_PCI_HOLE_START (3 GiB) continues at 4 GiB. Zones are address ranges:
 * DMA [0, 16M), NORMAL [16M, lowmem), HIGHMEM [lowmem, ram_end); each
 * zone's RAM is one memslot per RAM region it touches, so KVM's dirty
 * logging and statistics are per zone.
 */
#ifndef VMM_MEMMAP_H
#define VMM_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <memvisor/e820.h>

#include "args.h"
#include "err.h"

enum mm_zone {
	MM_ZONE_DMA,
	MM_ZONE_NORMAL,
	MM_ZONE_HIGHMEM,
	MM_NR_ZONES
};

#define MM_MAX_RAM	2	/* below the PCI hole, above 4 GiB */
#define MM_MAX_SLOTS	(MM_MAX_RAM * MM_NR_ZONES)

/* The guest's physical address width: 4-level paging, as on Linux. */
#define MM_GUEST_PHYS_BITS	46

/* The in-kernel LAPIC/IOAPIC area the e820 map keeps reserved. */
#define MM_APIC_START	0xfec00000ULL
#define MM_APIC_END	0xfee01000ULL

struct mm_range {
	uint64_t start;		/* [start, end) */
	uint64_t end;
};

struct mm_slot {
	uint64_t gpa;
	uint64_t size;
	unsigned int zone;	/* enum mm_zone */
	unsigned int region;	/* index into memmap.ram */
};

struct memmap {
	uint64_t mem_size;
	uint64_t ram_end;	/* highest RAM address + 1 */
	uint64_t lowmem;	/* ZONE_NORMAL ends, ZONE_HIGHMEM starts */

	struct mm_range ram[MM_MAX_RAM];
	unsigned int nr_ram;
	struct mm_range zone[MM_NR_ZONES];	/* may be empty (start == end) */
	struct mm_slot slot[MM_MAX_SLOTS];
	unsigned int nr_slots;

	struct e820_entry e820[E820_MAX_ENTRIES];
	unsigned int nr_e820;

	struct vmm_reserve reserves[VMM_MAX_RESERVES];
	unsigned int nr_reserves;
};

/* min(896 MiB, mem / 2), rounded down to 2 MiB. */
uint64_t memmap_default_lowmem(uint64_t mem);

/*
 * Computes the layout for @mem bytes of RAM. @lowmem 0 picks the default.
 * The reserves are copied. Returns 0 or -1 with a "vmm: --OPTION: ..."
 * message in @e.
 */
int memmap_build(struct memmap *mm, uint64_t mem, uint64_t lowmem,
		 const struct vmm_reserve *res, unsigned int nr_res,
		 struct errbuf *e);

const char *memmap_zone_name(unsigned int zone);

/* The e820 type of the one entry that holds all of [start, end), else 0. */
uint32_t memmap_e820_type(const struct memmap *mm, uint64_t start,
			  uint64_t end);

/* True if [start, end) lies inside one RAM region. */
bool memmap_in_ram(const struct memmap *mm, uint64_t start, uint64_t end);

#endif
