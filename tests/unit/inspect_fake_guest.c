// SPDX-License-Identifier: MIT
/*
 * The fake guest of test_vmm_inspect (inspect_fake_guest.h): the hosted
 * guest allocator and kernel page tables over it and its globals.
 */
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/page_owner.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workload.h>
#include <memvisor/mminfo.h>
#include <asm/hosted.h>

#include "inspect_fake_guest.h"

#define PTE_P_RW	0x3ULL
#define PTE_ADDR	0x000ffffffffff000ULL

static u64 *pml4;

static u64 *next_table(u64 *entry)
{
	if (!(*entry & 1)) {
		void *p = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);

		if (!p)
			panic("fake guest: no page for a page table");
		*entry = __pa(p) | PTE_P_RW;
	}
	return __va(*entry & PTE_ADDR);
}

static void map_4k(unsigned long va, u64 gpa)
{
	u64 *t = pml4;

	for (int shift = 39; shift > 12; shift -= 9)
		t = next_table(&t[(va >> shift) & 511]);
	t[(va >> 12) & 511] = gpa | PTE_P_RW;
}

static void map_range(unsigned long va, unsigned long size, u64 gpa)
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE)
		map_4k(va + off, gpa + off);
}

static void cover(unsigned long *lo, unsigned long *hi, const void *p,
		  size_t len)
{
	*lo = min(*lo, (unsigned long)p);
	*hi = max(*hi, (unsigned long)p + len);
}

/*
 * The loader's list (kernel/module.c is not in the hosted build): weak, so
 * that a hosted loader, should it come, is the one.
 */
__attribute__((weak)) LIST_HEAD(modules);
/* The workloads' table (kernel/workload.c is guest only), weak as well. */
__attribute__((weak)) struct workload workloads[WORKLOAD_MAX];
/*
 * Their clock: the hosted jiffies lie beside what the fake must leave
 * unmapped (__per_cpu_offset[]), so the readers are pointed at this one.
 */
static unsigned long fake_jiffies = 1000;

uint64_t fake_guest_jiffies_addr(void)
{
	return (uint64_t)&fake_jiffies;
}

/* A zone name no JSON string takes as it is (FAKE_ZONE_NAME), in "the image". */
static char bad_zone_name[] = "D\xffMA\x1b[2J";

