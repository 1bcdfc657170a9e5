// SPDX-License-Identifier: MIT
/*
 * vmm/memory/pagewalk.c on page tables laid out by hand in a fake guest
 * RAM: 4 KiB, 2 MiB and 1 GiB pages, non-present entries, tables outside
 * RAM, reserved bits, and a dump of tables that loop.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/memory/gmem.h"
#include "../../vmm/memory/pgtable.h"
#include "../../vmm/memory/pagewalk.h"

#define RAM_SIZE	(4ULL << 20)
#define PML4		0x1000ULL
#define PDPT		0x2000ULL
#define PD		0x3000ULL
#define PT		0x4000ULL
#define KVA		0xffff888000000000ULL	/* PML4 index 273 */

static struct gmem gm;
static uint8_t *ram;

static void set_entry(uint64_t table, unsigned int i, uint64_t val)
{
	memcpy(ram + table + i * 8, &val, 8);
}

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
	cr_assert_not_null(ram);
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, RAM_SIZE, ram), 0);
	/* va 0 -> PT: 4 KiB pages; PML4[273] -> the same PDPT */
	set_entry(PML4, 0, PDPT | PTE_P | PTE_RW);
	set_entry(PML4, 273, PDPT | PTE_P | PTE_RW);
	set_entry(PDPT, 0, PD | PTE_P | PTE_RW);
	set_entry(PD, 0, PT | PTE_P | PTE_RW | PTE_US);
	set_entry(PT, 5, 0x200000 | PTE_P | PTE_NX);		/* read-only, NX */
	set_entry(PD, 1, 0x200000 | PTE_P | PTE_RW | PTE_PS);	/* 2 MiB */
	set_entry(PDPT, 1, 0x40000000 | PTE_P | PTE_RW | PTE_PS); /* 1 GiB */
}

static void teardown(void)
{
	free(ram);
}

TestSuite(pagewalk, .init = setup, .fini = teardown);

Test(pagewalk, four_kib_page)
{
	struct pagewalk w;

	cr_assert_eq(pagewalk(&gm, PML4, 0x5123, &w), 0, "%s", w.error);
	cr_assert_eq(w.gpa, 0x200123);
	cr_assert_eq(w.page_size, 4096);
	cr_assert_eq(w.nr_levels, 4);
	cr_assert_eq(w.lv[3].entry_gpa, PT + 5 * 8);
	cr_assert_not(w.flags & PTE_RW, "RW of the PTE is clear");
	cr_assert_not(w.flags & PTE_US, "US of the PML4E is clear");
	cr_assert(w.flags & PTE_NX);
}

Test(pagewalk, two_mib_and_one_gib_pages)
{
	struct pagewalk w;

	cr_assert_eq(pagewalk(&gm, PML4, 0x200000 + 0x1234, &w), 0, "%s", w.error);
	cr_assert_eq(w.gpa, 0x201234);
	cr_assert_eq(w.page_size, 2ULL << 20);
	cr_assert_eq(w.nr_levels, 3);
	cr_assert_eq(pagewalk(&gm, PML4, KVA + (1ULL << 30) + 0x12345678, &w), 0,
		     "%s", w.error);
	cr_assert_eq(w.gpa, 0x40000000 + 0x12345678);
	cr_assert_eq(w.page_size, 1ULL << 30);
	cr_assert_eq(w.nr_levels, 2);
}

Test(pagewalk, not_present_names_the_level)
{
	struct pagewalk w;

	cr_assert_eq(pagewalk(&gm, PML4, 0x6000, &w), -1);
	cr_assert_str_eq(w.error, "not present in its PTE");
	cr_assert_eq(pagewalk(&gm, PML4, 1ULL << 39, &w), -1);
	cr_assert_str_eq(w.error, "not present in its PML4E");
	cr_assert_eq(w.nr_levels, 1);
	cr_assert_eq(pagewalk(&gm, PML4, 0x0000800000000000ULL, &w), -1);
	cr_assert_str_eq(w.error, "non-canonical address");
}

