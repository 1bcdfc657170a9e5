/* SPDX-License-Identifier: MIT */
/*
 * A fake guest for the VMM's inspection readers, built by the real guest
 * allocator in its hosted build (guestmm/arch/hosted): its arena is the
 * guest's RAM at gpa 0; the kernel image's objects the readers start from
 * (the zones, memblock and its tables, the zone names, mem_map, max_pfn,
 * nr_cpu_ids, the vmap list) are host memory, given a second gpa range; kernel page tables, allocated from
 * the allocator itself, map both at their host addresses, as the guest's
 * tables map its kernel. Plain types only: the reader's side (the test)
 * includes no guest header.
 */
#ifndef TESTS_INSPECT_FAKE_GUEST_H
#define TESTS_INSPECT_FAKE_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_MAX_ZONES	3
#define FAKE_MAX_ORDER	11
#define FAKE_IMAGE_GPA	0x100000000ULL	/* 4 GiB */

struct fake_zone {
	char name[16];
	uint64_t start_pfn, spanned, present, managed, free, deferred;
	uint64_t first_deferred_pfn;
	uint64_t nr_free[FAKE_MAX_ORDER];
	uint64_t min, low, high;
	int pcp_count0;			/* CPU 0's */
};

struct fake_guest {
	void *ram;
	uint64_t ram_size;
	void *image;			/* page aligned */
	uint64_t image_size;
	uint64_t image_gpa;
	/* for the image's layout (fake_layout.h): host address = guest va */
	uint64_t pgdat;			/* &contig_page_data */
	uint64_t kernel_start, kernel_end;	/* the kernel image, physical */
	uint64_t cr3;			/* the kernel page tables' root */
	unsigned int nr_zones;
	struct fake_zone zone[FAKE_MAX_ZONES];
	uint64_t memblock_memory_cnt, memblock_reserved_cnt;
	uint64_t memblock_reserved_base0;
	uint64_t max_pfn;
};

/* Boots the hosted allocator on @mem bytes, maps it; fills @g. */
void fake_guest_boot(struct fake_guest *g, unsigned long mem);
/* Allocates and frees to give the lists some life (pcp lists included). */
void fake_guest_churn(unsigned int n);
/* Reads the allocator's own counters into @g->zone. */
void fake_guest_counters(struct fake_guest *g);

enum fake_damage {
	FAKE_FREELIST_CYCLE,	/* DMA's fullest list: its 2nd node -> its 1st */
	FAKE_POINTER_OUTSIDE,	/* a free list's next: an address mapped nowhere */
	FAKE_NR_FREE,		/* a free_area's nr_free one too many */
	FAKE_FREE_PAGES,	/* zone->free_pages one too many */
	FAKE_PCP_COUNT,		/* CPU 0's pcp count one too many */
	FAKE_NOT_BUDDY,		/* a listed block's PG_buddy cleared */
	FAKE_PREV_LINK,		/* a node's prev pointing elsewhere */
	FAKE_NR_CPUS,		/* nr_cpu_ids: more CPUs than pcp slots */
	FAKE_MAX_PFN,		/* max_pfn: beyond guest RAM */
	FAKE_MEM_MAP_UNSET,	/* mem_map NULL, as before mem_init */
	FAKE_PERCPU_UNSET,	/* pcpu_info.magic 0, as before percpu init */
	FAKE_VMAP_EMPTY,	/* vmap_area_list empty, as before vmalloc_init */
	FAKE_MEMBLOCK_CNT,	/* memblock.reserved.cnt > max */
	FAKE_ZONE_NAME,		/* DMA's name: not UTF-8, with a terminal escape */
};

/*
 * vmap_area_list (and nr_vmap_areas) made @n areas, each two
 * pages (one mapped, one guard) from FAKE_VMALLOC_START on, in order; the
 * areas live in the arena. 0, or -1 if the arena is too small.
 */
#define FAKE_VMALLOC_START	0xffffc90000000000ULL
int fake_guest_vmap(struct fake_guest *g, unsigned long n);
/*
 * Area @i of those (its list order) caught mid-vmalloc(): on the list,
 * VM_UNINITIALIZED, no pages counted yet.
 */
void fake_guest_vmap_setting_up(struct fake_guest *g, unsigned long i);
/*
 * A 2-area list that loops (A -> B -> A, never back to the head) and passes
 * a sorted-order check that computes start + PAGE_SIZE: A starts at the
 * last page of the address space, so that sum wraps to 0.
 */
void fake_guest_vmap_wrap(struct fake_guest *g);

/*
 * Slot @slot of the workloads' table: @name running (or, @state other
 * than -1, that raw state value), @ops done, @held bytes held, started
 * two seconds of jiffies ago at 100 Hz. NULL @name: the table emptied.
 */
