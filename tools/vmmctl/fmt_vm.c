// SPDX-License-Identifier: MIT
/* QMP's own commands, printed as QEMU's HMP prints them. */
#include <string.h>

#include "fmt.h"

/* `info status`: "VM status: running" / "VM status: paused". */
int fmt_status(FILE *out, json_t *ret, struct fmt_err *e)
{
	const char *st = fmt_str(ret, "status", NULL);

	if (!st)
		return fmt_fail(e, "the answer has no \"status\"");
	if (!strcmp(st, "running") || !strcmp(st, "paused"))
		fprintf(out, "VM status: %s\n", st);
	else
		fprintf(out, "VM status: paused (%s)\n", st);
	return 0;
}

/* `info version`: "MAJOR.MINOR.MICRO (PACKAGE)". */
int fmt_version(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *q = json_object_get(ret, "qemu");
	const char *pkg = fmt_str(ret, "package", "");

	if (!json_is_object(q))
		return fmt_fail(e, "the answer has no \"qemu\" version");
	fprintf(out, "%lld.%lld.%lld", fmt_int(q, "major"),
		fmt_int(q, "minor"), fmt_int(q, "micro"));
	if (*pkg)
		fprintf(out, " (%s)", pkg);
	fputc('\n', out);
	return 0;
}

/* One command name a line. */
int fmt_commands(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *c;
	size_t i;

	if (!json_is_array(ret))
		return fmt_fail(e, "the answer is not a list of commands");
	json_array_foreach(ret, i, c)
		fprintf(out, "%s\n", fmt_str(c, "name", "?"));
	return 0;
}

/* stop, cont, quit: nothing to say, as in HMP. */
int fmt_nothing(FILE *out, json_t *ret, struct fmt_err *e)
{
	return 0;
}
