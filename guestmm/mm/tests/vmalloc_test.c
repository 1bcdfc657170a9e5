// SPDX-License-Identifier: MIT
/*
 * vmalloc, vmap and ioremap in the guest, on its real page tables: contents
 * through the mapping, vmalloc_to_page() against the page walk, the guard
 * page, the shootdown seen from another CPU, a size no zone has in one
 * piece, 10^5 random operations with nothing lost, might_sleep() in atomic
 * context. Faults the tests expect are taken through the exception table
 * (copy_from_kernel_nofault) and counted, not oopsed.
 *
 * vmalloc_stress_ops=N shortens the stress on slow (emulating) hosts.
 * The VMM's view of the same areas is vminsp_test.c's.
 */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ktest.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/extable.h>
#include <asm/pgtable.h>

#include "mm_test_util.h"
#include "vmalloc_stress.h"

static struct vmap_area *find_area(unsigned long addr)
{
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list)
		if (va->va_start == addr)
			return va;
	return NULL;
}

static bool readable(const void *addr)
{
	u8 b;

	return copy_from_kernel_nofault(&b, addr, 1) == 0;
}

KTEST(vmalloc, contents_and_to_page)
{
	unsigned long before = nr_vmap_areas, nr = 10;
	struct vmap_area *va;
	u32 *p = vmalloc(nr * PAGE_SIZE);
	bool ok = true;

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_TRUE(t, is_vmalloc_addr(p));
	KTEST_EXPECT_EQ(t, nr_vmap_areas, before + 1);
	for (unsigned long i = 0; i < nr * PAGE_SIZE / 4; i++)
		p[i] = (u32)i * 2654435761u;
	va = find_area((unsigned long)p);
	KTEST_ASSERT_NOT_NULL(t, va);
	KTEST_EXPECT_EQ(t, va->flags, VM_ALLOC);
	KTEST_EXPECT_EQ(t, va->nr_pages, nr);
	KTEST_EXPECT_EQ(t, va->va_end - va->va_start, (nr + 1) * PAGE_SIZE);
	for (unsigned long i = 0; i < nr; i++) {
		const char *a = (const char *)p + i * PAGE_SIZE + 123;
		struct page *pg = vmalloc_to_page(a);
		u32 *k;

		ok &= pg == va->pages[i];
		ok &= page_to_phys(pg) == (slow_virt_to_phys((unsigned long)a) & PAGE_MASK);
		k = kmap_atomic(pg);	/* the same bytes through another mapping */
		ok &= k[5] == (u32)(i * PAGE_SIZE / 4 + 5) * 2654435761u;
		kunmap_atomic(k);
	}
	KTEST_EXPECT_TRUE(t, ok);
	KTEST_EXPECT_NULL(t, vmalloc_to_page((char *)p + nr * PAGE_SIZE));
	vfree(p);
	KTEST_EXPECT_EQ(t, nr_vmap_areas, before);
	KTEST_EXPECT_NULL(t, find_area((unsigned long)p));
	KTEST_EXPECT_NULL(t, vmap_check_trees());
}

KTEST(vmalloc, vzalloc_zeroes_and_takes_highmem)
{
	unsigned long nr = 64, high = 0, nonzero = 0;
	u8 *p = vzalloc(nr * PAGE_SIZE);

	KTEST_ASSERT_NOT_NULL(t, p);
	for (unsigned long i = 0; i < nr * PAGE_SIZE; i++)
		nonzero += p[i] != 0;
	for (unsigned long i = 0; i < nr; i++)
		high += PageHighMem(vmalloc_to_page(p + i * PAGE_SIZE));
	KTEST_EXPECT_EQ(t, nonzero, 0);
	if (mm_zone(ZONE_HIGHMEM)->managed_pages)
		KTEST_EXPECT_GT(t, high, 0);
	ktest_diag("%lu of %lu pages from HIGHMEM", high, nr);
	vfree(p);
}

KTEST(vmalloc, guard_page_faults)
{
	unsigned long fixups = exception_fixups;
	char *p = vmalloc(2 * PAGE_SIZE);

	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_TRUE(t, readable(p + 2 * PAGE_SIZE - 1));
	KTEST_EXPECT_FALSE(t, readable(p + 2 * PAGE_SIZE));
	KTEST_EXPECT_FALSE(t, readable(p + 3 * PAGE_SIZE - 1));
	KTEST_EXPECT_EQ(t, exception_fixups - fixups, 2);
	KTEST_EXPECT_EQ(t, exception_fixup_last_addr,
			(unsigned long)p + 3 * PAGE_SIZE - 1);
	vfree(p);
}

/* Larger than the largest free block of any zone, so never one piece. */
KTEST(vmalloc, larger_than_any_zone_block)
{
	unsigned long largest = 0, size, nr, bad = 0;
	u64 *p;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = mm_zone((enum zone_type)z);

		for (int o = MAX_ORDER - 1; o >= 0; o--) {
			if (zone->free_area[o].nr_free) {
				largest = max(largest, PAGE_SIZE << o);
				break;
			}
		}
	}
	size = largest * 2 + 3 * PAGE_SIZE;
	if (size > (mm_free_now() << PAGE_SHIFT) / 2) {
		ktest_skip(t, "%lu KiB is more than half of free memory", size >> 10);
		return;
	}
	p = vmalloc(size);
	KTEST_ASSERT_NOT_NULL(t, p);
	nr = size / sizeof(*p);
	for (unsigned long i = 0; i < nr; i++)
		p[i] = i ^ 0x5a5a5a5a5a5a5a5aULL;
	for (unsigned long i = 0; i < nr; i++)
		bad += p[i] != (i ^ 0x5a5a5a5a5a5a5a5aULL);
	KTEST_EXPECT_EQ(t, bad, 0);
	ktest_diag("%lu KiB vmalloc'ed; the largest free block was %lu KiB",
		   size >> 10, largest >> 10);
	vfree(p);
}

