// SPDX-License-Identifier: MIT
/* The guest kernel's ELF64 image: validation and loading. */
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "loader.h"

#define SEG_FMT		"segment %u [0x%" PRIx64 "-0x%" PRIx64 ")"

struct seg {
	unsigned int index;	/* in the program header table */
	uint64_t start;		/* physical [start, end) */
	uint64_t end;
};

const struct fixed_range fixed_ranges[] = {
	{ 0, MV_LOW_RESERVED_END, "page 0 (reserved)" },
	{ MV_BOOT_PARAMS_GPA, MV_BOOT_PARAMS_GPA + MV_PAGE_SIZE,
	  "the boot parameters page" },
	{ MV_CMDLINE_GPA, MV_CMDLINE_GPA + MV_CMDLINE_MAX,
	  "the command line" },
	{ MV_EBDA_START, MV_HOLE_END, "the PC hole (EBDA, VGA, BIOS)" },
};
const unsigned int nr_fixed_ranges = sizeof(fixed_ranges) / sizeof(fixed_ranges[0]);

const struct fixed_range *fixed_range_overlap(uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < nr_fixed_ranges; i++)
		if (start < fixed_ranges[i].end && fixed_ranges[i].start < end)
			return &fixed_ranges[i];
	return NULL;
}

static void get_phdr(const void *buf, const Elf64_Ehdr *eh, unsigned int i,
		     Elf64_Phdr *ph)
{
	memcpy(ph, (const char *)buf + eh->e_phoff + (uint64_t)i * sizeof(*ph),
	       sizeof(*ph));
}

static int check_ident(const Elf64_Ehdr *eh, const char *name,
		       struct errbuf *e)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return errf(e, "vmm: %s: not an ELF file (bad magic)", name);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return errf(e, "vmm: %s: not a 64-bit ELF (class %u)", name,
			    eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return errf(e, "vmm: %s: not a little-endian ELF", name);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return errf(e, "vmm: %s: unknown ELF version", name);
	if (eh->e_machine != EM_X86_64)
		return errf(e, "vmm: %s: not an x86-64 ELF (e_machine %u)", name,
			    eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return errf(e, "vmm: %s: not an executable (e_type %u, want ET_EXEC)",
			    name, eh->e_type);
	return 0;
}

static int check_header(const void *buf, size_t len, const char *name,
			Elf64_Ehdr *eh, struct errbuf *e)
{
	uint64_t table;

	if (len < sizeof(*eh))
		return errf(e, "vmm: %s: too small for an ELF header (%zu bytes)",
			    name, len);
	memcpy(eh, buf, sizeof(*eh));
	if (check_ident(eh, name, e))
		return -1;
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr))
		return errf(e, "vmm: %s: unexpected ELF header sizes (e_ehsize %u, e_phentsize %u)",
			    name, eh->e_ehsize, eh->e_phentsize);
	if (!eh->e_phnum || eh->e_phnum == PN_XNUM)
		return errf(e, "vmm: %s: no program headers", name);
	table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > len || table > len - eh->e_phoff)
		return errf(e, "vmm: %s: program header table at 0x%" PRIx64 " (%u entries) is beyond the end of the file (%zu bytes)",
			    name, (uint64_t)eh->e_phoff, eh->e_phnum, len);
	return 0;
}

/* A segment must stay out of reserves and VMM-written pages, in usable RAM. */
static int check_placement(const struct memmap *mm, const struct seg *s,
			   const char *name, struct errbuf *e)
{
	const struct fixed_range *f;
	unsigned int i;

	for (i = 0; i < mm->nr_reserves; i++) {
		const struct vmm_reserve *r = &mm->reserves[i];

		if (s->start < r->addr + r->size && r->addr < s->end)
			return errf(e, "vmm: %s: " SEG_FMT " overlaps --reserve %s [0x%" PRIx64 "-0x%" PRIx64 ")",
				    name, s->index, s->start, s->end,
				    r->spec ? r->spec : "", r->addr,
				    r->addr + r->size);
	}
	f = fixed_range_overlap(s->start, s->end);
	if (f)
		return errf(e, "vmm: %s: " SEG_FMT " overlaps %s [0x%" PRIx64 "-0x%" PRIx64 ")",
			    name, s->index, s->start, s->end, f->what,
			    f->start, f->end);
	if (memmap_e820_type(mm, s->start, s->end) != E820_TYPE_RAM)
		return errf(e, "vmm: %s: " SEG_FMT " is not in usable RAM (RAM ends at 0x%" PRIx64 "; the PCI hole is [0x%llx-0x%llx))",
			    name, s->index, s->start, s->end, mm->ram_end,
			    MV_PCI_HOLE_START, MV_PCI_HOLE_END);
	return 0;
}

