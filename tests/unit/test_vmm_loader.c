// SPDX-License-Identifier: MIT
/*
 * The ELF loader on good and broken images built here in memory, the boot
 * reservation, the boot parameters, and the initial page tables (walked the
 * way the CPU walks them). The fixture kernels linked low (hello_at_*.elf,
 * from $MEMVISOR_BUILD_TOP/tests/unit/fixtures, default ".") check that the
 * boot reservation stays clear of the pages boot_write() fills after it.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/bootparams.h>
#include <memvisor/layout.h>

#include "../../vmm/memory/boot.h"
#include "../../vmm/memory/loader.h"
#include "../../vmm/memory/pgtable.h"

#define KVIRT	MV_KERNEL_VIRT_BASE
#define MIB(x)	((uint64_t)(x) << 20)
#define GIB(x)	((uint64_t)(x) << 30)

struct seg_spec {
	uint32_t type;
	uint64_t offset, paddr, vaddr, filesz, memsz;
};

static unsigned char img[0x8000];
static size_t img_len;
static struct memmap mm;
static struct errbuf e;

/* An image with the segments @s and the entry @entry. */
static Elf64_Ehdr *make_elf(const struct seg_spec *s, unsigned int n,
			    uint64_t entry)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	unsigned int i;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = n;
	img_len = 0x1000;
	for (i = 0; i < n; i++) {
		ph[i].p_type = s[i].type;
		ph[i].p_offset = s[i].offset;
		ph[i].p_paddr = s[i].paddr;
		ph[i].p_vaddr = s[i].vaddr ? s[i].vaddr : KVIRT + s[i].paddr;
		ph[i].p_filesz = s[i].filesz;
		ph[i].p_memsz = s[i].memsz;
		ph[i].p_flags = PF_R | PF_X;
		ph[i].p_align = 0x1000;
		if (s[i].offset <= sizeof(img) &&
		    s[i].filesz <= sizeof(img) - s[i].offset) {
			memset(img + s[i].offset, 0xc0 + i, s[i].filesz);
			if (s[i].offset + s[i].filesz > img_len)
				img_len = s[i].offset + s[i].filesz;
		}
	}
	return eh;
}

/* text [1M, 1M+8K) and data [1M+8K, 1M+20K) with 8K of bss */
static const struct seg_spec good[] = {
	{ PT_LOAD, 0x1000, 0x100000, 0, 0x2000, 0x2000 },
	{ PT_NOTE, 0x0, 0x0, 0, 0x0, 0x0 },
	{ PT_LOAD, 0x3000, 0x102000, 0, 0x1000, 0x3000 },
};

static void setup(void)
{
	struct vmm_reserve r[] = { { MIB(32), MIB(1), "1M@32M" } };

	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 1, &e), 0, "%s", e.msg);
}

TestSuite(loader, .init = setup);

static void expect_bad(const char *msg)
{
	struct kernel_image k;

	cr_assert_eq(elf_check(img, img_len, "k.elf", &mm, &k, &e), -1,
		     "accepted, want: %s", msg);
	cr_assert_str_eq(e.msg, msg);
}

static void expect_seg_bad(struct seg_spec s, const char *msg)
{
	struct seg_spec segs[] = { good[0], s };

	make_elf(segs, 2, KVIRT + 0x100000);
	expect_bad(msg);
}

Test(loader, good_image)
{
	struct kernel_image k;

	make_elf(good, 3, KVIRT + 0x100010);
	cr_assert_eq(elf_check(img, img_len, "k.elf", &mm, &k, &e), 0, "%s", e.msg);
	cr_assert_eq(k.entry, KVIRT + 0x100010);
	cr_assert_eq(k.start, 0x100000);
	cr_assert_eq(k.end, 0x105000);
	cr_assert_eq(k.nr_load, 2);
}

