// SPDX-License-Identifier: MIT
/* The guest-physical layout: RAM, zones, memslots and the e820 map. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <memvisor/layout.h>

#include "../../vmm/memory/e820.h"
#include "../../vmm/memory/memmap.h"

#define MIB(x)	((uint64_t)(x) << 20)
#define GIB(x)	((uint64_t)(x) << 30)

static struct memmap mm;

static void build(uint64_t mem, uint64_t lowmem)
{
	struct errbuf e = { "" };

	cr_assert_eq(memmap_build(&mm, mem, lowmem, NULL, 0, &e), 0, "%s",
		     e.msg);
}

/* Sorted, no overlaps, no mergeable neighbours, never an empty entry. */
static void check_e820_shape(void)
{
	unsigned int i;

	cr_assert_gt(mm.nr_e820, 0);
	cr_assert_leq(mm.nr_e820, E820_MAX_ENTRIES);
	for (i = 0; i < mm.nr_e820; i++) {
		const struct e820_entry *x = &mm.e820[i];

		cr_assert_gt(x->size, 0);
		if (!i)
			continue;
		cr_assert_geq(x->addr, mm.e820[i - 1].addr + mm.e820[i - 1].size,
			      "entry %u overlaps or is out of order", i);
		if (x->addr == mm.e820[i - 1].addr + mm.e820[i - 1].size)
			cr_assert_neq(x->type, mm.e820[i - 1].type,
				      "entries %u and %u should be merged", i - 1, i);
	}
}

/* Every RAM byte is in exactly one e820 entry; usable entries are all RAM. */
static void check_e820_covers_ram(void)
{
	uint64_t covered = 0;
	unsigned int i;

	for (i = 0; i < mm.nr_e820; i++) {
		const struct e820_entry *x = &mm.e820[i];

		if (x->type == E820_TYPE_RAM)
			cr_assert(memmap_in_ram(&mm, x->addr, x->addr + x->size),
				  "usable entry %u is not RAM", i);
		if (memmap_in_ram(&mm, x->addr, x->addr + x->size))
			covered += x->size;
		else
			cr_assert_eq(x->type, E820_TYPE_RESERVED);
	}
	cr_assert_eq(covered, mm.mem_size);
}

/* The memslots tile RAM exactly, each inside one zone and one region. */
static void check_slots(void)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < mm.nr_slots; i++) {
		const struct mm_slot *s = &mm.slot[i];
		const struct mm_range *z = &mm.zone[s->zone];

		cr_assert_gt(s->size, 0);
		cr_assert_geq(s->gpa, z->start);
		cr_assert_leq(s->gpa + s->size, z->end);
		cr_assert_geq(s->gpa, mm.ram[s->region].start);
		cr_assert_leq(s->gpa + s->size, mm.ram[s->region].end);
		cr_assert_eq(s->gpa % MIB(2), 0);
		if (i)
			cr_assert_geq(s->gpa, mm.slot[i - 1].gpa + mm.slot[i - 1].size);
		total += s->size;
	}
	cr_assert_eq(total, mm.mem_size);
}

static void check_all(void)
{
	check_e820_shape();
	check_e820_covers_ram();
	check_slots();
}

Test(memmap, default_lowmem)
{
	cr_assert_eq(memmap_default_lowmem(MIB(64)), MIB(32));
	cr_assert_eq(memmap_default_lowmem(MIB(256)), MIB(128));
	cr_assert_eq(memmap_default_lowmem(GIB(1)), MIB(512));
	cr_assert_eq(memmap_default_lowmem(GIB(4)), MIB(896));
	/* mem_map (RAM/64) must fit in lowmem with room to spare */
	cr_assert_eq(memmap_default_lowmem(GIB(64)), GIB(4));
	cr_assert_eq(memmap_default_lowmem(GIB(16)), GIB(1));
	cr_assert_eq(memmap_default_lowmem(MIB(100) + 4096), MIB(50));
	cr_assert_eq(memmap_default_lowmem(MIB(70)), MIB(34));
	cr_assert_eq(memmap_default_lowmem(MIB(66)), MIB(32));
}

Test(memmap, mem_256m_three_zones)
{
	build(MIB(256), 0);
	cr_assert_eq(mm.nr_ram, 1);
	cr_assert_eq(mm.ram_end, MIB(256));
	cr_assert_eq(mm.lowmem, MIB(128));
	cr_assert_eq(mm.zone[MM_ZONE_DMA].start, 0);
	cr_assert_eq(mm.zone[MM_ZONE_DMA].end, MIB(16));
	cr_assert_eq(mm.zone[MM_ZONE_NORMAL].start, MIB(16));
	cr_assert_eq(mm.zone[MM_ZONE_NORMAL].end, MIB(128));
	cr_assert_eq(mm.zone[MM_ZONE_HIGHMEM].start, MIB(128));
	cr_assert_eq(mm.zone[MM_ZONE_HIGHMEM].end, MIB(256));
	cr_assert_eq(mm.nr_slots, 3);
	cr_assert_eq(mm.slot[0].zone, MM_ZONE_DMA);
	cr_assert_eq(mm.slot[1].zone, MM_ZONE_NORMAL);
	cr_assert_eq(mm.slot[2].zone, MM_ZONE_HIGHMEM);
	check_all();
}

