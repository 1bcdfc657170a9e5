// SPDX-License-Identifier: MIT
/* module.* tests: a good module (parameters, exports, relocations). */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

extern long module_test_seen[4];

static int value = 1;
module_param(value, int, 0444);
static char *word = "none";
module_param(word, charp, 0444);

/* Data relocations: R_X86_64_64 to the module's strings and to the kernel. */
static const char *const words[] = { "alpha", "beta" };
static long *const seen = module_test_seen;

static int __init mt_good_init(void)
{
	char *copy = kstrdup(words[1], GFP_KERNEL);

	if (!copy)
		return -ENOMEM;
	seen[0] = value;
	seen[1] = strlen(word) + 10 * !strcmp(copy, "beta");
	kfree(copy);
	return 0;
}

static void __exit mt_good_exit(void)
{
	module_test_seen[2] = 1;
}

module_init(mt_good_init);
module_exit(mt_good_exit);
MODULE_LICENSE("GPL");