Test(loader, loads_and_zero_fills_bss)
{
	struct kernel_image k;
	struct gmem gm;
	unsigned char *p;

	gmem_init(&gm);
	cr_assert_eq(gmem_map_ram(&gm, &mm, &e), 0, "%s", e.msg);
	p = gmem_ptr(&gm, 0x100000, 0x6000);
	memset(p, 0xff, 0x6000);	/* stale bytes the bss must not keep */
	make_elf(good, 3, KVIRT + 0x100000);
	cr_assert_eq(elf_check(img, img_len, "k.elf", &mm, &k, &e), 0, "%s", e.msg);
	cr_assert_eq(elf_load(img, img_len, "k.elf", &gm, &e), 0, "%s", e.msg);
	cr_assert_eq(p[0], 0xc0);
	cr_assert_eq(p[0x1fff], 0xc0);
	cr_assert_eq(p[0x2000], 0xc2);
	cr_assert_eq(p[0x2fff], 0xc2);
	cr_assert_eq(p[0x3000], 0, "bss not zeroed");
	cr_assert_eq(p[0x4fff], 0, "bss not zeroed");
	cr_assert_eq(p[0x5000], 0xff, "wrote past the segment");
	gmem_release(&gm);
}

Test(loader, header_problems)
{
	Elf64_Ehdr *eh;

	make_elf(good, 3, KVIRT + 0x100000);
	img_len = 40;
	expect_bad("vmm: k.elf: too small for an ELF header (40 bytes)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_ident[1] = 'X';
	expect_bad("vmm: k.elf: not an ELF file (bad magic)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	expect_bad("vmm: k.elf: not a 64-bit ELF (class 1)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_bad("vmm: k.elf: not a little-endian ELF");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_machine = EM_AARCH64;
	expect_bad("vmm: k.elf: not an x86-64 ELF (e_machine 183)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_type = ET_DYN;
	expect_bad("vmm: k.elf: not an executable (e_type 3, want ET_EXEC)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_phentsize = 32;
	expect_bad("vmm: k.elf: unexpected ELF header sizes (e_ehsize 64, e_phentsize 32)");

	eh = make_elf(good, 3, KVIRT + 0x100000);
	eh->e_phnum = 0;
	expect_bad("vmm: k.elf: no program headers");
}

Test(loader, truncated_program_headers)
{
	Elf64_Ehdr *eh = make_elf(good, 3, KVIRT + 0x100000);

	eh->e_phoff = img_len - 100;	/* 3 * 56 bytes do not fit */
	expect_bad("vmm: k.elf: program header table at 0x3f9c (3 entries) is beyond the end of the file (16384 bytes)");
	eh->e_phoff = UINT64_MAX - 8;	/* and no wrap-around */
	expect_bad("vmm: k.elf: program header table at 0xfffffffffffffff7 (3 entries) is beyond the end of the file (16384 bytes)");
}

Test(loader, segment_beyond_file)
{
	struct seg_spec s = { PT_LOAD, 0x3000, 0x102000, 0, 0x1000, 0x1000 };
	struct seg_spec segs[] = { good[0], s };

	make_elf(segs, 2, KVIRT + 0x100000);
	img_len = 0x3800;
	expect_bad("vmm: k.elf: segment 1: file range [0x3000+0x1000) is beyond the end of the file (14336 bytes)");

	segs[1].offset = UINT64_MAX - 0x10;
	make_elf(segs, 2, KVIRT + 0x100000);
	expect_bad("vmm: k.elf: segment 1: file range [0xffffffffffffffef+0x1000) is beyond the end of the file (12288 bytes)");
}

Test(loader, filesz_above_memsz)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x102000, 0, 0x1000, 0x800 },
		       "vmm: k.elf: segment 1: p_filesz 0x1000 is larger than p_memsz 0x800");
}

Test(loader, overlapping_segments)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x101000, 0, 0x1000, 0x1000 },
		       "vmm: k.elf: segment 1 [0x101000-0x102000) overlaps segment 0 [0x100000-0x102000)");
	/* bss reaching into the next segment counts too */
	{
		struct seg_spec segs[] = {
			{ PT_LOAD, 0x1000, 0x100000, 0, 0x1000, 0x3000 },
			{ PT_LOAD, 0x3000, 0x102000, 0, 0x1000, 0x1000 },
		};

		make_elf(segs, 2, KVIRT + 0x100000);
		expect_bad("vmm: k.elf: segment 1 [0x102000-0x103000) overlaps segment 0 [0x100000-0x103000)");
	}
}

Test(loader, segment_outside_ram)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, MIB(512), 0, 0x1000, 0x1000 },
		       "vmm: k.elf: segment 1 [0x20000000-0x20001000) is not in usable RAM (RAM ends at 0x10000000; the PCI hole is [0xc0000000-0x100000000))");
	/* straddling the end of RAM */
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, MIB(256) - 0x1000, 0, 0x1000, 0x2000 },
		       "vmm: k.elf: segment 1 [0xffff000-0x10001000) is not in usable RAM (RAM ends at 0x10000000; the PCI hole is [0xc0000000-0x100000000))");
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, GIB(1) - 0x1000, 0, 0x1000, 0x2000 },
		       "vmm: k.elf: segment 1 [0x3ffff000-0x40001000) is beyond the 1 GiB kernel map");
}

