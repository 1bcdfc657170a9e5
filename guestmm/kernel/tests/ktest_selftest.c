// SPDX-License-Identifier: MIT
/*
 * The runner itself. Passes as it stands; with ktest_selftest=fail on the
 * command line it fails on purpose, through an expectation and then a
 * GUEST_ASSERT, so the host can check how failures are reported (the
 * Criterion suite tests/integration/test_guest_core.c does).
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>
#include <linux/ktest.h>
#include <linux/sched.h>

static bool selftest_fail;

static int __init_ktest_selftest(char *val)
{
	selftest_fail = val && !strcmp(val, "fail");
	return 0;
}
__setup("ktest_selftest=", __init_ktest_selftest);

KTEST(ktest, selftest)
{
	ktest_diag("ktest selftest running in %s (pid %d)", current->comm,
		   current->pid);
	KTEST_EXPECT_TRUE(t, current->flags & PF_KTHREAD);
	KTEST_EXPECT_FALSE(t, in_atomic());
	if (!selftest_fail)
		return;
	KTEST_EXPECT_EQ(t, 1 + 1, 3);
	GUEST_ASSERT(selftest_fail == false);
	ktest_fail(t, __FILE__, __LINE__, "not reached: GUEST_ASSERT ends the thread");
}
