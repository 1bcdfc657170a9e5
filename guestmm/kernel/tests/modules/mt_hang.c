// SPDX-License-Identifier: MIT
/*
 * test_kmodd: a module whose own case never ends: it must fail after
 * module_test_timeout=, and the module stay pinned (its code still runs).
 */
#include <linux/module.h>
#include <linux/ktest.h>
#include <linux/sched.h>

KTEST(mt_hang, never_ends)
{
	for (;;)
		msleep(1000);
}

static int __init mt_hang_init(void)
{
	return 0;
}

static void __exit mt_hang_exit(void)
{
}

module_init(mt_hang_init);
module_exit(mt_hang_exit);
MODULE_LICENSE("GPL");