Test(loader, segment_in_the_pc_hole)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0xa0000, 0, 0x1000, 0x1000 },
		       "vmm: k.elf: segment 1 [0xa0000-0xa1000) overlaps the PC hole (EBDA, VGA, BIOS) [0x9f000-0x100000)");
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x0, 0, 0x1000, 0x1000 },
		       "vmm: k.elf: segment 1 [0x0-0x1000) overlaps page 0 (reserved) [0x0-0x1000)");
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x6000, 0, 0x1000, 0x2000 },
		       "vmm: k.elf: segment 1 [0x6000-0x8000) overlaps the boot parameters page [0x7000-0x8000)");
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x20800, 0, 0x10, 0x10 },
		       "vmm: k.elf: segment 1 [0x20800-0x20810) overlaps the command line [0x20000-0x21000)");
}

Test(loader, segment_over_a_reserve)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, MIB(32) - 0x1000, 0, 0x1000, 0x2000 },
		       "vmm: k.elf: segment 1 [0x1fff000-0x2001000) overlaps --reserve 1M@32M [0x2000000-0x2100000)");
}

Test(loader, addresses_that_wrap_or_mismatch)
{
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, UINT64_MAX - 0xfff, 1, 0x10, 0x2000 },
		       "vmm: k.elf: segment 1: address range wraps around");
	expect_seg_bad((struct seg_spec){ PT_LOAD, 0x3000, 0x102000, 0x402000, 0x10, 0x10 },
		       "vmm: k.elf: segment 1: p_vaddr 0x402000 is not MV_KERNEL_VIRT_BASE + p_paddr (0xffffffff80102000)");
}

Test(loader, entry_and_empty_images)
{
	struct seg_spec note[] = { { PT_NOTE, 0x1000, 0, 0, 0x10, 0x10 } };

	make_elf(good, 3, KVIRT + 0x105000);
	expect_bad("vmm: k.elf: entry point 0xffffffff80105000 is not inside a loaded segment");
	make_elf(good, 3, 0x100000);
	expect_bad("vmm: k.elf: entry point 0x100000 is not inside a loaded segment");
	make_elf(note, 1, KVIRT + 0x100000);
	expect_bad("vmm: k.elf: no loadable segment");
}

/* --- boot reservation, boot params, page tables ------------------------- */

static struct gmem gm;
static struct kernel_image kimg;
static struct boot_info bi;

static void boot(uint64_t mem, uint64_t lowmem, unsigned int cpus,
		 const char *cmdline)
{
	cr_assert_eq(memmap_build(&mm, mem, lowmem, NULL, 0, &e), 0, "%s", e.msg);
	gmem_init(&gm);
	cr_assert_eq(gmem_map_ram(&gm, &mm, &e), 0, "%s", e.msg);
	make_elf(good, 3, KVIRT + 0x100000);
	cr_assert_eq(elf_check(img, img_len, "k.elf", &mm, &kimg, &e), 0, "%s", e.msg);
	cr_assert_eq(elf_load(img, img_len, "k.elf", &gm, &e), 0, "%s", e.msg);
	cr_assert_eq(boot_place(&mm, &kimg, cpus, &bi, &e), 0, "%s", e.msg);
	cr_assert_eq(boot_write(&gm, &mm, &kimg, &bi, cmdline, 2500000, &e), 0,
		     "%s", e.msg);
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	cr_assert_eq(gmem_read(&gm, gpa, &v, sizeof(v)), 0,
		     "table entry at 0x%lx is not in RAM", (unsigned long)gpa);
	return v;
}

