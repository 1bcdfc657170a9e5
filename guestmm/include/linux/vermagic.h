/* SPDX-License-Identifier: MIT */
/*
 * The string a module records (MODULE_INFO(vermagic, ...), in NAME.mod.c)
 * and the loader compares with its own: a module built against other
 * headers is refused. Linux's holds the kernel release and config flags;
 * memvisor's names its ABI generation and the same two flags.
 */
#ifndef _LINUX_VERMAGIC_H
#define _LINUX_VERMAGIC_H

#define MEMVISOR_MODULE_ABI	"memvisor-1"
#define VERMAGIC_STRING		MEMVISOR_MODULE_ABI " SMP mod_unload"

#endif
