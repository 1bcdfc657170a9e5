// SPDX-License-Identifier: MIT
/*
 * The module loader, as Linux's kernel/module/main.c in small: checks an
 * ET_REL .ko from an untrusted source (every offset, size and index against
 * the image), lays its SHF_ALLOC sections out in the module area (text
 * first, page-aligned, then read-only data, then data), resolves undefined
 * symbols against the kernel's exports, relocates, sets parameters and
 * runs init_module. Refusals are one line each, in Linux's words where it
 * has them, printed and returned in module_err.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vermagic.h>
#include "module_internal.h"

LIST_HEAD(modules);			/* read from outside by DWARF */
static DEFINE_SPINLOCK(modules_lock);	/* modules; kmodd is the only writer */

struct load_info {
	const char *name;
	u8 *img;			/* a writable copy of the image */
	size_t len;
	Elf64_Ehdr *hdr;
	Elf64_Shdr *sechdrs;
	const char *secstrings;
	unsigned int symindex, strindex, modinfo;
	const char *strtab;
	unsigned long strtab_size;
	Elf64_Sym *syms;
	unsigned int nsyms;
	const char *license;
};

void module_error(struct module_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	pr_err("%s\n", e->msg);
}

/* [off, off + size) lies within the image. */
static bool in_image(const struct load_info *info, u64 off, u64 size)
{
	return off <= info->len && size <= info->len - off;
}

static int check_header(struct load_info *info, struct module_err *e)
{
	const Elf64_Ehdr *h = info->hdr;

	if (info->len < sizeof(*h) || memcmp(h->e_ident, ELFMAG, 4)) {
		module_error(e, "module: not an ELF file (%zu bytes)", info->len);
		return -ENOEXEC;
	}
	if (h->e_ident[4] != ELFCLASS64 || h->e_ident[5] != ELFDATA2LSB ||
	    h->e_type != ET_REL || h->e_machine != EM_X86_64) {
		module_error(e, "module: not an x86-64 ELF64 relocatable "
			     "(class %u, type %u, machine %u)",
			     h->e_ident[4], h->e_type, h->e_machine);
		return -ENOEXEC;
	}
	if (h->e_shentsize != sizeof(Elf64_Shdr) || !h->e_shnum ||
	    h->e_shstrndx >= h->e_shnum ||
	    !in_image(info, h->e_shoff, (u64)h->e_shnum * sizeof(Elf64_Shdr))) {
		module_error(e, "module: section headers out of bounds "
			     "(offset %llu, %u of %u bytes, file %zu bytes)",
			     (unsigned long long)h->e_shoff, h->e_shnum,
			     h->e_shentsize, info->len);
		return -ENOEXEC;
	}
	return 0;
}

/* A string table: in the image, non-empty, NUL-terminated. */
static bool valid_strtab(const struct load_info *info, const Elf64_Shdr *s)
{
	return s->sh_type == SHT_STRTAB && s->sh_size &&
	       in_image(info, s->sh_offset, s->sh_size) &&
	       !info->img[s->sh_offset + s->sh_size - 1];
}

static int check_sections(struct load_info *info, struct module_err *e)
{
	unsigned int i, n = info->hdr->e_shnum;
	const Elf64_Shdr *strs = &info->sechdrs[info->hdr->e_shstrndx];

	if (!valid_strtab(info, strs)) {
		module_error(e, "module: bad section name table");
		return -ENOEXEC;
	}
	info->secstrings = (const char *)info->img + strs->sh_offset;
	for (i = 1; i < n; i++) {
		Elf64_Shdr *s = &info->sechdrs[i];

		if (s->sh_name >= strs->sh_size ||
		    (s->sh_type != SHT_NOBITS &&
		     !in_image(info, s->sh_offset, s->sh_size))) {
			module_error(e, "module: section %u out of bounds "
				     "(offset %llu, size %llu, file %zu bytes)",
				     i, (unsigned long long)s->sh_offset,
				     (unsigned long long)s->sh_size, info->len);
			return -ENOEXEC;
		}
		if (s->sh_addralign > PAGE_SIZE ||
		    (s->sh_addralign & (s->sh_addralign - 1))) {
			module_error(e, "module: section %u: bad alignment %llu",
				     i, (unsigned long long)s->sh_addralign);
			return -ENOEXEC;
		}
		if (s->sh_type == SHT_REL) {
			module_error(e, "module: REL section %u not supported", i);
			return -ENOEXEC;
		}
		if (s->sh_type == SHT_SYMTAB) {
			if (info->symindex) {
				module_error(e, "module: more than one symbol table");
				return -ENOEXEC;
			}
			info->symindex = i;
		}
		if (!strcmp(info->secstrings + s->sh_name, ".modinfo"))
			info->modinfo = i;
		/* Not part of the image: file-only data, still in info->img. */
		s->sh_addr = (unsigned long)info->img + s->sh_offset;
	}
	return 0;
}

