// SPDX-License-Identifier: MIT
/* Running vmm itself under tools/nested/nested-run when there is no KVM. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nested.h"

#define NESTED_DEPTH_ENV	"MEMVISOR_NESTED_DEPTH"
#define NO_NESTED_ENV		"MEMVISOR_NO_NESTED"

/* The runner next to the build tree we came from, or where `make install` put it. */
static const char *const runner_paths[] = {
	MEMVISOR_SRCDIR "/tools/nested/nested-run",
	MEMVISOR_LIBEXECDIR "/nested-run",
};

static const char *find_runner(void)
{
	for (size_t i = 0; i < sizeof(runner_paths) / sizeof(runner_paths[0]); i++)
		if (access(runner_paths[i], X_OK) == 0)
			return runner_paths[i];
	return NULL;
}

void nested_reexec(int argc, char **argv)
{
	char self[PATH_MAX];
	const char *runner;
	char **nargv;
	ssize_t n;

	if (getenv(NO_NESTED_ENV) || getenv(NESTED_DEPTH_ENV))
		return;
	runner = find_runner();
	if (!runner)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return;
	self[n] = '\0';

	nargv = calloc(argc + 3, sizeof(*nargv));
	if (!nargv)
		return;
	nargv[0] = (char *)runner;
	nargv[1] = "--";
	nargv[2] = self;
	for (int i = 1; i < argc; i++)
		nargv[i + 2] = argv[i];

	fprintf(stderr, "vmm: /dev/kvm not found; running nested under QEMU TCG "
		"(slow; set " NO_NESTED_ENV "=1 to refuse): %s -- %s ...\n",
		runner, self);
	setenv(NESTED_DEPTH_ENV, "1", 1);
	execv(runner, nargv);
	fprintf(stderr, "vmm: cannot run %s: %s\n", runner, strerror(errno));
	unsetenv(NESTED_DEPTH_ENV);
	free(nargv);
}
