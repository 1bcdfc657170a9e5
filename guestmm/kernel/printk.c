// SPDX-License-Identifier: MIT
/* printk: levels as a KERN_SOH prefix, one console write per message. */
#include <linux/kernel.h>
#include <linux/console.h>

int console_loglevel = 7;	/* everything but KERN_DEBUG */

#define PRINTK_MAX 512

static int printk_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1] >= '0' && f[1] <= '7') {
		*fmt = f + 2;
		return f[1] - '0';
	}
	if (f[0] == KERN_SOH[0] && f[1] == 'c') {	/* KERN_CONT: one line per write anyway */
		*fmt = f + 2;
		return LOGLEVEL_DEFAULT;
	}
	return LOGLEVEL_DEFAULT;
}

int vprintk(const char *fmt, va_list args)
{
	char buf[PRINTK_MAX];
	int level = printk_level(&fmt);
	int len;

	if (level >= console_loglevel)
		return 0;
	len = vsnprintf(buf, sizeof(buf), fmt, args);
	if (len >= (int)sizeof(buf)) {
		len = sizeof(buf) - 1;
		buf[len - 1] = '\n';	/* truncated: still end the line */
	}
	arch_console_write(buf, len, level);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
