/* SPDX-License-Identifier: MIT */
/*
 * Module parameters, as Linux's: module_param(name, type, perm) puts a
 * struct kernel_param in section "__param" and "parmtype=name:type" in
 * .modinfo. At load the loader parses "a=1 b=two c=\"x y\"" (Linux's
 * parse_args rules) into them before the module's init runs. Types: int,
 * uint, long, ulong, short, ushort, byte, bool, invbool, charp, arrays of
 * them (module_param_array) and strings copied into a buffer
 * (module_param_string).
 *
 * memvisor has no sysfs: perm is kept, checked as Linux does at build time,
 * and otherwise unused. Module parameters have no "modname." prefix: a
 * module's own parameters only. (Linux's parse_args() is not declared here:
 * the kernel's command-line parser, <linux/init.h>, has that name.)
 */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/kernel.h>	/* as Linux's: drivers get it from here */

struct kernel_param;

struct kernel_param_ops {
	unsigned int flags;
	/* val is NULL for a bare "name" (bool: true). 0 or -errno. */
	int (*set)(const char *val, const struct kernel_param *kp);
	/* Writes the value to buffer (at least 4 KiB); returns the length. */
	int (*get)(char *buffer, const struct kernel_param *kp);
	/* Frees what set allocated (charp), at unload. */
	void (*free)(void *arg);
};

#define KERNEL_PARAM_OPS_FL_NOARG	(1 << 0)	/* "name" alone is fine */

struct kernel_param {
	const char *name;
	struct module *mod;
	const struct kernel_param_ops *ops;
	const u16 perm;
	s8 level;
	u8 flags;
	void *arg;
};

#define MODULE_PARAM_PREFIX	""

#define __MODULE_INFO_PARAM(tag, name, info)				\
	static const char __UNIQUE_ID_PARAM(tag)[]			\
	__used __section(".modinfo") __aligned(1) = #tag "=" name ":" info
#define __UNIQUE_ID_PARAM(tag)	__PASTE_PARAM(__mod_##tag, __COUNTER__)
#define __PASTE_PARAM(a, b)	__PASTE_PARAM2(a, b)
#define __PASTE_PARAM2(a, b)	a##b

#define MODULE_PARM_DESC(_parm, desc)	__MODULE_INFO_PARAM(parm, #_parm, desc)
#define __MODULE_PARM_TYPE(name, _type)	__MODULE_INFO_PARAM(parmtype, #name, _type)

/*
 * The permission bits module_param takes, as Linux's <linux/stat.h> gives
 * them to drivers through <linux/module.h> (S_IRUGO: LDD3's habit).
 */
#ifndef S_IRUSR
#define S_IRWXU	00700
#define S_IRUSR	00400
#define S_IWUSR	00200
#define S_IXUSR	00100
#define S_IRWXG	00070
#define S_IRGRP	00040
#define S_IWGRP	00020
#define S_IXGRP	00010
#define S_IRWXO	00007
#define S_IROTH	00004
#define S_IWOTH	00002
#define S_IXOTH	00001
#endif
#ifndef S_IRUGO
#define S_IRWXUGO	(S_IRWXU | S_IRWXG | S_IRWXO)
#define S_IRUGO		(S_IRUSR | S_IRGRP | S_IROTH)
#define S_IWUGO		(S_IWUSR | S_IWGRP | S_IWOTH)
#define S_IXUGO		(S_IXUSR | S_IXGRP | S_IXOTH)
#endif

/* World-writable parameters are refused at build time, as Linux does. */
#define VERIFY_OCTAL_PERMISSIONS(perm)					\
	(sizeof(char[((perm) & 2) ? -1 : 1]) * 0 + (perm))

#define __module_param_call(prefix, name, ops, arg, perm, level, flags)	\
	static const char __param_str_##name[] = prefix #name;		\
	static const struct kernel_param __param_##name			\
	__used __section("__param") __aligned(sizeof(void *)) = {	\
		__param_str_##name, NULL, ops,				\
		VERIFY_OCTAL_PERMISSIONS(perm), level, flags, arg }

