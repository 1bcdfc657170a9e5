/* SPDX-License-Identifier: MIT */
/* The loader's pieces: kernel/module.c, kernel/module_params.c, kmodd, arch. */
#ifndef _KERNEL_MODULE_INTERNAL_H
#define _KERNEL_MODULE_INTERNAL_H

#include <linux/module.h>
#include <linux/elf.h>
#include <linux/module_leaks.h>

/* Why a load or unload failed: one line, also printed on the console. */
struct module_err {
	char msg[MV_MODULE_MSG_MAX];
};

__printf(2, 3) void module_error(struct module_err *e, const char *fmt, ...);

/*
 * Loads a .ko from memory (copied: image may be freed after), with params
 * ("a=1 b=\"x y\""), runs its init; *out is the live module. 0 or -errno,
 * with e->msg set.
 */
int load_module_image(const void *image, size_t len, const char *params,
		      struct module **out, struct module_err *e);
/*
 * Runs cleanup_module, then mm_find_module_leaks over the module's core
 * with fn (may be NULL) and arg, then frees it; *nr_leaks: how many.
 * 0 or -errno.
 */
int unload_module(const char *name, module_leak_fn fn, void *arg,
		  unsigned int *nr_leaks, struct module_err *e);
struct module *find_module(const char *name);
/* The module's function holding addr, or NULL: *offset into it, *size. */
const char *module_address_lookup(const struct module *mod, unsigned long addr,
				  unsigned long *offset, unsigned long *size);

/* kmodd (kernel/kmodd.c): starts the VMM's loader thread, waits for the
 * modules queued at boot (vmm --module) to be loaded. */
void kmodd_start(void);

/* Parameters (module_params.c): set[i] tells which kp[i] were set. */
int module_parse_args(struct module *mod, char *args, bool *set,
		      struct module_err *e);
void module_free_params(struct module *mod, const bool *set);

/* arch/x86_64/module.c */
void *module_alloc(unsigned long size);
void module_memfree(void *addr, unsigned long size);
/* Makes [addr, +text) executable read-only and the rest non-executable. */
void module_set_protections(void *addr, unsigned long text,
			    unsigned long size);
int apply_relocate_add(Elf64_Shdr *sechdrs, const char *strtab,
		       unsigned int symindex, unsigned int relsec,
		       struct module *me, struct module_err *e);

#endif