Test(memmap, e820_256m_exact)
{
	static const struct e820_entry want[] = {
		{ 0, 0x1000, E820_TYPE_RESERVED, 0 },
		{ 0x1000, 0x9e000, E820_TYPE_RAM, 0 },
		{ 0x9f000, 0x61000, E820_TYPE_RESERVED, 0 },
		{ 0x100000, MIB(256) - 0x100000, E820_TYPE_RAM, 0 },
		{ MV_DMADEV_MMIO_GPA, MV_DMADEV_MMIO_SIZE, E820_TYPE_RESERVED, 0 },
		{ 0xfec00000, 0x201000, E820_TYPE_RESERVED, 0 },
	};
	unsigned int i;

	build(MIB(256), 0);
	cr_assert_eq(mm.nr_e820, 6);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(mm.e820[i].addr, want[i].addr, "entry %u", i);
		cr_assert_eq(mm.e820[i].size, want[i].size, "entry %u", i);
		cr_assert_eq(mm.e820[i].type, want[i].type, "entry %u", i);
	}
}

Test(memmap, mem_64m)
{
	build(MIB(64), 0);
	cr_assert_eq(mm.lowmem, MIB(32));
	cr_assert_eq(mm.nr_slots, 3);
	cr_assert_eq(mm.slot[2].gpa, MIB(32));
	cr_assert_eq(mm.slot[2].size, MIB(32));
	check_all();
}

Test(memmap, mem_1g)
{
	build(GIB(1), 0);
	cr_assert_eq(mm.lowmem, MIB(512));
	cr_assert_eq(mm.ram_end, GIB(1));
	cr_assert_eq(mm.nr_slots, 3);
	check_all();
}

Test(memmap, mem_3g_just_fits_below_the_hole)
{
	build(GIB(3), 0);
	cr_assert_eq(mm.nr_ram, 1);
	cr_assert_eq(mm.ram_end, MV_PCI_HOLE_START);
	cr_assert_eq(mm.lowmem, MIB(896));
	cr_assert_eq(mm.nr_slots, 3);
	check_all();
}

Test(memmap, mem_4g_splits_at_the_hole)
{
	build(GIB(4), 0);
	cr_assert_eq(mm.nr_ram, 2);
	cr_assert_eq(mm.ram[0].end, GIB(3));
	cr_assert_eq(mm.ram[1].start, GIB(4));
	cr_assert_eq(mm.ram[1].end, GIB(5));
	cr_assert_eq(mm.ram_end, GIB(5));
	/* HIGHMEM crosses the hole: two slots */
	cr_assert_eq(mm.nr_slots, 4);
	cr_assert_eq(mm.slot[2].zone, MM_ZONE_HIGHMEM);
	cr_assert_eq(mm.slot[3].zone, MM_ZONE_HIGHMEM);
	cr_assert_eq(mm.slot[3].gpa, GIB(4));
	cr_assert_eq(memmap_e820_type(&mm, GIB(3), GIB(3) + 4096), 0);
	cr_assert_eq(memmap_e820_type(&mm, GIB(4), GIB(5)), E820_TYPE_RAM);
	check_all();
}

Test(memmap, mem_5g)
{
	build(GIB(5), 0);
	cr_assert_eq(mm.ram_end, GIB(6));
	cr_assert_eq(mm.mem_size, GIB(5));
	check_all();
}

Test(memmap, mem_64g)
{
	build(GIB(64), 0);
	cr_assert_eq(mm.ram_end, GIB(65));
	cr_assert_eq(mm.lowmem, GIB(4));
	check_all();
}

Test(memmap, mem_1t_ends_below_46_bits)
{
	build(GIB(1024), 0);
	cr_assert_eq(mm.ram_end, GIB(1025));
	cr_assert_lt(mm.ram_end, 1ULL << MM_GUEST_PHYS_BITS);
	check_all();
}

