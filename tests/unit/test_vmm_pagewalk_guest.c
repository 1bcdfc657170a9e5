// SPDX-License-Identifier: MIT
/*
 * vmm/memory/pagewalk.c against page tables built by the guest's own
 * paging code: guestmm/arch/x86_64/pgtable.c, compiled for the host with
 * tests/unit/guest_pgtable/ standing in for the CPU (CR3 a variable, the
 * direct map the fake RAM). As in the guest, the kernel starts on the VMM's
 * boot tables (vmm/memory/pgtable.c: 2 MiB pages) and adds 4 KiB mappings
 * with map_page(), taking table pages from a page source. Every walk is checked
 * against the guest's own reader, lookup_address() and slow_virt_to_phys().
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <asm/cpufeature.h>
#include <asm/pgtable.h>
#include <memvisor/layout.h>

#include "../../vmm/memory/gmem.h"
#include "../../vmm/memory/memmap.h"
#include "../../vmm/memory/pgtable.h"
#include "../../vmm/memory/pagewalk.h"

#define RAM_SIZE	(64ULL << 20)
#define BOOT_TABLES	0x100000ULL		/* the VMM's tables */
#define POOL_START	(8ULL << 20)		/* the page source's pages */
#define POOL_END	(12ULL << 20)
#define VMALLOC		MV_VMALLOC_BASE
#define DMAP(pa)	(MV_DIRECT_MAP_BASE + (pa))

unsigned long guest_pgtable_cr3;
unsigned long guest_pgtable_ram;

bool boot_cpu_has(enum cpu_feature f)
{
	return f == X86_FEATURE_NX;
}

static struct gmem gm;
static struct memmap mm;
static uint8_t *ram;
static uint64_t pool_next;

static void *pool_alloc(void)
{
	void *p;

	if (pool_next >= POOL_END)
		return NULL;
	p = ram + pool_next;
	pool_next += 4096;
	memset(p, 0, 4096);
	return p;
}

static void pool_free(void *page)
{
}

static const struct pgtable_page_source pool = {
	.alloc = pool_alloc, .free = pool_free,
};

static uint64_t *entry_at(uint64_t gpa)
{
	return (uint64_t *)(ram + gpa);
}

static void setup(void)
{
	struct errbuf e;
	uint64_t pml4;

	ram = aligned_alloc(4096, RAM_SIZE);
	cr_assert_not_null(ram);
	memset(ram, 0, RAM_SIZE);
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, RAM_SIZE, ram), 0);
	cr_assert_eq(memmap_build(&mm, RAM_SIZE, memmap_default_lowmem(RAM_SIZE),
				  NULL, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(pgtable_build(&gm, &mm, BOOT_TABLES, &pml4), 0);
	guest_pgtable_ram = (unsigned long)ram;
	guest_pgtable_cr3 = pml4;
	pool_next = POOL_START;
	pgtable_set_page_source(&pool);
	pgtable_cpu_init();
}

static void teardown(void)
{
	pgtable_set_page_source(NULL);
	free(ram);
}

TestSuite(pagewalk_guest, .init = setup, .fini = teardown);

/* The VMM's walk of @va agrees with the guest's own reader. */
static void agree(uint64_t va)
{
	enum pg_level level;
	pteval_t *leaf = lookup_address(va, &level);
	struct pagewalk w;
	int r = pagewalk(&gm, guest_pgtable_cr3, va, &w);

	if (!leaf) {
		cr_assert_eq(r, -1, "0x%lx: the guest has no mapping, the walk found 0x%lx",
			     (unsigned long)va, (unsigned long)w.gpa);
		cr_assert_eq(slow_virt_to_phys(va), ~(phys_addr_t)0);
		return;
	}
	cr_assert_eq(r, 0, "0x%lx: %s", (unsigned long)va, w.error);
	cr_assert_eq(w.gpa, slow_virt_to_phys(va), "0x%lx", (unsigned long)va);
	cr_assert_eq(w.page_size, 1ULL << (12 + 9 * (level - 1)));
	cr_assert_eq(w.lv[w.nr_levels - 1].entry, *leaf);
	cr_assert_eq(w.lv[w.nr_levels - 1].entry_gpa,
		     (uint64_t)((uint8_t *)leaf - ram), "the leaf's address");
	cr_assert_eq(!!(w.flags & PTE_NX), !!(*leaf & _PAGE_NX));
}

Test(pagewalk_guest, boot_tables_two_mib_pages)
{
	struct pagewalk w;

	for (uint64_t pa = 0; pa < RAM_SIZE; pa += 0x1ff000 + 0x123) {
		agree(DMAP(pa));
		agree(MV_KERNEL_VIRT_BASE + pa);
	}
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, DMAP(0x345678), &w), 0);
	cr_assert_eq(w.page_size, 2ULL << 20);
	cr_assert_eq(w.gpa, 0x345678);
	cr_assert_eq(w.nr_levels, 3);
	cr_assert_str_eq(pw_level_name(w.lv[2].level), "PDE");
	/* past the end of RAM the direct map stops */
	agree(DMAP(RAM_SIZE + 0x1000));
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, DMAP(RAM_SIZE), &w), -1);
}

