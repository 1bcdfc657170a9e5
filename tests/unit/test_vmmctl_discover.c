// SPDX-License-Identifier: MIT
/*
 * vmmctl finding the running vmm's socket (none, one, several, stale ones)
 * in a temporary $XDG_RUNTIME_DIR, and its QMP session against a fake
 * server that sends events and stray replies before the real one.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "discover.h"
#include "memvisor/control.h"
#include "session.h"

/* short: socket paths must fit sun_path */
static char run_dir[64];
static char sock_dir[80];

static void setup(void)
{
	char tmpl[] = "/tmp/vmmctl-test-XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	snprintf(run_dir, sizeof(run_dir), "%s", tmpl);
	snprintf(sock_dir, sizeof(sock_dir), "%s/" CONTROL_RUNTIME_SUBDIR, tmpl);
	cr_assert_eq(mkdir(sock_dir, 0700), 0);
	setenv("XDG_RUNTIME_DIR", run_dir, 1);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
	cr_assert_eq(system(cmd), 0);
}

/* A unix socket at vmm-@pid.qmp; listening if @listen. Returns the fd. */
static int make_socket(pid_t pid, bool listen_too)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/" CONTROL_SOCKET_PREFIX
		 "%d" CONTROL_SOCKET_SUFFIX, sock_dir, (int)pid);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", a.sun_path);
	if (listen_too)
		cr_assert_eq(listen(fd, 8), 0);
	return fd;
}

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* discover_socket's result, with what it printed in *msg (free it). */
static int discover(char *path, char **msg)
{
	size_t len = 0;
	FILE *f = open_memstream(msg, &len);
	int r = discover_socket(path, PATH_MAX, f);

	fclose(f);
	return r;
}

TestSuite(vmmctl_discover, .init = setup, .fini = teardown);

Test(vmmctl_discover, socket_names)
{
	cr_assert_eq(discover_parse_name("vmm-1234.qmp"), 1234);
	cr_assert_eq(discover_parse_name("vmm-0.qmp"), 0);
	cr_assert_eq(discover_parse_name("vmm-.qmp"), 0);
	cr_assert_eq(discover_parse_name("vmm-12.qmp~"), 0);
	cr_assert_eq(discover_parse_name("vmm-12x.qmp"), 0);
	cr_assert_eq(discover_parse_name("vmm--12.qmp"), 0);
	cr_assert_eq(discover_parse_name("qemu-12.qmp"), 0);
}

Test(vmmctl_discover, none_says_so)
{
	char path[PATH_MAX] = "", *msg;

	cr_assert_eq(discover(path, &msg), 1);
	cr_assert_not_null(strstr(msg, "no running vmm"), "%s", msg);
	cr_assert_not_null(strstr(msg, sock_dir), "names where it looked: %s", msg);
	free(msg);
}

Test(vmmctl_discover, missing_directory_is_none)
{
	char path[PATH_MAX] = "", *msg;

	cr_assert_eq(rmdir(sock_dir), 0);
	cr_assert_eq(discover(path, &msg), 1);
	cr_assert_not_null(strstr(msg, "no running vmm"), "%s", msg);
	free(msg);
}

Test(vmmctl_discover, one_is_used)
{
	char path[PATH_MAX] = "", want[PATH_MAX], *msg;
	int fd = make_socket(getpid(), true);

	snprintf(want, sizeof(want), "%s/vmm-%d.qmp", sock_dir, (int)getpid());
	cr_assert_eq(discover(path, &msg), 0, "%s", msg);
	cr_assert_str_eq(path, want);
	cr_assert_str_eq(msg, "");
	free(msg);
	close(fd);
}

