// SPDX-License-Identifier: MIT
/*
 * Linux driver code compiles and behaves as on Linux (issue 16, item 5):
 * the names a driver writer types, used as they would type them. vmap()
 * with PAGE_KERNEL is vmalloc_test.c's (it needs the real MMU).
 */
#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

/* A probe that fails as drivers' probes do. */
static void *probe(int fail)
{
	return fail ? ERR_PTR(-fail) : kmalloc(32, GFP_KERNEL);
}

KTEST(compat, err_ptr_round_trip)
{
	void *p = probe(ENOMEM), *ok = probe(0);

	KTEST_EXPECT_TRUE(t, IS_ERR(p));
	KTEST_EXPECT_EQ(t, PTR_ERR(p), -ENOMEM);
	KTEST_EXPECT_EQ(t, PTR_ERR_OR_ZERO(p), -ENOMEM);
	KTEST_EXPECT_TRUE(t, IS_ERR(ERR_CAST(p)));
	KTEST_ASSERT_NOT_NULL(t, ok);
	KTEST_EXPECT_TRUE(t, !IS_ERR(ok));
	KTEST_EXPECT_EQ(t, PTR_ERR_OR_ZERO(ok), 0);
	KTEST_EXPECT_TRUE(t, !IS_ERR(NULL));
	KTEST_EXPECT_TRUE(t, IS_ERR_OR_NULL(NULL));
	KTEST_EXPECT_TRUE(t, IS_ERR(ERR_PTR(-MAX_ERRNO)));
	KTEST_EXPECT_TRUE(t, !IS_ERR(ERR_PTR(-MAX_ERRNO - 1)));
	kfree(ok);
}

KTEST(compat, kstrdup_and_kmemdup_copy)
{
	static const char name[] = "scullc";
	static const unsigned char blob[5] = { 1, 2, 0, 4, 5 };
	char *s = kstrdup(name, GFP_KERNEL);
	unsigned char *b = kmemdup(blob, sizeof(blob), GFP_KERNEL);

	KTEST_ASSERT_NOT_NULL(t, s);
	KTEST_ASSERT_NOT_NULL(t, b);
	KTEST_EXPECT_TRUE(t, s != name && !strcmp(s, name));
	KTEST_EXPECT_TRUE(t, !memcmp(b, blob, sizeof(blob)));
	KTEST_EXPECT_TRUE(t, kstrdup(NULL, GFP_KERNEL) == NULL);
	kfree(s);
	kfree(b);
}

/*
 * The block is zeroed whole before it is freed: the same CPU's next
 * kmalloc of the size gets it back (last freed, first out of the per-CPU
 * magazine), and every byte of it reads 0.
 */
KTEST(compat, kfree_sensitive_zeroes_the_block)
{
	unsigned char *p, *q;
	size_t n, nonzero = 0;

	preempt_disable();
	p = kmalloc(48, GFP_ATOMIC);
	if (p) {
		n = ksize(p);
		memset(p, 0xa5, n);
		kfree_sensitive(p);
		q = kmalloc(48, GFP_ATOMIC);
	} else {
		n = 0;
		q = NULL;
	}
	preempt_enable();
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_TRUE(t, q == p);
	for (size_t i = 0; i < n; i++)
		nonzero += q[i] != 0;
	KTEST_EXPECT_EQ(t, nonzero, 0);
	kfree(q);
	kfree_sensitive(NULL);
}

KTEST(compat, cpu_counts)
{
	unsigned int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n++;
	KTEST_EXPECT_EQ(t, num_possible_cpus(), n);
	KTEST_EXPECT_TRUE(t, num_online_cpus() <= num_possible_cpus());
	KTEST_EXPECT_TRUE(t, num_online_cpus() >= 1);
}