void fake_guest_boot(struct fake_guest *g, unsigned long mem)
{
	struct hosted_boot_config cfg;
	unsigned long lo = ~0UL, hi = 0;
	struct zone *zone;

	hosted_default_config(&cfg);
	cfg.mem_size = mem;
	hosted_boot(&cfg);
	vmalloc_init();		/* struct vmap_area and its roots in the image */
	nr_cpu_ids = 2;
	memset(g, 0, sizeof(*g));
	g->ram = (void *)hosted_phys_base;
	g->ram_size = mem;
	g->max_pfn = max_pfn;

	/* What the readers start from outside the arena: "the image". */
	cover(&lo, &hi, &contig_page_data, sizeof(contig_page_data));
	cover(&lo, &hi, &mem_map, sizeof(mem_map));
	cover(&lo, &hi, &max_pfn, sizeof(max_pfn));
	cover(&lo, &hi, &nr_cpu_ids, sizeof(nr_cpu_ids));
	cover(&lo, &hi, &vmap_area_list, sizeof(vmap_area_list));
	cover(&lo, &hi, &nr_vmap_areas, sizeof(nr_vmap_areas));
	cover(&lo, &hi, &modules, sizeof(modules));
	cover(&lo, &hi, workloads, sizeof(workloads));
	cover(&lo, &hi, &fake_jiffies, sizeof(fake_jiffies));
	/* and the slab's roots: links mempool.c (mempool_t in the DWARF) */
	cover(&lo, &hi, &slab_caches, sizeof(slab_caches));
	cover(&lo, &hi, &mempools, sizeof(mempools));
	/* the pages' history past the free (check_uaf.h) */
	cover(&lo, &hi, &page_owner_hist, sizeof(page_owner_hist));
	cover(&lo, &hi, page_owner_clock, sizeof(page_owner_clock));
	if (percpu_info()) {
		cover(&lo, &hi, percpu_info(), sizeof(*percpu_info()));
		/* the first chunk is static too: its head is what is read */
		cover(&lo, &hi, (void *)(unsigned long)percpu_info()->chunks,
		      sizeof(struct mv_percpu_chunk));
		/*
		 * and its maps (mm/percpu.c's struct pcpu_chunk around it, at
		 * most a page), which the per-CPU checker reads
		 */
		cover(&lo, &hi, (void *)(unsigned long)percpu_info()->chunks,
		      PAGE_SIZE);
	}
	cover(&lo, &hi, &memblock, sizeof(memblock));
	cover(&lo, &hi, memblock.memory.regions,
	      memblock.memory.max * sizeof(struct memblock_region));
	cover(&lo, &hi, memblock.reserved.regions,
	      memblock.reserved.max * sizeof(struct memblock_region));
	for_each_zone(zone)
		cover(&lo, &hi, zone->name, strlen(zone->name) + 1);
	cover(&lo, &hi, bad_zone_name, sizeof(bad_zone_name));
	lo = ALIGN_DOWN(lo, PAGE_SIZE);
	hi = ALIGN(hi, PAGE_SIZE);
	g->image = (void *)lo;
	g->image_size = hi - lo;
	g->image_gpa = FAKE_IMAGE_GPA;

	pml4 = (u64 *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	map_range(hosted_phys_base, mem, 0);
	map_range(lo, hi - lo, FAKE_IMAGE_GPA);
	g->cr3 = __pa(pml4);
	g->pgdat = (u64)&contig_page_data;
	g->kernel_start = hosted_boot_params.kernel_start;
	g->kernel_end = hosted_boot_params.kernel_end;
	fake_guest_counters(g);
}

void fake_guest_churn(unsigned int n)
{
	unsigned long held[64];
	unsigned int order[64], k = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (k == ARRAY_SIZE(held))
			while (k) {
				k--;
				free_pages(held[k], order[k]);
			}
		order[k] = i % 4;
		held[k] = __get_free_pages(GFP_KERNEL, order[k]);
		if (held[k])
			k++;
	}
	/* Free every other block: holes, so the lists hold small blocks. */
	while (k) {
		k--;
		if (k % 2)
			free_pages(held[k], order[k]);
	}
}

void fake_guest_counters(struct fake_guest *g)
{
	struct zone *zone;
	unsigned int i = 0;

	for_each_zone(zone) {
		struct fake_zone *f = &g->zone[i++];

		strncpy(f->name, zone->name, sizeof(f->name) - 1);
		f->start_pfn = zone->zone_start_pfn;
		f->spanned = zone->spanned_pages;
		f->present = zone->present_pages;
		f->managed = zone->managed_pages;
		f->free = zone->free_pages;
		f->deferred = zone->deferred_pages;
		f->first_deferred_pfn = zone->first_deferred_pfn;
		for (unsigned int o = 0; o < MAX_ORDER && o < FAKE_MAX_ORDER; o++)
			f->nr_free[o] = zone->free_area[o].nr_free;
		f->min = min_wmark_pages(zone);
		f->low = low_wmark_pages(zone);
		f->high = high_wmark_pages(zone);
		f->pcp_count0 = zone->pcp[0].count;
	}
	g->nr_zones = i;
	g->memblock_memory_cnt = memblock.memory.cnt;
	g->memblock_reserved_cnt = memblock.reserved.cnt;
	g->memblock_reserved_base0 = memblock.reserved.regions[0].base;
}

/* ZONE_DMA's highest order with at least @min blocks. */
static int dma_order(unsigned long min)
{
	struct zone *dma = &contig_page_data.node_zones[ZONE_DMA];

	for (int o = MAX_ORDER - 1; o >= 0; o--)
		if (dma->free_area[o].nr_free >= min)
			return o;
	panic("fake guest: ZONE_DMA has no order with %lu blocks", min);
}

