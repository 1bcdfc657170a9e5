// SPDX-License-Identifier: MIT
/* TLB shootdown for kernel mappings: every CPU invalidates the range. */
#include <linux/kernel.h>
#include <linux/smp.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

struct flush_range {
	unsigned long start, end;
};

/* Past this many pages a CR3 reload is cheaper than invlpg one by one. */
#define FLUSH_ALL_PAGES	33
#define X86_CR4_PGE	0x80UL

static void do_flush_tlb_range(void *info)
{
	const struct flush_range *r = info;

	if ((r->end - r->start) >> PAGE_SHIFT > FLUSH_ALL_PAGES) {
		/* Kernel mappings are global: toggling CR4.PGE drops them too. */
		unsigned long cr4 = read_cr4();

		if (cr4 & X86_CR4_PGE)
			__asm__ __volatile__("mov %0, %%cr4; mov %1, %%cr4"
					     : : "r"(cr4 & ~X86_CR4_PGE), "r"(cr4)
					     : "memory");
		else
			write_cr3(read_cr3());
		return;
	}
	for (unsigned long va = r->start; va < r->end; va += PAGE_SIZE)
		invlpg(va);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_range r = { start & PAGE_MASK, end };

	on_each_cpu(do_flush_tlb_range, &r, true);
}
