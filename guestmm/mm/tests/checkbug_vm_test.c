// SPDX-License-Identifier: MIT
/*
 * Planted bugs for the VMM's checker (issue 18 item 5): each case breaks a
 * vmap area, a per-CPU chunk or a mempool on purpose, the way a buggy
 * driver or allocator would, says what the VMM should report, and holds
 * still (asleep: its CPU is at a quiet point) for checkbug_vm_hold=MS
 * (default 3000) while `vmm --check-every MS` finds it; then it undoes the
 * bug, so that a guest the host lets run on stays sound.
 *
 *   checkbug.vmap_overlap        a vmalloc area's start moved into the area
 *                                before it on vmap_area_list
 *   checkbug.vmap_page_elsewhere page 1 of a vmalloc area mapped to another
 *                                frame than its pages[1]
 *   checkbug.vmap_guard_mapped   a vmalloc area's guard page mapped
 *   checkbug.pcpu_free_bytes     the first chunk's free_bytes a granule
 *                                more than its map has free
 *   checkbug.mempool_slab_freed  a slab pool's element freed behind the
 *                                pool's back (still in its reserve)
 *   checkbug.mempool_page_freed  a page pool's element freed behind it
 *
 * The lines for the host, as checkbug_test.c's: "checkbug: broke CASE:
 * STRUCTURE 0xADDR", the structure and guest address the VMM's violation
 * must name (tests/integration/test_check.c, planted/vm_structures), then "checkbug: mended
 * CASE" after the hold. Not part of the mm suites: nothing but a host
 * that checks runs checkbug.*.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/gfp.h>
#include <linux/ktest.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <memvisor/mminfo.h>
#include <asm/pgtable.h>

extern struct list_head vmap_area_list;

static int checkbug_hold_ms = 3000;

static int __init_checkbug_hold(char *val)
{
	if (!param_get_int(val, &checkbug_hold_ms) || checkbug_hold_ms < 0)
		return -1;
	return 0;
}
__setup("checkbug_vm_hold=", __init_checkbug_hold);

/* Says what the VMM should find, and sleeps while it looks. */
static void hold(const char *name, const char *structure, const void *addr)
{
	printk("checkbug: broke %s: %s 0x%lx\n", name, structure,
	       (unsigned long)addr);
	printk("checkbug: holding %s for %d ms\n", name, checkbug_hold_ms);
	if (checkbug_hold_ms)
		msleep(checkbug_hold_ms);
	printk("checkbug: mended %s\n", name);
}

/* The area vmalloc() gave @addr (nobody else changes the list meanwhile). */
static struct vmap_area *area_of(const void *addr)
{
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list)
		if (va->va_start == (unsigned long)addr)
			return va;
	return NULL;
}

KTEST(checkbug, vmap_overlap)
{
	void *a = vmalloc(PAGE_SIZE), *b = vmalloc(PAGE_SIZE);
	struct vmap_area *later, *before;
	unsigned long start;

	KTEST_ASSERT_TRUE(t, a && b);
	/* whichever of the two comes later on the list, after some area */
	later = area_of(a > b ? a : b);
	KTEST_ASSERT_NOT_NULL(t, later);
	KTEST_ASSERT_TRUE(t, later->list.prev != &vmap_area_list);
	before = list_entry(later->list.prev, struct vmap_area, list);
	start = later->va_start;
	later->va_start = before->va_end - PAGE_SIZE;
	hold("vmap_overlap", "vmap_area", later);
	later->va_start = start;
	vfree(a);
	vfree(b);
}

/* Maps @va to @pa instead of what it maps now, on every CPU. */
static void remap(unsigned long va, phys_addr_t pa)
{
	unmap_page(va);
	if (pa != ~(phys_addr_t)0)
		map_page(va, pa, __PAGE_KERNEL);
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
}

KTEST(checkbug, vmap_page_elsewhere)
{
	char *p = vmalloc(2 * PAGE_SIZE);
	struct page *other = alloc_page(GFP_KERNEL);
	unsigned long va = (unsigned long)p + PAGE_SIZE;

	KTEST_ASSERT_TRUE(t, p && other);
	remap(va, page_to_phys(other));
	hold("vmap_page_elsewhere", "vmap_area", area_of(p));
	remap(va, page_to_phys(area_of(p)->pages[1]));
	vfree(p);
	__free_page(other);
}

KTEST(checkbug, vmap_guard_mapped)
{
	char *p = vmalloc(PAGE_SIZE);
	struct page *other = alloc_page(GFP_KERNEL);
	unsigned long guard = (unsigned long)p + PAGE_SIZE;

	KTEST_ASSERT_TRUE(t, p && other);
	remap(guard, page_to_phys(other));
	hold("vmap_guard_mapped", "vmap_area", area_of(p));
	remap(guard, ~(phys_addr_t)0);
	vfree(p);
	__free_page(other);
}

KTEST(checkbug, pcpu_free_bytes)
{
	const struct mv_percpu_info *pi = percpu_info();
	struct mv_percpu_chunk *first;
	unsigned long flags;

	KTEST_ASSERT_NOT_NULL(t, pi);
	first = (struct mv_percpu_chunk *)(unsigned long)pi->chunks;
	/* an add, undone by a subtract: right whatever others do meanwhile */
	local_irq_save(flags);
	WRITE_ONCE(first->free_bytes, first->free_bytes + pi->min_alloc_size);
	local_irq_restore(flags);
	hold("pcpu_free_bytes", "pcpu_chunk", first);
	local_irq_save(flags);
	WRITE_ONCE(first->free_bytes, first->free_bytes - pi->min_alloc_size);
	local_irq_restore(flags);
}

KTEST(checkbug, mempool_slab_freed)
{
	struct kmem_cache *cache = kmem_cache_create("checkbug_pool", 96, 0, 0, NULL);
	mempool_t *pool = cache ? mempool_create_slab_pool(2, cache) : NULL;

	KTEST_ASSERT_NOT_NULL(t, pool);
	kmem_cache_free(cache, pool->elements[0]);
	hold("mempool_slab_freed", "mempool", pool);
	/* a live object back in its place, so the pool frees what it holds */
	pool->elements[0] = kmem_cache_alloc(cache, GFP_KERNEL);
	if (!KTEST_EXPECT_NOT_NULL(t, pool->elements[0]))
		pool->elements[0] = pool->elements[--pool->curr_nr];
	mempool_destroy(pool);
	kmem_cache_destroy(cache);
}

KTEST(checkbug, mempool_page_freed)
{
	mempool_t *pool = mempool_create_page_pool(2, 1);

	KTEST_ASSERT_NOT_NULL(t, pool);
	__free_pages(pool->elements[1], 1);
	hold("mempool_page_freed", "mempool", pool);
	pool->elements[1] = alloc_pages(GFP_KERNEL, 1);
	if (!KTEST_EXPECT_NOT_NULL(t, pool->elements[1]))
		pool->curr_nr = 1;
	mempool_destroy(pool);
}