struct remote_probe {
	const char *addr;
	struct completion touched, freed, done;
	bool before, after;
};

static int remote_reader(void *data)
{
	struct remote_probe *r = data;

	r->before = readable(r->addr);	/* its TLB now holds the translation */
	complete(&r->touched);
	wait_for_completion(&r->freed);
	r->after = readable(r->addr);
	complete(&r->done);
	return 0;
}

/* After vfree() and the shootdown, another CPU that used the area faults. */
KTEST_SMP(vmalloc, vfree_shootdown_reaches_other_cpus, 2)
{
	struct remote_probe r = { 0 };
	unsigned long purges = nr_vmap_purges, fixups = exception_fixups;
	struct task_struct *k;
	int cpu = smp_processor_id() ? 0 : 1;
	char *p = vmalloc(PAGE_SIZE);

	KTEST_ASSERT_NOT_NULL(t, p);
	memset(p, 0xa5, PAGE_SIZE);
	r.addr = p + 100;
	init_completion(&r.touched);
	init_completion(&r.freed);
	init_completion(&r.done);
	k = kthread_run_on_cpu(remote_reader, &r, cpu, "vmalloc-probe");
	KTEST_ASSERT_NOT_NULL(t, k);
	wait_for_completion(&r.touched);
	vfree(p);
	vm_unmap_aliases();
	complete(&r.freed);
	wait_for_completion(&r.done);
	kthread_join(k);
	KTEST_EXPECT_TRUE(t, r.before);
	KTEST_EXPECT_FALSE(t, r.after);
	KTEST_EXPECT_GT(t, nr_vmap_purges, purges);
	KTEST_EXPECT_EQ(t, exception_fixups - fixups, 1);
	KTEST_EXPECT_FALSE(t, readable(p + 100));
}

KTEST(vmalloc, might_sleep_in_atomic_is_reported)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long before = might_sleep_reports;
	void *p;

	spin_lock(&lock);
	p = vmalloc(PAGE_SIZE);
	spin_unlock(&lock);
	KTEST_EXPECT_GE(t, might_sleep_reports - before, 1);
	vfree(p);
}

KTEST(vmalloc, vmap_of_highmem_pages)
{
	struct page *pages[3];
	char *p, *k;

	for (int i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		KTEST_ASSERT_NOT_NULL(t, pages[i]);
	}
	p = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	p[2 * PAGE_SIZE + 7] = 42;
	KTEST_EXPECT_TRUE(t, vmalloc_to_page(p + PAGE_SIZE) == pages[1]);
	k = kmap(pages[2]);
	KTEST_EXPECT_EQ(t, k[7], 42);
	kunmap(pages[2]);
	vunmap(p);
	KTEST_EXPECT_NULL(t, vmalloc_to_page(p));
	for (int i = 0; i < 3; i++)
		__free_page(pages[i]);
}

KTEST(ioremap, refuses_ram)
{
	KTEST_EXPECT_NULL(t, ioremap(0x200000, PAGE_SIZE));
	KTEST_EXPECT_NULL(t, ioremap(page_to_phys(pfn_to_page(max_pfn - 1)), 16));
}

/* ---- 10^5 random operations --------------------------------------------- */

KTEST(vmalloc, stress_random_no_leak)
{
	unsigned long areas = nr_vmap_areas, free0, free1, free2, t0;
	struct vmalloc_stress_slot *s = kcalloc(VMALLOC_STRESS_SLOTS, sizeof(*s), GFP_KERNEL);

	KTEST_ASSERT_NOT_NULL(t, s);
	vm_unmap_aliases();
	free0 = mm_free_now();
	t0 = mm_ms();
	KTEST_EXPECT_EQ(t, vmalloc_stress(t, s, vmalloc_stress_ops, 0x1234), 0);
	KTEST_EXPECT_EQ(t, nr_vmap_areas, areas);
	KTEST_EXPECT_EQ(t, nr_vmap_lazy_pages, 0);
	free1 = mm_free_now();
	/* The same sequence again: page tables exist now, so nothing may differ. */
	KTEST_EXPECT_EQ(t, vmalloc_stress(t, s, vmalloc_stress_ops, 0x1234), 0);
	free2 = mm_free_now();
	KTEST_EXPECT_EQ(t, nr_vmap_areas, areas);
	KTEST_EXPECT_EQ(t, free2, free1);
	KTEST_EXPECT_LE(t, free0 - free1, 256);	/* page tables, slabs kept */
	KTEST_EXPECT_NULL(t, vmap_check_trees());
	KTEST_EXPECT_MM_CONSISTENT(t);
	ktest_diag("2 x %lu ops in %lu ms, %lu purges; %lu pages kept (page tables, slabs)",
		   vmalloc_stress_ops, mm_ms() - t0, nr_vmap_purges, free0 - free1);
	kfree(s);
}
