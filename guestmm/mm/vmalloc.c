// SPDX-License-Identifier: MIT
/*
 * vmalloc, vmap and the vmalloc area's address allocator, after Linux's
 * mm/vmalloc.c.
 *
 * Address space: [VMALLOC_START, VMALLOC_END). Each area takes its size
 * plus one guard page, which stays unmapped. Two trees of struct vmap_area,
 * both treaps keyed by va_start (O(log n) expected per operation):
 *  - the busy tree: live areas, so vfree() finds its area;
 *  - the free tree: maximal free ranges, each node augmented with the
 *    largest free size in its subtree, so the lowest-address fit is found
 *    by one descent (Linux's augmented rbtree, find_vmap_lowest_match()).
 * Live areas are also on vmap_area_list, sorted by address, for the VMM.
 *
 * Freeing is lazy, as Linux's: vfree() clears the PTEs and frees the pages
 * at once, but the range waits on a purge list; when enough pages wait
 * (or an allocation finds no room, or vm_unmap_aliases() asks), one
 * flush_tlb_kernel_range() over all of them (IPIs to every CPU) makes the
 * stale translations unreachable, and the ranges go back to the free tree.
 *
 * The hosted build has the same code over a simulated page table
 * (arch/hosted/pgtable.c): its vmalloc addresses are not dereferenceable
 * on the host; reach the pages through vmalloc_to_page().
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <memvisor/layout.h>
#include <memvisor/mminfo.h>
#include <asm/pgtable.h>
#include "leaks.h"

#ifndef ULONG_MAX
#define ULONG_MAX	(~0UL)
#endif
#ifndef UINT_MAX
#define UINT_MAX	(~0U)
#endif
#define max3(a, b, c)	max(max(a, b), c)

/* an enum, not a #define: the image's DWARF carries it for the VMM (mm_layout.c) */
enum {
	VMALLOC_START = MV_VMALLOC_BASE,
	VMALLOC_END = MV_VMALLOC_END + 1,
};

/* Freed pages waiting for a shootdown before it is forced (Linux: 32 MiB * log2 CPUs). */
#define LAZY_MAX_PAGES	((32UL << 20) >> PAGE_SHIFT)

LIST_HEAD(vmap_area_list);
unsigned long nr_vmap_areas;
unsigned long nr_vmap_lazy_pages;
unsigned long nr_vmap_purges;

static DEFINE_SPINLOCK(vmap_area_lock);		/* both trees and the list */
static DEFINE_SPINLOCK(purge_lock);		/* purge_list, nr_vmap_lazy_pages */
static LIST_HEAD(purge_list);
static struct vmap_area *busy_root, *free_root;
static struct kmem_cache *vmap_area_cachep;
static u64 prio_state = 0x9e3779b97f4a7c15ULL;

static inline unsigned int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* ---- Treaps ------------------------------------------------------------- */

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static inline unsigned long max_size(const struct vmap_area *va)
{
	return va ? va->subtree_max_size : 0;
}

static void va_update(struct vmap_area *va)
{
	va->subtree_max_size = max3(va_size(va), max_size(va->left),
				    max_size(va->right));
}

