/* SPDX-License-Identifier: MIT */
/*
 * TODO(pb2), temporary: the guest-published descriptor (HC_MMINFO) for the
 * readers not yet on the image's layout (slab, mempools, vmalloc, per-CPU).
 * When they read in->lay through field_get(), this header and
 * inspect_legacy.c go, with struct insp's mi.
 */
#ifndef VMM_CONTROL_INSPECT_LEGACY_H
#define VMM_CONTROL_INSPECT_LEGACY_H

#include <string.h>

#include <memvisor/mminfo.h>

#include "inspect.h"

/* Copies the descriptor at @mminfo_gpa and checks it (insp_open()'s old way). */
int insp_open_mminfo(struct insp *in, const struct gmem *gm,
		     uint64_t mminfo_gpa, struct errbuf *e);
/* The descriptor's checks, on a copy. */
int mminfo_check(const struct mv_mminfo *mi, struct errbuf *e);

/* The value of @f in @buf (a copy of the struct), 1, 2, 4 or 8 bytes. */
uint64_t insp_field(const void *buf, struct mv_field f);

/* The 8 or 4 bytes at @off of @buf (a copy of a struct, @off checked). */
static inline uint64_t insp_u64(const void *buf, uint32_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)buf + off, sizeof(v));
	return v;
}

static inline uint32_t insp_u32(const void *buf, uint32_t off)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)buf + off, sizeof(v));
	return v;
}

#endif