/* The CPU's 4-level walk; returns 0 and the physical address, or -1. */
static int walk(uint64_t cr3, uint64_t va, uint64_t *pa)
{
	uint64_t e4, e3, e2, e1;

	e4 = rd64((cr3 & PTE_ADDR_MASK) + ((va >> 39) & 511) * 8);
	if (!(e4 & PTE_P))
		return -1;
	e3 = rd64((e4 & PTE_ADDR_MASK) + ((va >> 30) & 511) * 8);
	if (!(e3 & PTE_P))
		return -1;
	if (e3 & PTE_PS) {
		*pa = (e3 & PTE_ADDR_MASK & ~(GIB(1) - 1)) + (va & (GIB(1) - 1));
		return 0;
	}
	e2 = rd64((e3 & PTE_ADDR_MASK) + ((va >> 21) & 511) * 8);
	if (!(e2 & PTE_P))
		return -1;
	if (e2 & PTE_PS) {
		cr_assert(e2 & PTE_RW);
		*pa = (e2 & PTE_ADDR_MASK & ~(MIB(2) - 1)) + (va & (MIB(2) - 1));
		return 0;
	}
	e1 = rd64((e2 & PTE_ADDR_MASK) + ((va >> 12) & 511) * 8);
	if (!(e1 & PTE_P))
		return -1;
	*pa = (e1 & PTE_ADDR_MASK) + (va & 4095);
	return 0;
}

static void expect_map(uint64_t va, uint64_t want)
{
	uint64_t pa = 0;

	cr_assert_eq(walk(bi.pml4, va, &pa), 0, "0x%lx is not mapped",
		     (unsigned long)va);
	cr_assert_eq(pa, want, "0x%lx maps to 0x%lx, not 0x%lx",
		     (unsigned long)va, (unsigned long)pa, (unsigned long)want);
}

static void expect_unmapped(uint64_t va)
{
	uint64_t pa;

	cr_assert_eq(walk(bi.pml4, va, &pa), -1, "0x%lx is mapped (to 0x%lx)",
		     (unsigned long)va, (unsigned long)pa);
}

Test(boot, placement_after_the_kernel)
{
	boot(MIB(256), 0, 4, "");
	cr_assert_eq(bi.start, 0x105000);
	cr_assert_eq(bi.gdt, bi.start);
	cr_assert_eq(bi.pml4, bi.start + 0x1000);
	cr_assert_eq(bi.end - bi.start, boot_region_size(&mm, 4));
	/* stacks fill the end of the region, one per vCPU, tops 16-aligned */
	cr_assert_eq(bi.stacks + 4 * MV_BOOT_STACK_SIZE, bi.end);
	cr_assert_eq(boot_stack_top(&bi, 0), KVIRT + bi.stacks + MV_BOOT_STACK_SIZE);
	cr_assert_eq(boot_stack_top(&bi, 3), KVIRT + bi.end);
	cr_assert_eq(boot_stack_top(&bi, 1) % 16, 0);
	cr_assert_eq(boot_gdt_virt(&bi), KVIRT + bi.gdt);
	gmem_release(&gm);
}