static unsigned int next_prio(void)
{
	u64 x = prio_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	prio_state = x;
	return (unsigned int)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Splits t into *l (va_start < key) and *r (va_start >= key). */
static void treap_split(struct vmap_area *t, unsigned long key,
			struct vmap_area **l, struct vmap_area **r)
{
	if (!t) {
		*l = *r = NULL;
		return;
	}
	if (t->va_start < key) {
		treap_split(t->right, key, &t->right, r);
		*l = t;
	} else {
		treap_split(t->left, key, l, &t->left);
		*r = t;
	}
	va_update(t);
}

/* Every key of l is below every key of r. */
static struct vmap_area *treap_merge(struct vmap_area *l, struct vmap_area *r)
{
	if (!l)
		return r;
	if (!r)
		return l;
	if (l->prio > r->prio) {
		l->right = treap_merge(l->right, r);
		va_update(l);
		return l;
	}
	r->left = treap_merge(l, r->left);
	va_update(r);
	return r;
}

static void treap_insert(struct vmap_area **root, struct vmap_area *va)
{
	struct vmap_area *l, *r;

	va->left = va->right = NULL;
	va->prio = next_prio();
	va_update(va);
	treap_split(*root, va->va_start, &l, &r);
	*root = treap_merge(treap_merge(l, va), r);
}

/* Unlinks va; the augmentation above it is the caller's (treap_fixup). */
static void treap_erase(struct vmap_area **root, struct vmap_area *va)
{
	struct vmap_area **link = root;

	while (*link != va) {
		if (!*link)
			panic("vmalloc: area %#lx not in its tree", va->va_start);
		link = va->va_start < (*link)->va_start ?
		       &(*link)->left : &(*link)->right;
	}
	*link = treap_merge(va->left, va->right);
}

/* Recomputes the augmentation on the path from t down to the node with key. */
static void treap_fixup(struct vmap_area *t, unsigned long key)
{
	if (!t)
		return;
	if (key < t->va_start)
		treap_fixup(t->left, key);
	else if (key > t->va_start)
		treap_fixup(t->right, key);
	va_update(t);
}

static void free_tree_erase(struct vmap_area *va)
{
	unsigned long key = va->va_start;

	treap_erase(&free_root, va);
	treap_fixup(free_root, key);
}

/* The node whose va_start is key, or NULL. */
static struct vmap_area *treap_find(struct vmap_area *t, unsigned long key)
{
	while (t && t->va_start != key)
		t = key < t->va_start ? t->left : t->right;
	return t;
}

/* The last node with va_start < key, and the first with va_start >= key. */
static void treap_neighbours(struct vmap_area *t, unsigned long key,
			     struct vmap_area **prev, struct vmap_area **next)
{
	*prev = *next = NULL;
	while (t) {
		if (t->va_start < key) {
			*prev = t;
			t = t->right;
		} else {
			*next = t;
			t = t->left;
		}
	}
}

/* ---- The address allocator (vmap_area_lock held) ------------------------ */

/* Lowest-address free range that holds need bytes, or NULL. */
static struct vmap_area *find_lowest_fit(unsigned long need)
{
	struct vmap_area *t = free_root;

	while (t) {
		if (max_size(t->left) >= need)
			t = t->left;
		else if (va_size(t) >= need)
			return t;
		else if (max_size(t->right) >= need)
			t = t->right;
		else
			return NULL;
	}
	return NULL;
}

/*
 * Takes [start, start + size) out of free range fva. *spare is a node for
 * the range left before start (alignment); consumed if used.
 */
static void clip_free_range(struct vmap_area *fva, unsigned long start,
			    unsigned long size, struct vmap_area **spare)
{
	unsigned long end = start + size;

	if (fva->va_start == start && fva->va_end == end) {
		free_tree_erase(fva);
		kmem_cache_free(vmap_area_cachep, fva);
		return;
	}
	if (fva->va_start == start) {
		fva->va_start = end;	/* order kept: the key stays in its gap */
		treap_fixup(free_root, end);
		return;
	}
	if (fva->va_end == end) {
		fva->va_end = start;
		treap_fixup(free_root, fva->va_start);
		return;
	}
	/* In the middle: the part before start becomes a range of its own. */
	(*spare)->va_start = fva->va_start;
	(*spare)->va_end = start;
	fva->va_start = end;
	treap_fixup(free_root, end);
	treap_insert(&free_root, *spare);
	*spare = NULL;
}

/* Gives [va->va_start, va->va_end) back, merged with its neighbours. */
static void merge_free_range(struct vmap_area *va)
{
	struct vmap_area *prev, *next;

	treap_neighbours(free_root, va->va_start, &prev, &next);
	if (next && next->va_start == va->va_end) {
		if (prev && prev->va_end == va->va_start) {
			prev->va_end = next->va_end;
			free_tree_erase(next);
			treap_fixup(free_root, prev->va_start);
			kmem_cache_free(vmap_area_cachep, next);
		} else {
			next->va_start = va->va_start;
			treap_fixup(free_root, va->va_start);
		}
		kmem_cache_free(vmap_area_cachep, va);
		return;
	}
	if (prev && prev->va_end == va->va_start) {
		prev->va_end = va->va_end;
		treap_fixup(free_root, prev->va_start);
		kmem_cache_free(vmap_area_cachep, va);
		return;
	}
	va->flags = 0;
	treap_insert(&free_root, va);
}

/* Puts a busy area on the busy tree and, in address order, on the list. */
static void insert_busy(struct vmap_area *va)
{
	struct vmap_area *prev, *next;

	treap_neighbours(busy_root, va->va_start, &prev, &next);
	treap_insert(&busy_root, va);
	if (prev)
		list_add(&va->list, &prev->list);
	else
		list_add(&va->list, &vmap_area_list);
	nr_vmap_areas++;
}

static void purge_vmap_areas(void);

/*
 * A new busy area of size bytes (a guard page added) aligned to align.
 * Sleeps for memory; purges the lazy list once when the area is full.
 */
static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
					 unsigned int flags, const void *caller)
{
	unsigned long need, start;
	struct vmap_area *va, *spare, *fva;
	bool purged = false;

	size += PAGE_SIZE;
	align = max(align, PAGE_SIZE);
	need = size + align - PAGE_SIZE;
	if (need < size)
		return NULL;
	va = kmem_cache_alloc(vmap_area_cachep, GFP_KERNEL);
	spare = kmem_cache_alloc(vmap_area_cachep, GFP_KERNEL);
	if (!va || !spare)
		goto fail;
retry:
	spin_lock(&vmap_area_lock);
	fva = find_lowest_fit(need);
	if (!fva) {
		spin_unlock(&vmap_area_lock);
		if (purged)
			goto fail;
		purge_vmap_areas();
		purged = true;
		goto retry;
	}
	start = ALIGN(fva->va_start, align);
	clip_free_range(fva, start, size, &spare);
	memset(va, 0, sizeof(*va));
	va->va_start = start;
	va->va_end = start + size;
	va->flags = flags;
	va->caller = caller;
	insert_busy(va);
	spin_unlock(&vmap_area_lock);
	if (spare)
		kmem_cache_free(vmap_area_cachep, spare);
	return va;
fail:
	if (spare)
		kmem_cache_free(vmap_area_cachep, spare);
	if (va)
		kmem_cache_free(vmap_area_cachep, va);
	return NULL;
}

