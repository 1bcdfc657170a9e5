// SPDX-License-Identifier: MIT
/* Running vmm itself under tools/nested/nested-run. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accel.h"

#define NESTED_DEPTH_ENV	"MEMVISOR_NESTED_DEPTH"
#define NESTED_RUNNER_MIN_CPUS	2

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

bool nested_inside(void)
{
	const char *depth = getenv(NESTED_DEPTH_ENV);

	return depth && *depth && strcmp(depth, "0");
}

/* Reads what @fd gives until EOF into @buf (NUL-terminated, truncated). */
static void read_all(int fd, char *buf, size_t len)
{
	size_t pos = 0;
	ssize_t n;

	for (;;) {
		char scratch[256];
		char *dst = pos + 1 < len ? buf + pos : scratch;
		size_t room = pos + 1 < len ? len - 1 - pos : sizeof(scratch);

		n = read(fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst == buf + pos)
			pos += n;
	}
	buf[pos] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* `nested-run --check`: exit 0 when it can run, else one line saying why. */
bool nested_runner_usable(char *why, size_t len)
{
	const char *runner = find_runner();
	int pfd[2], status;
	pid_t pid;

	snprintf(why, len, "tools/nested/nested-run not found");
	if (!runner || pipe(pfd))
		return false;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]), close(pfd[1]);
		return false;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]), close(pfd[1]);
		execl(runner, runner, "--check", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	read_all(pfd[0], why, len);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int nested_reexec(int argc, char **argv, unsigned int cpus,
		  const char *control, struct errbuf *e)
{
	char self[PATH_MAX], cpus_arg[16];
	const char *runner = find_runner();
	char **nargv;
	ssize_t n;

	if (!runner)
		return errf(e, "vmm: tools/nested/nested-run not found");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return errf(e, "vmm: /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	nargv = calloc(argc + 7, sizeof(*nargv));
	if (!nargv)
		return errf(e, "vmm: out of memory");
	/* as many runner vCPUs as guest vCPUs: fewer starve the nested guest */
	snprintf(cpus_arg, sizeof(cpus_arg), "%u",
		 cpus > NESTED_RUNNER_MIN_CPUS ? cpus : NESTED_RUNNER_MIN_CPUS);
	nargv[0] = (char *)runner;
	nargv[1] = "--cpus";
	nargv[2] = cpus_arg;
	nargv[3] = "--control-socket";
	nargv[4] = (char *)control;
	nargv[5] = "--";
	nargv[6] = self;
	for (int i = 1; i < argc; i++)
		nargv[i + 6] = argv[i];

	setenv(NESTED_DEPTH_ENV, "1", 1);
	execv(runner, nargv);
	errf(e, "vmm: cannot run %s: %s", runner, strerror(errno));
	unsetenv(NESTED_DEPTH_ENV);
	free(nargv);
	return -1;
}
