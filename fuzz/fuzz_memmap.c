// SPDX-License-Identifier: MIT
/*
 * The guest-physical layout: memmap_build from fuzzed --mem, --lowmem and
 * --reserve values, and e820_build on fuzzed overlapping items.
 *
 * Input: a mode byte, then values. Sizes are taken either raw (any 64-bit
 * value) or as page/2 MiB multiples of a bounded size, so the fuzzer
 * reaches both the checks and the layouts past them. Checked on a built
 * map: RAM regions sorted and disjoint, summing to --mem; zones DMA,
 * NORMAL, HIGHMEM contiguous and in order; each slot inside its zone and
 * region, summing to --mem; the e820 map sorted, disjoint, no empty entry,
 * no two touching entries of one type, each reserve inside a reserved
 * entry; a refusal names an option. For e820_build: the same shape, and
 * each entry's type is the one a brute-force overlay gives.
 */
#include <errno.h>
#include <inttypes.h>

#include <memvisor/layout.h>

#include "e820.h"
#include "fuzz.h"
#include "memmap.h"

#define MAX_ITEMS	64

static uint64_t fuzz_size(struct fuzz_in *in, uint8_t mode, uint64_t unit,
			  uint64_t max)
{
	uint64_t v = fuzz_u64(in);

	if (mode & 1)
		return v;
	return (v % (max / unit + 1)) * unit;
}

static void check_shape(const struct e820_entry *x, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		FUZZ_CHECK(x[i].size && x[i].addr + x[i].size > x[i].addr,
			   "e820[%u] empty or wraps", i);
		FUZZ_CHECK(x[i].type, "e820[%u] has type 0", i);
		if (!i)
			continue;
		FUZZ_CHECK(x[i - 1].addr + x[i - 1].size <= x[i].addr,
			   "e820[%u] not sorted or overlaps", i);
		FUZZ_CHECK(x[i - 1].addr + x[i - 1].size != x[i].addr ||
			   x[i - 1].type != x[i].type,
			   "e820[%u] not merged with its neighbour", i);
	}
}

static void check_memmap(const struct memmap *mm, uint64_t mem)
{
	uint64_t total = 0;

	FUZZ_CHECK(mm->nr_ram >= 1 && mm->nr_ram <= MM_MAX_RAM, "nr_ram");
	for (unsigned int i = 0; i < mm->nr_ram; i++) {
		FUZZ_CHECK(mm->ram[i].start < mm->ram[i].end, "ram[%u]", i);
		FUZZ_CHECK(!i || mm->ram[i - 1].end <= mm->ram[i].start,
			   "ram[%u] not sorted", i);
		total += mm->ram[i].end - mm->ram[i].start;
	}
	FUZZ_CHECK(total == mem, "RAM sums to %" PRIu64 ", not %" PRIu64,
		   total, mem);
	FUZZ_CHECK(mm->ram_end == mm->ram[mm->nr_ram - 1].end, "ram_end");

	FUZZ_CHECK(mm->zone[MM_ZONE_DMA].start == 0, "DMA start");
	for (unsigned int z = 0; z < MM_NR_ZONES; z++) {
		FUZZ_CHECK(mm->zone[z].start <= mm->zone[z].end, "zone %u", z);
		FUZZ_CHECK(!z || mm->zone[z - 1].end == mm->zone[z].start,
			   "zone %u does not follow zone %u", z, z - 1);
	}
	FUZZ_CHECK(mm->zone[MM_ZONE_HIGHMEM].end == mm->ram_end, "HIGHMEM end");

	total = 0;
	for (unsigned int i = 0; i < mm->nr_slots; i++) {
		const struct mm_slot *s = &mm->slot[i];

		FUZZ_CHECK(s->zone < MM_NR_ZONES && s->region < mm->nr_ram &&
			   s->size, "slot %u", i);
		FUZZ_CHECK(s->gpa >= mm->zone[s->zone].start &&
			   s->gpa + s->size <= mm->zone[s->zone].end,
			   "slot %u outside its zone", i);
		FUZZ_CHECK(memmap_in_ram(mm, s->gpa, s->gpa + s->size),
			   "slot %u outside RAM", i);
		FUZZ_CHECK(!i || s->zone >= mm->slot[i - 1].zone,
			   "slot %u: zones out of order", i);
		total += s->size;
	}
	FUZZ_CHECK(total == mem, "slots sum to %" PRIu64, total);

	FUZZ_CHECK(mm->nr_e820 && mm->nr_e820 <= E820_MAX_ENTRIES, "nr_e820");
	check_shape(mm->e820, mm->nr_e820);
	for (unsigned int i = 0; i < mm->nr_reserves; i++) {
		const struct vmm_reserve *r = &mm->reserves[i];

		FUZZ_CHECK(memmap_e820_type(mm, r->addr, r->addr + r->size) ==
			   E820_TYPE_RESERVED, "reserve %u not reserved", i);
	}
	/* usable RAM is RAM */
	for (unsigned int i = 0; i < mm->nr_e820; i++)
		if (mm->e820[i].type == E820_TYPE_RAM)
			FUZZ_CHECK(memmap_in_ram(mm, mm->e820[i].addr,
						 mm->e820[i].addr +
						 mm->e820[i].size),
				   "e820[%u] usable outside RAM", i);
}