static int check_symtab(struct load_info *info, struct module_err *e)
{
	const Elf64_Shdr *sym = &info->sechdrs[info->symindex];
	unsigned int i, n = info->hdr->e_shnum;

	if (!info->symindex) {
		module_error(e, "module: has no symbols (stripped?)");
		return -ENOEXEC;
	}
	if (sym->sh_link >= n || sym->sh_size % sizeof(Elf64_Sym) ||
	    !valid_strtab(info, &info->sechdrs[sym->sh_link])) {
		module_error(e, "module: bad symbol table");
		return -ENOEXEC;
	}
	info->strindex = sym->sh_link;
	info->strtab = (const char *)info->sechdrs[info->strindex].sh_addr;
	info->strtab_size = info->sechdrs[info->strindex].sh_size;
	info->syms = (Elf64_Sym *)sym->sh_addr;
	info->nsyms = sym->sh_size / sizeof(Elf64_Sym);
	for (i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];

		if (s->st_name >= info->strtab_size ||
		    (s->st_shndx >= n && s->st_shndx < SHN_LORESERVE)) {
			module_error(e, "module: symbol %u: bad name or section "
				     "index", i);
			return -ENOEXEC;
		}
	}
	return 0;
}

/* The value of .modinfo's "tag=value", or NULL. */
static const char *get_modinfo(const struct load_info *info, const char *tag)
{
	const Elf64_Shdr *s = &info->sechdrs[info->modinfo];
	const char *p = (const char *)s->sh_addr, *end = p + s->sh_size;
	size_t taglen = strlen(tag);

	if (!info->modinfo || !s->sh_size || p[s->sh_size - 1])
		return NULL;
	for (; p < end; p += strlen(p) + 1)
		if (!strncmp(p, tag, taglen) && p[taglen] == '=')
			return p + taglen + 1;
	return NULL;
}

/* Linux's license_is_gpl_compatible(). */
static bool license_is_gpl_compatible(const char *license)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpl); i++)
		if (!strcmp(license, gpl[i]))
			return true;
	return false;
}

/* The kernel's taints: said once each, when a module first brings it. */
static unsigned long kernel_taints;

static __printf(3, 4) void add_taint_module(struct module *mod,
					    unsigned int flag,
					    const char *fmt, ...)
{
	char why[96];
	va_list ap;

	mod->taints |= 1UL << flag;
	if (__atomic_fetch_or(&kernel_taints, 1UL << flag, __ATOMIC_RELAXED) &
	    (1UL << flag))
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pr_warn("%s: %s\n", mod->name, why);
}

static int check_modinfo(struct load_info *info, struct module *mod,
			 struct module_err *e)
{
	const char *name = get_modinfo(info, "name");
	const char *magic = get_modinfo(info, "vermagic");
	const char *version = get_modinfo(info, "version");

	if (!name || !*name || strlen(name) >= sizeof(mod->name)) {
		module_error(e, "module: no valid name in .modinfo");
		return -ENOEXEC;
	}
	strscpy_len(mod->name, name, sizeof(mod->name));
	info->name = mod->name;
	if (!magic) {
		module_error(e, "%s: no version magic", mod->name);
		return -ENOEXEC;
	}
	if (strcmp(magic, VERMAGIC_STRING)) {
		module_error(e, "%s: version magic '%s' should be '%s'",
			     mod->name, magic, VERMAGIC_STRING);
		return -ENOEXEC;
	}
	if (version)
		strscpy_len(mod->version, version, sizeof(mod->version));
	info->license = get_modinfo(info, "license");
	if (!info->license)
		info->license = "unspecified";
	mod->license_gpl_ok = license_is_gpl_compatible(info->license);
	add_taint_module(mod, TAINT_OOT_MODULE,
			 "loading out-of-tree module taints kernel.");
	if (!mod->license_gpl_ok)
		add_taint_module(mod, TAINT_PROPRIETARY_MODULE,
				 "module license '%s' taints kernel.",
				 info->license);
	return 0;
}

