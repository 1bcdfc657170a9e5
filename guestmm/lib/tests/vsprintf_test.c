// SPDX-License-Identifier: MIT
/*
 * The guest's vsnprintf against what the kernel's (and C's) would print:
 * conversions, flags, width and precision, length modifiers, %p and its
 * x/K forms, and truncation with the would-be length returned.
 */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/string.h>

#define EXPECT_FMT(t, want, ...)					\
	do {								\
		char b_[64];						\
		int n_ = snprintf(b_, sizeof(b_), __VA_ARGS__);		\
									\
		KTEST_EXPECT_STREQ(t, b_, want);			\
		KTEST_EXPECT_EQ(t, n_, (int)strlen(want));		\
	} while (0)

KTEST(vsprintf, integers)
{
	EXPECT_FMT(t, "-42 42 2a 2A 52", "%d %u %x %X %o", -42, 42u, 42u, 42u, 42u);
	EXPECT_FMT(t, "-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	EXPECT_FMT(t, "18446744073709551615", "%lu", ~0UL);
	EXPECT_FMT(t, "ff 255 -1", "%hhx %hhu %hhd", 0x1ff, 0x1ff, 0xff);
	EXPECT_FMT(t, "00042|42   |  +42| 42|0x2a", "%05d|%-5d|%+5d|% d|%#x", 42, 42, 42, 42, 42);
	EXPECT_FMT(t, "4096 -3", "%zu %td", (size_t)4096, (ptrdiff_t)-3);
}

/* volatile: the compiler may not see that it is NULL, and warn */
static const char *volatile no_string;

KTEST(vsprintf, strings_and_chars)
{
	EXPECT_FMT(t, "a|  ab|ab  |abc|(null)", "%c|%4s|%-4s|%.3s|%s", 'a', "ab", "ab", "abcdef", no_string);
	EXPECT_FMT(t, "100%", "%d%%", 100);
}

KTEST(vsprintf, pointers_and_their_extensions)
{
	void *p = (void *)0xffffc90000001000UL;

	EXPECT_FMT(t, "0xffffc90000001000", "%p", p);
	EXPECT_FMT(t, "0xffffc90000001000 changed", "%px changed", p);
	EXPECT_FMT(t, "[0xffffc90000001000]", "[%pK]", p);
}

KTEST(vsprintf, truncates_and_counts)
{
	char b[8];

	KTEST_EXPECT_EQ(t, snprintf(b, sizeof(b), "%s", "0123456789"), 10);
	KTEST_EXPECT_STREQ(t, b, "0123456");
	KTEST_EXPECT_EQ(t, snprintf(NULL, 0, "%d", 12345), 5);
}
