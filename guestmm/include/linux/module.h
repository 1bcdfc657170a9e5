/* SPDX-License-Identifier: MIT */
/*
 * Loadable modules, as Linux's <linux/module.h>. A module is an ET_REL
 * .ko (`ld -r` of its objects and NAME.mod.o); the guest's loader (kmodd)
 * links it against the kernel's exports (<linux/export.h>), runs
 * init_module (module_init's alias), then the module's own KTEST cases,
 * and at unload cleanup_module (module_exit's alias), then reports what
 * the module left allocated.
 *
 * Where memvisor differs from Linux visibly: no sysfs, no module
 * dependencies (a module links against the kernel only), init sections are
 * not freed, and struct module keeps the core as one block (core_base,
 * core_size) rather than Linux's mem[] per type.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/export.h>
#include <linux/moduleparam.h>
/*
 * What Linux's <linux/module.h> reaches too, and drivers rely on: gfp.h
 * (kmod.h, umh.h), percpu.h, and string.h (percpu.h, smp.h, cpumask.h,
 * bitmap.h). Not slab.h or vmalloc.h: a driver includes those itself.
 */
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <memvisor/module.h>

#define MODULE_NAME_LEN	MV_MODULE_NAME_MAX

enum module_state {
	MODULE_STATE_LIVE,	/* init returned 0 */
	MODULE_STATE_COMING,	/* linked, init running */
	MODULE_STATE_GOING,	/* init failed, or cleanup running */
	MODULE_STATE_UNFORMED,	/* being laid out and linked */
};

/* Taint flags (Linux's bit numbers) kept in struct module's taints. */
#define TAINT_PROPRIETARY_MODULE	0	/* 'P': licence not GPL-compatible */
#define TAINT_OOT_MODULE		12	/* 'O': every memvisor module */

struct ktest_case;
struct module;

/* One module using another's exports (Linux's): on both modules' lists. */
struct module_use {
	struct list_head source_list;	/* on target's source_list */
	struct list_head target_list;	/* on source's target_list */
	struct module *source, *target;
};

/* A function of a module, kept to name its addresses (Linux's kallsyms). */
struct module_sym {
	unsigned long addr;
	unsigned long size;
	const char *name;
};

/*
 * One loaded module. The VMM reads modules, list, name, state, core_base,
 * core_size and taints by DWARF from outside: keep those names.
 */
struct module {
	enum module_state state;
	struct list_head list;		/* on modules */
	char name[MODULE_NAME_LEN];
	char version[32];		/* MODULE_VERSION, or "" */

	/* The exports of the module itself (EXPORT_SYMBOL in a module). */
	const struct kernel_symbol *syms;
	unsigned int num_syms;
	const struct kernel_symbol *gpl_syms;
	unsigned int num_gpl_syms;

	/* Its parameters ("__param", relocated in place). */
	struct kernel_param *kp;
	unsigned int num_kp;

	int (*init)(void);
	void (*exit)(void);

	void *core_base;		/* every SHF_ALLOC section, in one block */
	unsigned int core_size;
	unsigned int core_text_size;	/* [core_base, +text): executable */

	const struct ktest_case *ktests;
	unsigned int num_ktests;

	unsigned long taints;		/* 1UL << TAINT_* */
	bool license_gpl_ok;		/* may use EXPORT_SYMBOL_GPL symbols */
	unsigned int refcnt;		/* references: users, try_module_get */
	/* Who uses our exports (module_use), and whose exports we use. */
	struct list_head source_list;
	struct list_head target_list;

	/* The loader's: which kp were set (their values are freed at unload). */
	bool *param_set;
	/* Its functions, by address (one allocation with their names). */
	struct module_sym *symtab;
	unsigned int num_symtab;
};

#ifdef MODULE
extern struct module __this_module;
#define THIS_MODULE	(&__this_module)
#else
#define THIS_MODULE	((struct module *)0)
#endif

/*
 * MODULE_INFO(tag, info): "tag=info", NUL-terminated, in ".modinfo". The
 * loader reads license, vermagic, name, version and parmtype from it.
 */
#define ___MODULE_PASTE(a, b)	a##b
#define __MODULE_PASTE(a, b)	___MODULE_PASTE(a, b)
#define __MODULE_INFO(tag, name, info)					\
	static const char __MODULE_PASTE(name, __COUNTER__)[]		\
	__used __section(".modinfo") __aligned(1) = #tag "=" info
#define MODULE_INFO(tag, info)	__MODULE_INFO(tag, __modinfo_##tag##_, info)

#define MODULE_LICENSE(_license)	MODULE_INFO(license, _license)
#define MODULE_AUTHOR(_author)		MODULE_INFO(author, _author)
#define MODULE_DESCRIPTION(_desc)	MODULE_INFO(description, _desc)
#define MODULE_VERSION(_version)	MODULE_INFO(version, _version)
#define MODULE_ALIAS(_alias)		MODULE_INFO(alias, _alias)
#define MODULE_SOFTDEP(_softdep)	MODULE_INFO(softdep, _softdep)
#define MODULE_IMPORT_NS(ns)		MODULE_INFO(import_ns, #ns)
/* Device tables feed modalias in Linux; memvisor has no hotplug: unused. */
#define MODULE_DEVICE_TABLE(type, name)

#ifdef MODULE
/* The loader calls init_module and cleanup_module: module_init's aliases. */
#define module_init(initfn)						\
	static inline initcall_t __maybe_unused __inittest(void)	\
	{ return initfn; }						\
	int init_module(void) __attribute__((__copy__(initfn),		\
					     __alias__(#initfn)))
#define module_exit(exitfn)						\
	static inline exitcall_t __maybe_unused __exittest(void)	\
	{ return exitfn; }						\
	void cleanup_module(void) __attribute__((__copy__(exitfn),	\
						 __alias__(#exitfn)))
#else
/*
 * Built into the image (no -DMODULE): memvisor has no initcalls; the type
 * is still checked and nothing runs the function.
 */
#define module_init(initfn)						\
	static inline initcall_t __maybe_unused __inittest(void)	\
	{ return initfn; }
#define module_exit(exitfn)						\
	static inline exitcall_t __maybe_unused __exittest(void)	\
	{ return exitfn; }
#endif

/*
 * A reference that keeps a module from being unloaded (rmmod: "Module X is
 * in use"), as Linux's; NULL is built-in code. try_module_get fails once
 * the module is going: it counts first, then looks, and the unloader
 * marks it going first, then looks at the count, so one of them sees the
 * other.
 */
static inline bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	__atomic_add_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&mod->state, __ATOMIC_SEQ_CST) != MODULE_STATE_GOING)
		return true;
	__atomic_sub_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
	return false;
}

/* A reference to a module already held (its own code, a used export). */
static inline void __module_get(struct module *mod)
{
	if (mod)
		__atomic_add_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
}

static inline void module_put(struct module *mod)
{
	if (mod)
		__atomic_sub_fetch(&mod->refcnt, 1, __ATOMIC_SEQ_CST);
}

/* Linux's: NULL is built-in code, "kernel". */
static inline const char *module_name(const struct module *mod)
{
	return mod ? mod->name : "kernel";
}

static inline unsigned int module_refcount(struct module *mod)
{
	return __atomic_load_n(&mod->refcnt, __ATOMIC_SEQ_CST);
}

/* The loader (guestmm/kernel/module.c); not for drivers. */
extern struct list_head modules;

#endif