static bool is_core_section(const struct load_info *info, unsigned int i)
{
	const Elf64_Shdr *s = &info->sechdrs[i];

	return (s->sh_flags & SHF_ALLOC) && i != info->modinfo;
}

/*
 * Gives each core section its offset in sh_entsize (as Linux does) in three
 * passes: text, read-only data, data; text ends on a page boundary.
 */
static int layout_sections(struct load_info *info, struct module *mod,
			   struct module_err *e)
{
	static const u64 masks[3][2] = {
		{ SHF_EXECINSTR, SHF_EXECINSTR },
		{ SHF_EXECINSTR | SHF_WRITE, 0 },
		{ SHF_EXECINSTR | SHF_WRITE, SHF_WRITE },
	};
	unsigned int pass, i;
	u64 size = 0;

	for (pass = 0; pass < 3; pass++) {
		for (i = 1; i < info->hdr->e_shnum; i++) {
			Elf64_Shdr *s = &info->sechdrs[i];

			if (!is_core_section(info, i) ||
			    (s->sh_flags & masks[pass][0]) != masks[pass][1])
				continue;
			size = ALIGN(size, s->sh_addralign ?: 1);
			s->sh_entsize = size;
			size += s->sh_size;
			if (size > MV_MODULE_IMAGE_MAX * 4ULL) {
				module_error(e, "%s: sections too large",
					     mod->name);
				return -EFBIG;
			}
		}
		if (pass == 0) {
			size = PAGE_ALIGN(size);
			mod->core_text_size = size;
		}
	}
	mod->core_size = size;
	return 0;
}

static int move_module(struct load_info *info, struct module *mod,
		       struct module_err *e)
{
	unsigned int i;

	mod->core_base = module_alloc(mod->core_size ?: 1);
	if (!mod->core_base) {
		module_error(e, "%s: no room for %u bytes in the module area",
			     mod->name, mod->core_size);
		return -ENOMEM;
	}
	for (i = 1; i < info->hdr->e_shnum; i++) {
		Elf64_Shdr *s = &info->sechdrs[i];
		void *dest = (char *)mod->core_base + s->sh_entsize;

		if (!is_core_section(info, i))
			continue;
		if (s->sh_type != SHT_NOBITS)
			memcpy(dest, info->img + s->sh_offset, s->sh_size);
		s->sh_addr = (unsigned long)dest;
	}
	return 0;
}

static const struct kernel_symbol *find_in(const struct kernel_symbol *start,
					   const struct kernel_symbol *stop,
					   const char *name)
{
	const struct kernel_symbol *ks;

	for (ks = start; ks < stop; ks++)
		if (!strcmp(ks->name, name))
			return ks;
	return NULL;
}

/*
 * An export of a live module other than mod (under modules_lock): *owner,
 * and whether it is GPL-only.
 */
static const struct kernel_symbol *find_module_export(const struct module *mod,
						      const char *name,
						      struct module **owner,
						      bool *gpl_only)
{
	const struct kernel_symbol *ks;
	struct module *m;

	list_for_each_entry(m, &modules, list) {
		if (m == mod || m->state != MODULE_STATE_LIVE)
			continue;
		ks = find_in(m->syms, m->syms + m->num_syms, name);
		*gpl_only = !ks;
		if (!ks)
			ks = find_in(m->gpl_syms, m->gpl_syms + m->num_gpl_syms,
				     name);
		if (ks) {
			*owner = m;
			return ks;
		}
	}
	return NULL;
}

static bool already_uses(const struct module *a, const struct module *b)
{
	const struct module_use *use;

	list_for_each_entry(use, &a->target_list, target_list)
		if (use->target == b)
			return true;
	return false;
}