Test(pagewalk_guest, map_page_four_kib)
{
	struct pagewalk w;

	for (unsigned int i = 0; i < 64; i++)
		cr_assert_eq(map_page(VMALLOC + i * 4096ULL * 3,
				      0x2000000 + i * 4096ULL,
				      __PAGE_KERNEL | (i & 1 ? _PAGE_NX : 0)), 0);
	cr_assert_eq(map_page(0x400000, 0x3000000, __PAGE_KERNEL_RO | _PAGE_USER), 0);
	cr_assert_gt(pool_next, POOL_START, "map_page took table pages");
	for (unsigned int i = 0; i < 64 * 3; i++)
		agree(VMALLOC + i * 4096ULL + 0x10);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, VMALLOC + 3 * 4096 + 5, &w), 0);
	cr_assert_eq(w.gpa, 0x2001005);
	cr_assert_eq(w.page_size, 4096);
	cr_assert_eq(w.nr_levels, 4);
	cr_assert(w.flags & PTE_NX, "the guest's NX reached the PTE");
	cr_assert(w.flags & PTE_RW);
	/* a read-only user page: RW clear, US clear (the tables above lack it) */
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, 0x400abc, &w), 0);
	cr_assert_eq(w.gpa, 0x3000abc);
	cr_assert_not(w.flags & PTE_RW);
	/* map_page refuses inside a large page, as the walk sees it */
	cr_assert_eq(map_page(DMAP(0x200000), 0x1000, __PAGE_KERNEL), -EEXIST);
}

Test(pagewalk_guest, unmapped_is_not_present_at_its_level)
{
	struct pagewalk w;

	cr_assert_eq(map_page(VMALLOC + 0x5000, 0x2000000, __PAGE_KERNEL), 0);
	cr_assert_eq(unmap_page(VMALLOC + 0x5000), 0);
	agree(VMALLOC + 0x5000);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, VMALLOC + 0x5000, &w), -1);
	cr_assert_str_eq(w.error, "not present in its PTE");
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, VMALLOC + (1ULL << 30), &w), -1);
	cr_assert_str_eq(w.error, "not present in its PDPTE");
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, 0x7f0000000000ULL, &w), -1);
	cr_assert_str_eq(w.error, "not present in its PML4E");
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, 0x0000800000000000ULL, &w), -1);
	cr_assert_str_eq(w.error, "non-canonical address");
}

/* The guest's reader knows 1 GiB pages; so must the walk. */
Test(pagewalk_guest, one_gib_page)
{
	struct pagewalk w;
	uint64_t va = VMALLOC + (5ULL << 30), pdpte;

	cr_assert_eq(map_page(va, 0x2000000, __PAGE_KERNEL), 0);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, va, &w), 0);
	pdpte = w.lv[1].entry_gpa;
	*entry_at(pdpte) = (2ULL << 30) | PTE_P | PTE_RW | PTE_PS;
	agree(va + 0x12345678);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, va + 0x12345678, &w), 0);
	cr_assert_eq(w.page_size, 1ULL << 30);
	cr_assert_eq(w.gpa, (2ULL << 30) + 0x12345678);
	cr_assert_eq(w.nr_levels, 2);
	/* reserved bits of a 1 GiB PDPTE: the guest ignores them, we do not */
	*entry_at(pdpte) |= 1ULL << 13;
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, va, &w), -1);
	cr_assert_str_eq(w.error, "reserved bits set in a 1 GiB PDPTE");
}

Test(pagewalk_guest, tables_outside_ram)
{
	struct pagewalk w;
	uint64_t va = VMALLOC + 0x7000;

	cr_assert_eq(map_page(va, 0x2000000, __PAGE_KERNEL), 0);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, va, &w), 0);
	*entry_at(w.lv[2].entry_gpa) = 0x7ffff000000ULL | PTE_P | PTE_RW;
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, va, &w), -1);
	cr_assert_str_eq(w.error, "a page table lies outside guest RAM");
	cr_assert_eq(w.nr_levels, 3);
	cr_assert_eq(pagewalk(&gm, RAM_SIZE, va, &w), -1);
	cr_assert_str_eq(w.error, "CR3 points outside guest RAM");
	/* the last entry of RAM's last page is readable; one past is not */
	cr_assert_eq(pagewalk(&gm, RAM_SIZE - 4096, ~0ULL, &w), -1);
	cr_assert_str_eq(w.error, "not present in its PML4E");
}

static bool count_run(void *opaque, const struct pw_mapping *m)
{
	(*(unsigned long *)opaque)++;
	return true;
}

