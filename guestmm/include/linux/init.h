/* SPDX-License-Identifier: MIT */
/*
 * Kernel command-line options, as Linux's __setup(): each file that owns an
 * option registers its handler next to the code it configures, in the
 * "kernel_params" section the parser walks.
 */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <linux/types.h>
#include <linux/compiler.h>

/*
 * Linux frees .init.text after boot (and a module's init sections after its
 * init returns); memvisor keeps them: these mark intent and change nothing
 * but the placement hint.
 */
#define __init		__cold
#define __exit		__cold
#define __initdata
#define __initconst
#define __exitdata
#define __ref
#define __refdata
#define __devinit
#define __devexit
#define __devinitdata

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

struct kernel_param_setup {
	const char *str;	/* "name=" takes a value, "name" is a flag */
	int (*setup_func)(char *val);	/* 0: accepted */
};

extern const struct kernel_param_setup __start_kernel_params[],
	__stop_kernel_params[];

#define __setup(str, fn)						\
	static const struct kernel_param_setup __setup_##fn		\
	__section("kernel_params") __used __aligned(8) = { str, fn }

/* Splits cmdline (modified in place) and runs the matching handlers. */
void parse_args(char *cmdline);
/* A decimal int option value; false if val isn't one. */
bool param_get_int(const char *val, int *out);

#endif