/* Records that mod uses owner (Linux's ref_module); under modules_lock. */
static void ref_module(struct module *mod, struct module *owner,
		       struct module_use **use)
{
	if (already_uses(mod, owner))
		return;
	(*use)->source = mod;
	(*use)->target = owner;
	list_add(&(*use)->source_list, &owner->source_list);
	list_add(&(*use)->target_list, &mod->target_list);
	__module_get(owner);
	*use = NULL;
}

/* Drops every use mod made of other modules (at unload, or a failed load). */
static void module_unuse_all(struct module *mod)
{
	struct module_use *use, *next;

	spin_lock(&modules_lock);
	list_for_each_entry_safe(use, next, &mod->target_list, target_list) {
		list_del(&use->source_list);
		list_del(&use->target_list);
		module_put(use->target);
		kfree(use);
	}
	spin_unlock(&modules_lock);
}

/* name from the kernel's exports, then from the live modules'. */
static const struct kernel_symbol *find_export(struct module *mod,
					       const char *name,
					       bool *gpl_only,
					       struct module_use **use)
{
	const struct kernel_symbol *ks;
	struct module *owner;

	*gpl_only = false;
	ks = find_in(__start___ksymtab, __stop___ksymtab, name);
	if (ks)
		return ks;
	ks = find_in(__start___ksymtab_gpl, __stop___ksymtab_gpl, name);
	if (ks) {
		*gpl_only = true;
		return ks;
	}
	spin_lock(&modules_lock);
	ks = find_module_export(mod, name, &owner, gpl_only);
	if (ks && (!*gpl_only || mod->license_gpl_ok))
		ref_module(mod, owner, use);
	spin_unlock(&modules_lock);
	return ks;
}

static int resolve_symbol(struct load_info *info, struct module *mod,
			  Elf64_Sym *sym, struct module_err *e)
{
	const char *name = info->strtab + sym->st_name;
	const struct kernel_symbol *ks;
	struct module_use *use;
	bool gpl_only;

	if (!strcmp(name, "__this_module")) {
		sym->st_value = (unsigned long)mod;
		return 0;
	}
	use = kmalloc(sizeof(*use), GFP_KERNEL);	/* not under the lock */
	if (!use) {
		module_error(e, "%s: out of memory resolving %s", mod->name, name);
		return -ENOMEM;
	}
	ks = find_export(mod, name, &gpl_only, &use);
	kfree(use);		/* NULL once used */
	if (ks && gpl_only && !mod->license_gpl_ok) {
		module_error(e, "%s: GPL-only symbol %s used by a module "
			     "with license '%s'", mod->name, name,
			     info->license);
		return -EPERM;
	}
	if (ks) {
		sym->st_value = ks->value;
		return 0;
	}
	if (ELF64_ST_BIND(sym->st_info) == STB_WEAK) {
		sym->st_value = 0;
		return 0;
	}
	module_error(e, "%s: Unknown symbol %s (err %d)", mod->name, name,
		     -ENOENT);
	return -ENOENT;
}

/* The owner of an export named name, other than mod: "kernel", or a module's. */
static const char *export_owner(const struct module *mod, const char *name,
				char *buf, size_t len)
{
	struct module *owner = NULL;
	bool gpl_only;

	if (find_in(__start___ksymtab, __stop___ksymtab, name) ||
	    find_in(__start___ksymtab_gpl, __stop___ksymtab_gpl, name))
		return "kernel";
	spin_lock(&modules_lock);
	if (find_module_export(mod, name, &owner, &gpl_only))
		strscpy_len(buf, owner->name, len);
	spin_unlock(&modules_lock);
	return owner ? buf : NULL;
}

/* A module may not export a name the kernel or a live module exports. */
static int check_exports(const struct module *mod, struct module_err *e)
{
	const struct kernel_symbol *tabs[2] = { mod->syms, mod->gpl_syms };
	unsigned int nums[2] = { mod->num_syms, mod->num_gpl_syms };
	char buf[MODULE_NAME_LEN];
	const char *owner;
	unsigned int t, i;

	for (t = 0; t < 2; t++) {
		for (i = 0; i < nums[t]; i++) {
			owner = export_owner(mod, tabs[t][i].name, buf,
					     sizeof(buf));
			if (!owner)
				continue;
			module_error(e, "%s: exports duplicate symbol %s "
				     "(owned by %s)", mod->name,
				     tabs[t][i].name, owner);
			return -ENOEXEC;
		}
	}
	return 0;
}

