// SPDX-License-Identifier: MIT
/* guest_str_escape: any bytes in, valid UTF-8 out, bad bytes as \xHH. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "guest_str.h"

static size_t esc(char *dst, size_t size, const char *src)
{
	return guest_str_escape(dst, size, src, strlen(src));
}

/* @in comes out as @want, @bad bytes escaped. */
static void expect_escape(const char *in, const char *want, size_t bad)
{
	char out[64];

	cr_expect_eq(esc(out, sizeof(out), in), bad, "escapes in \"%s\"", want);
	cr_expect_str_eq(out, want);
}

Test(guest_str, ascii_and_utf8_pass_unchanged)
{
	expect_escape("kmalloc-64", "kmalloc-64", 0);
	expect_escape("z\xc3\xa9ro \xe2\x82\xac \xf0\x9f\x90\xa7",
		      "z\xc3\xa9ro \xe2\x82\xac \xf0\x9f\x90\xa7", 0);
	/* control characters are valid UTF-8: JSON and vmmctl escape them */
	expect_escape("a\x1b[2Jb", "a\x1b[2Jb", 0);
}

Test(guest_str, bad_bytes_become_escapes_and_are_counted)
{
	expect_escape("Nor\xffmal", "Nor\\xffmal", 1);
	/* overlong NUL, a UTF-16 surrogate, above U+10FFFF, a lone continuation */
	expect_escape("\xc0\x80", "\\xc0\\x80", 2);
	expect_escape("\xed\xa0\x80", "\\xed\\xa0\\x80", 3);
	expect_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", 4);
	expect_escape("\x80x", "\\x80x", 1);
	/* a sequence cut short by the end of the string */
	expect_escape("ab\xe2\x82", "ab\\xe2\\x82", 2);
}

Test(guest_str, stops_at_nul_and_never_splits_a_character_or_an_escape)
{
	char out[8];

	cr_expect_eq(guest_str_escape(out, sizeof(out), "ab\0\xff", 4), 0);
	cr_expect_str_eq(out, "ab");
	/* 7 bytes of room: "abc" + one escape fits, the second does not */
	cr_expect_eq(esc(out, sizeof(out), "abc\xff\xff"), 1);
	cr_expect_str_eq(out, "abc\\xff");
	cr_expect_eq(esc(out, sizeof(out), "abcde\xe2\x82\xac"), 0);
	cr_expect_str_eq(out, "abcde");
	cr_expect_eq(esc(out, 1, "\xff"), 0);
	cr_expect_str_eq(out, "");
}

/* Every byte string of length 1-3 comes out as a string jansson accepts. */
Test(guest_str, every_short_byte_string_is_valid_utf8_after)
{
	unsigned char in[3];
	char out[16];

	for (unsigned int v = 0; v < (1u << 24); v += 7) {
		in[0] = v & 0xff, in[1] = v >> 8 & 0xff, in[2] = v >> 16;
		guest_str_escape(out, sizeof(out), (const char *)in, 3);
		json_t *j = json_string(out);

		cr_assert_not_null(j, "bytes %02x %02x %02x gave invalid UTF-8",
				   in[0], in[1], in[2]);
		json_decref(j);
	}
}
