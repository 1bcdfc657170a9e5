// SPDX-License-Identifier: MIT
/*
 * pagewalk_bench: translations per second of the VMM's page walk
 * (vmm/memory/pagewalk.c), uncached and through its walk cache, host-only.
 * Fake guest RAM holds the VMM's boot tables (vmm/memory/pgtable.c: direct
 * map and kernel map in 2 MiB pages) plus, by hand, 4 KiB page tables mapping
 * a vmalloc-like range page by page. Each case translates pseudo-random
 * addresses from a working set:
 *   walk         pagewalk(), every translation a full walk (4 or 3 entries)
 *   cached hot   pagewalk_cached() over a set that fits the cache (hits)
 *   cached cold  pagewalk_cached() over a set 16x the cache (mostly misses)
 *
 *   bench/pagewalk_bench [seconds per case, default 0.3]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <memvisor/layout.h>

#include "gmem.h"
#include "memmap.h"
#include "pgtable.h"
#include "pagewalk.h"
#include "bench_util.h"

static uint64_t rng = BENCH_SEED;

#define RAM_SIZE	(256ULL << 20)
#define BOOT_TABLES	0x100000ULL
#define PT_BASE		(64ULL << 20)	/* hand-made 4 KiB tables */
#define NR_4K		(16384U)	/* 64 MiB of 4 KiB pages */
#define VMALLOC		MV_VMALLOC_BASE
#define NR_ADDRS	4096U		/* addresses per round, a power of two */

static struct gmem gm;
static uint8_t *ram;
static uint64_t cr3;

static void set_entry(uint64_t table, unsigned int i, uint64_t val)
{
	memcpy(ram + table + i * 8, &val, 8);
}

/* VMALLOC + i * 4 KiB -> 128 MiB + i * 4 KiB, through PML4[402]'s own tables. */
static void build_4k(void)
{
	uint64_t pdpt = PT_BASE, pd = PT_BASE + 4096, pt = PT_BASE + 8192;
	unsigned int pml4i = (VMALLOC >> 39) & 511;

	set_entry(cr3, pml4i, pdpt | PTE_P | PTE_RW);
	set_entry(pdpt, 0, pd | PTE_P | PTE_RW);
	for (unsigned int i = 0; i < NR_4K; i++) {
		uint64_t t = pt + (i / 512) * 4096ULL;

		if (i % 512 == 0)
			set_entry(pd, i / 512, t | PTE_P | PTE_RW);
		set_entry(t, i % 512, ((128ULL << 20) + i * 4096ULL) | PTE_P |
			  PTE_RW | PTE_NX);
	}
}

/* NR_ADDRS addresses in @pages pages of @size from @base. */
static void make_addrs(uint64_t *a, uint64_t base, uint64_t size,
		       unsigned int pages)
{
	for (unsigned int i = 0; i < NR_ADDRS; i++)
		a[i] = base + (bench_xorshift(&rng) % pages) * size + (bench_xorshift(&rng) % size);
}

static volatile uint64_t sink;

enum mode { WALK, CACHED };

static double run(enum mode mode, const uint64_t *a, double secs)
{
	static struct pw_cache cache;
	uint64_t sum = 0, n = 0;
	double t0 = bench_now(), t;

	pw_cache_init(&cache, 1);
	do {
		for (unsigned int r = 0; r < 64; r++) {
			for (unsigned int i = 0; i < NR_ADDRS; i++) {
				struct pagewalk w;
				struct pw_xlate x;

				if (mode == WALK) {
					pagewalk(&gm, cr3, a[i], &w);
					sum += w.gpa;
				} else {
					pagewalk_cached(&gm, &cache, 1, cr3, a[i],
							&x, NULL);
					sum += x.gpa;
				}
			}
			n += NR_ADDRS;
		}
		t = bench_now() - t0;
	} while (t < secs);
	sink = sum;
	return n / t;
}

int main(int argc, char **argv)
{
	static uint64_t a4k_hot[NR_ADDRS], a4k_cold[NR_ADDRS];
	static uint64_t a2m_hot[NR_ADDRS], a2m_cold[NR_ADDRS];
	double secs = argc > 1 ? atof(argv[1]) : 0.3;
	const struct {
		const char *name, *pages;
		enum mode mode;
		const uint64_t *a;
	} cases[] = {
		{ "walk", "4 KiB (4 levels)", WALK, a4k_cold },
		{ "walk", "2 MiB (3 levels)", WALK, a2m_cold },
		{ "cached hot", "4 KiB, 64 pages", CACHED, a4k_hot },
		{ "cached hot", "2 MiB, 64 pages", CACHED, a2m_hot },
		{ "cached cold", "4 KiB, 16384 pages", CACHED, a4k_cold },
		{ "cached cold", "2 MiB, 64 pages mixed", CACHED, a2m_cold },
	};
	struct memmap mm;
	struct errbuf e;

	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram || secs <= 0)
		return 1;
	memset(ram, 0, RAM_SIZE);
	gmem_init(&gm);
	if (gmem_add(&gm, 0, RAM_SIZE, ram) ||
	    memmap_build(&mm, RAM_SIZE, memmap_default_lowmem(RAM_SIZE), NULL, 0,
			 &e) ||
	    pgtable_build(&gm, &mm, BOOT_TABLES, &cr3)) {
		fprintf(stderr, "pagewalk_bench: cannot build the tables\n");
		return 1;
	}
	build_4k();
	make_addrs(a4k_hot, VMALLOC, 4096, 64);
	make_addrs(a4k_cold, VMALLOC, 4096, NR_4K);
	make_addrs(a2m_hot, MV_DIRECT_MAP_BASE, 2ULL << 20, 64);
	/* the kernel map and the direct map, interleaved */
	make_addrs(a2m_cold, MV_KERNEL_VIRT_BASE, 2ULL << 20, 64);
	for (unsigned int i = 0; i < NR_ADDRS; i += 2)
		a2m_cold[i] += MV_DIRECT_MAP_BASE - MV_KERNEL_VIRT_BASE;

	printf("pagewalk_bench: %u-slot cache, %.2f s per case\n\n",
	       PW_CACHE_SLOTS, secs);
	printf("%-12s %-24s %14s %10s\n", "case", "pages", "translations/s",
	       "ns/each");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double rate = run(cases[i].mode, cases[i].a, secs);

		printf("%-12s %-24s %14.0f %10.1f\n", cases[i].name,
		       cases[i].pages, rate, 1e9 / rate);
	}
	free(ram);
	return 0;
}
