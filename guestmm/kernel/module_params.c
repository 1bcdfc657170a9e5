// SPDX-License-Identifier: MIT
/*
 * Module parameters: the setters module_param's entries point at, and the
 * parser of a load request's "a=1 b=two c=\"x y\"" (Linux's parse_args and
 * next_arg rules: double quotes group, and are dropped around a value).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/moduleparam.h>
#include "module_internal.h"

/* kstrtoull with base 0: "0x" hex, leading "0" octal, else decimal. */
static int parse_ull(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned int base = 10, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return -EINVAL;
	for (; *s && *s != '\n'; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (*s | 0x20) - 'a' + 10;
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_signed(const char *s, long long min, long long max,
			long long *out)
{
	unsigned long long mag;
	bool neg;
	int err;

	if (!s)
		return -EINVAL;
	neg = *s == '-';
	err = parse_ull(s + (neg || *s == '+'), &mag);
	if (err)
		return err;
	if (!neg) {
		if (mag > (unsigned long long)max)
			return -ERANGE;
		*out = (long long)mag;
		return 0;
	}
	if (mag > (unsigned long long)(-(min + 1)) + 1)
		return -ERANGE;
	*out = mag ? -(long long)(mag - 1) - 1 : 0;
	return 0;
}

static int parse_unsigned(const char *s, unsigned long long max,
			  unsigned long long *out)
{
	int err;

	if (!s)
		return -EINVAL;
	err = parse_ull(s + (*s == '+'), out);
	if (err)
		return err;
	return *out > max ? -ERANGE : 0;
}

#define PARAM_SIGNED(name, type, min, max)				\
	int param_set_##name(const char *val, const struct kernel_param *kp) \
	{								\
		long long v;						\
		int err = parse_signed(val, min, max, &v);		\
		if (!err)						\
			*(type *)kp->arg = (type)v;			\
		return err;						\
	}								\
	const struct kernel_param_ops param_ops_##name = {		\
		.set = param_set_##name }
#define PARAM_UNSIGNED(name, type, max)					\
	int param_set_##name(const char *val, const struct kernel_param *kp) \
	{								\
		unsigned long long v;					\
		int err = parse_unsigned(val, max, &v);			\
		if (!err)						\
			*(type *)kp->arg = (type)v;			\
		return err;						\
	}								\
	const struct kernel_param_ops param_ops_##name = {		\
		.set = param_set_##name }

PARAM_SIGNED(int, int, INT32_MIN, INT32_MAX);
PARAM_SIGNED(long, long, INT64_MIN, INT64_MAX);
PARAM_SIGNED(short, short, INT16_MIN, INT16_MAX);
PARAM_UNSIGNED(uint, unsigned int, UINT32_MAX);
PARAM_UNSIGNED(ulong, unsigned long, UINT64_MAX);
PARAM_UNSIGNED(ushort, unsigned short, UINT16_MAX);
PARAM_UNSIGNED(byte, unsigned char, UINT8_MAX);

/* Linux's kstrtobool: y/Y/1/on, n/N/0/off; no value is true. */
static int parse_bool(const char *s, bool *out)
{
	if (!s) {
		*out = true;
		return 0;
	}
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*out = true;
		return 0;
	case 'n': case 'N': case '0':
		*out = false;
		return 0;
	case 'o': case 'O':
		if ((s[1] | 0x20) == 'n') {
			*out = true;
			return 0;
		}
		if ((s[1] | 0x20) == 'f') {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int param_set_bool(const char *val, const struct kernel_param *kp)
{
	return parse_bool(val, kp->arg);
}

const struct kernel_param_ops param_ops_bool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG, .set = param_set_bool,
};

int param_set_invbool(const char *val, const struct kernel_param *kp)
{
	bool v;
	int err = parse_bool(val, &v);

	if (!err)
		*(bool *)kp->arg = !v;
	return err;
}

const struct kernel_param_ops param_ops_invbool = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG, .set = param_set_invbool,
};

/* A module's charp: a copy of the value, freed at unload (ops->free). */
int param_set_charp(const char *val, const struct kernel_param *kp)
{
	char **slot = kp->arg;
	char *copy;

	if (!val)
		return -EINVAL;
	if (strlen(val) > 1024)
		return -ENOSPC;
	copy = kstrdup(val, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	*slot = copy;
	return 0;
}

/*
 * Frees what param_set_charp made. The loader calls it only for parameters
 * it set (the default may be a string literal), before a second set of the
 * same name and at unload.
 */
void param_free_charp(void *arg)
{
	char **slot = arg;

	kfree(*slot);
	*slot = NULL;
}

const struct kernel_param_ops param_ops_charp = {
	.set = param_set_charp, .free = param_free_charp,
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Linux's next_arg: cuts "name[=value]" off args (in place), quotes group
 * spaces and are dropped around the value; returns the rest.
 */
static char *next_arg(char *args, char **param, char **val)
{
	bool in_quote = false, quoted = *args == '"';
	unsigned int i, equals = 0;
	char *next;

	if (quoted)
		args++;
	for (i = 0; args[i]; i++) {
		if (is_space(args[i]) && !in_quote)
			break;
		if (!equals && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	*val = NULL;
	if (equals) {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {	/* don't include quotes in value */
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	next = args + i;
	if (*next)
		*next++ = '\0';
	while (is_space(*next))
		next++;
	return next;
}

static int set_one_param(struct module *mod, unsigned int i, char *val,
			 bool *set, struct module_err *e)
{
	const struct kernel_param *kp = &mod->kp[i];
	int err;

	if (!val && !(kp->ops->flags & KERNEL_PARAM_OPS_FL_NOARG)) {
		module_error(e, "%s: parameter `%s' needs a value",
			     mod->name, kp->name);
		return -EINVAL;
	}
	if (set[i] && kp->ops->free)
		kp->ops->free(kp->arg);
	err = kp->ops->set(val, kp);
	if (err) {
		module_error(e, "%s: `%s' invalid for parameter `%s'",
			     mod->name, val ? val : "", kp->name);
		return err;
	}
	set[i] = true;
	return 0;
}

int module_parse_args(struct module *mod, char *args, bool *set,
		      struct module_err *e)
{
	char *param, *val;
	unsigned int i;
	int err;

	while (is_space(*args))
		args++;
	while (*args) {
		args = next_arg(args, &param, &val);
		for (i = 0; i < mod->num_kp; i++)
			if (!strcmp(mod->kp[i].name, param))
				break;
		if (i == mod->num_kp) {
			module_error(e, "%s: Unknown parameter `%s'",
				     mod->name, param);
			return -ENOENT;
		}
		err = set_one_param(mod, i, val, set, e);
		if (err)
			return err;
	}
	return 0;
}

void module_free_params(struct module *mod, const bool *set)
{
	unsigned int i;

	for (i = 0; i < mod->num_kp; i++)
		if (set[i] && mod->kp[i].ops->free)
			mod->kp[i].ops->free(mod->kp[i].arg);
}
