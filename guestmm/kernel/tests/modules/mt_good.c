// SPDX-License-Identifier: MIT
/* module.* tests: a good module (parameters, exports, relocations). */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ktest.h>

extern long module_test_seen[4];

static int value = 1;
module_param(value, int, 0444);
static char *word = "none";
module_param(word, charp, 0444);

/* Data relocations: R_X86_64_64 to the module's strings and to the kernel. */
static const char *const words[] = { "alpha", "beta" };
static long *const seen = module_test_seen;

/* R_X86_64_PC64: the 64-bit distance from here to the kernel's array. */
extern const long mt_good_pc64;
asm(".pushsection .rodata\n\t.balign 8\nmt_good_pc64:\n\t"
    ".quad module_test_seen - .\n\t.popsection");

static int __init mt_good_init(void)
{
	char *copy = kstrdup(words[1], GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	seen[0] = value;
	seen[1] = strlen(word) + 10 * !strcmp(copy, "beta");
	kfree(copy);
	seen[3] = (long)&mt_good_pc64 + mt_good_pc64 == (long)module_test_seen;
	return 0;
}

static void __exit mt_good_exit(void)
{
	module_test_seen[2] = 1;
}

module_init(mt_good_init);
module_exit(mt_good_exit);
MODULE_LICENSE("GPL");

/* Its own cases, run by kmodd after init: fail_test=1 fails the second. */
static bool fail_test;
module_param(fail_test, bool, 0444);

KTEST(mt_good, init_saw_params)
{
	KTEST_EXPECT_EQ(t, seen[0], value);
}

KTEST(mt_good, fails_on_request)
{
	KTEST_EXPECT_FALSE(t, fail_test);
}
