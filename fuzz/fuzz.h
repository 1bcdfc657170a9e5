/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer targets: reading typed values off the
 * input (zeros once it runs out), and an invariant check that aborts, so
 * libFuzzer records the input as a crash.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t len;
};

static inline uint64_t fuzz_bytes(struct fuzz_in *in, size_t n)
{
	uint64_t v = 0;

	if (n > in->len)
		n = in->len;
	memcpy(&v, in->p, n);
	in->p += n;
	in->len -= n;
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return fuzz_bytes(in, 1);
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	return fuzz_bytes(in, 2);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	return fuzz_bytes(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	return fuzz_bytes(in, 8);
}

#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant broken: %s (%s:%d): ",\
				#cond, __FILE__, __LINE__);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