void fake_guest_workload(unsigned int slot, const char *name, int state,
			 long ops, long held);
/* A block of 2^@order pages allocated and freed again: its pfn (0: none). */
uint64_t fake_guest_alloc_free(unsigned int order);
/*
 * A cache "fake-poison" (96-byte objects, SLAB_POISON | SLAB_STORE_USER),
 * four objects allocated and the second freed; then, if @write, @byte
 * written at @offset of it. The freed object's address (0: none).
 */
uint64_t fake_guest_freed_object(uint32_t offset, uint8_t byte, bool write);
/* The workloads' jiffies, for the layout's root.jiffies. */
uint64_t fake_guest_jiffies_addr(void);

/*
 * The module list (the symbol 'modules', struct module of <linux/module.h>,
 * as the guest's loader keeps them): @n modules "mod0".."mod<n-1>", live,
 * out-of-tree (taint O), each with a core of 16 KiB from the module area's
 * base on; the structs live in the arena. 0, or -1 if it is too small.
 */
int fake_guest_modules(struct fake_guest *g, unsigned long n);
/* The address of module @i's struct, for the damages below (0: none). */
uint64_t fake_guest_module_addr(unsigned long i);

enum fake_module_damage {
	FAKE_MOD_LOOP,		/* the last module's next: the first, not the head */
	FAKE_MOD_NAME_NO_NUL,	/* module 0's name fills its array, no NUL */
	FAKE_MOD_BAD_POINTER,	/* module 0's next: an address mapped nowhere */
	FAKE_MOD_BAD_STATE,	/* module 0's state: 7 */
	FAKE_MOD_CORE_OUTSIDE,	/* module 0's core_base: the direct map */
	FAKE_MOD_COMING_PROPRIETARY,	/* module 0: coming, taints P and O */
	FAKE_MOD_PERMANENT,	/* module 0: init but no exit */
};

void fake_guest_module_damage(enum fake_module_damage d);

/*
 * For the checkers (test_vmm_checkers): through the real allocator, three
 * vmalloc areas (1, 2 and 3 pages), a vmap of 2 pages and an ioremap
 * window of 2 pages, their mappings copied into the fake's page tables;
 * per-CPU areas with a hole; a slab, a kmalloc (100 bytes), a page
 * (order 1) and a large kmalloc (128 KiB + 1: compound pages) mempool.
 * 0, or -1 if the arena is too small.
 */
int fake_guest_checkable(struct fake_guest *g);

enum fake_check_damage {
	FAKE_VMAP_OVERLAP,		/* the 2nd vmalloc area starts in the 1st */
	FAKE_VMAP_PAGE_ELSEWHERE,	/* its page 1 mapped to its page 0's frame */
	FAKE_VMAP_GUARD_MAPPED,		/* the 1st area's guard page mapped */
	FAKE_PCPU_FREE_BYTES,		/* the first chunk's free_bytes a granule more */
	FAKE_PCPU_NR_ALLOC,		/* its nr_alloc one less */
	FAKE_PCPU_CONTIG,		/* its contig_bytes 0 */
	FAKE_PCPU_FIRST_FREE,		/* its first_free past its hole */
	FAKE_MEMPOOL_SLAB_FREED,	/* the slab pool's element 0 freed behind it */
	FAKE_MEMPOOL_KMALLOC_FREED,	/* the kmalloc pool's element 1 kfree'd */
	FAKE_MEMPOOL_PAGE_FREED,	/* the page pool's element 0 freed */
	FAKE_MEMPOOL_LARGE_FREED,	/* the large kmalloc pool's element 0 kfree'd */
	FAKE_MEMPOOL_TWICE,		/* the slab pool's element 1 is its 0 */
	FAKE_MEMPOOL_ESC_NAME,		/* as SLAB_FREED, its cache named "fake\epool_obj" */
	FAKE_MEMPOOL_OVERFULL,		/* the kmalloc pool's curr_nr over min_nr */
};

/* The damaged structure's address, and the values the checker should give. */
struct fake_evidence {
	uint64_t addr, expected, found;
};

void fake_guest_check_damage(enum fake_check_damage d, struct fake_evidence *ev);

/*
 * For the checker: a free block of ZONE_NORMAL unlinked from its list,
 * counters untouched (its struct page, 0 if none); the direct map's base
 * (hosted_phys_base).
 */
uint64_t fake_guest_leak_block(void);
uint64_t fake_guest_direct_map(void);

/* Damages the fake guest; returns the zone/order touched (for messages). */
int fake_guest_damage(struct fake_guest *g, enum fake_damage d);

#endif
