/* SPDX-License-Identifier: MIT */
/*
 * GFP flag values, once for both sides: the guest's <linux/gfp.h> takes its
 * __GFP_* and GFP_* from here, and the VMM parses "GFP_KERNEL|__GFP_DMA"
 * through MV_GFP_NAMES into the same numbers. Values are memvisor's own;
 * meanings are Linux's (see gfp.h).
 */
#ifndef MEMVISOR_GFP_H
#define MEMVISOR_GFP_H

/* Zone modifiers */
#define MV___GFP_DMA		0x01u
#define MV___GFP_HIGHMEM	0x02u
/* Action modifiers */
#define MV___GFP_WAIT		0x10u
#define MV___GFP_HIGH		0x20u
#define MV___GFP_IO		0x40u
#define MV___GFP_FS		0x80u
#define MV___GFP_COLD		0x100u
#define MV___GFP_NOWARN		0x200u
#define MV___GFP_REPEAT		0x400u
#define MV___GFP_NOFAIL		0x800u
#define MV___GFP_NORETRY	0x1000u
#define MV___GFP_COMP		0x4000u
#define MV___GFP_ZERO		0x8000u
#define MV___GFP_NOMEMALLOC	0x10000u
#define MV___GFP_HARDWALL	0x20000u
#define MV___GFP_ATOMIC		0x40000u
#define MV___GFP_BITS_MASK	0x7ffffu

/* The seed's flags */
#define MV_GFP_ATOMIC	(MV___GFP_HIGH | MV___GFP_ATOMIC)
#define MV_GFP_NOWAIT	0u
#define MV_GFP_NOIO	(MV___GFP_WAIT)
#define MV_GFP_NOFS	(MV___GFP_WAIT | MV___GFP_IO)
#define MV_GFP_KERNEL	(MV___GFP_WAIT | MV___GFP_IO | MV___GFP_FS)
#define MV_GFP_USER	(MV_GFP_KERNEL | MV___GFP_HARDWALL)
#define MV_GFP_HIGHUSER	(MV_GFP_USER | MV___GFP_HIGHMEM)
#define MV_GFP_DMA	MV___GFP_DMA

/* Every name a user may write, with its value: X(NAME, VALUE). */
#define MV_GFP_NAMES(X)						\
	X(GFP_ATOMIC, MV_GFP_ATOMIC)				\
	X(GFP_NOWAIT, MV_GFP_NOWAIT)				\
	X(GFP_NOIO, MV_GFP_NOIO)				\
	X(GFP_NOFS, MV_GFP_NOFS)				\
	X(GFP_KERNEL, MV_GFP_KERNEL)				\
	X(GFP_USER, MV_GFP_USER)				\
	X(GFP_HIGHUSER, MV_GFP_HIGHUSER)			\
	X(GFP_DMA, MV_GFP_DMA)					\
	X(__GFP_DMA, MV___GFP_DMA)				\
	X(__GFP_HIGHMEM, MV___GFP_HIGHMEM)			\
	X(__GFP_WAIT, MV___GFP_WAIT)				\
	X(__GFP_DIRECT_RECLAIM, MV___GFP_WAIT)			\
	X(__GFP_HIGH, MV___GFP_HIGH)				\
	X(__GFP_IO, MV___GFP_IO)				\
	X(__GFP_FS, MV___GFP_FS)				\
	X(__GFP_COLD, MV___GFP_COLD)				\
	X(__GFP_NOWARN, MV___GFP_NOWARN)			\
	X(__GFP_REPEAT, MV___GFP_REPEAT)			\
	X(__GFP_NOFAIL, MV___GFP_NOFAIL)			\
	X(__GFP_NORETRY, MV___GFP_NORETRY)			\
	X(__GFP_COMP, MV___GFP_COMP)				\
	X(__GFP_ZERO, MV___GFP_ZERO)				\
	X(__GFP_NOMEMALLOC, MV___GFP_NOMEMALLOC)		\
	X(__GFP_HARDWALL, MV___GFP_HARDWALL)			\
	X(__GFP_ATOMIC, MV___GFP_ATOMIC)

#endif
