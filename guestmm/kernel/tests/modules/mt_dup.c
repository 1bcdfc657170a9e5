// SPDX-License-Identifier: MIT
/* module.* tests: exports a name mt_export already exports. */
#include <linux/module.h>

int mt_export_twice(int x);
int mt_export_twice(int x)
{
	return x;
}
EXPORT_SYMBOL(mt_export_twice);

MODULE_LICENSE("GPL");