static int simplify_symbols(struct load_info *info, struct module *mod,
			    struct module_err *e)
{
	unsigned int i;
	int err;

	for (i = 1; i < info->nsyms; i++) {
		Elf64_Sym *sym = &info->syms[i];

		switch (sym->st_shndx) {
		case SHN_COMMON:
			module_error(e, "%s: please compile with -fno-common",
				     mod->name);
			return -ENOEXEC;
		case SHN_ABS:
			break;
		case SHN_UNDEF:
			err = resolve_symbol(info, mod, sym, e);
			if (err)
				return err;
			break;
		default:
			if (sym->st_shndx >= SHN_LORESERVE) {
				module_error(e, "%s: symbol %u: section index %#x "
					     "not supported", mod->name, i,
					     sym->st_shndx);
				return -ENOEXEC;
			}
			sym->st_value += info->sechdrs[sym->st_shndx].sh_addr;
		}
	}
	return 0;
}

static unsigned int reloc_width(unsigned int type)
{
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_PC32: case R_X86_64_PLT32:
	case R_X86_64_32: case R_X86_64_32S:
		return 4;
	default:
		return 8;
	}
}

/* Every entry of a RELA section stays inside its target and symbol table. */
static int check_rela(const struct load_info *info, unsigned int relsec,
		      struct module_err *e)
{
	const Elf64_Shdr *s = &info->sechdrs[relsec];
	const Elf64_Rela *rel = (const void *)s->sh_addr;
	u64 target_size, i;

	if (s->sh_link != info->symindex || s->sh_info >= info->hdr->e_shnum ||
	    s->sh_size % sizeof(*rel)) {
		module_error(e, "%s: relocation section %u: bad header",
			     info->name, relsec);
		return -ENOEXEC;
	}
	target_size = info->sechdrs[s->sh_info].sh_size;
	for (i = 0; i < s->sh_size / sizeof(*rel); i++) {
		unsigned int w = reloc_width(ELF64_R_TYPE(rel[i].r_info));

		if (ELF64_R_SYM(rel[i].r_info) >= info->nsyms ||
		    rel[i].r_offset > target_size ||
		    w > target_size - rel[i].r_offset) {
			module_error(e, "%s: relocation %llu of section %u out "
				     "of bounds", info->name,
				     (unsigned long long)i, relsec);
			return -ENOEXEC;
		}
	}
	return 0;
}

static int apply_relocations(struct load_info *info, struct module *mod,
			     struct module_err *e)
{
	unsigned int i;
	int err;

	for (i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sechdrs[i];

		if (s->sh_type != SHT_RELA || s->sh_info >= info->hdr->e_shnum ||
		    !is_core_section(info, s->sh_info))
			continue;	/* debug info, .modinfo: not loaded */
		err = check_rela(info, i, e);
		if (!err)
			err = apply_relocate_add(info->sechdrs, info->strtab,
						 info->symindex, i, mod, e);
		if (err)
			return err;
	}
	return 0;
}

/* A core section by name: its address and element count, or NULL. */
static void *find_section(const struct load_info *info, const char *name,
			  size_t elem, unsigned int *num)
{
	unsigned int i;

	*num = 0;
	for (i = 1; i < info->hdr->e_shnum; i++) {
		const Elf64_Shdr *s = &info->sechdrs[i];

		if (is_core_section(info, i) &&
		    !strcmp(info->secstrings + s->sh_name, name)) {
			*num = s->sh_size / elem;
			return (void *)s->sh_addr;
		}
	}
	return NULL;
}

/* A defined global function of the module, by name (init_module...). */
static unsigned long find_global(const struct load_info *info,
				 const char *name)
{
	unsigned int i;

	for (i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];

		if (ELF64_ST_BIND(s->st_info) == STB_GLOBAL &&
		    s->st_shndx != SHN_UNDEF && s->st_shndx < SHN_LORESERVE &&
		    is_core_section(info, s->st_shndx) &&
		    !strcmp(info->strtab + s->st_name, name))
			return s->st_value;
	}
	return 0;
}

static int find_module_sections(struct load_info *info, struct module *mod,
				struct module_err *e)
{
	unsigned int n;

