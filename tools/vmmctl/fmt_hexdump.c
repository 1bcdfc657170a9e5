// SPDX-License-Identifier: MIT
/*
 * Guest memory as `xxd -o ADDR` shows it: "ADDR: 16 bytes in pairs  text".
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define HEX_LINE	16

static void hex_line(FILE *out, uint64_t addr, const unsigned char *p,
		     size_t n)
{
	fprintf(out, "%08llx: ", (unsigned long long)addr);
	for (size_t i = 0; i < HEX_LINE; i++) {
		if (i < n)
			fprintf(out, "%02x", p[i]);
		else
			fputs("  ", out);
		if (i & 1)
			fputc(' ', out);
	}
	fputc(' ', out);
	for (size_t i = 0; i < n; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', out);
	fputc('\n', out);
}

void fmt_hexdump(FILE *out, uint64_t addr, const unsigned char *data,
		 size_t len)
{
	for (size_t off = 0; off < len; off += HEX_LINE)
		hex_line(out, addr + off, data + off,
			 len - off < HEX_LINE ? len - off : HEX_LINE);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes @hex into a new buffer of *len bytes; NULL if it is not hex. */
static unsigned char *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	unsigned char *b;
	int hi, lo;

	if (n & 1)
		return NULL;
	b = malloc(n / 2 + 1);
	if (!b)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		hi = hex_digit(hex[2 * i]);
		lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(b);
			return NULL;
		}
		b[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return b;
}

int fmt_memory(FILE *out, json_t *ret, struct fmt_err *e)
{
	const char *hex = fmt_str(ret, "data", NULL);
	unsigned char *data;
	size_t len;

	if (!hex)
		return fmt_fail(e, "the answer has no \"data\"");
	data = unhex(hex, &len);
	if (!data)
		return fmt_fail(e, "the answer's \"data\" is not hex");
	fmt_hexdump(out, fmt_int(ret, "addr"), data, len);
	free(data);
	return 0;
}
