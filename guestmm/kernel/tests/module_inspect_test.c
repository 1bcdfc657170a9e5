// SPDX-License-Identifier: MIT
/*
 * A fixture for the VMM's query-modules (vmm/control/module_read.h,
 * tests/integration/test_inspect.c): the test module mt_good loaded, the
 * guest's own view of it printed, held still for module_hold=MS
 * milliseconds (default 0) while the VMM reads the list, then unloaded and
 * held again (the list empty).
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/module.h>
#include <linux/sched.h>
#include "../module_internal.h"

extern const char mt_good_ko_start[], mt_good_ko_end[];

static int module_hold_ms;

static void hold(const char *what)
{
	ktest_diag("module hold: %s for %d ms", what, module_hold_ms);
	if (module_hold_ms)
		msleep(module_hold_ms);
}

static int __init_module_hold(char *val)
{
	if (!param_get_int(val, &module_hold_ms) || module_hold_ms < 0)
		return -1;
	return 0;
}
__setup("module_hold=", __init_module_hold);

KTEST(inspect, module_loaded)
{
	struct module_err e;
	struct module *mod = NULL;
	unsigned int leaks;

	KTEST_ASSERT_EQ(t, load_module_image(mt_good_ko_start,
					     mt_good_ko_end - mt_good_ko_start,
					     "value=7", &mod, &e), 0);
	ktest_diag("module loaded: %s size %u base %#lx taints %#lx",
		   mod->name, mod->core_size, (unsigned long)mod->core_base,
		   mod->taints);
	hold("loaded");
	KTEST_EXPECT_EQ(t, unload_module("mt_good", NULL, NULL, &leaks, &e), 0);
	hold("unloaded");
}
