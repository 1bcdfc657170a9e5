// SPDX-License-Identifier: MIT
/* Finding the running vmm's control socket without being told. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "discover.h"
#include "memvisor/control.h"

#define DISCOVER_MAX	64	/* sockets listed when there are several */

pid_t discover_parse_name(const char *name)
{
	size_t pre = strlen(CONTROL_SOCKET_PREFIX);
	char *end;
	long pid;

	if (strncmp(name, CONTROL_SOCKET_PREFIX, pre) ||
	    name[pre] < '1' || name[pre] > '9')
		return 0;
	errno = 0;
	pid = strtol(name + pre, &end, 10);
	if (errno || pid <= 0 || (pid_t)pid != pid ||
	    strcmp(end, CONTROL_SOCKET_SUFFIX))
		return 0;
	return (pid_t)pid;
}

static bool pid_alive(pid_t pid)
{
	return !kill(pid, 0) || errno == EPERM;
}

/* True if a server listens on @path (we connect, and hang up at once). */
static bool accepts(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	bool ok;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return false;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = !connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ok;
}

static int by_pid(const void *a, const void *b)
{
	const struct vmm_socket *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int discover_scan(const char *dir, struct vmm_socket *out, int max)
{
	struct vmm_socket s;
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		s.pid = discover_parse_name(d->d_name);
		if (!s.pid || !pid_alive(s.pid))
			continue;
		if ((size_t)snprintf(s.path, sizeof(s.path), "%s/%s", dir,
				     d->d_name) >= sizeof(s.path))
			continue;
		if (!accepts(s.path))
			continue;
		if (n < max)
			out[n] = s;
		n++;
	}
	closedir(dp);
	qsort(out, n < max ? n : max, sizeof(*out), by_pid);
	return n;
}

static void list_several(FILE *err, const struct vmm_socket *v, int n,
			 int shown)
{
	fprintf(err, "vmmctl: %d vmms are running; pick one with --socket PATH:\n",
		n);
	fprintf(err, "%8s  %s\n", "PID", "SOCKET");
	for (int i = 0; i < shown; i++)
		fprintf(err, "%8d  %s\n", (int)v[i].pid, v[i].path);
	if (shown < n)
		fprintf(err, "%8s  (%d more)\n", "...", n - shown);
}

int discover_socket(char *path, size_t len, FILE *err)
{
	struct vmm_socket v[DISCOVER_MAX];
	char dir[PATH_MAX];
	int n, dn = control_dir_name(dir, sizeof(dir));

	if (dn < 0 || (size_t)dn >= sizeof(dir)) {
		fprintf(err, "vmmctl: the control socket directory's name is too long; give --socket PATH\n");
		return 1;
	}
	n = discover_scan(dir, v, DISCOVER_MAX);
	if (n < 0 && errno != ENOENT) {
		fprintf(err, "vmmctl: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (n <= 0) {
		fprintf(err, "vmmctl: no running vmm has a control socket in %s; start vmm, or give --socket PATH\n",
			dir);
		return 1;
	}
	if (n > 1) {
		list_several(err, v, n, n < DISCOVER_MAX ? n : DISCOVER_MAX);
		return 1;
	}
	snprintf(path, len, "%s", v[0].path);
	return 0;
}