static void fuzz_memmap(struct fuzz_in *in, uint8_t mode)
{
	struct vmm_reserve res[VMM_MAX_RESERVES + 1];
	struct memmap *mm = malloc(sizeof(*mm));
	unsigned int nr = fuzz_u8(in) % (VMM_MAX_RESERVES + 2);
	uint64_t mem, lowmem;
	struct errbuf e;

	FUZZ_CHECK(mm, "out of memory");
	mem = fuzz_size(in, mode, MV_PAGE_SIZE, MV_GIB(2048));
	lowmem = fuzz_size(in, mode >> 1, MV_MIB(2), MV_GIB(8));
	for (unsigned int i = 0; i < nr; i++) {
		res[i].size = fuzz_size(in, mode >> 2, MV_PAGE_SIZE, MV_GIB(8));
		res[i].addr = fuzz_size(in, mode >> 3, MV_PAGE_SIZE, MV_GIB(16));
		res[i].spec = "fuzz";
	}
	if (memmap_build(mm, mem, lowmem, res, nr, &e))
		FUZZ_CHECK(!strncmp(e.msg, "vmm: --", 7) &&
			   !strstr(e.msg, "internal error"), "refusal: %s", e.msg);
	else
		check_memmap(mm, mem);
	free(mm);
}

static void fuzz_e820(struct fuzz_in *in)
{
	struct e820_item items[MAX_ITEMS];
	struct e820_entry out[16];
	unsigned int n = fuzz_u8(in) % (MAX_ITEMS + 1), nr, i, j;
	int ret;

	for (i = 0; i < n; i++) {
		items[i].start = fuzz_u16(in);	/* small: overlaps are likely */
		items[i].end = items[i].start + fuzz_u8(in);
		items[i].type = fuzz_u8(in) % 6;
	}
	ret = e820_build(items, n, out, 16, &nr);
	for (i = 0; i < n; i++)
		if (items[i].start >= items[i].end || !items[i].type)
			break;
	if (i < n) {
		FUZZ_CHECK(ret == -EINVAL, "bad item %u accepted: %d", i, ret);
		return;
	}
	FUZZ_CHECK(!ret || (ret == -E2BIG && nr > 16), "ret %d nr %u", ret, nr);
	if (ret)
		return;
	check_shape(out, nr);
	/* each entry's start and last byte: the winner of the overlay */
	for (i = 0; i < nr; i++) {
		uint64_t pts[2] = { out[i].addr, out[i].addr + out[i].size - 1 };

		for (int k = 0; k < 2; k++) {
			uint32_t best = 0;

			for (j = 0; j < n; j++) {
				uint32_t t = items[j].type;

				if (pts[k] < items[j].start || pts[k] >= items[j].end)
					continue;
				if (!best || (best == E820_TYPE_RAM && t != best) ||
				    (t != E820_TYPE_RAM && t > best))
					best = t;
			}
			FUZZ_CHECK(best == out[i].type,
				   "e820[%u] type %u at 0x%" PRIx64 ", overlay %u",
				   i, out[i].type, pts[k], best);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in);

	if (mode & 0x80)
		fuzz_e820(&in);
	else
		fuzz_memmap(&in, mode);
	return 0;
}