int fake_guest_damage(struct fake_guest *g, enum fake_damage d)
{
	struct zone *dma = &contig_page_data.node_zones[ZONE_DMA];
	int o = 0;

	(void)g;
	switch (d) {
	case FAKE_FREELIST_CYCLE: {
		struct list_head *a, *b;

		o = dma_order(2);
		a = dma->free_area[o].free_list.next;
		b = a->next;
		b->next = a;
		break;
	}
	case FAKE_POINTER_OUTSIDE:
		o = dma_order(1);
		dma->free_area[o].free_list.next->next =
			(struct list_head *)(hosted_phys_base + (1UL << 40));
		break;
	case FAKE_NR_FREE:
		o = dma_order(1);
		dma->free_area[o].nr_free++;
		break;
	case FAKE_FREE_PAGES:
		dma->free_pages++;
		break;
	case FAKE_PCP_COUNT:
		dma->pcp[0].count++;
		break;
	case FAKE_NOT_BUDDY:
		o = dma_order(1);
		__ClearPageBuddy(list_first_entry(&dma->free_area[o].free_list,
						  struct page, lru));
		break;
	case FAKE_PREV_LINK:
		o = dma_order(2);
		dma->free_area[o].free_list.next->next->prev =
			&dma->free_area[o].free_list;
		break;
	case FAKE_NR_CPUS:
		nr_cpu_ids = NR_CPUS + 1;
		break;
	case FAKE_MAX_PFN:
		max_pfn = 1UL << 40;
		break;
	case FAKE_MEM_MAP_UNSET:
		mem_map = NULL;
		break;
	case FAKE_PERCPU_UNSET:
		((struct mv_percpu_info *)percpu_info())->magic = 0;
		break;
	case FAKE_VMAP_EMPTY:
		INIT_LIST_HEAD(&vmap_area_list);
		nr_vmap_areas = 0;
		break;
	case FAKE_MEMBLOCK_CNT:
		memblock.reserved.cnt = memblock.reserved.max + 1000000;
		break;
	case FAKE_ZONE_NAME:
		dma->name = bad_zone_name;
		break;
	}
	return o;
}

/* ---- vmap areas ---------------------------------------------------------- */

#define AREAS_PER_BLOCK	((PAGE_SIZE << 10) / sizeof(struct vmap_area))

/* vmap_area_list emptied and nr_vmap_areas 0: the areas are the test's. */
static struct list_head *vmap_publish(void)
{
	INIT_LIST_HEAD(&vmap_area_list);
	nr_vmap_areas = 0;
	return &vmap_area_list;
}

static void vmap_fill(struct vmap_area *a, u64 start, u64 end)
{
	memset(a, 0, sizeof(*a));
	a->va_start = start;
	a->va_end = end;
	a->nr_pages = (end - start) / PAGE_SIZE - 1;
	a->flags = VM_ALLOC;
	a->caller = (const void *)0xffffffff80100000ULL;
}

int fake_guest_vmap(struct fake_guest *g, unsigned long n)
{
	struct list_head *head = vmap_publish();
	struct vmap_area *block = NULL;

	for (unsigned long i = 0; i < n; i++) {
		struct vmap_area *a;
		u64 start = FAKE_VMALLOC_START + i * 2 * PAGE_SIZE;

		if (i % AREAS_PER_BLOCK == 0) {
			block = (void *)__get_free_pages(GFP_KERNEL, 10);
			if (!block)
				return -1;
		}
		a = &block[i % AREAS_PER_BLOCK];
		vmap_fill(a, start, start + 2 * PAGE_SIZE);
		list_add_tail(&a->list, head);
	}
	nr_vmap_areas = n;
	return 0;
}

void fake_guest_vmap_setting_up(struct fake_guest *g, unsigned long i)
{
	struct vmap_area *a;

	list_for_each_entry(a, &vmap_area_list, list) {
		if (i--)
			continue;
		a->flags |= VM_UNINITIALIZED;
		a->nr_pages = 0;
		return;
	}
	panic("fake guest: no such vmap area");
}

