// SPDX-License-Identifier: MIT
/* Control characters escaped on the way out (see term_safe.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/types.h>

#include "term_safe.h"

struct term_safe {
	FILE *raw;
	int pending_c2;		/* a C2 byte seen last: C1 control or not? */
};

static bool is_c0_control(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

ssize_t term_safe_write(FILE *raw, int *pending_c2, const char *buf,
			size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (*pending_c2) {
			*pending_c2 = 0;
			if (c >= 0x80 && c <= 0x9f) {
				if (fprintf(raw, "\\xc2\\x%02x", c) < 0)
					return -1;
				continue;
			}
			if (putc(0xc2, raw) == EOF)
				return -1;
		}
		if (c == 0xc2) {
			*pending_c2 = 1;
			continue;
		}
		if (is_c0_control(c) ? fprintf(raw, "\\x%02x", c) < 0 :
		    putc(c, raw) == EOF)
			return -1;
	}
	return len;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
	struct term_safe *t = cookie;

	return term_safe_write(t->raw, &t->pending_c2, buf, len);
}

static int cookie_close(void *cookie)
{
	struct term_safe *t = cookie;
	int r = 0;

	if (t->pending_c2 && putc(0xc2, t->raw) == EOF)
		r = EOF;
	if (fflush(t->raw))
		r = EOF;
	free(t);
	return r;
}

FILE *term_safe_open(FILE *raw)
{
	cookie_io_functions_t io = {
		.write = cookie_write,
		.close = cookie_close,
	};
	struct term_safe *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t)
		return NULL;
	t->raw = raw;
	f = fopencookie(t, "w", io);
	if (!f)
		free(t);
	return f;
}
