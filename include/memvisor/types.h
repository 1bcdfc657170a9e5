/* SPDX-License-Identifier: MIT */
/*
 * Fixed-width types for the VMM <-> guest ABI. Both sides are built by the
 * same compiler for x86-64, but the ABI never depends on the host's `long`.
 */
#ifndef MEMVISOR_TYPES_H
#define MEMVISOR_TYPES_H

#include <stdint.h>

typedef uint8_t mv_u8;
typedef uint16_t mv_u16;
typedef uint32_t mv_u32;
typedef uint64_t mv_u64;
typedef int32_t mv_s32;

#define MV_KIB(x) ((mv_u64)(x) << 10)
#define MV_MIB(x) ((mv_u64)(x) << 20)
#define MV_GIB(x) ((mv_u64)(x) << 30)

#endif
