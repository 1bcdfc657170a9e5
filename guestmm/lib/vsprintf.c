// SPDX-License-Identifier: MIT
/*
 * vsnprintf for the guest: the conversions the kernel uses (d i u x X o c s p
 * %%), flags (- 0 + space #), width, precision, and the length modifiers
 * hh h l ll z t j. %p prints 0x-prefixed hex, as %px does on Linux.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <stdarg.h>

struct out {
	char *buf;
	size_t size;
	size_t len;	/* what would have been written */
};

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;
	int base;
	bool upper, is_signed;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, struct spec *sp)
{
	int len;

	if (!s)
		s = "(null)";
	len = sp->prec >= 0 ? (int)strnlen(s, sp->prec) : (int)strlen(s);
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_num(struct out *o, unsigned long long v, bool neg, struct spec *sp)
{
	const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, prefix_len = 0;
	char sign = 0;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % sp->base];
		v /= sp->base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		sign = '-';
	else if (sp->is_signed && sp->plus)
		sign = '+';
	else if (sp->is_signed && sp->space)
		sign = ' ';
	if (sp->alt && sp->base == 16) {
		prefix = sp->upper ? "0X" : "0x";
		prefix_len = 2;
	} else if (sp->alt && sp->base == 8 && !(n && tmp[n - 1] == '0')) {
		prefix = "0";
		prefix_len = 1;
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	int total = n + zeros + prefix_len + (sign ? 1 : 0);

	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += sp->width > total ? sp->width - total : 0;
		total = sp->width > total ? sp->width : total;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, sign);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-': sp->left = true; break;
		case '0': sp->zero = true; break;
		case '+': sp->plus = true; break;
		case ' ': sp->space = true; break;
		case '#': sp->alt = true; break;
		default: return f;
		}
	}
}

static const char *parse_int(const char *f, int *v, va_list *ap)
{
	if (*f == '*') {
		*v = va_arg(*ap, int);
		return f + 1;
	}
	*v = 0;
	while (*f >= '0' && *f <= '9')
		*v = *v * 10 + (*f++ - '0');
	return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, args);
	for (const char *f = fmt; *f; f++) {
		struct spec sp = { .prec = -1, .base = 10 };
		int lng = 0;
		unsigned long long v;
		bool neg = false;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_flags(f + 1, &sp);
		f = parse_int(f, &sp.width, &ap);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*f == '.')
			f = parse_int(f + 1, &sp.prec, &ap);
		for (;; f++) {
			if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j')
				lng += (*f == 'l') ? 1 : 2;
			else if (*f == 'h')
				lng -= 1;
			else
				break;
		}
		switch (*f) {
		case 'c':
			put(&o, (char)va_arg(ap, int));
			continue;
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			continue;
		case '%':
			put(&o, '%');
			continue;
		case 'p':
			/* %px and %pK print the address, as Linux's do */
			if (f[1] == 'x' || f[1] == 'K')
				f++;
			sp.base = 16;
			sp.alt = true;
			put_num(&o, (unsigned long)va_arg(ap, void *), false, &sp);
			continue;
		case 'd':
		case 'i': {
			long long s = lng >= 1 ? va_arg(ap, long long) : va_arg(ap, int);

			if (lng == -1)
				s = (short)s;
			else if (lng <= -2)
				s = (signed char)s;
			sp.is_signed = true;
			neg = s < 0;
			v = neg ? -(unsigned long long)s : (unsigned long long)s;
			put_num(&o, v, neg, &sp);
			continue;
		}
		case 'X':
			sp.upper = true;
			/* fall through */
		case 'x':
			sp.base = 16;
			break;
		case 'o':
			sp.base = 8;
			break;
		case 'u':
			break;
		case '\0':
			f--;
			continue;
		default:
			put(&o, '%');
			put(&o, *f);
			continue;
		}
		v = lng >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
		if (lng == -1)
			v = (unsigned short)v;
		else if (lng <= -2)
			v = (unsigned char)v;
		put_num(&o, v, false, &sp);
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