/* Takes the busy area starting at addr off the tree and the list. */
static struct vmap_area *take_busy_area(unsigned long addr)
{
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	va = treap_find(busy_root, addr);
	if (va) {
		treap_erase(&busy_root, va);
		list_del(&va->list);
		nr_vmap_areas--;
	}
	spin_unlock(&vmap_area_lock);
	return va;
}

/* ---- Lazy purge ---------------------------------------------------------- */

/*
 * One shootdown over every range on the purge list, then the ranges go
 * back to the free tree. May sleep (IPIs); callers in atomic context leave
 * the list for the next purge.
 */
static void purge_vmap_areas(void)
{
	unsigned long start = ULONG_MAX, end = 0, nr = 0;
	struct vmap_area *va, *n;
	LIST_HEAD(local);

	if (in_atomic() || irqs_disabled())
		return;
	spin_lock(&purge_lock);
	list_splice_init(&purge_list, &local);
	list_for_each_entry(va, &local, list) {
		start = min(start, va->va_start);
		end = max(end, va->va_end);
		nr += va->nr_pages;
	}
	nr_vmap_lazy_pages -= nr;
	spin_unlock(&purge_lock);
	if (list_empty(&local))
		return;
	flush_tlb_kernel_range(start, end);
	spin_lock(&vmap_area_lock);
	list_for_each_entry_safe(va, n, &local, list)
		merge_free_range(va);
	spin_unlock(&vmap_area_lock);
	__atomic_add_fetch(&nr_vmap_purges, 1, __ATOMIC_RELAXED);
}

/* The range, unmapped, waits for a batched shootdown. */
static void free_vmap_area_lazy(struct vmap_area *va, unsigned int nr_pages)
{
	unsigned long limit = LAZY_MAX_PAGES * (fls(num_online_cpus()));
	bool purge;

	va->pages = NULL;
	va->nr_pages = max(nr_pages, 1u);	/* counts toward the purge */
	spin_lock(&purge_lock);
	list_add_tail(&va->list, &purge_list);
	nr_vmap_lazy_pages += va->nr_pages;
	purge = nr_vmap_lazy_pages > limit;
	spin_unlock(&purge_lock);
	if (purge)
		purge_vmap_areas();
}

void vm_unmap_aliases(void)
{
	might_sleep();
	purge_vmap_areas();
}

/* ---- Page tables --------------------------------------------------------- */

static void vunmap_range(unsigned long addr, unsigned long size)
{
	for (unsigned long va = addr; va < addr + size; va += PAGE_SIZE)
		unmap_page(va);
}

static int vmap_pages_range(unsigned long addr, struct page **pages,
			    unsigned int nr, pteval_t prot)
{
	for (unsigned int i = 0; i < nr; i++) {
		int err = map_page(addr + ((unsigned long)i << PAGE_SHIFT),
				   page_to_phys(pages[i]), prot);

		if (err) {
			vunmap_range(addr, (unsigned long)i << PAGE_SHIFT);
			return err;
		}
	}
	return 0;
}

/* ---- vmalloc / vfree ----------------------------------------------------- */

static void free_pages_array(struct page **pages, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		__free_pages(pages[i], 0);
	kfree(pages);
}

