// SPDX-License-Identifier: MIT
/* module.* tests: uses mt_export's export, so mt_export must stay. */
#include <linux/module.h>

extern long module_test_seen[8];
int mt_export_twice(int x);

static int __init mt_import_init(void)
{
	module_test_seen[0] = mt_export_twice(21);
	return 0;
}

static void __exit mt_import_exit(void)
{
}

module_init(mt_import_init);
module_exit(mt_import_exit);
MODULE_LICENSE("GPL");