Test(pagewalk, tables_outside_ram)
{
	struct pagewalk w;

	cr_assert_eq(pagewalk(&gm, 0xfffffffff000ULL, 0, &w), -1);
	cr_assert_str_eq(w.error, "CR3 points outside guest RAM");
	set_entry(PD, 2, 0x7ffffff000ULL | PTE_P);
	cr_assert_eq(pagewalk(&gm, PML4, 0x400000, &w), -1);
	cr_assert_str_eq(w.error, "a page table lies outside guest RAM");
}

Test(pagewalk, reserved_bits_in_large_pages)
{
	struct pagewalk w;

	set_entry(PD, 3, 0x600000 | 0x2000 | PTE_P | PTE_PS);
	cr_assert_eq(pagewalk(&gm, PML4, 0x600000, &w), -1);
	cr_assert_str_eq(w.error, "reserved bits set in a 2 MiB PDE");
}

static bool count_run(void *opaque, const struct pw_mapping *m)
{
	(*(unsigned long *)opaque)++;
	return true;
}

Test(pagewalk, dump_merges_and_is_bounded_on_loops)
{
	unsigned long runs = 0, n;
	bool truncated;

	n = pagewalk_dump(&gm, PML4, 0, ~0ULL, 1000, count_run, &runs, &truncated);
	cr_assert_eq(n, runs);
	cr_assert_not(truncated);
	/* low half: 4K page, 2M page, 1G page; the high half maps the same */
	cr_assert_eq(runs, 6, "got %lu runs", runs);
	/* every PDPT entry points back to the PML4: a loop, bounded */
	for (unsigned int i = 0; i < 512; i++)
		set_entry(PDPT, i, PML4 | PTE_P);
	runs = 0;
	pagewalk_dump(&gm, PML4, 0, ~0ULL, 100, count_run, &runs, &truncated);
	cr_assert(truncated, "a looping table must hit the table budget");
}

struct seen_tables {
	uint64_t gpa[16];
	unsigned int level[16];
	unsigned int n;
};

static bool note_table(void *opaque, uint64_t table_gpa, unsigned int level)
{
	struct seen_tables *t = opaque;

	if (t->n < 16) {
		t->gpa[t->n] = table_gpa;
		t->level[t->n] = level;
	}
	t->n++;
	return true;
}

/*
 * page-owner's "is it a page table" asks this: every table page, each
 * with its level, large pages not taken for tables, sharing bounded.
 */
Test(pagewalk, tables_are_listed_and_bounded)
{
	struct seen_tables t = { .n = 0 };
	bool truncated;

	/* PML4[0] and PML4[273] share the PDPT: it is visited twice */
	cr_assert_eq(pagewalk_tables(&gm, PML4, 100, note_table, &t, &truncated), 7);
	cr_assert_not(truncated);
	cr_assert_eq(t.n, 7);
	cr_assert_eq(t.gpa[0], PML4);
	cr_assert_eq(t.level[0], 4);
	cr_assert_eq(t.gpa[1], PDPT);
	cr_assert_eq(t.gpa[2], PD);
	cr_assert_eq(t.gpa[3], PT);
	cr_assert_eq(t.level[3], 1);
	for (unsigned int i = 0; i < t.n; i++)
		cr_assert_neq(t.gpa[i], 0x200000, "a 2 MiB page taken for a table");

	/* every PML4 entry to the same PDPT: 1537 visits, cut by the bound */
	for (unsigned int i = 0; i < 512; i++)
		set_entry(PML4, i, PDPT | PTE_P | PTE_RW);
	t.n = 0;
	cr_assert_eq(pagewalk_tables(&gm, PML4, 50, note_table, &t, &truncated), 50);
	cr_assert(truncated);
	cr_assert_eq(t.n, 50);
}
