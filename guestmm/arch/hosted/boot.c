// SPDX-License-Identifier: MIT
/*
 * Hosted boot: "physical memory" is an anonymous mmap (MAP_NORESERVE, so a
 * large arena costs only what is touched), physical address 0 its first
 * byte, and the boot params are what the VMM would hand over for a guest of
 * that size: the same e820 map (page 0 and the EBDA/BIOS hole reserved),
 * a kernel image at 1 MiB, the boot page tables and stacks after it, the
 * boot params page at MV_BOOT_PARAMS_GPA and the command line at
 * MV_CMDLINE_GPA. Then mm_init() runs as in the guest.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/bootmem_selftest.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <memvisor/layout.h>
#include <asm/hosted.h>
#include <asm/pgtable.h>

#include <stdlib.h>
#include <sys/mman.h>

#include "hosted_internal.h"

unsigned long hosted_phys_base;
static unsigned long arena_size;
struct mv_boot_params hosted_boot_params;

void hosted_default_config(struct hosted_boot_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = MV_MIB(64);
	cfg->kernel_size = MV_MIB(2);
}

/*
 * The VMM's default (vmm/memory/memmap.c): half of RAM, 2 MiB aligned,
 * <= 896 MiB.
 */
static unsigned long default_lowmem(unsigned long mem)
{
	unsigned long l = min(mem / 2, (unsigned long)MV_MIB(896));

	l &= ~(MV_MIB(2) - 1);
	return max(l, (unsigned long)MV_ZONE_DMA_LIMIT);
}

static void arena_map(unsigned long size)
{
	void *p;

	if (hosted_phys_base)
		munmap((void *)hosted_phys_base, arena_size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		panic("hosted: cannot map a %lu MiB arena", size >> 20);
	hosted_phys_base = (unsigned long)p;
	arena_size = size;
}

static void e820_add(struct mv_boot_params *bp, u64 addr, u64 size, u32 type)
{
	struct e820_entry *e;

	if (bp->e820_entries >= E820_MAX_ENTRIES)
		panic("hosted: e820 map full");
	e = &bp->e820[bp->e820_entries++];
	e->addr = addr;
	e->size = size;
	e->type = type;
	e->pad = 0;
}

/* RAM around the extra reserved ranges (sorted here; disjoint). */
static void e820_add_ram(struct mv_boot_params *bp,
			 const struct hosted_boot_config *cfg, u64 start, u64 end)
{
	unsigned int n = min(cfg->nr_reserves, (unsigned int)HOSTED_MAX_RESERVES);
	unsigned int order[HOSTED_MAX_RESERVES];

	for (unsigned int i = 0; i < n; i++) {
		unsigned int j = i;

		while (j && cfg->reserve[order[j - 1]].addr > cfg->reserve[i].addr) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (unsigned int k = 0; k < n; k++) {
		unsigned int i = order[k];
		u64 rs = cfg->reserve[i].addr, re = rs + cfg->reserve[i].size;

		if (re <= start || rs >= end)
			continue;
		if (rs > start)
			e820_add(bp, start, rs - start, E820_TYPE_RAM);
		e820_add(bp, max(rs, start), min(re, end) - max(rs, start),
			 E820_TYPE_RESERVED);
		start = min(re, end);
	}
	if (start < end)
		e820_add(bp, start, end - start, E820_TYPE_RAM);
}

void hosted_make_boot_params(const struct hosted_boot_config *cfg,
			     struct mv_boot_params *bp)
{
	unsigned long mem = cfg->mem_size;
	unsigned long boot_alloc;

	if (mem < MV_MIB(8) || mem > MV_PCI_HOLE_START)
		panic("hosted: %lu MiB of RAM: 8 MiB to 3 GiB supported", mem >> 20);
	arena_map(mem);
	memset(bp, 0, sizeof(*bp));
	bp->magic = MV_BOOT_MAGIC;
	bp->version = MV_BOOT_VERSION;
	bp->size = sizeof(*bp);
	bp->nr_cpus = 1;
	e820_add(bp, 0, MV_LOW_RESERVED_END, E820_TYPE_RESERVED);
	e820_add_ram(bp, cfg, MV_LOW_RESERVED_END, MV_EBDA_START);
	e820_add(bp, MV_EBDA_START, MV_HOLE_END - MV_EBDA_START, E820_TYPE_RESERVED);
	e820_add_ram(bp, cfg, MV_HOLE_END, mem);
	bp->mem_size = mem - MV_HOLE_END + MV_EBDA_START - MV_LOW_RESERVED_END;
	bp->ram_end = mem;
	bp->dma_limit = MV_ZONE_DMA_LIMIT;
	bp->lowmem_limit = cfg->lowmem ? cfg->lowmem : default_lowmem(mem);
	bp->kernel_start = MV_KERNEL_LOAD_GPA;
	bp->kernel_end = MV_KERNEL_LOAD_GPA + cfg->kernel_size;
	/* GDT, page tables (1 GiB of 2 MiB pages per table page, roughly), stacks */
	boot_alloc = PAGE_SIZE * (2 + 4 + DIV_ROUND_UP(mem, MV_GIB(1))) +
		     MV_BOOT_STACK_SIZE;
	bp->boot_alloc_start = ALIGN(bp->kernel_end, PAGE_SIZE);
	bp->boot_alloc_end = bp->boot_alloc_start + boot_alloc;
	bp->direct_map_base = hosted_phys_base;
	bp->direct_map_end_phys = bp->lowmem_limit;
	bp->kernel_virt_base = hosted_phys_base;
	bp->cmdline = MV_CMDLINE_GPA;
	bp->cmdline_len = 0;
	/* Where the VMM would have written them, so they are worth reserving. */
	memcpy(__va(MV_BOOT_PARAMS_GPA), bp, sizeof(*bp));
	memset(__va(MV_CMDLINE_GPA), 0, MV_CMDLINE_MAX);
}

void hosted_boot(const struct hosted_boot_config *cfg)
{
	static struct task_struct *init_task;
	struct hosted_boot_config def;

	if (!cfg) {
		hosted_default_config(&def);
		cfg = &def;
	}
	hosted_console_reset();
	hosted_time_init();
	hosted_cpus_reset();
	if (!init_task)
		init_task = hosted_task_alloc("swapper/0");
	setup_per_cpu_areas(NR_CPUS);
	hosted_cpu_attach_task(init_task, 0);
	hosted_make_boot_params(cfg, &hosted_boot_params);
	hosted_pgtable_reset();
	bootmem_selftest.size = cfg->bootmem_test;
	bootmem_selftest.done = false;
	memblock_debug = cfg->memblock_debug;
	mm_init(&hosted_boot_params);
}
