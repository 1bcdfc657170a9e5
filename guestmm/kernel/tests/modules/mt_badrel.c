// SPDX-License-Identifier: MIT
/*
 * module.* tests: a relocation the loader does not handle (R_X86_64_SIZE64,
 * a symbol's size): refused by its type, not half-applied.
 */
#include <linux/module.h>

static int __init mt_badrel_init(void)
{
	return 0;
}
module_init(mt_badrel_init);
MODULE_LICENSE("GPL");

asm(".pushsection .data\n\t.quad init_module@SIZE\n\t.popsection");
