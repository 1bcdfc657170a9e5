/* SPDX-License-Identifier: MIT */
/*
 * Base64 (RFC 4648 section 4, the standard alphabet, with padding), for a
 * module's bytes in QMP (__org.memvisor_insmod's "data"). The decoder is
 * strict, as a socket client is untrusted: no whitespace, no missing or
 * misplaced '=', no bits set past the last byte. Pure.
 */
#ifndef VMM_BASE64_H
#define VMM_BASE64_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* The most bytes @len characters decode to. */
static inline size_t base64_decoded_max(size_t len)
{
	return len / 4 * 3;
}

/*
 * Decodes @len characters of @in into @out (room for base64_decoded_max
 * bytes). Returns the bytes decoded, or -1 with a one-line message naming
 * what was wrong and where.
 */
ssize_t base64_decode(const char *in, size_t len, unsigned char *out,
		      struct errbuf *e);

/* The characters base64_encode writes for @len bytes (no NUL). */
static inline size_t base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

/* Encodes @len bytes of @in into @out, NUL-terminated (encoded_len + 1). */
void base64_encode(const unsigned char *in, size_t len, char *out);

#endif
