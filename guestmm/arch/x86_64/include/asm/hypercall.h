/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls: one outl to the call's port, carrying the guest-physical
 * address of a request (kept in the kernel image's .bss, so below 4 GiB).
 */
#ifndef _ASM_HYPERCALL_H
#define _ASM_HYPERCALL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <memvisor/hypercall.h>
#include <asm/io.h>
#include <asm/page.h>

static __always_inline void hypercall(unsigned int nr, u32 value)
{
	outl(value, MV_HC_PORT(nr));
}

/* The 32-bit gpa of a request in the kernel image. */
static __always_inline u32 hc_gpa(const void *req)
{
	return (u32)__pa(req);
}

/* Ends the VM with an exit status (0..255). */
__noreturn void machine_shutdown(int code);

#endif
