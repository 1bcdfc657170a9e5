// SPDX-License-Identifier: MIT
/*
 * ioremap() and friends (Linux's arch/x86/mm/ioremap.c): page-granular
 * mappings of physical ranges that are not RAM the page allocator owns,
 * in the vmalloc area (VM_IOREMAP areas, a guard page after each), with
 * the caching the caller asks for.
 */
#include <linux/kernel.h>
#include <linux/io.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>

/* Lent by vmalloc.c: an area for [phys, phys + size), page-aligned. */
void *vmap_phys_range(phys_addr_t phys, unsigned long size, pteval_t prot,
		      const void *caller);
void vunmap_phys_range(const void *addr);

/* True if a page of [phys, end) is RAM (memblock.memory: the allocator's). */
static bool range_is_ram(phys_addr_t phys, phys_addr_t end)
{
	for (phys_addr_t pa = phys; pa < end; pa += PAGE_SIZE)
		if (memblock_is_memory(pa))
			return true;
	return false;
}

static void *__ioremap_caller(unsigned long offset, unsigned long size,
			      pteval_t prot, const void *caller)
{
	phys_addr_t phys, end, last = offset + size - 1;
	void *addr;

	might_sleep();
	if (!size || last < offset)
		return NULL;
	phys = offset & PAGE_MASK;
	end = (last & PAGE_MASK) + PAGE_SIZE;
	if (range_is_ram(phys, end)) {
		pr_warn("ioremap on RAM at %#llx - %#llx refused\n",
			(unsigned long long)phys, (unsigned long long)end - 1);
		return NULL;
	}
	addr = vmap_phys_range(phys, end - phys, prot, caller);
	if (!addr)
		return NULL;
	return (char *)addr + (offset & ~PAGE_MASK);
}

void *ioremap(unsigned long offset, unsigned long size)
{
	return __ioremap_caller(offset, size, __PAGE_KERNEL_NOCACHE,
				__builtin_return_address(0));
}

void *ioremap_wc(unsigned long offset, unsigned long size)
{
	return __ioremap_caller(offset, size, __PAGE_KERNEL | _PAGE_PCD,
				__builtin_return_address(0));
}

void *ioremap_cache(unsigned long offset, unsigned long size)
{
	return __ioremap_caller(offset, size, __PAGE_KERNEL,
				__builtin_return_address(0));
}

void iounmap(void *addr)
{
	if (!addr)
		return;
	vunmap_phys_range((void *)((unsigned long)addr & PAGE_MASK));
}
