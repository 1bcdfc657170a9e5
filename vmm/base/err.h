/* SPDX-License-Identifier: MIT */
/*
 * One-line error messages for the pure parts of the VMM. They never print:
 * they fill the caller's buffer and return -1, so unit tests can check the
 * exact text and main() decides where it goes and which exit status follows.
 */
#ifndef VMM_ERR_H
#define VMM_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct errbuf {
	char msg[512];
};

static inline int __attribute__((format(printf, 2, 3)))
errf(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

#endif