Test(vmmctl_discover, several_are_listed)
{
	char path[PATH_MAX] = "", line[128], *msg;
	int a = make_socket(getpid(), true), b = make_socket(getppid(), true);

	cr_assert_eq(discover(path, &msg), 1);
	cr_assert_str_eq(path, "", "picked one of several");
	cr_assert_not_null(strstr(msg, "2 vmms are running"), "%s", msg);
	cr_assert_not_null(strstr(msg, "--socket"), "%s", msg);
	snprintf(line, sizeof(line), "%8d  %s", (int)getpid(), sock_dir);
	cr_assert_not_null(strstr(msg, line), "%s", msg);
	snprintf(line, sizeof(line), "%8d  %s", (int)getppid(), sock_dir);
	cr_assert_not_null(strstr(msg, line), "%s", msg);
	free(msg);
	close(a);
	close(b);
}

Test(vmmctl_discover, stale_sockets_are_skipped)
{
	char path[PATH_MAX] = "", want[PATH_MAX], *msg;
	/* a dead vmm's socket, and a live pid's socket nobody listens on */
	int dead = make_socket(dead_pid(), true);
	int deaf = make_socket(getppid(), false);
	int live;

	cr_assert_eq(discover(path, &msg), 1);
	cr_assert_not_null(strstr(msg, "no running vmm"), "%s", msg);
	free(msg);
	live = make_socket(getpid(), true);
	snprintf(want, sizeof(want), "%s/vmm-%d.qmp", sock_dir, (int)getpid());
	cr_assert_eq(discover(path, &msg), 0, "%s", msg);
	cr_assert_str_eq(path, want);
	free(msg);
	close(dead);
	close(deaf);
	close(live);
}

/* The fake server's script: what it sends after each request line. */
static const char *const fake_replies[] = {
	"{\"return\": {}, \"id\": 1}\n",
	"{\"event\": \"STOP\", \"data\": {}, \"timestamp\": {\"seconds\": 1,"
	" \"microseconds\": 2}}\n{\"return\": {\"stray\": 1}, \"id\": 99}\n"
	"{\"return\": {\"status\": \"paused\"},",	/* split mid-message */
	" \"id\": 2}\n",
	"{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no such thing\"},"
	" \"id\": 3}\n",
};

static void *fake_server(void *arg)
{
	int lfd = *(int *)arg, fd = accept(lfd, NULL, NULL);
	char buf[4096];
	size_t i = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	dprintf(fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n");
	while (i < sizeof(fake_replies) / sizeof(fake_replies[0]) &&
	       (n = read(fd, buf, sizeof(buf))) > 0) {
		if (!memchr(buf, '\n', n))
			continue;	/* one request a line */
		dprintf(fd, "%s", fake_replies[i++]);
		if (i == 2) {
			usleep(20000);
			dprintf(fd, "%s", fake_replies[i++]);
		}
	}
	close(fd);
	return NULL;
}

Test(vmmctl_discover, session_skips_events_and_matches_ids)
{
	int lfd = make_socket(getpid(), true);
	char path[PATH_MAX];
	struct session s;
	pthread_t t;
	json_t *ret;

	snprintf(path, sizeof(path), "%s/vmm-%d.qmp", sock_dir, (int)getpid());
	cr_assert_eq(pthread_create(&t, NULL, fake_server, &lfd), 0);
	cr_assert_eq(session_open(&s, path), 0, "%s", s.err);
	cr_assert_eq(session_execute(&s, "query-status", NULL, &ret), 0, "%s", s.err);
	cr_assert_str_eq(json_string_value(json_object_get(ret, "status")), "paused");
	cr_assert_null(json_object_get(ret, "stray"));
	json_decref(ret);
	cr_assert_eq(session_execute(&s, "nothing", json_object(), &ret), 1, "%s", s.err);
	cr_assert_str_eq(s.err, "no such thing");
	cr_assert_null(ret);
	cr_assert_eq(session_execute(&s, "more", NULL, &ret), -1);
	/* the server hung up: before our request (EPIPE) or after it */
	cr_assert(strstr(s.err, "closed the connection") ||
		  strstr(s.err, "Broken pipe"), "%s", s.err);
	session_close(&s);
	pthread_join(t, NULL);
	close(lfd);
}
