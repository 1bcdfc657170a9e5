/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
/*
 * The seed passes flags as `int` and `unsigned int`; gfp_t is the unsigned
 * int both convert to, exactly as old Linux had it.
 */
typedef unsigned int gfp_t;

#ifndef __HOSTED__		/* hosted: glibc's <sys/types.h> has them */
typedef long ssize_t;
typedef long long loff_t;	/* a file position, as Linux's __kernel_loff_t */
#endif

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#endif
