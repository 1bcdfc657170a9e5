// SPDX-License-Identifier: MIT
/*
 * The exception table (asm/extable.h) and the accessors that use it.
 * The table is small and unsorted: a linear search.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/uaccess.h>
#include <asm/extable.h>
#include <asm/ptrace.h>

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

unsigned long exception_fixups;
unsigned long exception_fixup_last_addr;

bool fixup_exception(struct pt_regs *regs, unsigned int vector,
		     unsigned long cr2)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++) {
		if (e->insn != regs->ip)
			continue;
		regs->ip = e->fixup;
		WRITE_ONCE(exception_fixup_last_addr, vector == 14 ? cr2 : 0);
		__atomic_add_fetch(&exception_fixups, 1, __ATOMIC_SEQ_CST);
		return true;
	}
	return false;
}

/* One byte; 0 or -EFAULT (the fixup sets err and skips the store). */
static __always_inline long get_byte_nofault(u8 *dst, const u8 *src)
{
	long err = 0;
	u8 v = 0;

	__asm__ __volatile__("1:	movb (%2), %1\n"
			     "2:\n"
			     ".pushsection .fixup, \"ax\"\n"
			     "3:	movq %3, %0\n"
			     "	jmp 2b\n"
			     ".popsection\n"
			     _ASM_EXTABLE(1b, 3b)
			     : "+r"(err), "+q"(v)
			     : "r"(src), "i"(-EFAULT)
			     : "memory");
	*dst = v;
	return err;
}

static __always_inline long put_byte_nofault(u8 *dst, u8 v)
{
	long err = 0;

	__asm__ __volatile__("1:	movb %1, (%2)\n"
			     "2:\n"
			     ".pushsection .fixup, \"ax\"\n"
			     "3:	movq %3, %0\n"
			     "	jmp 2b\n"
			     ".popsection\n"
			     _ASM_EXTABLE(1b, 3b)
			     : "+r"(err)
			     : "q"(v), "r"(dst), "i"(-EFAULT)
			     : "memory");
	return err;
}

long copy_from_kernel_nofault(void *dst, const void *src, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (get_byte_nofault((u8 *)dst + i, (const u8 *)src + i))
			return -EFAULT;
	return 0;
}

long copy_to_kernel_nofault(void *dst, const void *src, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (put_byte_nofault((u8 *)dst + i, ((const u8 *)src)[i]))
			return -EFAULT;
	return 0;
}
