/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" ::: "memory")
/* glibc's <sys/cdefs.h> defines it too (hosted build): one definition wins */
#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))
#define __noreturn	__attribute__((__noreturn__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __packed	__attribute__((__packed__))
#define __maybe_unused	__attribute__((__unused__))
#define __used		__attribute__((__used__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __section(s)	__attribute__((__section__(s)))
#define __cold		__attribute__((__cold__))
/*
 * The allocators' entry points (kmalloc, kfree, kmem_cache_alloc/free):
 * no frame of their own. Everything they call out of line is a tail call,
 * so a stack trace taken below them loses no frame; one taken at an
 * instruction inside them shows their caller by RIP and the return address
 * on the stack, as an unwinder does for any leaf.
 */
#define __fastpath	__attribute__((__optimize__("omit-frame-pointer")))

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) \
	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)

#define L1_CACHE_BYTES	64
#define ____cacheline_aligned __aligned(L1_CACHE_BYTES)
/* Linux's: data read on hot paths and seldom written, kept together, away
 * from data written often (the kernel's .data.* takes the section). */
#define __read_mostly	__section(".data..read_mostly")

#endif