#define module_param_cb(name, ops, arg, perm)				\
	__module_param_call(MODULE_PARAM_PREFIX, name, ops, arg, perm, -1, 0)

/* Compile-time check that the variable has the parameter's type. */
#define __param_check(name, p, type)					\
	static inline type __maybe_unused *__check_##name(void) { return (p); }

#define param_check_int(name, p)	__param_check(name, p, int)
#define param_check_uint(name, p)	__param_check(name, p, unsigned int)
#define param_check_long(name, p)	__param_check(name, p, long)
#define param_check_ulong(name, p)	__param_check(name, p, unsigned long)
#define param_check_short(name, p)	__param_check(name, p, short)
#define param_check_ushort(name, p)	__param_check(name, p, unsigned short)
#define param_check_byte(name, p)	__param_check(name, p, unsigned char)
#define param_check_bool(name, p)	__param_check(name, p, bool)
#define param_check_invbool(name, p)	__param_check(name, p, bool)
#define param_check_charp(name, p)	__param_check(name, p, char *)

/*
 * type is pasted or quoted at once, never passed on: <stdbool.h>'s bool is
 * a macro, and an argument passed on is expanded (to _Bool) first.
 */
#define __module_param(name, value, check, ops, typestr, perm)		\
	check(name, &(value));						\
	module_param_cb(name, &ops, &value, perm);			\
	__MODULE_PARM_TYPE(name, typestr)
#define module_param_named(name, value, type, perm)			\
	__module_param(name, value, param_check_##type, param_ops_##type, \
		       #type, perm)
#define module_param(name, type, perm)					\
	__module_param(name, name, param_check_##type, param_ops_##type, \
		       #type, perm)

/*
 * module_param_array(name, type, nump, perm): "name=1,2,3" sets the first
 * elements of the array name, their number in *nump (if not NULL); more
 * than the array holds is refused ("name: can only take N arguments").
 */
struct kparam_array {
	unsigned int max;
	unsigned int elemsize;
	unsigned int *num;
	const struct kernel_param_ops *ops;
	void *elem;
	unsigned int nset;	/* the loader's: elements set (freed at unload) */
};

extern const struct kernel_param_ops param_array_ops;

#define module_param_array_named(name, array, type, nump, perm)	\
	param_check_##type(name, &(array)[0]);				\
	static struct kparam_array __param_arr_##name = {		\
		.max = sizeof(array) / sizeof((array)[0]), .num = nump,	\
		.ops = &param_ops_##type, .elemsize = sizeof((array)[0]), \
		.elem = array };					\
	module_param_cb(name, &param_array_ops, &__param_arr_##name, perm); \
	__MODULE_PARM_TYPE(name, "array of " #type)
#define module_param_array(name, type, nump, perm)			\
	module_param_array_named(name, name, type, nump, perm)

/* module_param_string(name, buf, len, perm): the value copied into buf. */
struct kparam_string {
	unsigned int maxlen;
	char *string;
};

extern const struct kernel_param_ops param_ops_string;

#define module_param_string(name, string, len, perm)			\
	static const struct kparam_string __param_string_##name =	\
		{ len, string };					\
	module_param_cb(name, &param_ops_string,			\
			(void *)&__param_string_##name, perm);		\
	__MODULE_PARM_TYPE(name, "string")

/*
 * Linux also declares param_get_TYPE (the sysfs readers); memvisor has no
 * sysfs, and param_get_int is the command-line helper of <linux/init.h>.
 */
#define DECLARE_PARAM_OPS(type)						\
	extern const struct kernel_param_ops param_ops_##type;		\
	int param_set_##type(const char *val, const struct kernel_param *kp)

DECLARE_PARAM_OPS(int);
DECLARE_PARAM_OPS(uint);
DECLARE_PARAM_OPS(long);
DECLARE_PARAM_OPS(ulong);
DECLARE_PARAM_OPS(short);
DECLARE_PARAM_OPS(ushort);
DECLARE_PARAM_OPS(byte);
DECLARE_PARAM_OPS(bool);
DECLARE_PARAM_OPS(invbool);
DECLARE_PARAM_OPS(charp);
void param_free_charp(void *arg);

#endif
