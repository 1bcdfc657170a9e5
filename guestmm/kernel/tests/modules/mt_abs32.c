// SPDX-License-Identifier: MIT
/*
 * module.* tests: an R_X86_64_32 (zero-extended) to its own init, which
 * lies in the module area, far above 4 GiB: the loader must refuse it.
 */
#include <linux/module.h>

static int __init mt_abs32_init(void)
{
	return 0;
}
module_init(mt_abs32_init);
MODULE_LICENSE("GPL");

asm(".pushsection .data\n\t.long init_module\n\t.popsection");
