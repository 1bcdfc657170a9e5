/* SPDX-License-Identifier: MIT */
/* Port I/O: how the guest talks to the VMM (hypercalls) and legacy devices. */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#include <linux/types.h>
#include <linux/compiler.h>

static __always_inline void outb(u8 v, u16 port)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static __always_inline void outl(u32 v, u16 port)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static __always_inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static __always_inline u32 inl(u16 port)
{
	u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* MMIO: volatile accesses the compiler cannot merge or reorder. */
static __always_inline u32 readl(const volatile void *addr)
{
	return *(const volatile u32 *)addr;
}

static __always_inline void writel(u32 v, volatile void *addr)
{
	*(volatile u32 *)addr = v;
}

static __always_inline u64 readq(const volatile void *addr)
{
	return *(const volatile u64 *)addr;
}

static __always_inline void writeq(u64 v, volatile void *addr)
{
	*(volatile u64 *)addr = v;
}

#endif