	if (find_section(info, "percpu_data", 1, &n) && n) {
		module_error(e, "%s: per-CPU variables in modules are not "
			     "supported", mod->name);
		return -ENOEXEC;
	}
	mod->kp = find_section(info, "__param", sizeof(*mod->kp), &mod->num_kp);
	mod->syms = find_section(info, "__ksymtab", sizeof(*mod->syms),
				 &mod->num_syms);
	mod->gpl_syms = find_section(info, "__ksymtab_gpl",
				     sizeof(*mod->gpl_syms), &mod->num_gpl_syms);
	mod->ktests = find_section(info, "ktest_cases",
				   sizeof(*mod->ktests), &mod->num_ktests);
	mod->init = (void *)find_global(info, "init_module");
	mod->exit = (void *)find_global(info, "cleanup_module");
	return 0;
}

static bool is_kept_symbol(const struct load_info *info, const Elf64_Sym *s)
{
	return ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_name &&
	       s->st_shndx != SHN_UNDEF && s->st_shndx < SHN_LORESERVE &&
	       is_core_section(info, s->st_shndx);
}

/*
 * Keeps the module's functions (address, size, name) in one allocation,
 * so a leak's caller can be named as Linux's kallsyms names it.
 */
static int keep_symbols(const struct load_info *info, struct module *mod,
			struct module_err *e)
{
	unsigned int i, n = 0;
	size_t names = 0;
	char *p;

	for (i = 1; i < info->nsyms; i++) {
		if (!is_kept_symbol(info, &info->syms[i]))
			continue;
		n++;
		names += strnlen(info->strtab + info->syms[i].st_name,
				 info->strtab_size - info->syms[i].st_name) + 1;
	}
	if (!n)
		return 0;
	mod->symtab = kmalloc(n * sizeof(*mod->symtab) + names, GFP_KERNEL);
	if (!mod->symtab) {
		module_error(e, "%s: out of memory for its symbols", mod->name);
		return -ENOMEM;
	}
	p = (char *)(mod->symtab + n);
	for (i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *s = &info->syms[i];
		struct module_sym *ms = &mod->symtab[mod->num_symtab];
		size_t len;

		if (!is_kept_symbol(info, s))
			continue;
		ms->addr = s->st_value;
		ms->size = s->st_size;
		len = strnlen(info->strtab + s->st_name,
			      info->strtab_size - s->st_name);
		memcpy(p, info->strtab + s->st_name, len);
		p[len] = '\0';
		ms->name = p;
		p += len + 1;
		mod->num_symtab++;
	}
	return 0;
}

const char *module_address_lookup(const struct module *mod, unsigned long addr,
				  unsigned long *offset, unsigned long *size)
{
	const struct module_sym *best = NULL;
	unsigned int i;

	for (i = 0; i < mod->num_symtab; i++) {
		const struct module_sym *s = &mod->symtab[i];

		if (s->addr <= addr && (!best || s->addr > best->addr))
			best = s;
	}
	if (!best || (best->size && addr - best->addr >= best->size))
		return NULL;
	*offset = addr - best->addr;
	*size = best->size;
	return best->name;
}

struct module *find_module(const char *name)
{
	struct module *mod, *found = NULL;

	spin_lock(&modules_lock);
	list_for_each_entry(mod, &modules, list)
		if (!strcmp(mod->name, name))
			found = mod;
	spin_unlock(&modules_lock);
	return found;
}

static int set_params(struct module *mod, const char *params,
		      struct module_err *e)
{
	char *args;
	int err;

	mod->param_set = kcalloc(mod->num_kp ?: 1, sizeof(bool), GFP_KERNEL);
	args = kstrdup(params ?: "", GFP_KERNEL);
	if (!mod->param_set || !args) {
		kfree(args);
		module_error(e, "%s: out of memory for parameters", mod->name);
		return -ENOMEM;
	}
	err = module_parse_args(mod, args, mod->param_set, e);
	kfree(args);
	return err;
}

static void free_module(struct module *mod)
{
	module_unuse_all(mod);
	if (mod->param_set)
		module_free_params(mod, mod->param_set);
	kfree(mod->param_set);
	kfree(mod->symtab);
	module_memfree(mod->core_base, mod->core_size ?: 1);
	kfree(mod);
}