/* found by fuzz/fuzz_memmap: mem + the hole's 1 GiB wrapped past 2^64 */
Test(memmap, mem_that_would_wrap_is_refused)
{
	struct errbuf err;

	cr_assert_eq(memmap_build(&mm, 0xffffffffff000000ULL, 0, NULL, 0, &err),
		     -1);
	cr_assert_str_eq(err.msg, "vmm: --mem: 17592186044400 MiB of RAM would end beyond the guest's 46-bit physical address space");
	cr_assert_eq(memmap_build(&mm, (1ULL << MM_GUEST_PHYS_BITS) - GIB(1) + 4096,
				  0, NULL, 0, &err), -1);
	build((1ULL << MM_GUEST_PHYS_BITS) - GIB(1), 0);
	cr_assert_eq(mm.ram_end, 1ULL << MM_GUEST_PHYS_BITS);
}

Test(memmap, lowmem_16m_empties_normal)
{
	build(MIB(256), MIB(16));
	cr_assert_eq(mm.zone[MM_ZONE_NORMAL].start, mm.zone[MM_ZONE_NORMAL].end);
	cr_assert_eq(mm.nr_slots, 2);
	cr_assert_eq(mm.slot[1].zone, MM_ZONE_HIGHMEM);
	cr_assert_eq(mm.slot[1].gpa, MIB(16));
	check_all();
}

Test(memmap, lowmem_equal_to_ram_empties_highmem)
{
	build(MIB(256), MIB(256));
	cr_assert_eq(mm.nr_slots, 2);
	cr_assert_eq(mm.zone[MM_ZONE_HIGHMEM].start, mm.zone[MM_ZONE_HIGHMEM].end);
	check_all();

	build(GIB(5), GIB(6));
	cr_assert_eq(mm.lowmem, GIB(6));
	/* NORMAL crosses the hole */
	cr_assert_eq(mm.nr_slots, 3);
	cr_assert_eq(mm.slot[1].zone, MM_ZONE_NORMAL);
	cr_assert_eq(mm.slot[2].zone, MM_ZONE_NORMAL);
	cr_assert_eq(mm.slot[2].gpa, GIB(4));
	check_all();
}

