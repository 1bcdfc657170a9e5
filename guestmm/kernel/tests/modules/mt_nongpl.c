// SPDX-License-Identifier: MIT
/* module.* tests: a proprietary module using a GPL-only export. */
#include <linux/module.h>
#include <linux/percpu.h>

static int __init mt_nongpl_init(void)
{
	free_percpu(NULL);
	return 0;
}
module_init(mt_nongpl_init);
MODULE_LICENSE("Proprietary");
