/* SPDX-License-Identifier: MIT */
/*
 * EXPORT_SYMBOL(sym) / EXPORT_SYMBOL_GPL(sym): what a module may link
 * against. Each puts a struct kernel_symbol in "__ksymtab" or
 * "__ksymtab_gpl"; the kernel's linker script gathers them between
 * __start___ksymtab and __stop___ksymtab (and _gpl). The kernel's exports
 * are all listed in guestmm/kernel/ksyms.c. Linux 5.x+ stores 32-bit
 * relative offsets (and a namespace); memvisor keeps the older absolute
 * form, simplest for the loader and for readers from outside.
 */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

#include <linux/compiler.h>

struct kernel_symbol {
	unsigned long value;
	const char *name;
};

#define __EXPORT_SYMBOL(sym, sec)					\
	extern __typeof__(sym) sym;					\
	static const char __kstrtab_##sym[] = #sym;			\
	static const struct kernel_symbol __ksymtab_##sym		\
	__used __section(sec) __aligned(8) =				\
		{ (unsigned long)&sym, __kstrtab_##sym }

#define EXPORT_SYMBOL(sym)	__EXPORT_SYMBOL(sym, "__ksymtab")
#define EXPORT_SYMBOL_GPL(sym)	__EXPORT_SYMBOL(sym, "__ksymtab_gpl")
/* Namespaces are not kept: the symbol is exported plainly. */
#define EXPORT_SYMBOL_NS(sym, ns)	EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	EXPORT_SYMBOL_GPL(sym)

extern const struct kernel_symbol __start___ksymtab[], __stop___ksymtab[];
extern const struct kernel_symbol __start___ksymtab_gpl[],
	__stop___ksymtab_gpl[];

#endif