Test(memmap, lowmem_errors)
{
	struct errbuf e;

	cr_assert_eq(memmap_build(&mm, MIB(256), MIB(258), NULL, 0, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --lowmem: 258 MiB is above the end of RAM (256 MiB)");
	cr_assert_eq(memmap_build(&mm, MIB(256), MIB(8), NULL, 0, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --lowmem: 8 MiB must be 2 MiB aligned and at least 16 MiB");
	/* 5G of RAM ends at 6G: 6G is fine, 6G + 2M is not */
	cr_assert_eq(memmap_build(&mm, GIB(5), GIB(6) + MIB(2), NULL, 0, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --lowmem: 6146 MiB is above the end of RAM (6 GiB)");
}

Test(memmap, reserves_are_carved_out)
{
	struct vmm_reserve r[] = {
		{ MIB(32), MIB(1), "1M@32M" },
		{ MIB(32) + MIB(1), MIB(1), "1M@33M" },	/* adjacent: merged */
		{ 0x5000, 0x1000, "4K@0x5000" },
	};
	struct errbuf e;

	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 3, &e), 0, "%s", e.msg);
	check_all();
	cr_assert_eq(memmap_e820_type(&mm, MIB(32), MIB(34)), E820_TYPE_RESERVED);
	cr_assert_eq(memmap_e820_type(&mm, MIB(31), MIB(32)), E820_TYPE_RAM);
	cr_assert_eq(memmap_e820_type(&mm, MIB(34), MIB(35)), E820_TYPE_RAM);
	cr_assert_eq(memmap_e820_type(&mm, 0x5000, 0x6000), E820_TYPE_RESERVED);
	cr_assert_eq(memmap_e820_type(&mm, 0x4000, 0x5000), E820_TYPE_RAM);
	cr_assert_eq(memmap_e820_type(&mm, MIB(31), MIB(33)), 0);
	/* 6 base entries + 2 split-offs for each of the two reserved blocks */
	cr_assert_eq(mm.nr_e820, 10);
	cr_assert_eq(mm.nr_reserves, 3);
}

Test(memmap, overlapping_reserves_merge)
{
	struct vmm_reserve r[] = {
		{ MIB(32), MIB(4), "4M@32M" },
		{ MIB(34), MIB(4), "4M@34M" },
		{ 0, 0x2000, "8K@0" },			/* over page 0 */
		{ 0x9e000, 0x2000, "8K@0x9e000" },	/* over the PC hole */
	};
	struct errbuf e;

	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 4, &e), 0, "%s", e.msg);
	check_all();
	cr_assert_eq(memmap_e820_type(&mm, MIB(32), MIB(38)), E820_TYPE_RESERVED);
	cr_assert_eq(memmap_e820_type(&mm, 0, 0x2000), E820_TYPE_RESERVED);
	cr_assert_eq(memmap_e820_type(&mm, 0x2000, 0x9e000), E820_TYPE_RAM);
	cr_assert_eq(memmap_e820_type(&mm, 0x9e000, 0x100000), E820_TYPE_RESERVED);
}

Test(memmap, reserve_above_4g)
{
	struct vmm_reserve r[] = { { GIB(4) + MIB(2), MIB(2), "2M@0x100200000" } };
	struct errbuf e;

	cr_assert_eq(memmap_build(&mm, GIB(4), 0, r, 1, &e), 0, "%s", e.msg);
	check_all();
	cr_assert_eq(memmap_e820_type(&mm, GIB(4) + MIB(2), GIB(4) + MIB(4)),
		     E820_TYPE_RESERVED);
}

Test(memmap, reserve_outside_ram)
{
	struct vmm_reserve beyond[] = { { MIB(256), MIB(1), "1M@256M" } };
	struct vmm_reserve straddle[] = { { MIB(255), MIB(2), "2M@255M" } };
	struct vmm_reserve hole[] = { { GIB(3), MIB(1), "1M@3G" } };
	struct errbuf e;

	cr_assert_eq(memmap_build(&mm, MIB(256), 0, beyond, 1, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --reserve 1M@256M: [0x10000000-0x10100000) is not inside RAM [0x0-0x10000000)");
	cr_assert_eq(memmap_build(&mm, MIB(256), 0, straddle, 1, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --reserve 2M@255M: [0xff00000-0x10100000) is not inside RAM [0x0-0x10000000)");
	cr_assert_eq(memmap_build(&mm, GIB(4), 0, hole, 1, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --reserve 1M@3G: [0xc0000000-0xc0100000) is not inside RAM [0x0-0xc0000000) and [0x100000000-0x140000000)");
}

Test(memmap, too_many_e820_entries)
{
	struct vmm_reserve r[VMM_MAX_RESERVES];
	struct errbuf e;
	unsigned int i;

	/* 4 KiB reserved every 8 KiB: each splits a usable range */
	for (i = 0; i < VMM_MAX_RESERVES; i++)
		r[i] = (struct vmm_reserve){ MIB(32) + i * 0x2000, 0x1000, "4K@x" };
	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 61, &e), 0, "%s", e.msg);
	cr_assert_eq(mm.nr_e820, E820_MAX_ENTRIES);
	check_all();
	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 62, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --reserve: the e820 map would need 130 entries, more than its 128 (E820_MAX_ENTRIES)");
}

Test(e820, build_generic)
{
	struct e820_item items[] = {
		{ 0x3000, 0x4000, E820_TYPE_RESERVED },
		{ 0, 0x10000, E820_TYPE_RAM },
		{ 0x20000, 0x30000, E820_TYPE_RAM },
		{ 0x30000, 0x40000, E820_TYPE_RAM },	/* adjacent: merged */
		{ 0x3800, 0x5000, E820_TYPE_ACPI },	/* ACPI (3) beats reserved (2) */
	};
	struct e820_entry out[8];
	unsigned int nr;

	cr_assert_eq(e820_build(items, 5, out, 8, &nr), 0);
	cr_assert_eq(nr, 5);
	cr_assert_eq(out[0].addr, 0);
	cr_assert_eq(out[0].size, 0x3000);
	cr_assert_eq(out[1].addr, 0x3000);
	cr_assert_eq(out[1].size, 0x800);
	cr_assert_eq(out[1].type, E820_TYPE_RESERVED);
	cr_assert_eq(out[2].addr, 0x3800);
	cr_assert_eq(out[2].size, 0x1800);
	cr_assert_eq(out[2].type, E820_TYPE_ACPI);
	cr_assert_eq(out[3].addr, 0x5000);
	cr_assert_eq(out[3].size, 0xb000);
	cr_assert_eq(out[4].addr, 0x20000);
	cr_assert_eq(out[4].size, 0x20000);
	cr_assert_eq(out[4].type, E820_TYPE_RAM);
}

Test(e820, build_errors)
{
	struct e820_item inverted[] = { { 0x2000, 0x1000, E820_TYPE_RAM } };
	struct e820_item many[] = {
		{ 0, 0x1000, E820_TYPE_RAM }, { 0x2000, 0x3000, E820_TYPE_RAM },
		{ 0x4000, 0x5000, E820_TYPE_RAM },
	};
	struct e820_entry out[2];
	unsigned int nr;

	cr_assert_eq(e820_build(inverted, 1, out, 2, &nr), -EINVAL);
	cr_assert_eq(e820_build(many, 3, out, 2, &nr), -E2BIG);
	cr_assert_eq(nr, 3);
	/* what fit was still written correctly */
	cr_assert_eq(out[1].addr, 0x2000);
}
