/* SPDX-License-Identifier: MIT */
/* Sizes and addresses on the command line: parsing and printing. */
#ifndef VMM_SIZE_H
#define VMM_SIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses "256M", "1G", "64g", "4096K", "268435456", "0x1000000", "1GiB",
 * "16MB": decimal or 0x-hex digits, an optional binary suffix K/M/G/T (any
 * case) and an optional trailing "B" or "iB".
 * Returns 0, -EINVAL when @s is not a size, -ERANGE when it overflows 64 bits.
 */
int size_parse(const char *s, uint64_t *out);

/* Formats @v as "256 MiB" when it is a whole number of KiB/MiB/GiB/TiB,
 * else as "N bytes". */
void size_format(uint64_t v, char *buf, size_t len);

#endif
