// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmmctl_run.h"

int vmmctl_run(const struct vq *v, unsigned int secs, struct run_result *r,
	       const char *const args[])
{
	char path[PATH_MAX];
	char *argv[VMMCTL_MAX_ARGS + 4];
	int n = 0;

	snprintf(path, sizeof(path), "%s/tools/vmmctl/vmmctl", build_top());
	argv[n++] = path;
	argv[n++] = "--socket";
	argv[n++] = (char *)v->sock;
	for (int i = 0; args[i]; i++) {
		cr_assert_lt(i, VMMCTL_MAX_ARGS, "vmmctl: more than %d arguments",
			     VMMCTL_MAX_ARGS);
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;
	cr_assert_eq(run_cmd(argv, secs, r), 0, "cannot run %s", path);
	cr_assert(!r->timed_out, "vmmctl %s: no answer in %u s", args[0], secs);
	return r->status;
}

int vmmctl_out(const struct vq *v, unsigned int secs, bool with_err,
	       char **out, const char *const args[])
{
	struct run_result r;
	int status = vmmctl_run(v, secs, &r, args);

	if (asprintf(out, "%s%s", r.out, with_err ? r.err : "") < 0)
		cr_assert_fail("out of memory");
	if (status && !with_err)
		fprintf(stderr, "vmmctl %s: exit %d: %s%s\n", args[0], status,
			r.out, r.err);
	run_result_free(&r);
	return status;
}

/* "ARGS..." joined by spaces, for a failure's message (free it). */
static char *command_line(const char *const args[])
{
	size_t len = 1;
	char *line;

	for (int i = 0; args[i]; i++)
		len += strlen(args[i]) + 1;
	line = calloc(1, len);
	cr_assert_not_null(line, "out of memory");
	for (int i = 0; args[i]; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, args[i]);
	}
	return line;
}

char *vmmctl_ok(struct vq *v, unsigned int secs, bool with_err,
		const char *const args[])
{
	char *out, *line;

	if (!vmmctl_out(v, secs, with_err, &out, args))
		return out;
	line = command_line(args);
	cr_assert_fail("vmmctl %s: %s\nconsole:\n%s", line, out,
		       vq_console(v, 1));
	return NULL;
}

void vmmctl_ok_with(struct vq *v, unsigned int secs, const char *const args[],
		    const char *want)
{
	char *out = vmmctl_ok(v, secs, true, args);
	char *line = command_line(args);

	cr_assert(strstr(out, want), "vmmctl %s: want '%s', got: %s", line,
		  want, out);
	free(line);
	free(out);
}

void vmmctl_fails(struct vq *v, unsigned int secs, const char *const args[],
		  const char *why)
{
	char *out, *line = command_line(args);

	cr_assert_neq(vmmctl_out(v, secs, true, &out, args), 0,
		      "vmmctl %s should fail: %s", line, out);
	cr_assert(strstr(out, why), "vmmctl %s: want '%s', got: %s", line, why,
		  out);
	free(line);
	free(out);
}

const char *example_ko(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/tests/modules/%s/%s.ko", build_top(),
		 name, name);
	cr_assert_eq(access(path, R_OK), 0,
		     "%s: not built (make tests/modules.stamp)", path);
	return path;
}
