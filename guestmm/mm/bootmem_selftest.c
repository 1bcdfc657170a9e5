// SPDX-License-Identifier: MIT
/*
 * bootmem_test=SIZE: boot allocations made for the bootmem test cases to
 * check after boot (see linux/bootmem_selftest.h).
 */
#include <linux/bootmem.h>
#include <linux/bootmem_selftest.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/init.h>

struct bootmem_selftest bootmem_selftest;

unsigned long bootmem_parse_size(const char *s, char **end)
{
	unsigned long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	switch (*s) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		s++;
		break;
	}
	if (end)
		*end = (char *)s;
	return v;
}

static int bootmem_test_setup(char *val)
{
	bootmem_selftest.size = val ? bootmem_parse_size(val, NULL) : 0;
	return 0;
}
__setup("bootmem_test=", bootmem_test_setup);

static phys_addr_t fill(void *p, unsigned long size, u8 pattern)
{
	memset(p, pattern, size);
	return __pa(p);
}

void bootmem_selftest_boot(void)
{
	struct bootmem_selftest *t = &bootmem_selftest;
	void *tmp;

	t->pattern = 0x5a;
	/* Bigger than the buddy allocator's largest block (4 MiB). */
	t->big_size = t->size;
	t->big = fill(alloc_bootmem_pages(t->big_size), t->big_size, t->pattern);
	t->low_size = 3000;
	t->low = fill(alloc_bootmem_low(t->low_size), t->low_size, t->pattern);
	t->low_pages_size = 3 * PAGE_SIZE;
	t->low_pages = fill(alloc_bootmem_low_pages(t->low_pages_size),
			    t->low_pages_size, t->pattern);
	t->small_size = 100;
	t->small = fill(alloc_bootmem(t->small_size), t->small_size, t->pattern);
	/*
	 * Freed before the handover: must end up on the buddy lists. Low, where
	 * no later boot allocation (mem_map comes top-down) takes it again.
	 */
	t->freed_size = 4 * PAGE_SIZE;
	tmp = alloc_bootmem_low_pages(t->freed_size);
	t->freed = __pa(tmp);
	free_bootmem(t->freed, t->freed_size);
	t->done = true;
	pr_info("bootmem selftest: %lu KiB at %#llx, low %#llx, low pages %#llx, small %#llx, freed %#llx\n",
		t->big_size >> 10, (unsigned long long)t->big,
		(unsigned long long)t->low, (unsigned long long)t->low_pages,
		(unsigned long long)t->small, (unsigned long long)t->freed);
}