/* A PML4 slot pointing at the PML4 (a recursive map): walks and dumps end. */
Test(pagewalk_guest, loops_end)
{
	uint64_t pml4 = guest_pgtable_cr3, va;
	unsigned long runs = 0;
	struct pagewalk w;
	bool truncated;

	*entry_at(pml4 + 8 * 256) = pml4 | PTE_P | PTE_RW;
	va = 0xffff800000000000ULL | (256ULL << 39) | (256ULL << 30) |
	     (256ULL << 21) | (256ULL << 12);
	cr_assert_eq(pagewalk(&gm, pml4, va, &w), 0, "%s", w.error);
	cr_assert_eq(w.nr_levels, 4);
	cr_assert_eq(w.gpa, pml4, "the recursive slot maps the PML4 itself");
	/* the depth bounds a recursion; the table bound cuts it shorter */
	pagewalk_dump(&gm, pml4, 0xffff800000000000ULL, ~0ULL, 4096, count_run,
		      &runs, &truncated);
	cr_assert_not(truncated);
	cr_assert_gt(runs, 0);
	runs = 0;
	pagewalk_dump(&gm, pml4, 0xffff800000000000ULL, ~0ULL, 3, count_run,
		      &runs, &truncated);
	cr_assert(truncated, "3 tables cannot cover a recursive map");
}

static bool check_run(void *opaque, const struct pw_mapping *m)
{
	unsigned long *n = opaque;

	agree(m->va);
	agree(m->va + m->size - 1);
	(*n)++;
	return true;
}

/* Every run of a dump of the guest-built space agrees at both ends. */
Test(pagewalk_guest, dump_agrees)
{
	unsigned long runs = 0, n;
	bool truncated;

	for (unsigned int i = 0; i < 32; i++)
		cr_assert_eq(map_page(VMALLOC + i * 0x3000ULL, 0x2000000 + i * 4096ULL,
				      __PAGE_KERNEL), 0);
	n = pagewalk_dump(&gm, guest_pgtable_cr3, 0, ~0ULL, 4096, check_run,
			  &runs, &truncated);
	cr_assert_not(truncated);
	cr_assert_eq(n, runs);
	cr_assert_geq(runs, 2 + 32, "direct map, kernel map, 32 vmalloc pages: %lu",
		      runs);
}

/* The walk cache returns what the walk does, until a new generation. */
Test(pagewalk_guest, cache)
{
	struct pw_cache *c = malloc(sizeof(*c));
	struct pw_xlate x;
	struct pagewalk w;
	const char *why;

	cr_assert_not_null(c);
	pw_cache_init(c, 7);
	cr_assert_eq(map_page(VMALLOC, 0x2000000, __PAGE_KERNEL | _PAGE_NX), 0);
	for (unsigned int round = 0; round < 2; round++) {
		for (uint64_t off = 0; off < (8ULL << 20); off += 0x3456) {
			cr_assert_eq(pagewalk_cached(&gm, c, 7, guest_pgtable_cr3,
						     DMAP(off), &x, &why), 0);
			cr_assert_eq(x.gpa, off);
			cr_assert_eq(x.page_size, 2ULL << 20);
		}
		cr_assert_eq(pagewalk_cached(&gm, c, 7, guest_pgtable_cr3,
					     VMALLOC + 0x10, &x, &why), 0);
		cr_assert_eq(x.gpa, 0x2000010);
		cr_assert(x.flags & PTE_NX);
	}
	cr_assert_gt(c->hits, c->misses, "the second round hits");
	/* misses are not cached */
	cr_assert_eq(pagewalk_cached(&gm, c, 7, guest_pgtable_cr3, VMALLOC + 0x1000,
				     &x, &why), -1);
	cr_assert_str_eq(why, "not present in its PTE");
	/* the guest remaps: the same generation still answers from the cache */
	cr_assert_eq(unmap_page(VMALLOC), 0);
	cr_assert_eq(map_page(VMALLOC, 0x2200000, __PAGE_KERNEL), 0);
	cr_assert_eq(pagewalk_cached(&gm, c, 7, guest_pgtable_cr3, VMALLOC, &x,
				     &why), 0);
	cr_assert_eq(x.gpa, 0x2000000, "stale within one generation, by design");
	/* a new generation (the vCPUs ran) sees the new mapping */
	cr_assert_eq(pagewalk_cached(&gm, c, 8, guest_pgtable_cr3, VMALLOC, &x,
				     &why), 0);
	cr_assert_eq(x.gpa, 0x2200000);
	cr_assert_eq(pagewalk(&gm, guest_pgtable_cr3, VMALLOC, &w), 0);
	cr_assert_eq(x.gpa, w.gpa);
	/* another CR3 is another address space */
	cr_assert_eq(pagewalk_cached(&gm, c, 8, RAM_SIZE, VMALLOC, &x, &why), -1);
	free(c);
}

/*
 * The hosted library's simulated page table (arch/hosted/pgtable.c) stands
 * in for the guest's in every other hosted program; here the guest's own
 * pgtable.c is linked instead, so its two hooks into the hosted boot and
 * vmalloc are satisfied here and the simulation stays out of the link.
 */
void hosted_pgtable_reset(void)
{
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	(void)start;
	(void)end;
}
