/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/printk.h>

/*
 * panic() and BUG() end the guest through the VMM (HC_PANIC) with registers
 * and a backtrace; WARN() reports and goes on. The hosted build prints and
 * aborts (BUG) or counts (WARN) so tests can see them.
 */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);
__noreturn void __bug(const char *file, int line, const char *cond);
void __warn(const char *file, int line, const char *cond);

/* Number of WARN()s so far: tests check that none (or one) fired. */
extern unsigned long warn_count;

#define BUG() __bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond) \
	do { if (unlikely(cond)) __bug(__FILE__, __LINE__, #cond); } while (0)
#define WARN_ON(cond) ({						\
	int __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn))					\
		__warn(__FILE__, __LINE__, #cond);			\
	unlikely(__ret_warn);						\
})
#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	int __ret_warn_once = !!(cond);					\
	if (unlikely(__ret_warn_once && !__warned)) {			\
		__warned = true;					\
		__warn(__FILE__, __LINE__, #cond);			\
	}								\
	unlikely(__ret_warn_once);					\
})
/* WARN(cond, fmt...): the message is printed, then the warning reported. */
#define WARN(cond, fmt, ...) ({						\
	int __ret_warn_fmt = !!(cond);					\
	if (unlikely(__ret_warn_fmt)) {					\
		printk(KERN_WARNING fmt, ##__VA_ARGS__);		\
		__warn(__FILE__, __LINE__, #cond);			\
	}								\
	unlikely(__ret_warn_fmt);					\
})
#define WARN_ONCE(cond, fmt, ...) ({					\
	static bool __warned_fmt;					\
	int __ret_warn_once_fmt = !!(cond);				\
	if (unlikely(__ret_warn_once_fmt && !__warned_fmt)) {		\
		__warned_fmt = true;					\
		WARN(1, fmt, ##__VA_ARGS__);				\
	}								\
	unlikely(__ret_warn_once_fmt);					\
})
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif
