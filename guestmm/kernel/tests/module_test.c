// SPDX-License-Identifier: MIT
/* The module loader on real .ko files built with the kernel (tests/modules). */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/ktest.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../module_internal.h"

/* What the test modules report back (exported in kernel/ksyms.c). */
long module_test_seen[4];
/* Not exported: a module calling it must be refused. */
void kmodd_not_exported_fn(void);
void kmodd_not_exported_fn(void) {}

#define IMAGE(name) \
	extern const char name##_ko_start[], name##_ko_end[]
IMAGE(mt_good);
IMAGE(mt_unknown);
IMAGE(mt_nongpl);
IMAGE(mt_abs32);
#define LOAD(name, params, mod, e) \
	load_module_image(name##_ko_start, name##_ko_end - name##_ko_start, \
			  params, mod, e)

KTEST(module, good_load_params_unload)
{
	struct module_err e;
	struct module *mod = NULL;
	unsigned int leaks;

	memset(module_test_seen, 0, sizeof(module_test_seen));
	KTEST_ASSERT_EQ(t, LOAD(mt_good, "value=42 word=\"x y\"", &mod, &e), 0);
	KTEST_EXPECT_STREQ(t, mod->name, "mt_good");
	KTEST_EXPECT_EQ(t, mod->state, MODULE_STATE_LIVE);
	KTEST_EXPECT_EQ(t, module_test_seen[0], 42);
	KTEST_EXPECT_EQ(t, module_test_seen[1], 13);	/* "x y", "beta" */
	KTEST_EXPECT_EQ(t, module_test_seen[3], 1);	/* PC64 to the kernel */
	KTEST_EXPECT_TRUE(t, find_module("mt_good") == mod);
	KTEST_EXPECT_EQ(t, LOAD(mt_good, "", &mod, &e), -EEXIST);
	KTEST_EXPECT_STREQ(t, e.msg, "Module mt_good already loaded");
	KTEST_ASSERT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e), 0);
	KTEST_EXPECT_EQ(t, module_test_seen[2], 1);
	KTEST_EXPECT_NULL(t, find_module("mt_good"));
	KTEST_EXPECT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e),
			-ENOENT);
	KTEST_EXPECT_STREQ(t, e.msg,
			   "ERROR: Module mt_good is not currently loaded");
}

KTEST(module, unknown_param)
{
	struct module_err e;
	struct module *mod = NULL;

	KTEST_EXPECT_EQ(t, LOAD(mt_good, "nosuch=1", &mod, &e), -ENOENT);
	KTEST_EXPECT_STREQ(t, e.msg, "mt_good: Unknown parameter `nosuch'");
	KTEST_EXPECT_NULL(t, find_module("mt_good"));
}

KTEST(module, unknown_symbol)
{
	struct module_err e;
	struct module *mod = NULL;

	KTEST_EXPECT_EQ(t, LOAD(mt_unknown, "", &mod, &e), -ENOENT);
	KTEST_EXPECT_STREQ(t, e.msg,
			   "mt_unknown: Unknown symbol kmodd_not_exported_fn (err -2)");
}

KTEST(module, gpl_only_from_proprietary)
{
	struct module_err e;
	struct module *mod = NULL;

	KTEST_EXPECT_EQ(t, LOAD(mt_nongpl, "", &mod, &e), -EPERM);
	KTEST_EXPECT_STREQ(t, e.msg, "mt_nongpl: GPL-only symbol free_percpu "
			   "used by a module with license 'Proprietary'");
}

/* Zero-extended 32 bits cannot reach the module area: refused, not cut. */
#define ABS32_REFUSED "mt_abs32: overflow in relocation type 10 val ffffffffc"
KTEST(module, abs32_overflow)
{
	struct module_err e;
	struct module *mod = NULL;

	KTEST_EXPECT_EQ(t, LOAD(mt_abs32, "", &mod, &e), -ENOEXEC);
	KTEST_EXPECT_TRUE(t, !strncmp(e.msg, ABS32_REFUSED, strlen(ABS32_REFUSED)));
	KTEST_EXPECT_NULL(t, find_module("mt_abs32"));
}

KTEST(module, bad_elf)
{
	size_t len = mt_good_ko_end - mt_good_ko_start;
	struct module *mod = NULL;
	struct module_err e;
	Elf64_Ehdr *h;
	char *copy;

	KTEST_EXPECT_EQ(t, load_module_image(mt_good_ko_start, 10, "", &mod, &e),
			-ENOEXEC);
	KTEST_EXPECT_STREQ(t, e.msg, "module: not an ELF file (10 bytes)");
	copy = kmemdup(mt_good_ko_start, len, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, copy);
	h = (Elf64_Ehdr *)copy;
	h->e_machine = 3;
	KTEST_EXPECT_EQ(t, load_module_image(copy, len, "", &mod, &e), -ENOEXEC);
	KTEST_EXPECT_STREQ(t, e.msg, "module: not an x86-64 ELF64 relocatable "
			   "(class 2, type 1, machine 3)");
	h->e_machine = EM_X86_64;
	((Elf64_Shdr *)(copy + h->e_shoff))[1].sh_size = len;	/* past the end */
	KTEST_EXPECT_EQ(t, load_module_image(copy, len, "", &mod, &e), -ENOEXEC);
	KTEST_EXPECT_TRUE(t, !strncmp(e.msg, "module: section 1 out of bounds", 31));
	/* Truncated: the section headers (at the end) are cut off. */
	KTEST_EXPECT_EQ(t, load_module_image(mt_good_ko_start, len - 64, "",
					     &mod, &e), -ENOEXEC);
	KTEST_EXPECT_TRUE(t, !strncmp(e.msg, "module: section headers out of "
				      "bounds", 37));
	kfree(copy);
}