/*
 * The area is set up: readers from outside (query-vmallocinfo) may list it
 * now. Its pages and count are written first, as Linux's function does.
 */
static void clear_vm_uninitialized_flag(struct vmap_area *va)
{
	smp_wmb();
	WRITE_ONCE(va->flags, va->flags & ~VM_UNINITIALIZED);
}

void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   gfp_t gfp_mask, const void *caller)
{
	unsigned int nr, i;
	struct vmap_area *va;
	struct page **pages;

	might_sleep();
	size = PAGE_ALIGN(size);
	if (!size || size >> PAGE_SHIFT > UINT_MAX / 2)
		return NULL;
	nr = size >> PAGE_SHIFT;
	pages = kmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_pages(gfp_mask | __GFP_HIGHMEM, 0);
		if (!pages[i])
			goto fail_pages;
	}
	va = alloc_vmap_area(size, align, VM_ALLOC | VM_UNINITIALIZED, caller);
	if (!va)
		goto fail_pages;
	if (vmap_pages_range(va->va_start, pages, nr, __PAGE_KERNEL))
		goto fail_map;
	va->pages = pages;
	va->nr_pages = nr;
	clear_vm_uninitialized_flag(va);
	return (void *)va->va_start;
fail_map:
	take_busy_area(va->va_start);
	free_vmap_area_lazy(va, 0);
fail_pages:
	free_pages_array(pages, i);
	return NULL;
}

void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node_range(size, 1, gfp_mask, __builtin_return_address(0));
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, GFP_KERNEL,
				    __builtin_return_address(0));
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, GFP_KERNEL | __GFP_ZERO,
				    __builtin_return_address(0));
}

/* Unmaps and frees the area at addr of one of the kinds in flags. */
static void remove_area(const void *addr, unsigned int kinds, const char *who)
{
	struct vmap_area *va;
	unsigned int nr;

	if (!addr)
		return;
	va = take_busy_area((unsigned long)addr);
	if (!va || !(va->flags & kinds)) {
		pr_err("%s: bad address %p (%s)\n", who, addr,
		       va ? "wrong kind of area" : "no such area");
		WARN_ON(1);
		if (va) {
			spin_lock(&vmap_area_lock);
			insert_busy(va);
			spin_unlock(&vmap_area_lock);
		}
		return;
	}
	nr = (va_size(va) >> PAGE_SHIFT) - 1;
	vunmap_range(va->va_start, va_size(va) - PAGE_SIZE);
	if (va->flags & VM_ALLOC)
		free_pages_array(va->pages, va->nr_pages);
	else if (va->flags & VM_MAP)
		kfree(va->pages);
	free_vmap_area_lazy(va, nr);
}

void vfree(const void *addr)
{
	remove_area(addr, VM_ALLOC, "vfree");
}

/* ---- vmap / vunmap ------------------------------------------------------- */

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot)
{
	struct vmap_area *va;
	struct page **copy;

	might_sleep();
	(void)flags;
	if (!count || count > UINT_MAX / 2)
		return NULL;
	copy = kmalloc_array(count, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, pages, count * sizeof(*copy));
	va = alloc_vmap_area((unsigned long)count << PAGE_SHIFT, PAGE_SIZE,
			     VM_MAP | VM_UNINITIALIZED, __builtin_return_address(0));
	if (!va)
		goto fail;
	if (vmap_pages_range(va->va_start, copy, count, pgprot_val(prot))) {
		take_busy_area(va->va_start);
		free_vmap_area_lazy(va, 0);
		goto fail;
	}
	va->pages = copy;
	va->nr_pages = count;
	clear_vm_uninitialized_flag(va);
	return (void *)va->va_start;
fail:
	kfree(copy);
	return NULL;
}

void vunmap(const void *addr)
{
	might_sleep();
	remove_area(addr, VM_MAP, "vunmap");
}

/* ---- ioremap's half (mm/ioremap.c) --------------------------------------- */

void *vmap_phys_range(phys_addr_t phys, unsigned long size, pteval_t prot,
		      const void *caller);
void vunmap_phys_range(const void *addr);

void *vmap_phys_range(phys_addr_t phys, unsigned long size, pteval_t prot,
		      const void *caller)
{
	struct vmap_area *va;

	/* set up outside the lock: the VMM's checker skips it until mapped */
	va = alloc_vmap_area(size, PAGE_SIZE, VM_IOREMAP | VM_UNINITIALIZED, caller);
	if (!va)
		return NULL;
	va->phys_addr = phys;
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		if (map_page(va->va_start + off, phys + off, prot)) {
			vunmap_range(va->va_start, off);
			take_busy_area(va->va_start);
			free_vmap_area_lazy(va, 0);
			return NULL;
		}
	}
	clear_vm_uninitialized_flag(va);
	return (void *)va->va_start;
}

