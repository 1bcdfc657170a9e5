// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for vmm/memory/pagewalk.c: the input is a CR3, a
 * virtual address, a dump range and then the contents of a small fake
 * guest RAM (16 pages at gpa 0, and a second region of 4 pages at 1 GiB, so
 * tables may point between regions, into the hole, or past both). Walks,
 * cached walks and bounded dumps must neither crash nor read outside RAM
 * (ASan), must end, and must agree with each other.
 *
 * Self-contained: link it with vmm/libvmm.a (or vmm/memory/gmem.c,
 * vmm/memory/pagewalk.c). By hand, from a configured build tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ivmm \
 *     -Ivmm/core -Ivmm/memory -Iinclude \
 *     fuzz/fuzz_pagewalk.c vmm/memory/gmem.c vmm/memory/memmap.c \
 *     vmm/memory/e820.c vmm/base/size.c vmm/memory/pagewalk.c \
 *     -o fuzz/fuzz_pagewalk
 *   fuzz/fuzz_pagewalk -max_total_time=60
 * (`make fuzz` on the fuzz branch wires it like the other targets.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gmem.h"
#include "pgtable.h"
#include "pagewalk.h"

#define LOW_PAGES	16
#define HIGH_GPA	(1ULL << 30)
#define HIGH_PAGES	4
#define HEADER		(5 * 8)

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

struct check {
	const struct gmem *gm;
	uint64_t cr3;
	unsigned long runs;
};

/* Every run a dump reports is what a walk of its first byte finds. */
static bool check_run(void *opaque, const struct pw_mapping *m)
{
	struct check *c = opaque;
	struct pagewalk w;

	if (!m->size || m->va + m->size - 1 < m->va)
		abort();
	/* a dump skips reserved-bit checks the walk makes: only one way */
	if (!pagewalk(c->gm, c->cr3, m->va, &w) && w.gpa != m->pa)
		abort();
	return ++c->runs < 4096;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t low[LOW_PAGES * 4096], high[HIGH_PAGES * 4096];
	static struct pw_cache cache;
	struct check c;
	struct gmem gm;
	struct pagewalk w;
	struct pw_xlate x;
	uint64_t va, start, end, sel;
	bool truncated;
	size_t n;

	if (size < HEADER)
		return 0;
	c.cr3 = get64(data);
	va = get64(data + 8);
	start = get64(data + 16);
	end = get64(data + 24);
	sel = get64(data + 32);
	data += HEADER;
	size -= HEADER;
	/* the rest is RAM: low first, then high */
	memset(low, 0, sizeof(low));
	memset(high, 0, sizeof(high));
	n = size < sizeof(low) ? size : sizeof(low);
	memcpy(low, data, n);
	if (size > n)
		memcpy(high, data + n, size - n < sizeof(high) ? size - n :
		       sizeof(high));
	/* steer CR3 into RAM most of the time, or it rarely finds a table */
	if (sel & 1)
		c.cr3 = (sel & 2 ? HIGH_GPA : 0) + (c.cr3 % LOW_PAGES) * 4096;
	gmem_init(&gm);
	if (gmem_add(&gm, 0, sizeof(low), low) ||
	    gmem_add(&gm, HIGH_GPA, sizeof(high), high))
		abort();
	c.gm = &gm;
	c.runs = 0;

	if (pagewalk(&gm, c.cr3, va, &w) == 0) {
		if (!w.present || w.error || w.nr_levels < 2 || w.nr_levels > 4)
			abort();
		if (w.page_size != 4096 && w.page_size != (2ULL << 20) &&
		    w.page_size != (1ULL << 30))
			abort();
		if ((w.gpa ^ va) & (w.page_size - 1))
			abort();
	} else if (w.present || !w.error || w.nr_levels > 4) {
		abort();
	}
	/* the cache agrees with the walk, cold and hot */
	pw_cache_init(&cache, sel >> 8);
	for (int i = 0; i < 2; i++) {
		const char *why = NULL;
		int r = pagewalk_cached(&gm, &cache, sel >> 8, c.cr3, va, &x, &why);

		if (r != (w.present ? 0 : -1))
			abort();
		if (!r && (x.gpa != w.gpa || x.page_size != w.page_size))
			abort();
		if (r && (!why || strcmp(why, w.error)))
			abort();
	}
	/* a dump scans whole tables: a small budget keeps the runs fast */
	if (start < end)
		pagewalk_dump(&gm, c.cr3, start, end, 16, check_run, &c,
			      &truncated);
	return 0;
}
