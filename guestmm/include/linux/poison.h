/* SPDX-License-Identifier: MIT */
/*
 * Byte patterns the slab debugger writes, Linux's values so that a hex dump
 * reads the same as a Linux "BUG kmalloc-64" report.
 */
#ifndef _LINUX_POISON_H
#define _LINUX_POISON_H

#include <memvisor/slab_debug.h>

/* Red zones around an object (SLAB_RED_ZONE) */
#define SLUB_RED_INACTIVE	0xbb	/* the object is free */
#define SLUB_RED_ACTIVE		0xcc	/* the object is allocated */

/* Object contents (SLAB_POISON) */
#define POISON_INUSE	0x5a	/* allocated, never written (unused) */
#define POISON_FREE	MV_POISON_FREE	/* free: any other byte is a write after free */
#define POISON_END	MV_POISON_END	/* the last byte of a poisoned object */

/* Large kmalloc and page pools: pages freed with this pattern in debug mode */
#define PAGE_POISON	0xaa

#endif
