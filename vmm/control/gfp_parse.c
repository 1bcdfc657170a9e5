// SPDX-License-Identifier: MIT
/* GFP flags from their C spelling: see gfp_parse.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/gfp.h>

#include "gfp_parse.h"

static const struct gfp_name {
	const char *name;
	uint32_t value;
} gfp_names[] = {
#define GFP_NAME(name, value) { #name, value },
	MV_GFP_NAMES(GFP_NAME)
#undef GFP_NAME
};

#define WORD_MAX	64

/* One word (a name or a number) of @len bytes at @w. */
static int gfp_word(const char *w, size_t len, uint32_t *v, struct errbuf *e)
{
	char word[WORD_MAX];
	unsigned long long n;
	char *end;

	if (!len)
		return errf(e, "empty GFP flag (a stray '|'?)");
	if (len >= sizeof(word))
		return errf(e, "unknown GFP flag '%.*s...'", 32, w);
	memcpy(word, w, len);
	word[len] = '\0';
	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++)
		if (!strcmp(gfp_names[i].name, word)) {
			*v = gfp_names[i].value;
			return 0;
		}
	if (isdigit((unsigned char)word[0])) {
		errno = 0;
		n = strtoull(word, &end, 0);
		if (!errno && !*end && !(n & ~(unsigned long long)MV___GFP_BITS_MASK)) {
			*v = (uint32_t)n;
			return 0;
		}
		return errf(e, "GFP value '%s' is not within __GFP_BITS_MASK (0x%x)",
			    word, MV___GFP_BITS_MASK);
	}
	return errf(e, "unknown GFP flag '%s'", word);
}

int gfp_parse(const char *s, uint32_t *gfp, struct errbuf *e)
{
	uint32_t v = 0, all = 0;
	const char *p = s, *bar, *end;

	if (!s || !*s)
		return errf(e, "no GFP flags (write GFP_KERNEL, GFP_ATOMIC, ...)");
	for (;;) {
		bar = strchr(p, '|');
		end = bar ? bar : p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (gfp_word(p, (size_t)(end - p), &v, e))
			return -1;
		all |= v;
		if (!bar)
			break;
		p = bar + 1;
	}
	*gfp = all;
	return 0;
}
