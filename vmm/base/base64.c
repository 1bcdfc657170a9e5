// SPDX-License-Identifier: MIT
/* Strict base64: see base64.h. */
#include <stdint.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of @c, or -1. */
static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* How many '=' end the last group [in, in+4): 0..2, or -1 if misplaced. */
static int padding(const char *in)
{
	if (in[3] != '=')
		return in[2] == '=' ? -1 : 0;
	return in[2] == '=' ? 2 : 1;
}

static int bad_char(const char *in, size_t i, struct errbuf *e)
{
	unsigned char c = (unsigned char)in[i];

	if (c == '=')
		return errf(e, "misplaced '=' at offset %zu", i);
	if (c > 0x20 && c < 0x7f)
		return errf(e, "'%c' at offset %zu is not a base64 character", c, i);
	return errf(e, "byte 0x%02x at offset %zu is not a base64 character",
		    c, i);
}

ssize_t base64_decode(const char *in, size_t len, unsigned char *out,
		      struct errbuf *e)
{
	size_t i, n = 0;
	int pad = 0;

	if (len % 4)
		return errf(e, "base64 length %zu is not a multiple of 4", len);
	if (len)
		pad = padding(in + len - 4);
	if (pad < 0)
		return bad_char(in, len - 2, e);
	for (i = 0; i < len; i += 4) {
		size_t used = i + 4 == len ? 4 - (size_t)pad : 4;
		uint32_t v = 0;

		for (size_t j = 0; j < 4; j++) {
			int s = j < used ? sextet((unsigned char)in[i + j]) : 0;

			if (s < 0)
				return bad_char(in, i + j, e);
			v = v << 6 | (uint32_t)s;
		}
		if ((pad == 1 && i + 4 == len && (v & 0xff)) ||
		    (pad == 2 && i + 4 == len && (v & 0xffff)))
			return errf(e, "base64 has bits set past its last byte (offset %zu)",
				    len - (size_t)pad - 1);
		out[n++] = (unsigned char)(v >> 16);
		if (used > 2)
			out[n++] = (unsigned char)(v >> 8);
		if (used > 3)
			out[n++] = (unsigned char)v;
	}
	return (ssize_t)n;
}

void base64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];

		out[n++] = alphabet[v >> 18];
		out[n++] = alphabet[v >> 12 & 63];
		out[n++] = alphabet[v >> 6 & 63];
		out[n++] = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[n++] = alphabet[v >> 18];
		out[n++] = alphabet[v >> 12 & 63];
		out[n++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[n++] = '=';
	}
	out[n] = '\0';
}
