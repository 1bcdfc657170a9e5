// SPDX-License-Identifier: MIT
/*
 * The guest kernel's code symbols (ksyms.h). Like Linux's kallsyms, a
 * symbol reaches to the next one (the last one: its own size, or its
 * section's end for an assembler label): that is the "/0xsize" of
 * "name+0xoff/0xsize".
 */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

/* The section headers, checked: NULL with @e set when they are not sane. */
static const Elf64_Shdr *section_headers(const uint8_t *buf, size_t len,
					 unsigned int *nr, struct errbuf *e)
{
	const Elf64_Ehdr *eh = (const void *)buf;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64) {
		errf(e, "ksyms: not an ELF64 image");
		return NULL;
	}
	*nr = eh->e_shnum;
	if (!eh->e_shoff || !*nr)
		return NULL;	/* no sections: no symbols, not an error */
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len ||
	    (uint64_t)*nr * sizeof(Elf64_Shdr) > len - eh->e_shoff ||
	    eh->e_shoff % 8) {
		errf(e, "ksyms: section headers [0x%" PRIx64 " + %u x %u) outside the %zu-byte image",
		     (uint64_t)eh->e_shoff, *nr, eh->e_shentsize, len);
		return NULL;
	}
	return (const void *)(buf + eh->e_shoff);
}

static bool section_in_image(const Elf64_Shdr *sh, size_t len)
{
	return sh->sh_offset <= len && sh->sh_size <= len - sh->sh_offset;
}

/* Is this symbol code the VMM should name? */
static bool is_code(const Elf64_Sym *s, const Elf64_Shdr *sh, unsigned int nr,
		    const char *name)
{
	unsigned int type = ELF64_ST_TYPE(s->st_info);

	if (type != STT_FUNC && type != STT_NOTYPE)
		return false;
	if (s->st_shndx == SHN_UNDEF || s->st_shndx >= nr ||
	    !(sh[s->st_shndx].sh_flags & SHF_EXECINSTR))
		return false;
	return name[0] && strncmp(name, ".L", 2);
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/*
 * Copies the code symbols of one SHT_SYMTAB into @ks, and its string table
 * whole: a symbol's name is its st_name, checked to end inside the table.
 */
static int read_symtab(struct ksyms *ks, const uint8_t *buf, size_t len,
		       const Elf64_Shdr *sh, unsigned int nr,
		       const Elf64_Shdr *tab, struct errbuf *e)
{
	const Elf64_Shdr *str;
	const Elf64_Sym *syms;
	size_t count;

	if (tab->sh_entsize != sizeof(Elf64_Sym) || !section_in_image(tab, len) ||
	    tab->sh_offset % 8 || tab->sh_link >= nr)
		return errf(e, "ksyms: .symtab at 0x%" PRIx64 " (%" PRIu64 " bytes) is malformed",
			    (uint64_t)tab->sh_offset, (uint64_t)tab->sh_size);
	str = &sh[tab->sh_link];
	if (str->sh_type != SHT_STRTAB || !section_in_image(str, len) || !str->sh_size)
		return errf(e, "ksyms: the string table of .symtab is malformed");
	syms = (const void *)(buf + tab->sh_offset);
	count = tab->sh_size / sizeof(Elf64_Sym);
	if (count > KSYMS_MAX)
		count = KSYMS_MAX;
	ks->syms = calloc(count ? count : 1, sizeof(*ks->syms));
	ks->names = malloc(str->sh_size);
	if (!ks->syms || !ks->names)
		return errf(e, "ksyms: out of memory for %zu symbols", count);
	ks->names_len = str->sh_size;
	memcpy(ks->names, buf + str->sh_offset, str->sh_size);
	for (size_t i = 0; i < count; i++) {
		const char *name;
		uint64_t size;

		if (syms[i].st_name >= str->sh_size)
			continue;
		name = ks->names + syms[i].st_name;
		if (!memchr(name, '\0', str->sh_size - syms[i].st_name) ||
		    !is_code(&syms[i], sh, nr, name))
			continue;	/* unterminated, or not code */
		size = syms[i].st_size;
		if (!size) {	/* an assembler label: up to its section's end */
			const Elf64_Shdr *sec = &sh[syms[i].st_shndx];

			if (syms[i].st_value < sec->sh_addr ||
			    syms[i].st_value - sec->sh_addr >= sec->sh_size)
				continue;
			size = sec->sh_size - (syms[i].st_value - sec->sh_addr);
		}
		ks->syms[ks->nr++] = (struct ksym){ syms[i].st_value, size,
						    syms[i].st_name };
	}
	return 0;
}

int ksyms_load(struct ksyms *ks, const void *buf, size_t len, struct errbuf *e)
{
	const Elf64_Shdr *sh;
	unsigned int nr = 0;

	memset(ks, 0, sizeof(*ks));
	e->msg[0] = '\0';
	sh = section_headers(buf, len, &nr, e);
	if (!sh)
		return e->msg[0] ? -1 : 0;
	for (unsigned int i = 0; i < nr; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (read_symtab(ks, buf, len, sh, nr, &sh[i], e)) {
			ksyms_free(ks);
			return -1;
		}
		break;
	}
	if (ks->nr)
		qsort(ks->syms, ks->nr, sizeof(*ks->syms), by_addr);
	return 0;
}

void ksyms_free(struct ksyms *ks)
{
	free(ks->syms);
	free(ks->names);
	memset(ks, 0, sizeof(*ks));
}

/* The last symbol at or below @addr (of those at one address, the largest). */
static const struct ksym *find(const struct ksyms *ks, uint64_t addr, size_t *at)
{
	size_t lo = 0, hi = ks->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*at = lo - 1;
	return &ks->syms[lo - 1];
}

int ksyms_format(const struct ksyms *ks, uint64_t addr, char *out, size_t len)
{
	const struct ksym *s;
	uint64_t size;
	size_t at;

	if (len)
		out[0] = '\0';
	if (!ks || !ks->nr || !(s = find(ks, addr, &at)))
		return -1;
	/* Linux's kallsyms: a symbol reaches to the next one */
	if (at + 1 < ks->nr)
		size = ks->syms[at + 1].addr - s->addr;
	else
		size = s->size;
	if (addr - s->addr >= size)
		return -1;	/* past the last symbol, or an empty one */
	snprintf(out, len, "%.*s+0x%" PRIx64 "/0x%" PRIx64, KSYM_NAME_MAX - 1,
		 ks->names + s->name, addr - s->addr, size);
	return 0;
}
