// SPDX-License-Identifier: MIT
/* Guest strings made valid UTF-8 (see guest_str.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest_str.h"

/* Length of the well-formed UTF-8 sequence at @s (at most @len bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t guest_str_escape(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t in = 0, out = 0, escaped = 0;
	const char *nul = memchr(src, '\0', len);

	if (nul)
		len = nul - src;
	while (in < len) {
		size_t n = utf8_seq_len(s + in, len - in);

		if (n) {
			if (out + n >= size)
				break;
			memcpy(dst + out, s + in, n);
			out += n;
			in += n;
			continue;
		}
		if (out + 4 >= size)
			break;
		snprintf(dst + out, 5, "\\x%02x", s[in]);
		out += 4;
		in++;
		escaped++;
	}
	dst[out] = '\0';
	return escaped;
}
