// SPDX-License-Identifier: MIT
/*
 * x86-64 module support: the module area (MV_MODULES_BASE..END, within
 * 2 GiB of the kernel's text so -mcmodel=kernel code reaches the kernel
 * with 32-bit displacements) and the relocations of an ET_REL .ko, as
 * Linux's arch/x86/kernel/module.c.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/pgtable.h>
#include "../../kernel/module_internal.h"

/* One block of the module area: its pages, to free at unload. */
struct module_block {
	struct list_head list;		/* on module_blocks, by address */
	unsigned long start, size;
	struct page **pages;
};

static LIST_HEAD(module_blocks);
static DEFINE_SPINLOCK(module_blocks_lock);

/*
 * Where the next search starts: past the last block given out. Leaks are
 * told apart by their callers' addresses, so a module loaded at a range
 * an unloaded one used would be blamed for what that one left behind;
 * the area (almost 1 GiB) is used up before a range is given out again.
 */
static unsigned long module_next = MV_MODULES_BASE;

/*
 * First fit at or above from, between the blocks in use (module_blocks is
 * sorted); *before: the list node to insert b before. 0 when none fits.
 */
static unsigned long fit_from(unsigned long from, unsigned long size,
			      struct list_head **before)
{
	unsigned long start = from;
	struct module_block *pos;

	*before = &module_blocks;
	list_for_each_entry(pos, &module_blocks, list) {
		if (pos->start + pos->size <= start)
			continue;
		if (pos->start >= start && pos->start - start >= size) {
			*before = &pos->list;
			return start;
		}
		start = pos->start + pos->size;
	}
	return MV_MODULES_END - start >= size ? start : 0;
}

/* Next fit: from module_next, then from the area's start; 0 when full. */
static unsigned long reserve_range(struct module_block *b)
{
	struct list_head *before;
	unsigned long start;

	spin_lock(&module_blocks_lock);
	start = fit_from(module_next, b->size, &before);
	if (!start)
		start = fit_from(MV_MODULES_BASE, b->size, &before);
	if (start) {
		b->start = start;
		list_add_tail(&b->list, before);
		module_next = start + b->size;
	}
	spin_unlock(&module_blocks_lock);
	return start;
}

static struct module_block *find_block(unsigned long start)
{
	struct module_block *pos, *found = NULL;

	spin_lock(&module_blocks_lock);
	list_for_each_entry(pos, &module_blocks, list)
		if (pos->start == start)
			found = pos;
	spin_unlock(&module_blocks_lock);
	return found;
}

static void release_block(struct module_block *b, unsigned long nr_mapped,
			  unsigned long nr_pages)
{
	unsigned long i;

	for (i = 0; i < nr_mapped; i++)
		unmap_page(b->start + i * PAGE_SIZE);
	if (nr_mapped)
		flush_tlb_kernel_range(b->start, b->start + b->size);
	for (i = 0; i < nr_pages; i++)
		__free_pages(b->pages[i], 0);
	spin_lock(&module_blocks_lock);
	list_del(&b->list);
	spin_unlock(&module_blocks_lock);
	kfree(b->pages);
	kfree(b);
}

/* size bytes of zeroed, writable memory in the module area, or NULL. */
void *module_alloc(unsigned long size)
{
	struct module_block *b;
	unsigned long nr, i, mapped = 0;

	size = PAGE_ALIGN(size);
	if (!size || size > MV_MODULES_END - MV_MODULES_BASE)
		return NULL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return NULL;
	nr = size >> PAGE_SHIFT;
	b->size = size;
	b->pages = kcalloc(nr, sizeof(*b->pages), GFP_KERNEL);
	if (!b->pages || !reserve_range(b)) {
		kfree(b->pages);
		kfree(b);
		return NULL;
	}
	for (i = 0; i < nr; i++) {
		b->pages[i] = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
		if (!b->pages[i])
			goto fail;
	}
	for (; mapped < nr; mapped++)
		if (map_page(b->start + mapped * PAGE_SIZE,
			     page_to_phys(b->pages[mapped]),
			     __PAGE_KERNEL | _PAGE_NX))
			goto fail;
	return (void *)b->start;
fail:
	release_block(b, mapped, i);
	return NULL;
}