Test(boot, placement_skips_a_reserve)
{
	struct vmm_reserve r[] = { { 0x105000, 0x10000, "64K@0x105000" } };
	struct kernel_image k = { .entry = KVIRT + 0x100000, .start = 0x100000,
				  .end = 0x104800 };

	cr_assert_eq(memmap_build(&mm, MIB(256), 0, r, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(boot_place(&mm, &k, 2, &bi, &e), 0, "%s", e.msg);
	cr_assert_eq(bi.start, 0x115000);
	cr_assert_eq(memmap_e820_type(&mm, bi.start, bi.end), E820_TYPE_RAM);
}

/* [start, end) overlaps no fixed range, nor [kstart, kend) */
static void expect_clear(uint64_t start, uint64_t end, uint64_t kstart,
			 uint64_t kend, const char *what)
{
	const struct fixed_range *f = fixed_range_overlap(start, end);

	cr_assert_null(f, "%s: boot reservation [0x%lx-0x%lx) overlaps %s [0x%lx-0x%lx)",
		       what, (unsigned long)start, (unsigned long)end,
		       f ? f->what : "", f ? (unsigned long)f->start : 0UL,
		       f ? (unsigned long)f->end : 0UL);
	cr_assert(end <= kstart || kend <= start,
		  "%s: boot reservation [0x%lx-0x%lx) overlaps the kernel [0x%lx-0x%lx)",
		  what, (unsigned long)start, (unsigned long)end,
		  (unsigned long)kstart, (unsigned long)kend);
}

/* The fixed pages are the loader's too: a kernel over one is refused. */
Test(boot, fixed_ranges_include_the_pages_vmm_writes)
{
	cr_assert_not_null(fixed_range_overlap(MV_BOOT_PARAMS_GPA,
					       MV_BOOT_PARAMS_GPA + 1));
	cr_assert_not_null(fixed_range_overlap(MV_CMDLINE_GPA + MV_CMDLINE_MAX - 1,
					       MV_CMDLINE_GPA + MV_CMDLINE_MAX));
	cr_assert_not_null(fixed_range_overlap(0, 1));
	cr_assert_null(fixed_range_overlap(MV_BOOT_PARAMS_GPA + MV_PAGE_SIZE,
					   MV_CMDLINE_GPA));
}

/* A kernel ending anywhere low: the reservation skips every fixed page. */
Test(boot, placement_skips_the_fixed_pages)
{
	static const unsigned int cpus[] = { 1, 4, 64 };
	struct kernel_image k = { .start = 0x1000 };
	char what[64];
	unsigned int i;

	cr_assert_eq(memmap_build(&mm, MIB(64), 0, NULL, 0, &e), 0, "%s", e.msg);
	for (k.end = 0x1800; k.end <= 0x30000; k.end += 0x800) {
		for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
			snprintf(what, sizeof(what), "kernel end 0x%lx, %u CPUs",
				 (unsigned long)k.end, cpus[i]);
			cr_assert_eq(boot_place(&mm, &k, cpus[i], &bi, &e), 0,
				     "%s: %s", what, e.msg);
			expect_clear(bi.start, bi.end, k.start, k.end, what);
			cr_assert_eq(memmap_e820_type(&mm, bi.start, bi.end),
				     E820_TYPE_RAM, "%s", what);
		}
	}
}

/* Reads fixture @name (tests/unit/fixtures/NAME.elf) into img. */
static void read_fixture(const char *name)
{
	const char *top = getenv("MEMVISOR_BUILD_TOP");
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/%s.elf",
		 top && *top ? top : ".", name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s (make check builds it)", path,
			   strerror(errno));
	img_len = fread(img, 1, sizeof(img), f);
	cr_assert(feof(f), "%s: larger than %zu bytes", path, sizeof(img));
	fclose(f);
}

/*
 * hello linked at 0x1000 (ends below the boot parameters page) and at
 * 0x10000 with bss up to 0x1c000 (below the command line): found by
 * fuzzing, their reservation used to cover those pages, boot_write() then
 * wrote over the page tables and the guest triple-faulted. Loaded and
 * booted here, the page tables must still map the kernel and the pages.
 */
static void check_low_fixture(const char *name, uint64_t kstart, uint64_t kend,
			      unsigned int cpus)
{
	uint64_t magic;
	char cmd[8];

	cr_assert_eq(memmap_build(&mm, MIB(64), 0, NULL, 0, &e), 0, "%s", e.msg);
	gmem_init(&gm);
	cr_assert_eq(gmem_map_ram(&gm, &mm, &e), 0, "%s", e.msg);
	read_fixture(name);
	cr_assert_eq(elf_check(img, img_len, name, &mm, &kimg, &e), 0, "%s", e.msg);
	cr_assert_eq(kimg.start, kstart);
	cr_assert_eq(kimg.end, kend);
	cr_assert_eq(elf_load(img, img_len, name, &gm, &e), 0, "%s", e.msg);
	cr_assert_eq(boot_place(&mm, &kimg, cpus, &bi, &e), 0, "%s", e.msg);
	expect_clear(bi.start, bi.end, kimg.start, kimg.end, name);
	cr_assert_eq(boot_write(&gm, &mm, &kimg, &bi, "hi", 0, &e), 0, "%s",
		     e.msg);
	expect_map(kimg.entry, kimg.entry - KVIRT);
	expect_map(KVIRT + MV_BOOT_PARAMS_GPA, MV_BOOT_PARAMS_GPA);
	expect_map(MV_DIRECT_MAP_BASE + MV_CMDLINE_GPA, MV_CMDLINE_GPA);
	expect_map(boot_stack_top(&bi, cpus - 1) - 8,
		   bi.stacks + cpus * MV_BOOT_STACK_SIZE - 8);
	cr_assert_eq(gmem_read(&gm, MV_BOOT_PARAMS_GPA, &magic, sizeof(magic)), 0);
	cr_assert_eq(magic, MV_BOOT_MAGIC);
	cr_assert_eq(gmem_read_str(&gm, MV_CMDLINE_GPA, cmd, sizeof(cmd)), 2);
	gmem_release(&gm);
}