/* Everything before init: check, lay out, link. */
static int link_module(struct load_info *info, struct module *mod,
		       const char *params, struct module_err *e)
{
	int err;

	info->hdr = (Elf64_Ehdr *)info->img;
	err = check_header(info, e);
	if (!err) {
		info->sechdrs = (Elf64_Shdr *)(info->img + info->hdr->e_shoff);
		err = check_sections(info, e);
	}
	if (!err)
		err = check_symtab(info, e);
	if (!err)
		err = check_modinfo(info, mod, e);
	if (err)
		return err;
	if (find_module(mod->name)) {
		module_error(e, "Module %s already loaded", mod->name);
		return -EEXIST;
	}
	err = layout_sections(info, mod, e);
	if (!err)
		err = move_module(info, mod, e);
	if (!err)
		err = simplify_symbols(info, mod, e);
	if (!err)
		err = apply_relocations(info, mod, e);
	if (!err)
		err = find_module_sections(info, mod, e);
	if (!err)
		err = check_exports(mod, e);
	if (!err)
		err = keep_symbols(info, mod, e);
	if (!err)
		err = set_params(mod, params, e);
	return err;
}

static const char *const leak_kinds[] = {
	[MV_LEAK_CACHE] = "cache",
	[MV_LEAK_OBJECTS] = "objects",
	[MV_LEAK_PAGES] = "pages",
	[MV_LEAK_VMALLOC] = "vmalloc area",
	[MV_LEAK_PERCPU] = "per-CPU area",
	[MV_LEAK_MEMPOOL] = "mempool",
};

/* "fn+0x1c/0x80" as kallsyms names the caller, or its offset in the core. */
static void name_caller(const struct module *mod, unsigned long caller,
			char *buf, size_t len)
{
	unsigned long off, size;
	const char *fn = module_address_lookup(mod, caller, &off, &size);

	if (fn)
		snprintf(buf, len, "%s+%#lx/%#lx", fn, off, size);
	else
		snprintf(buf, len, "%#lx", caller - (unsigned long)mod->core_base);
}

bool module_print_leak(const struct module *mod, const struct module_leak *l,
		       char *caller, size_t len)
{
	if (l->kind >= ARRAY_SIZE(leak_kinds)) {
		pr_err("%s: leak record of unknown kind %u dropped\n",
		       mod->name, l->kind);
		return false;
	}
	name_caller(mod, l->caller, caller, len);
	if (l->kind == MV_LEAK_CACHE) {
		pr_err("kmem_cache %s: created by %s [%s] and not destroyed "
		       "(%lu objects in use)\n", l->what ?: "?", caller,
		       mod->name, l->count);
		return true;
	}
	if (l->kind == MV_LEAK_PAGES)
		pr_err("kmemleak: unreferenced pages at pfn %#lx (size %lu):\n",
		       l->addr, l->bytes);
	else
		pr_err("kmemleak: unreferenced object 0x%lx (size %lu):\n",
		       l->addr, l->count > 1 ? l->bytes / l->count : l->bytes);
	pr_err("kmemleak:   %s%s%s: %lu, %lu bytes\n", leak_kinds[l->kind],
	       l->what ? " of " : "", l->what ?: "", l->count, l->bytes);
	pr_err("kmemleak:   backtrace:\n");
	pr_err("kmemleak:     [<%016lx>] %s [%s]\n", l->caller, caller,
	       mod->name);
	return true;
}

static void print_leak(const struct module_leak *l, void *arg)
{
	char caller[MV_LEAK_WHAT_MAX];

	module_print_leak(arg, l, caller, sizeof(caller));
}

/* What the module's code still holds: printed; how many records. */
static unsigned int print_leaks(struct module *mod)
{
	unsigned long start = (unsigned long)mod->core_base;

	return mm_find_module_leaks(start, start + mod->core_size, print_leak,
				    mod);
}

static int do_init_module(struct module *mod, struct module_err *e)
{
	unsigned int leaks;
	int ret = 0;

	if (mod->init)
		ret = mod->init();
	if (ret > 0) {
		pr_warn("%s: 'init_module'->init suspiciously returned %d, it "
			"should follow 0/-E convention\n", mod->name, ret);
		ret = -EINVAL;
	}
	if (ret < 0) {
		/* A failing init's error path is where drivers leak most. */
		leaks = print_leaks(mod);
		if (leaks)
			module_error(e, "%s: init_module failed: %d, and left %u "
				     "leak%s behind", mod->name, ret, leaks,
				     leaks == 1 ? "" : "s");
		else
			module_error(e, "%s: init_module failed: %d", mod->name,
				     ret);
		return ret;
	}
	mod->state = MODULE_STATE_LIVE;
	return 0;
}

