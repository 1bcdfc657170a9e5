// SPDX-License-Identifier: MIT
/* Test selection: globs on "suite.name", shared by the guest and the host. */
#include <linux/ktest.h>
#include <linux/string.h>

/* '*' any run, '?' one char; matches the whole of s[0..slen). */
static bool glob_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen && (p[pi] == '?' || p[pi] == s[si])) {
			pi++, si++;
		} else if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

bool ktest_match(const char *globs, const char *suite, const char *name)
{
	char full[2 * 64 + 2];
	size_t slen = strlen(suite), nlen = strlen(name);

	if (slen + nlen + 2 > sizeof(full))
		return false;
	memcpy(full, suite, slen);
	full[slen] = '.';
	memcpy(full + slen + 1, name, nlen + 1);

	while (*globs) {
		const char *end = strchr(globs, ',');
		size_t plen = end ? (size_t)(end - globs) : strlen(globs);

		if (plen && glob_match(globs, plen, full, slen + 1 + nlen))
			return true;
		if (!end)
			break;
		globs = end + 1;
	}
	return false;
}
