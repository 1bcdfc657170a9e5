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
long module_test_seen[8];
/* Not exported: a module calling it must be refused. */
void kmodd_not_exported_fn(void);
void kmodd_not_exported_fn(void) {}

#define IMAGE(name) \
	extern const char name##_ko_start[], name##_ko_end[]
IMAGE(mt_good);
IMAGE(mt_unknown);
IMAGE(mt_nongpl);
IMAGE(mt_abs32);
IMAGE(mt_export);
IMAGE(mt_import);
IMAGE(mt_dup);
IMAGE(mt_badrel);
#define LOAD(name, params, mod, e) \
	load_module_image(name##_ko_start, name##_ko_end - name##_ko_start, \
			  params, mod, e)

/*
 * Loading must fail with err and the line msg (its start only, if msg ends
 * in '*'), and leave no module called name behind.
 */
static void refused(struct ktest *t, const char *start, const char *end,
		    const char *name, const char *params, int err,
		    const char *msg)
{
	size_t len = strlen(msg);
	struct module *mod = NULL;
	struct module_err e;

	if (len && msg[len - 1] == '*')
		len--;
	else
		len++;		/* the whole line, NUL included */
	KTEST_EXPECT_EQ(t, load_module_image(start, end - start, params, &mod,
					     &e), err);
	if (!KTEST_EXPECT_TRUE(t, !strncmp(e.msg, msg, len)))
		ktest_diag("wanted \"%s\", got \"%s\"", msg, e.msg);
	KTEST_EXPECT_NULL(t, find_module(name));
}
#define REFUSED(t, image, params, err, msg) \
	refused(t, image##_ko_start, image##_ko_end, #image, params, err, msg)

KTEST(module, good_load_params_unload)
{
	struct module_err e;
	struct module *mod = NULL;
	unsigned int leaks;

	memset(module_test_seen, 0, sizeof(module_test_seen));
	KTEST_ASSERT_EQ(t, LOAD(mt_good, "value=42 word=\"x y\"", &mod, &e), 0);
	KTEST_EXPECT_STREQ(t, module_name(mod), "mt_good");
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

/* A reference held (try_module_get) keeps the module from unloading. */
KTEST(module, reference_blocks_unload)
{
	struct module *mod = NULL;
	struct module_err e;
	unsigned int leaks;

	KTEST_ASSERT_EQ(t, LOAD(mt_good, "", &mod, &e), 0);
	KTEST_EXPECT_TRUE(t, try_module_get(mod));
	KTEST_EXPECT_EQ(t, module_refcount(mod), 1);
	KTEST_EXPECT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e),
			-EBUSY);
	KTEST_EXPECT_STREQ(t, e.msg, "Module mt_good is in use");
	KTEST_EXPECT_EQ(t, mod->state, MODULE_STATE_LIVE);
	module_put(mod);
	KTEST_EXPECT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e), 0);
}

/*
 * "a=1,2,3": the array's first elements and their number, no more; a
 * module_param_string's value, if it fits its buffer.
 */
KTEST(module, param_arrays)
{
	struct module *mod = NULL;
	struct module_err e;
	unsigned int leaks;

	memset(module_test_seen, 0, sizeof(module_test_seen));
	KTEST_ASSERT_EQ(t, LOAD(mt_good, "nums=1,2,30 names=a,bcd label=abcdefg",
				&mod, &e), 0);
	KTEST_EXPECT_EQ(t, module_test_seen[4], 3);
	KTEST_EXPECT_EQ(t, module_test_seen[5], 33);
	KTEST_EXPECT_EQ(t, module_test_seen[6], 3);
	KTEST_EXPECT_EQ(t, module_test_seen[7], 7);
	KTEST_EXPECT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e), 0);
	REFUSED(t, mt_good, "nums=1,2,3,4,5", -EINVAL,
		"mt_good: `1,2,3,4,5' invalid for parameter `nums'");
	REFUSED(t, mt_good, "nums=1,x", -EINVAL,
		"mt_good: `1,x' invalid for parameter `nums'");
	REFUSED(t, mt_good, "label=abcdefgh", -ENOSPC,
		"mt_good: `abcdefgh' invalid for parameter `label'");
}

KTEST(module, unknown_param)
{
	REFUSED(t, mt_good, "nosuch=1", -ENOENT,
		"mt_good: Unknown parameter `nosuch'");
}

/* init's error is the load's; a positive one is -EINVAL, as in Linux. */
KTEST(module, init_fails)
{
	REFUSED(t, mt_good, "init_err=-19", -ENODEV,
		"mt_good: init_module failed: -19");
	REFUSED(t, mt_good, "init_err=3", -EINVAL,
		"mt_good: init_module failed: -22");
}

KTEST(module, unknown_symbol)
{
	REFUSED(t, mt_unknown, "", -ENOENT,
		"mt_unknown: Unknown symbol kmodd_not_exported_fn (err -2)");
}

KTEST(module, gpl_only_from_proprietary)
{
	REFUSED(t, mt_nongpl, "", -EPERM, "mt_nongpl: GPL-only symbol "
		"free_percpu used by a module with license 'Proprietary'");
}

/* Zero-extended 32 bits cannot reach the module area: refused, not cut. */
KTEST(module, abs32_overflow)
{
	REFUSED(t, mt_abs32, "", -ENOEXEC,
		"mt_abs32: overflow in relocation type 10 val ffffffffc*");
}

/* A module's exports serve later modules, which hold it until unloaded. */
KTEST(module, exports_to_modules)
{
	struct module *exp = NULL, *imp = NULL;
	struct module_err e;
	unsigned int leaks;

	REFUSED(t, mt_import, "", -ENOENT,
		"mt_import: Unknown symbol mt_export_twice (err -2)");
	KTEST_ASSERT_EQ(t, LOAD(mt_export, "", &exp, &e), 0);
	REFUSED(t, mt_dup, "", -ENOEXEC, "mt_dup: exports duplicate symbol "
		"mt_export_twice (owned by mt_export)");
	module_test_seen[0] = 0;
	KTEST_ASSERT_EQ(t, LOAD(mt_import, "", &imp, &e), 0);
	KTEST_EXPECT_EQ(t, module_test_seen[0], 42);
	KTEST_EXPECT_EQ(t, exp->refcnt, 1);
	KTEST_EXPECT_EQ(t, unload_module("mt_export", NULL, NULL, &leaks, &e),
			-EBUSY);
	KTEST_EXPECT_STREQ(t, e.msg, "Module mt_export is in use by: mt_import");
	KTEST_EXPECT_EQ(t, unload_module("mt_import", NULL, NULL, &leaks, &e), 0);
	KTEST_EXPECT_EQ(t, exp->refcnt, 0);
	KTEST_EXPECT_EQ(t, unload_module("mt_export", NULL, NULL, &leaks, &e), 0);
	KTEST_EXPECT_NULL(t, find_module("mt_export"));
}

KTEST(module, unknown_relocation_type)
{
	REFUSED(t, mt_badrel, "", -ENOEXEC,
		"mt_badrel: Unknown rela relocation: 33");
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