void fake_guest_vmap_wrap(struct fake_guest *g)
{
	struct list_head *head = vmap_publish();
	struct vmap_area *a = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	struct vmap_area *b = a + 1;

	if (!a)
		panic("fake guest: no page for the vmap areas");
	/* A: [the last page, B's end), its "end" below its start */
	vmap_fill(a, ~0ULL - PAGE_SIZE + 1, FAKE_VMALLOC_START + 4 * PAGE_SIZE);
	vmap_fill(b, FAKE_VMALLOC_START + 4 * PAGE_SIZE,
		  FAKE_VMALLOC_START + 6 * PAGE_SIZE);
	head->next = &a->list;
	a->list.prev = head;
	a->list.next = &b->list;
	b->list.prev = &a->list;
	b->list.next = &a->list;
	head->prev = &b->list;
	nr_vmap_areas = 2;
}

/* ---- workloads ----------------------------------------------------------- */

void fake_guest_workload(unsigned int slot, const char *name, int state,
			 long ops, long held)
{
	struct workload *wl = &workloads[slot];

	if (!name) {
		memset(workloads, 0, sizeof(workloads));
		return;
	}
	memset(wl, 0, sizeof(*wl));
	strscpy_len(wl->name, name, sizeof(wl->name));
	strscpy_len(wl->params, "threads=2", sizeof(wl->params));
	wl->state = state < 0 ? WORKLOAD_RUNNING : (enum workload_state)state;
	wl->nr_threads = 2;
	wl->hz = 100;
	wl->start_jiffies = fake_jiffies - 200;
	atomic_long_set(&wl->ops, ops);
	atomic_long_set(&wl->held_bytes, held);
	atomic_long_set(&wl->bytes, held);
}

/* ---- modules ------------------------------------------------------------- */

#define MODS_PER_BLOCK	((PAGE_SIZE << 4) / sizeof(struct module))
#define FAKE_CORE_SIZE	(16UL << 10)

static struct module *fake_mods[4096];
static unsigned long nr_fake_mods;

static void module_fill(struct module *m, unsigned long i)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "mod%lu", i);
	m->state = MODULE_STATE_LIVE;
	m->core_base = (void *)(MV_MODULES_BASE + i * FAKE_CORE_SIZE);
	m->core_size = FAKE_CORE_SIZE;
	m->taints = 1UL << TAINT_OOT_MODULE;
	m->init = (int (*)(void))0xffffffffc0000100UL;
	m->exit = (void (*)(void))0xffffffffc0000200UL;
}

int fake_guest_modules(struct fake_guest *g, unsigned long n)
{
	struct module *block = NULL;

	(void)g;
	INIT_LIST_HEAD(&modules);
	nr_fake_mods = 0;
	for (unsigned long i = 0; i < n; i++) {
		struct module *m;

		if (i % MODS_PER_BLOCK == 0) {
			block = (void *)__get_free_pages(GFP_KERNEL, 4);
			if (!block)
				return -1;
		}
		m = &block[i % MODS_PER_BLOCK];
		module_fill(m, i);
		list_add_tail(&m->list, &modules);
		if (i < ARRAY_SIZE(fake_mods))
			fake_mods[nr_fake_mods++] = m;
	}
	return 0;
}

uint64_t fake_guest_module_addr(unsigned long i)
{
	return i < nr_fake_mods ? (u64)fake_mods[i] : 0;
}

void fake_guest_module_damage(enum fake_module_damage d)
{
	struct module *m = fake_mods[0];

	if (!nr_fake_mods)
		panic("fake guest: no modules to damage");
	switch (d) {
	case FAKE_MOD_LOOP:
		fake_mods[nr_fake_mods - 1]->list.next = &m->list;
		break;
	case FAKE_MOD_NAME_NO_NUL:
		memset(m->name, 'x', sizeof(m->name));
		break;
	case FAKE_MOD_BAD_POINTER:
		m->list.next = (struct list_head *)(hosted_phys_base + (1UL << 40));
		break;
	case FAKE_MOD_BAD_STATE:
		m->state = 7;
		break;
	case FAKE_MOD_CORE_OUTSIDE:
		m->core_base = (void *)hosted_phys_base;
		break;
	case FAKE_MOD_COMING_PROPRIETARY:
		m->state = MODULE_STATE_COMING;
		m->taints |= 1UL << TAINT_PROPRIETARY_MODULE;
		break;
	case FAKE_MOD_PERMANENT:
		m->exit = NULL;
		break;
	}
}

