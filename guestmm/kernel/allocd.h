/* SPDX-License-Identifier: MIT */
/* allocd: allocation requests from outside (allocd.c). */
#ifndef GUESTMM_KERNEL_ALLOCD_H
#define GUESTMM_KERNEL_ALLOCD_H

/* Allocates the ring, starts allocd/N on every CPU, announces the ring. */
void allocd_start(void);

#endif
