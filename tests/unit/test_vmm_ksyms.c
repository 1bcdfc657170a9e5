// SPDX-License-Identifier: MIT
/*
 * vmm/memory/ksyms.c: the guest kernel's code symbols, read from the real
 * guestmm.elf (names as Linux's %pS prints them, sizes reaching to the next
 * symbol) and from images broken on purpose (a malformed symbol table is
 * an error, a stripped image an empty table, a bad name is skipped).
 * Environment: MEMVISOR_BUILD_TOP (for guestmm/guestmm.elf; default ".").
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

static uint8_t *img;
static size_t img_len;
static struct ksyms ks;
static struct errbuf e;

static void read_kernel(void)
{
	const char *top = getenv("MEMVISOR_BUILD_TOP");
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/guestmm/guestmm.elf", top && *top ? top : ".");
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s (make builds it)", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	img_len = (size_t)ftell(f);
	rewind(f);
	img = malloc(img_len);
	cr_assert_not_null(img);
	cr_assert_eq(fread(img, 1, img_len, f), img_len);
	fclose(f);
}

static void teardown(void)
{
	ksyms_free(&ks);
	free(img);
}

TestSuite(ksyms, .init = read_kernel, .fini = teardown);

static const struct ksym *by_name(const char *name)
{
	for (size_t i = 0; i < ks.nr; i++)
		if (!strcmp(ks.names + ks.syms[i].name, name))
			return &ks.syms[i];
	return NULL;
}

static Elf64_Shdr *section(unsigned int type)
{
	Elf64_Ehdr *eh = (void *)img;
	Elf64_Shdr *sh = (void *)(img + eh->e_shoff);

	for (unsigned int i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	cr_assert_fail("no section of type %u", type);
	return NULL;
}

Test(ksyms, names_the_kernels_functions_as_pS_does)
{
	const struct ksym *vfree, *next = NULL;
	char out[256];

	cr_assert_eq(ksyms_load(&ks, img, img_len, &e), 0, "%s", e.msg);
	cr_assert_gt(ks.nr, 500, "only %zu code symbols", ks.nr);
	vfree = by_name("vfree");
	cr_assert_not_null(vfree);
	for (size_t i = 0; i < ks.nr; i++)
		if (ks.syms[i].addr > vfree->addr && (!next || ks.syms[i].addr < next->addr))
			next = &ks.syms[i];
	cr_assert_not_null(next);
	cr_assert_eq(ksyms_format(&ks, vfree->addr + 0x10, out, sizeof(out)), 0);
	{
		char want[256];

		snprintf(want, sizeof(want), "vfree+0x10/0x%llx",
			 (unsigned long long)(next->addr - vfree->addr));
		cr_expect_str_eq(out, want);
	}
	cr_assert_eq(ksyms_format(&ks, vfree->addr, out, sizeof(out)), 0);
	cr_expect(!strncmp(out, "vfree+0x0/", 10), "%s", out);
	/* data and addresses outside the kernel are not code */
	cr_expect_eq(ksyms_format(&ks, 0x1000, out, sizeof(out)), -1);
	cr_expect_str_eq(out, "");
	cr_expect_eq(ksyms_format(&ks, ~0ULL, out, sizeof(out)), -1);
	cr_expect_null(by_name("max_pfn"), "a data symbol is not code");
	cr_expect_eq(ksyms_format(NULL, vfree->addr, out, sizeof(out)), -1);
	/* a short buffer is cut, terminated */
	cr_assert_eq(ksyms_format(&ks, vfree->addr, out, 4), 0);
	cr_expect_str_eq(out, "vfr");
}

Test(ksyms, stripped_image_gives_an_empty_table)
{
	Elf64_Ehdr *eh = (void *)img;

	eh->e_shoff = 0;
	eh->e_shnum = 0;
	cr_assert_eq(ksyms_load(&ks, img, img_len, &e), 0, "%s", e.msg);
	cr_expect_eq(ks.nr, 0);
}

Test(ksyms, malformed_tables_are_errors)
{
	Elf64_Ehdr *eh = (void *)img;
	Elf64_Shdr *tab, saved;

	eh->e_shoff = img_len - 8;
	cr_expect_eq(ksyms_load(&ks, img, img_len, &e), -1);
	cr_expect(strstr(e.msg, "section headers"), "%s", e.msg);
	cr_expect_eq(ks.nr, 0);
	free(img);
	read_kernel();
	tab = section(SHT_SYMTAB);
	saved = *tab;
	tab->sh_size = img_len;		/* beyond the image */
	cr_expect_eq(ksyms_load(&ks, img, img_len, &e), -1);
	cr_expect(strstr(e.msg, ".symtab"), "%s", e.msg);
	*tab = saved;
	tab->sh_entsize = 12;
	cr_expect_eq(ksyms_load(&ks, img, img_len, &e), -1);
	*tab = saved;
	tab->sh_link = 0xffff;
	cr_expect_eq(ksyms_load(&ks, img, img_len, &e), -1);
	*tab = saved;
	cr_expect_eq(ksyms_load(&ks, img, 16, &e), -1, "a truncated image");
	cr_expect(strstr(e.msg, "not an ELF64 image"), "%s", e.msg);
}

Test(ksyms, bad_names_are_skipped)
{
	Elf64_Shdr *tab = section(SHT_SYMTAB);
	Elf64_Sym *syms = (void *)(img + tab->sh_offset);
	size_t n = tab->sh_size / sizeof(*syms), good;

	cr_assert_eq(ksyms_load(&ks, img, img_len, &e), 0, "%s", e.msg);
	good = ks.nr;
	ksyms_free(&ks);
	for (size_t i = 0; i < n; i++)
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC && syms[i].st_name) {
			syms[i].st_name = 0xfffffff0;	/* beyond the strings */
			break;
		}
	cr_assert_eq(ksyms_load(&ks, img, img_len, &e), 0, "%s", e.msg);
	cr_expect_eq(ks.nr, good - 1);
}