int load_module_image(const void *image, size_t len, const char *params,
		      struct module **out, struct module_err *e)
{
	struct load_info info = { .len = len };
	struct module *mod;
	int err;

	e->msg[0] = '\0';
	if (len > MV_MODULE_IMAGE_MAX) {
		module_error(e, "module: image of %zu bytes is over %u",
			     len, MV_MODULE_IMAGE_MAX);
		return -EFBIG;
	}
	mod = kzalloc(sizeof(*mod), GFP_KERNEL);
	info.img = vmalloc(len ?: 1);
	if (!mod || !info.img) {
		kfree(mod);
		vfree(info.img);
		module_error(e, "module: out of memory");
		return -ENOMEM;
	}
	memcpy(info.img, image, len);
	mod->state = MODULE_STATE_UNFORMED;
	INIT_LIST_HEAD(&mod->list);
	INIT_LIST_HEAD(&mod->source_list);
	INIT_LIST_HEAD(&mod->target_list);
	err = link_module(&info, mod, params, e);
	vfree(info.img);
	if (err)
		goto fail;
	module_set_protections(mod->core_base, mod->core_text_size,
			       mod->core_size);
	mod->state = MODULE_STATE_COMING;
	spin_lock(&modules_lock);
	list_add(&mod->list, &modules);	/* newest first, as /proc/modules */
	spin_unlock(&modules_lock);
	err = do_init_module(mod, e);
	if (err) {
		mod->state = MODULE_STATE_GOING;
		spin_lock(&modules_lock);
		list_del(&mod->list);
		spin_unlock(&modules_lock);
		goto fail;
	}
	*out = mod;
	return 0;
fail:
	free_module(mod);
	return err;
}

/* Used by other modules: "Module X is in use by: Y Z", as rmmod says. */
static bool in_use(const struct module *mod, struct module_err *e)
{
	const struct module_use *use;
	size_t n;

	spin_lock(&modules_lock);
	if (list_empty(&mod->source_list)) {
		spin_unlock(&modules_lock);
		return false;
	}
	n = snprintf(e->msg, sizeof(e->msg), "Module %s is in use by:",
		     mod->name);
	list_for_each_entry(use, &mod->source_list, source_list)
		if (n < sizeof(e->msg))
			n += snprintf(e->msg + n, sizeof(e->msg) - n, " %s",
				      use->source->name);
	spin_unlock(&modules_lock);
	pr_err("%s\n", e->msg);
	return true;
}

static void ignore_leak(const struct module_leak *leak, void *arg)
{
}

int unload_module(const char *name, module_leak_fn fn, void *arg,
		  unsigned int *nr_leaks, struct module_err *e)
{
	struct module *mod = find_module(name);
	unsigned long start;

	e->msg[0] = '\0';
	*nr_leaks = 0;
	if (!mod || mod->state != MODULE_STATE_LIVE) {
		module_error(e, "ERROR: Module %s is not currently loaded", name);
		return -ENOENT;
	}
	if (in_use(mod, e))
		return -EBUSY;
	if (!mod->exit) {
		module_error(e, "%s: has no cleanup_module: cannot unload",
			     mod->name);
		return -EBUSY;
	}
	/* Going first, then the count: see try_module_get. */
	__atomic_store_n(&mod->state, MODULE_STATE_GOING, __ATOMIC_SEQ_CST);
	if (module_refcount(mod)) {
		__atomic_store_n(&mod->state, MODULE_STATE_LIVE, __ATOMIC_SEQ_CST);
		module_error(e, "Module %s is in use", mod->name);
		return -EBUSY;
	}
	mod->exit();
	start = (unsigned long)mod->core_base;
	*nr_leaks = mm_find_module_leaks(start, start + mod->core_size,
					 fn ?: ignore_leak, arg);
	spin_lock(&modules_lock);
	list_del(&mod->list);
	spin_unlock(&modules_lock);
	free_module(mod);
	return 0;
}