uint64_t fake_guest_alloc_free(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL, order);
	uint64_t pfn;

	if (!page)
		return 0;
	pfn = page_to_pfn(page);
	__free_pages(page, order);
	return pfn;
}

uint64_t fake_guest_freed_object(uint32_t offset, uint8_t byte, bool write)
{
	struct kmem_cache *s = kmem_cache_create("fake-poison", 96, 0,
						 SLAB_POISON | SLAB_STORE_USER,
						 NULL);
	void *obj[4];

	if (!s)
		return 0;
	for (unsigned int i = 0; i < ARRAY_SIZE(obj); i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, obj[1]);
	if (write)
		((u8 *)obj[1])[offset] = byte;	/* the bug */
	return (uint64_t)(unsigned long)obj[1];
}

/* ---- the checker's structures (test_vmm_checkers) ------------------------ */

#define FAKE_IOREMAP_PHYS	0xfe000000UL	/* no RAM: the DMA device's window */

static void *fake_vm[3], *fake_vmapped, *fake_io;
static struct page *fake_vmap_pages[2];
static void __percpu *fake_pcpu[4];
static struct kmem_cache *fake_pool_cache;
static mempool_t *fake_pool[4];	/* slab, kmalloc, page, large kmalloc */

/* The areas' mappings, from the hosted tables into the fake's. */
static void vmap_mirror(void)
{
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list) {
		unsigned long nr = (va->va_end - va->va_start) / PAGE_SIZE - 1;

		for (unsigned long i = 0; i < nr; i++) {
			unsigned long addr = va->va_start + i * PAGE_SIZE;
			u64 gpa = va->flags & VM_IOREMAP ? va->phys_addr + i * PAGE_SIZE :
				  page_to_phys(vmalloc_to_page((void *)addr));

			map_4k(addr, gpa);
		}
	}
}

int fake_guest_checkable(struct fake_guest *g)
{
	(void)g;
	for (unsigned int i = 0; i < ARRAY_SIZE(fake_vm); i++)
		if (!(fake_vm[i] = vmalloc((i + 1) * PAGE_SIZE)))
			return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(fake_vmap_pages); i++)
		if (!(fake_vmap_pages[i] = alloc_page(GFP_KERNEL)))
			return -1;
	fake_vmapped = vmap(fake_vmap_pages, 2, VM_MAP, PAGE_KERNEL);
	fake_io = ioremap(FAKE_IOREMAP_PHYS, 2 * PAGE_SIZE);
	if (!fake_vmapped || !fake_io)
		return -1;
	vmap_mirror();

	/* per-CPU areas of three sizes, the second freed: a hole */
	for (unsigned int i = 0; i < ARRAY_SIZE(fake_pcpu); i++)
		if (!(fake_pcpu[i] = __alloc_percpu(8 << i, 8)))
			return -1;
	free_percpu(fake_pcpu[1]);
	fake_pcpu[1] = NULL;

	fake_pool_cache = kmem_cache_create("fake_pool_obj", 72, 0, 0, NULL);
	if (!fake_pool_cache)
		return -1;
	fake_pool[0] = mempool_create_slab_pool(4, fake_pool_cache);
	fake_pool[1] = mempool_create_kmalloc_pool(3, 100);
	fake_pool[2] = mempool_create_page_pool(2, 1);
	/* beyond the kmalloc caches: compound pages */
	fake_pool[3] = mempool_create_kmalloc_pool(2, KMALLOC_MAX_CACHE_SIZE + 1);
	return fake_pool[0] && fake_pool[1] && fake_pool[2] && fake_pool[3] ? 0 : -1;
}

static struct vmap_area *area_at(const void *addr)
{
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list)
		if (va->va_start == (unsigned long)addr)
			return va;
	panic("fake guest: no area at %p", addr);
}

