// SPDX-License-Identifier: MIT
/* module.* tests: calls a kernel function that is not exported. */
#include <linux/module.h>

void kmodd_not_exported_fn(void);

static int __init mt_unknown_init(void)
{
	kmodd_not_exported_fn();
	return 0;
}
module_init(mt_unknown_init);
MODULE_LICENSE("GPL");
