// SPDX-License-Identifier: MIT
/* Sizes and addresses on the command line: parsing and printing. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>

#include "size.h"

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

/* strtoull accepts signs, spaces and silently wraps: parse by hand. */
static int parse_number(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	unsigned int base = 10;
	uint64_t v = 0;
	int d, n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; (d = digit_value(*s, base)) >= 0; s++, n++) {
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (!n)
		return -EINVAL;
	*sp = s;
	*out = v;
	return 0;
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	}
	return -1;
}

int size_parse(const char *s, uint64_t *out)
{
	uint64_t v;
	int shift, ret;

	if (!s)
		return -EINVAL;
	ret = parse_number(&s, &v);
	if (ret)
		return ret;
	shift = suffix_shift(*s);
	if (shift >= 0) {
		s++;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
		/* "MiB" needs its B; "MB" and "M" are fine too */
		if (*s == 'i' || *s == 'I') {
			s++;
			if (*s != 'b' && *s != 'B')
				return -EINVAL;
		}
	}
	if (*s == 'b' || *s == 'B')
		s++;
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

void size_format(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (v && v % unit == 0) {
			snprintf(buf, len, "%" PRIu64 " %s", v / unit, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64 " bytes", v);
}
