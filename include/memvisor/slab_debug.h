/* SPDX-License-Identifier: MIT */
/*
 * Slab debugging's values (Linux's), shared by the guest's slab debugger
 * (guestmm/mm/slab_debug.c, through <linux/slab.h> and <linux/poison.h>)
 * and the VMM's check of freed objects (vmm/control/check_poison.c), which
 * reads a poisoned cache's free objects from outside.
 */
#ifndef MEMVISOR_SLAB_DEBUG_H
#define MEMVISOR_SLAB_DEBUG_H

/* kmem_cache flags */
#define MV_SLAB_RED_ZONE	0x00000400UL	/* guard bytes around each object */
#define MV_SLAB_POISON		0x00000800UL	/* free objects hold the poison */
#define MV_SLAB_STORE_USER	0x00010000UL	/* the last alloc and free tracks */

/* A free object of a SLAB_POISON cache: object_size - 1 of these, then END. */
#define MV_POISON_FREE		0x6b
#define MV_POISON_END		0xa5

#endif