Test(boot, kernel_at_0x1000_below_the_boot_params)
{
	check_low_fixture("hello_at_1000", 0x1000, 0x2054, 1);
	check_low_fixture("hello_at_1000", 0x1000, 0x2054, 4);
}

Test(boot, kernel_at_0x10000_below_the_cmdline)
{
	check_low_fixture("hello_at_10000", 0x10000, 0x1c000, 1);
	check_low_fixture("hello_at_10000", 0x10000, 0x1c000, 4);
}

Test(boot, no_room_is_an_error)
{
	struct vmm_reserve r[] = { { 0x105000, MIB(60), "60M@0x105000" } };
	struct kernel_image k = { .start = 0x100000, .end = 0x105000 };

	/* 64M: lowmem 32M, and the reserve covers everything below it */
	cr_assert_eq(memmap_build(&mm, MIB(64), 0, r, 1, &e), 0, "%s", e.msg);
	cr_assert_eq(boot_place(&mm, &k, 1, &bi, &e), -1);
	cr_assert(strstr(e.msg, "vmm: no room for the boot page tables and stacks"),
		  "%s", e.msg);
}

Test(boot, params_and_cmdline)
{
	struct mv_boot_params bp;
	char cmd[64];
	uint64_t gdt[3];

	boot(MIB(256), 0, 2, "ktest=slab.* loglevel=7");
	cr_assert_eq(gmem_read(&gm, MV_BOOT_PARAMS_GPA, &bp, sizeof(bp)), 0);
	cr_assert_eq(bp.magic, MV_BOOT_MAGIC);
	cr_assert_eq(bp.version, MV_BOOT_VERSION);
	cr_assert_eq(bp.size, sizeof(bp));
	cr_assert_eq(bp.nr_cpus, 2);
	cr_assert_eq(bp.mem_size, MIB(256));
	cr_assert_eq(bp.ram_end, MIB(256));
	cr_assert_eq(bp.dma_limit, MIB(16));
	cr_assert_eq(bp.lowmem_limit, MIB(128));
	cr_assert_eq(bp.kernel_start, 0x100000);
	cr_assert_eq(bp.kernel_end, 0x105000);
	cr_assert_eq(bp.boot_alloc_start, bi.start);
	cr_assert_eq(bp.boot_alloc_end, bi.end);
	cr_assert_eq(bp.pml4, bi.pml4);
	cr_assert_eq(bp.direct_map_base, MV_DIRECT_MAP_BASE);
	cr_assert_eq(bp.direct_map_end_phys, MIB(128));
	cr_assert_eq(bp.kernel_virt_base, KVIRT);
	cr_assert_eq(bp.cmdline, MV_CMDLINE_GPA);
	cr_assert_eq(bp.cmdline_len, strlen("ktest=slab.* loglevel=7"));
	cr_assert_eq(bp.tsc_khz, 2500000);
	cr_assert_eq(bp.e820_entries, mm.nr_e820);
	cr_assert_eq(memcmp(bp.e820, mm.e820, mm.nr_e820 * sizeof(mm.e820[0])), 0);
	cr_assert_eq(bp.e820[mm.nr_e820].size, 0, "stale entries after the map");

	cr_assert_eq(gmem_read_str(&gm, MV_CMDLINE_GPA, cmd, sizeof(cmd)),
		     (int)strlen("ktest=slab.* loglevel=7"));
	cr_assert_str_eq(cmd, "ktest=slab.* loglevel=7");

	cr_assert_eq(gmem_read(&gm, bi.gdt, gdt, sizeof(gdt)), 0);
	cr_assert_eq(gdt[0], 0);
	cr_assert_eq(gdt[BOOT_CS / 8] & (1ULL << 53), 1ULL << 53, "CS is not 64-bit");
	cr_assert_eq((gdt[BOOT_CS / 8] >> 40) & 0x9a, 0x9a, "CS is not present code");
	cr_assert_eq((gdt[BOOT_DS / 8] >> 40) & 0x92, 0x92, "DS is not present data");
	gmem_release(&gm);
}

