/* SPDX-License-Identifier: MIT */
/*
 * A vmm child with its console on a pipe and its QMP socket, for tests and
 * benches that talk to a running guest: start it, wait for a console line,
 * run commands. Header-only (static functions); every wait has a deadline.
 */
#ifndef TESTS_INTEGRATION_VMM_QMP_H
#define TESTS_INTEGRATION_VMM_QMP_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

struct vq {
	pid_t pid;
	int out;		/* the console, vmm's stdout+stderr */
	int qmp;
	char dir[64];
	char sock[100];
	char *log;		/* the console so far */
	size_t log_len, log_size;
	char buf[1 << 16];	/* QMP input not yet parsed */
	size_t buf_len;
};

static double vq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Starts `vmm --mem MEM --test TEST [--cmdline CMDLINE] --control SOCK
 * --timeout 150 [ACCEL]`; @cmdline may be NULL.
 */
static int vq_start(struct vq *v, const char *mem, const char *test,
		    const char *cmdline)
{
	const char *vmm = getenv("MEMVISOR_VMM");
	const char *accel = getenv("SLABINSP_ACCEL");	/* e.g. kvm */
	int p[2];

	memset(v, 0, sizeof(*v));
	v->qmp = -1;
	snprintf(v->dir, sizeof(v->dir), "/tmp/slabinsp-XXXXXX");
	if (!mkdtemp(v->dir) || pipe(p))
		return -1;
	snprintf(v->sock, sizeof(v->sock), "%s/qmp", v->dir);
	v->pid = fork();
	if (v->pid < 0)
		return -1;
	if (!v->pid) {
		char accel_arg[64];

		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		snprintf(accel_arg, sizeof(accel_arg), "--accel=%s",
			 accel ? accel : "auto");
		execl(vmm ? vmm : "vmm/vmm", "vmm", "--mem", mem, "--test", test,
		      "--control", v->sock, "--timeout", "150", accel_arg,
		      "--cmdline", cmdline ? cmdline : "", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	v->out = p[0];
	return 0;
}

/* Reads the console until @needle appears or @secs pass. 0 if it did. */
static int vq_wait_for(struct vq *v, const char *needle, double secs)
{
	double end = vq_now() + secs;

	for (;;) {
		struct pollfd pf = { v->out, POLLIN, 0 };
		int left = (int)((end - vq_now()) * 1000);
		ssize_t n;

		if (v->log && strstr(v->log, needle))
			return 0;
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return -1;
		if (v->log_size - v->log_len < 4097) {
			v->log_size = v->log_size ? v->log_size * 2 : 65536;
			v->log = realloc(v->log, v->log_size);
		}
		n = read(v->out, v->log + v->log_len, 4096);
		if (n <= 0)
			return -1;
		v->log_len += n;
		v->log[v->log_len] = 0;
	}
}

static int vq_send(struct vq *v, const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:s}", "execute", cmd);
	char *s;
	int ret;

	if (args)
		json_object_set_new(req, "arguments", args);
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	ret = write(v->qmp, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	free(s);
	return ret;
}

/* The next message from the socket (events included), or NULL. */
static json_t *vq_recv(struct vq *v, double secs)
{
	double end = vq_now() + secs;

	for (;;) {
		json_error_t err;
		json_t *j = NULL;

		if (v->buf_len) {
			j = json_loadb(v->buf, v->buf_len,
				       JSON_DISABLE_EOF_CHECK, &err);
			if (j) {
				size_t used = err.position;

				memmove(v->buf, v->buf + used, v->buf_len - used);
				v->buf_len -= used;
				return j;
			}
		}
		struct pollfd pf = { v->qmp, POLLIN, 0 };
		int left = (int)((end - vq_now()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, left) <= 0 ||
		    v->buf_len == sizeof(v->buf))
			return NULL;
		n = read(v->qmp, v->buf + v->buf_len, sizeof(v->buf) - v->buf_len);
		if (n <= 0)
			return NULL;
		v->buf_len += n;
	}
}

/* Runs a command: its "return" (a new reference), or NULL (error printed). */
static json_t *vq_cmd(struct vq *v, const char *cmd, json_t *args)
{
	json_t *m, *ret;

	if (vq_send(v, cmd, args))
		return NULL;
	while ((m = vq_recv(v, 30))) {
		if (json_object_get(m, "event")) {
			json_decref(m);
			continue;
		}
		ret = json_incref(json_object_get(m, "return"));
		if (!ret) {
			char *s = json_dumps(m, JSON_COMPACT);

			fprintf(stderr, "%s: %s\n", cmd, s);
			free(s);
		}
		json_decref(m);
		return ret;
	}
	return NULL;
}

static int vq_connect(struct vq *v)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *g, *r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", v->sock);
	v->qmp = socket(AF_UNIX, SOCK_STREAM, 0);
	if (v->qmp < 0 || connect(v->qmp, (void *)&sa, sizeof(sa)))
		return -1;
	g = vq_recv(v, 10);
	if (!g)
		return -1;
	json_decref(g);
	r = vq_cmd(v, "qmp_capabilities", NULL);
	if (!r)
		return -1;
	json_decref(r);
	return 0;
}

/* Quits the guest (or kills vmm) and reaps it. */
static void vq_stop(struct vq *v)
{
	if (v->qmp >= 0) {
		json_decref(vq_cmd(v, "quit", NULL));
		close(v->qmp);
	}
	for (int i = 0; i < 50; i++) {
		if (waitpid(v->pid, NULL, WNOHANG) == v->pid)
			goto reaped;
		usleep(100000);
	}
	kill(v->pid, SIGKILL);
	waitpid(v->pid, NULL, 0);
reaped:
	close(v->out);
	unlink(v->sock);
	rmdir(v->dir);
	free(v->log);
}

#endif
