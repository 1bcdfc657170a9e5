/* SPDX-License-Identifier: MIT */
/*
 * ktest: in-kernel tests in the manner of KUnit. A test is plain guest C:
 *
 *	KTEST(buddy, split_and_merge)
 *	{
 *		struct page *p = alloc_pages(GFP_KERNEL, 3);
 *		KTEST_ASSERT_NOT_NULL(t, p);
 *		KTEST_EXPECT_EQ(t, page_to_pfn(p) & 7, 0);
 *	}
 *
 * Cases live in the "ktest_cases" section. In the guest, `vmm --test GLOB`
 * runs the matching ones, each in its own kernel thread, and reports them to
 * the VMM (HC_TEST) as TAP. In the hosted build the same cases run as
 * Criterion tests. A failed expectation records file:line and goes on; a
 * failed assertion also returns from the test function.
 */
#ifndef _LINUX_KTEST_H
#define _LINUX_KTEST_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/string.h>

struct ktest;

struct ktest_case {
	const char *suite;
	const char *name;
	void (*run)(struct ktest *t);
	unsigned int min_cpus;		/* skipped on fewer CPUs */
};

struct ktest {
	const struct ktest_case *tcase;
	unsigned int failures;
	bool skipped;
	void *priv;			/* for the test's own use */
	const char *module;		/* a module's own case: its name */
};

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

#define __KTEST(suite, name, ncpus)					\
	static void ktest_##suite##_##name(struct ktest *t);		\
	static const struct ktest_case __ktest_case_##suite##_##name	\
	__section("ktest_cases") __used __aligned(8) = {		\
		#suite, #name, ktest_##suite##_##name, ncpus };		\
	static void ktest_##suite##_##name(struct ktest *t __maybe_unused)

#define KTEST(suite, name)		__KTEST(suite, name, 1)
/* A case that needs at least ncpus CPUs: skipped, and reported so, on fewer. */
#define KTEST_SMP(suite, name, ncpus)	__KTEST(suite, name, ncpus)

/* Records a failure at file:line (guest: reported to the VMM at once). */
__printf(4, 5) void ktest_fail(struct ktest *t, const char *file, int line,
			       const char *fmt, ...);
__printf(2, 3) void ktest_skip(struct ktest *t, const char *fmt, ...);
__printf(1, 2) void ktest_diag(const char *fmt, ...);

#define KTEST_EXPECT_TRUE(t, cond) ({					\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		ktest_fail(t, __FILE__, __LINE__, "expected %s", #cond);\
	__ok;								\
})
#define KTEST_EXPECT_FALSE(t, cond)	KTEST_EXPECT_TRUE(t, !(cond))
#define __KTEST_EXPECT_OP(t, a, op, b) ({				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	bool __ok = __a op __b;						\
	if (!__ok)							\
		ktest_fail(t, __FILE__, __LINE__,			\
			   "expected %s %s %s, got %lld vs %lld",	\
			   #a, #op, #b, __a, __b);			\
	__ok;								\
})
#define KTEST_EXPECT_EQ(t, a, b)	__KTEST_EXPECT_OP(t, a, ==, b)
#define KTEST_EXPECT_NE(t, a, b)	__KTEST_EXPECT_OP(t, a, !=, b)
#define KTEST_EXPECT_LT(t, a, b)	__KTEST_EXPECT_OP(t, a, <, b)
#define KTEST_EXPECT_LE(t, a, b)	__KTEST_EXPECT_OP(t, a, <=, b)
#define KTEST_EXPECT_GT(t, a, b)	__KTEST_EXPECT_OP(t, a, >, b)
#define KTEST_EXPECT_GE(t, a, b)	__KTEST_EXPECT_OP(t, a, >=, b)
#define KTEST_EXPECT_NULL(t, p)		KTEST_EXPECT_TRUE(t, (p) == NULL)
#define KTEST_EXPECT_STREQ(t, a, b) ({					\
	const char *__a = (a), *__b = (b);				\
	bool __ok = !strcmp(__a, __b);					\
	if (!__ok)							\
		ktest_fail(t, __FILE__, __LINE__,			\
			   "expected %s == %s, got \"%s\" vs \"%s\"",	\
			   #a, #b, __a, __b);				\
	__ok;								\
})
#define KTEST_EXPECT_NOT_NULL(t, p)	KTEST_EXPECT_TRUE(t, (p) != NULL)

/* Assertions return from the test function on failure. */
#define KTEST_ASSERT_TRUE(t, cond)	do { if (!KTEST_EXPECT_TRUE(t, cond)) return; } while (0)
#define KTEST_ASSERT_EQ(t, a, b)	do { if (!KTEST_EXPECT_EQ(t, a, b)) return; } while (0)
#define KTEST_ASSERT_NE(t, a, b)	do { if (!KTEST_EXPECT_NE(t, a, b)) return; } while (0)
#define KTEST_ASSERT_NOT_NULL(t, p)	do { if (!KTEST_EXPECT_NOT_NULL(t, p)) return; } while (0)
#define KTEST_ASSERT_NULL(t, p)		do { if (!KTEST_EXPECT_NULL(t, p)) return; } while (0)

/*
 * GUEST_ASSERT(cond): an assertion for any guest code, tests or not. Failed
 * in a thread while a ktest case runs, it fails that case (MV_TEST_ASSERT
 * with file:line) and ends the thread; anywhere else it is fatal: reported
 * as MV_TEST_ASSERT outside a test, then a panic with registers.
 */
__noreturn void __guest_assert_fail(const char *file, int line,
				    const char *cond);
#define GUEST_ASSERT(cond)						\
	do {								\
		if (unlikely(!(cond)))					\
			__guest_assert_fail(__FILE__, __LINE__, #cond);	\
	} while (0)

/* Runs one case to completion in the calling context; returns failures. */
unsigned int ktest_run_case(const struct ktest_case *c, struct ktest *t);
/* fnmatch-style glob on "suite.name": '*' and '?'; ',' separates globs. */
bool ktest_match(const char *globs, const char *suite, const char *name);

#endif