Test(boot, cmdline_too_long)
{
	static char big[MV_CMDLINE_MAX + 1];

	memset(big, 'a', MV_CMDLINE_MAX);
	cr_assert_eq(memmap_build(&mm, MIB(256), 0, NULL, 0, &e), 0);
	gmem_init(&gm);
	cr_assert_eq(gmem_map_ram(&gm, &mm, &e), 0);
	make_elf(good, 3, KVIRT + 0x100000);
	cr_assert_eq(elf_check(img, img_len, "k.elf", &mm, &kimg, &e), 0);
	cr_assert_eq(boot_place(&mm, &kimg, 1, &bi, &e), 0);
	cr_assert_eq(boot_write(&gm, &mm, &kimg, &bi, big, 0, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --cmdline: the guest command line is 4096 bytes, more than the maximum of 4095");
	gmem_release(&gm);
}

Test(pgtable, kernel_map_and_direct_map_256m)
{
	uint64_t x;

	boot(MIB(256), 0, 1, "");
	cr_assert_eq(pgtable_pages(&mm), 5);
	for (x = 0; x < MIB(128); x += MIB(2) - 0x1000 + 8)
		expect_map(MV_DIRECT_MAP_BASE + x, x);
	expect_map(MV_DIRECT_MAP_BASE + MIB(128) - 1, MIB(128) - 1);
	expect_unmapped(MV_DIRECT_MAP_BASE + MIB(128));	/* HIGHMEM */
	expect_unmapped(MV_DIRECT_MAP_BASE + MIB(200));
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(1));
	for (x = 0; x < GIB(1); x += MIB(7) + 0x123)
		expect_map(KVIRT + x, x);
	expect_map(KVIRT + GIB(1) - 1, GIB(1) - 1);
	expect_unmapped(KVIRT + GIB(1));
	expect_unmapped(KVIRT - 0x1000);
	expect_unmapped(0);			/* no identity map */
	expect_unmapped(0x100000);
	expect_unmapped(MV_VMALLOC_BASE);
	/* the entry point and the stacks are reachable */
	expect_map(bi.entry, 0x100000);
	expect_map(boot_stack_top(&bi, 0) - 8, bi.stacks + MV_BOOT_STACK_SIZE - 8);
	gmem_release(&gm);
}

Test(pgtable, lowmem_16m_and_equal_to_ram)
{
	boot(MIB(256), MIB(16), 1, "");
	expect_map(MV_DIRECT_MAP_BASE + MIB(16) - 8, MIB(16) - 8);
	expect_unmapped(MV_DIRECT_MAP_BASE + MIB(16));
	gmem_release(&gm);

	boot(MIB(256), MIB(256), 1, "");
	expect_map(MV_DIRECT_MAP_BASE + MIB(255), MIB(255));
	expect_unmapped(MV_DIRECT_MAP_BASE + MIB(256));
	gmem_release(&gm);
}

Test(pgtable, direct_map_skips_the_pci_hole)
{
	boot(GIB(5), GIB(6), 1, "");
	cr_assert_eq(pgtable_pages(&mm), 3 + 1 + 5);	/* GiBs 0-2, 4, 5 */
	expect_map(MV_DIRECT_MAP_BASE + GIB(3) - 8, GIB(3) - 8);
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(3));
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(4) - 8);
	expect_map(MV_DIRECT_MAP_BASE + GIB(4), GIB(4));
	expect_map(MV_DIRECT_MAP_BASE + GIB(6) - 8, GIB(6) - 8);
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(6));
	gmem_release(&gm);

	/* lowmem inside the hole: RAM below it is mapped, the hole is not */
	boot(GIB(5), GIB(3) + MIB(512), 1, "");
	expect_map(MV_DIRECT_MAP_BASE + GIB(3) - 8, GIB(3) - 8);
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(3));
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(4));
	gmem_release(&gm);
}

Test(pgtable, direct_map_1t)
{
	boot(GIB(1024), GIB(1025), 64, "");
	/* 1024 PDs, 3 direct-map PDPTs (512 GiB each), PML4, kernel PDPT+PD */
	cr_assert_eq(pgtable_pages(&mm), 1024 + 3 + 3);
	expect_map(MV_DIRECT_MAP_BASE + GIB(1), GIB(1));
	expect_map(MV_DIRECT_MAP_BASE + GIB(512) + 0x42, GIB(512) + 0x42);
	expect_map(MV_DIRECT_MAP_BASE + GIB(1025) - 8, GIB(1025) - 8);
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(1025));
	expect_unmapped(MV_DIRECT_MAP_BASE + GIB(3) + 0x1000);
	cr_assert_lt(bi.end, GIB(1));
	gmem_release(&gm);
}