static int check_segment(const Elf64_Phdr *ph, size_t len, const char *name,
			 const struct memmap *mm, struct seg *s,
			 struct errbuf *e)
{
	unsigned int i = s->index;

	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return errf(e, "vmm: %s: segment %u: file range [0x%" PRIx64 "+0x%" PRIx64 ") is beyond the end of the file (%zu bytes)",
			    name, i, (uint64_t)ph->p_offset,
			    (uint64_t)ph->p_filesz, len);
	if (ph->p_filesz > ph->p_memsz)
		return errf(e, "vmm: %s: segment %u: p_filesz 0x%" PRIx64 " is larger than p_memsz 0x%" PRIx64,
			    name, i, (uint64_t)ph->p_filesz,
			    (uint64_t)ph->p_memsz);
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr ||
	    ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return errf(e, "vmm: %s: segment %u: address range wraps around",
			    name, i);
	s->start = ph->p_paddr;
	s->end = ph->p_paddr + ph->p_memsz;
	if (s->end > MV_KERNEL_MAP_SIZE)
		return errf(e, "vmm: %s: " SEG_FMT " is beyond the 1 GiB kernel map",
			    name, i, s->start, s->end);
	if (ph->p_vaddr != MV_KERNEL_VIRT_BASE + ph->p_paddr)
		return errf(e, "vmm: %s: segment %u: p_vaddr 0x%" PRIx64 " is not MV_KERNEL_VIRT_BASE + p_paddr (0x%" PRIx64 ")",
			    name, i, (uint64_t)ph->p_vaddr,
			    (uint64_t)(MV_KERNEL_VIRT_BASE + ph->p_paddr));
	return check_placement(mm, s, name, e);
}

static int check_overlaps(const struct seg *segs, unsigned int n,
			  const char *name, struct errbuf *e)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (segs[i].start < segs[j].end &&
			    segs[j].start < segs[i].end)
				return errf(e, "vmm: %s: " SEG_FMT " overlaps " SEG_FMT,
					    name, segs[i].index, segs[i].start,
					    segs[i].end, segs[j].index,
					    segs[j].start, segs[j].end);
	return 0;
}

static int check_entry(const struct seg *segs, unsigned int n, uint64_t entry,
		       const char *name, struct errbuf *e)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (entry >= MV_KERNEL_VIRT_BASE + segs[i].start &&
		    entry < MV_KERNEL_VIRT_BASE + segs[i].end)
			return 0;
	return errf(e, "vmm: %s: entry point 0x%" PRIx64 " is not inside a loaded segment",
		    name, entry);
}

int elf_check(const void *buf, size_t len, const char *name,
	      const struct memmap *mm, struct kernel_image *k,
	      struct errbuf *e)
{
	struct seg *segs;
	Elf64_Ehdr eh;
	unsigned int i, n = 0;
	int ret = -1;

	memset(k, 0, sizeof(*k));
	if (check_header(buf, len, name, &eh, e))
		return -1;
	segs = calloc(eh.e_phnum, sizeof(*segs));
	if (!segs)
		return errf(e, "vmm: %s: out of memory", name);
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		get_phdr(buf, &eh, i, &ph);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		segs[n].index = i;
		if (check_segment(&ph, len, name, mm, &segs[n], e))
			goto out;
		n++;
	}
	if (!n) {
		errf(e, "vmm: %s: no loadable segment", name);
		goto out;
	}
	if (check_overlaps(segs, n, name, e) ||
	    check_entry(segs, n, eh.e_entry, name, e))
		goto out;

	k->entry = eh.e_entry;
	k->start = segs[0].start;
	k->end = segs[0].end;
	for (i = 1; i < n; i++) {
		if (segs[i].start < k->start)
			k->start = segs[i].start;
		if (segs[i].end > k->end)
			k->end = segs[i].end;
	}
	k->nr_load = n;
	ret = 0;
out:
	free(segs);
	return ret;
}

int elf_load(const void *buf, size_t len, const char *name,
	     const struct gmem *gm, struct errbuf *e)
{
	Elf64_Ehdr eh;
	unsigned int i;

	memcpy(&eh, buf, sizeof(eh));
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		get_phdr(buf, &eh, i, &ph);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		/* gmem re-checks the range: a missed check cannot write wild */
		if (gmem_write(gm, ph.p_paddr, (const char *)buf + ph.p_offset,
			       ph.p_filesz) ||
		    gmem_fill(gm, ph.p_paddr + ph.p_filesz, 0,
			      ph.p_memsz - ph.p_filesz))
			return errf(e, "vmm: %s: segment %u does not fit in guest RAM",
				    name, i);
	}
	return 0;
}