void module_memfree(void *addr, unsigned long size)
{
	struct module_block *b;

	if (!addr)
		return;
	b = find_block((unsigned long)addr);
	if (WARN_ON(!b || b->size != PAGE_ALIGN(size)))
		return;
	release_block(b, b->size >> PAGE_SHIFT, b->size >> PAGE_SHIFT);
}

static void set_range_flags(unsigned long start, unsigned long end,
			    pteval_t flags)
{
	enum pg_level level;
	unsigned long va;
	pteval_t *pte;

	for (va = start; va < end; va += PAGE_SIZE) {
		pte = lookup_address(va, &level);
		if (!WARN_ON(!pte))
			set_pte_slot(pte, *pte & PTE_PFN_MASK, flags);
	}
}

/* Text read-only and executable, the rest writable and not executable. */
void module_set_protections(void *addr, unsigned long text,
			    unsigned long size)
{
	unsigned long start = (unsigned long)addr;

	set_range_flags(start, start + PAGE_ALIGN(text), __PAGE_KERNEL_RO);
	set_range_flags(start + PAGE_ALIGN(text), start + PAGE_ALIGN(size),
			__PAGE_KERNEL | _PAGE_NX);
	flush_tlb_kernel_range(start, start + PAGE_ALIGN(size));
}

/* Writes a relocated value of width bytes; false if it does not fit. */
static bool write_reloc(void *loc, u64 val, unsigned int width, bool is_signed)
{
	if (width == 4) {
		if (is_signed ? (s64)val != (s32)val : val != (u32)val)
			return false;
		*(u32 *)loc = (u32)val;
	} else {
		*(u64 *)loc = val;
	}
	return true;
}

static int relocate_one(const Elf64_Rela *rel, const Elf64_Sym *sym,
			void *loc, struct module *me, struct module_err *e)
{
	u64 val = sym->st_value + rel->r_addend;
	unsigned int type = ELF64_R_TYPE(rel->r_info);
	bool ok;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		ok = write_reloc(loc, val, 8, false);
		break;
	case R_X86_64_32:
		ok = write_reloc(loc, val, 4, false);
		break;
	case R_X86_64_32S:
		ok = write_reloc(loc, val, 4, true);
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		ok = write_reloc(loc, val - (u64)loc, 4, true);
		break;
	case R_X86_64_PC64:
		ok = write_reloc(loc, val - (u64)loc, 8, false);
		break;
	default:
		module_error(e, "%s: Unknown rela relocation: %u",
			     me->name, type);
		return -ENOEXEC;
	}
	if (!ok) {
		module_error(e, "%s: overflow in relocation type %u val %llx",
			     me->name, type, (unsigned long long)val);
		return -ENOEXEC;
	}
	return 0;
}

/*
 * Applies relocation section relsec to its target, whose sh_addr (and the
 * symbols' st_value) the loader has set to final addresses. The loader
 * checked the entries' offsets and symbol indices against the sections.
 */
int apply_relocate_add(Elf64_Shdr *sechdrs, const char *strtab,
		       unsigned int symindex, unsigned int relsec,
		       struct module *me, struct module_err *e)
{
	const Elf64_Rela *rel = (void *)sechdrs[relsec].sh_addr;
	const Elf64_Sym *syms = (void *)sechdrs[symindex].sh_addr;
	const Elf64_Shdr *target = &sechdrs[sechdrs[relsec].sh_info];
	unsigned long i, n = sechdrs[relsec].sh_size / sizeof(*rel);
	int err;

	(void)strtab;
	for (i = 0; i < n; i++) {
		err = relocate_one(&rel[i], &syms[ELF64_R_SYM(rel[i].r_info)],
				   (void *)(target->sh_addr + rel[i].r_offset),
				   me, e);
		if (err)
			return err;
	}
	return 0;
}
