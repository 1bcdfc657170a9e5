// SPDX-License-Identifier: MIT
/*
 * The kernel command line: "name=value" and "name" words, each handed to
 * the __setup() handler that claims it (linux/init.h). Parsing works on a
 * private copy, so values stay valid and boot_command_line stays printable.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>
#include <memvisor/layout.h>

static char cmdline_copy[MV_CMDLINE_MAX];

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The handler for word (name or name=value), or NULL; *val gets the value. */
static const struct kernel_param_setup *find_param(char *word, char **val)
{
	const struct kernel_param_setup *p;

	for (p = __start_kernel_params; p < __stop_kernel_params; p++) {
		size_t n = strlen(p->str);

		if (n && p->str[n - 1] == '=') {
			if (!strncmp(word, p->str, n)) {
				*val = word + n;
				return p;
			}
		} else if (!strcmp(word, p->str)) {
			*val = NULL;
			return p;
		}
	}
	return NULL;
}

static void handle_word(char *word)
{
	const struct kernel_param_setup *p;
	char *val;

	p = find_param(word, &val);
	if (!p) {
		pr_notice("Unknown kernel command line parameter \"%s\"\n", word);
		return;
	}
	if (p->setup_func(val))
		pr_warn("Malformed kernel command line parameter \"%s\"\n", word);
}

void parse_args(char *cmdline)
{
	char *s = cmdline_copy;

	strscpy_len(cmdline_copy, cmdline, sizeof(cmdline_copy));
	for (;;) {
		char *word;

		while (is_space(*s))
			s++;
		if (!*s)
			break;
		word = s;
		while (*s && !is_space(*s))
			s++;
		if (*s)
			*s++ = '\0';
		handle_word(word);
	}
}

/* Parses a decimal int; false if val isn't one. */
bool param_get_int(const char *val, int *out)
{
	int v = 0, sign = 1;

	if (!val || !*val)
		return false;
	if (*val == '-') {
		sign = -1;
		val++;
	}
	for (; *val; val++) {
		if (*val < '0' || *val > '9' || v > 100000000)
			return false;
		v = v * 10 + (*val - '0');
	}
	*out = sign * v;
	return true;
}
