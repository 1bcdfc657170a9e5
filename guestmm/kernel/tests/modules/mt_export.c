// SPDX-License-Identifier: MIT
/* module.* tests: a module exporting a function to later modules. */
#include <linux/module.h>

int mt_export_twice(int x);
int mt_export_twice(int x)
{
	return 2 * x;
}
EXPORT_SYMBOL(mt_export_twice);

static int __init mt_export_init(void)
{
	return 0;
}

static void __exit mt_export_exit(void)
{
}

module_init(mt_export_init);
module_exit(mt_export_exit);
MODULE_LICENSE("GPL");
