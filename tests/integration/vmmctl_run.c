// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