void vunmap_phys_range(const void *addr)
{
	remove_area(addr, VM_IOREMAP, "iounmap");
}

/* ---- Lookups ------------------------------------------------------------- */

bool is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	phys_addr_t pa;

	if (!is_vmalloc_addr(addr))
		return 0;
	pa = slow_virt_to_phys((unsigned long)addr);
	if (pa == ~(phys_addr_t)0)
		return 0;
	return pa >> PAGE_SHIFT;
}

/* The page mapped at addr, from the page tables (Linux walks them too). */
struct page *vmalloc_to_page(const void *addr)
{
	phys_addr_t pa;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pa = slow_virt_to_phys((unsigned long)addr);
	if (pa == ~(phys_addr_t)0 || !pfn_valid(pa >> PAGE_SHIFT))
		return NULL;
	return pfn_to_page(pa >> PAGE_SHIFT);
}

/* ---- Checks for tests ---------------------------------------------------- */

static const char *check_subtree(struct vmap_area *t, unsigned long lo,
				 unsigned long hi, bool augmented)
{
	const char *err;

	if (!t)
		return NULL;
	if (t->va_start < lo || t->va_end > hi || t->va_end <= t->va_start)
		return "a range out of order";
	if (augmented && t->subtree_max_size !=
	    max3(va_size(t), max_size(t->left), max_size(t->right)))
		return "a stale subtree_max_size";
	if ((t->left && t->left->prio > t->prio) ||
	    (t->right && t->right->prio > t->prio))
		return "heap order broken";
	err = check_subtree(t->left, lo, t->va_start, augmented);
	return err ? err : check_subtree(t->right, t->va_end, hi, augmented);
}

const char *vmap_check_trees(void)
{
	const char *err;

	spin_lock(&vmap_area_lock);
	err = check_subtree(free_root, VMALLOC_START, VMALLOC_END, true);
	if (!err)
		err = check_subtree(busy_root, VMALLOC_START, VMALLOC_END, false);
	spin_unlock(&vmap_area_lock);
	return err;
}

static unsigned long count_nodes(const struct vmap_area *t)
{
	return t ? 1 + count_nodes(t->left) + count_nodes(t->right) : 0;
}

unsigned long vmap_nr_free_ranges(void)
{
	unsigned long n;

	spin_lock(&vmap_area_lock);
	n = count_nodes(free_root);
	spin_unlock(&vmap_area_lock);
	return n;
}

/* The kinds the VMM names (mminfo.h's MV_VM_*), read from vmap_area.flags. */
_Static_assert(VM_IOREMAP == MV_VM_IOREMAP && VM_ALLOC == MV_VM_ALLOC &&
	       VM_MAP == MV_VM_MAP && VM_UNINITIALIZED == MV_VM_UNINITIALIZED,
	       "VM_* and MV_VM_* differ");

/* ---- Init ---------------------------------------------------------------- */

void vmalloc_init(void)
{
	struct vmap_area *va;

	vmap_area_cachep = kmem_cache_create("vmap_area", sizeof(struct vmap_area),
					     0, SLAB_PANIC, NULL);
	va = kmem_cache_alloc(vmap_area_cachep, GFP_NOWAIT);
	if (!va)
		panic("vmalloc: no memory for the free range");
	memset(va, 0, sizeof(*va));
	va->va_start = VMALLOC_START;
	va->va_end = VMALLOC_END;
	INIT_LIST_HEAD(&vmap_area_list);
	INIT_LIST_HEAD(&purge_list);
	busy_root = NULL;
	free_root = NULL;
	nr_vmap_areas = nr_vmap_lazy_pages = nr_vmap_purges = 0;
	treap_insert(&free_root, va);
}

/* One record per live area (vmalloc, vmap, ioremap) asked for from the range. */
void vmalloc_find_leaks(struct leak_list *l)
{
	struct module_leak leak = { .kind = MV_LEAK_VMALLOC, .count = 1 };
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	list_for_each_entry(va, &vmap_area_list, list) {
		if (!leak_caller_in(l, va->caller))
			continue;
		leak.bytes = va_size(va) - PAGE_SIZE;	/* not the guard page */
		leak.addr = va->va_start;
		leak.caller = (unsigned long)va->caller;
		leak_add(l, &leak);
	}
	spin_unlock(&vmap_area_lock);
}