void fake_guest_check_damage(enum fake_check_damage d, struct fake_evidence *ev)
{
	struct mv_percpu_chunk *chunk =
		(struct mv_percpu_chunk *)(unsigned long)percpu_info()->chunks;
	struct vmap_area *a0 = area_at(fake_vm[0]), *a1 = area_at(fake_vm[1]);
	void *el;

	memset(ev, 0, sizeof(*ev));
	switch (d) {
	case FAKE_VMAP_OVERLAP:
		ev->addr = (u64)a1;
		ev->expected = a0->va_end;	/* start >= the one before's end */
		a1->va_start = a0->va_end - PAGE_SIZE;
		ev->found = a1->va_start;
		break;
	case FAKE_VMAP_PAGE_ELSEWHERE:
		/* page 1 of area 1 mapped to page 0's frame */
		ev->addr = (u64)a1;
		ev->expected = page_to_pfn(a1->pages[1]);
		ev->found = page_to_pfn(a1->pages[0]);
		map_4k(a1->va_start + PAGE_SIZE, page_to_phys(a1->pages[0]));
		break;
	case FAKE_VMAP_GUARD_MAPPED:
		ev->addr = (u64)a0;
		ev->found = page_to_pfn(a0->pages[0]);
		map_4k(a0->va_end - PAGE_SIZE, page_to_phys(a0->pages[0]));
		break;
	case FAKE_PCPU_FREE_BYTES:
		ev->addr = (u64)chunk;
		ev->expected = chunk->free_bytes;
		chunk->free_bytes += PCPU_MIN_ALLOC_SIZE;
		ev->found = chunk->free_bytes;
		break;
	case FAKE_PCPU_NR_ALLOC:
		ev->addr = (u64)chunk;
		ev->expected = chunk->nr_alloc;
		ev->found = --chunk->nr_alloc;
		break;
	case FAKE_PCPU_CONTIG:
		ev->addr = (u64)chunk;
		ev->found = chunk->contig_bytes = 0;
		break;
	case FAKE_PCPU_FIRST_FREE:
		/* the freed area (fake_pcpu[1]) left a hole below the end */
		ev->addr = (u64)chunk;
		ev->expected = chunk->first_free;
		ev->found = chunk->first_free = PCPU_UNIT_SIZE;
		break;
	case FAKE_MEMPOOL_ESC_NAME:
		fake_pool_cache->name[4] = '\e';
		__attribute__((fallthrough));
	case FAKE_MEMPOOL_SLAB_FREED:
		ev->addr = (u64)fake_pool[0];
		el = fake_pool[0]->elements[0];
		ev->found = (u64)el;
		kmem_cache_free(fake_pool_cache, el);
		break;
	case FAKE_MEMPOOL_KMALLOC_FREED:
		ev->addr = (u64)fake_pool[1];
		el = fake_pool[1]->elements[1];
		ev->found = (u64)el;
		kfree(el);
		break;
	case FAKE_MEMPOOL_PAGE_FREED:
		ev->addr = (u64)fake_pool[2];
		el = fake_pool[2]->elements[0];
		ev->found = (u64)el;
		__free_pages(el, 1);
		break;
	case FAKE_MEMPOOL_LARGE_FREED:
		ev->addr = (u64)fake_pool[3];
		ev->expected = KMALLOC_MAX_CACHE_SIZE + 1;	/* the pool's size */
		el = fake_pool[3]->elements[0];
		ev->found = (u64)el;
		kfree(el);
		break;
	case FAKE_MEMPOOL_TWICE:
		ev->addr = (u64)fake_pool[0];
		fake_pool[0]->elements[1] = fake_pool[0]->elements[0];
		ev->found = (u64)fake_pool[0]->elements[0];
		break;
	case FAKE_MEMPOOL_OVERFULL:
		ev->addr = (u64)fake_pool[1];
		ev->expected = fake_pool[1]->min_nr;
		ev->found = ++fake_pool[1]->curr_nr;
		break;
	}
}

/* ---- For the checker (test_vmm_check.c) ----------------------------------- */

uint64_t fake_guest_leak_block(void)
{
	struct zone *z = &contig_page_data.node_zones[ZONE_NORMAL];

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct list_head *l = &z->free_area[o].free_list;
		struct page *page;

		if (list_empty(l))
			continue;
		page = list_first_entry(l, struct page, lru);
		list_del(&page->lru);
		return (uint64_t)(uintptr_t)page;
	}
	return 0;
}

uint64_t fake_guest_direct_map(void)
{
	return hosted_phys_base;
}
