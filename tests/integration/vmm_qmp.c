// SPDX-License-Identifier: MIT
/* vmm_qmp: a vmm child, its console and its QMP socket (vmm_qmp.h). */
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

#include "vmm_qmp.h"

#define VQ_MAX_ARGS	32
#define VQ_CONNECT_S	120	/* the socket comes up before the guest */
#define VQ_REPLY_S	30
#define VQ_QUIT_S	5

double vq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int vq_start_args(struct vq *v, const char *const args[], unsigned int flags)
{
	const char *vmm = getenv("MEMVISOR_VMM");
	const char *argv[VQ_MAX_ARGS];
	int n = 0, p[2];

	memset(v, 0, sizeof(*v));
	v->qmp = -1;
	v->out = -1;
	if (!vmm)
		vmm = "vmm/vmm";
	argv[n++] = vmm;
	argv[n++] = "--control";
	argv[n++] = v->sock;
	for (int i = 0; args[i]; i++) {
		if (n == VQ_MAX_ARGS - 1) {
			errno = E2BIG;
			return -1;
		}
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	snprintf(v->dir, sizeof(v->dir), "/tmp/vmm-qmp-XXXXXX");
	if (!mkdtemp(v->dir) || pipe(p))
		return -1;
	snprintf(v->sock, sizeof(v->sock), "%s/qmp", v->dir);
	v->pid = fork();
	if (v->pid < 0)
		return -1;
	if (!v->pid) {
		dup2(p[1], 1);
		if (flags & VQ_LOG_STDERR)
			dup2(p[1], 2);
		close(p[0]);
		execv(vmm, (char **)argv);
		_exit(127);
	}
	close(p[1]);
	v->out = p[0];
	return 0;
}

int vq_start(struct vq *v, const char *mem, const char *test,
	     const char *cmdline)
{
	const char *accel = getenv("SLABINSP_ACCEL");	/* e.g. kvm */
	char accel_arg[64];

	snprintf(accel_arg, sizeof(accel_arg), "--accel=%s",
		 accel ? accel : "auto");
	return vq_start_args(v, (const char *[]){ "--mem", mem, "--test", test,
			     "--timeout", "150", accel_arg, "--cmdline",
			     cmdline ? cmdline : "", NULL }, VQ_LOG_STDERR);
}

/* One read of the console into the log: its length, 0 at EOF, -1. */
static ssize_t log_read(struct vq *v)
{
	ssize_t n;

	if (v->log_size - v->log_len < 4097) {
		char *log = realloc(v->log, v->log_size ? v->log_size * 2 : 65536);

		if (!log)
			return -1;
		v->log = log;
		v->log_size = v->log_size ? v->log_size * 2 : 65536;
	}
	n = read(v->out, v->log + v->log_len, 4096);
	if (n <= 0)
		return n;
	v->log_len += n;
	v->log[v->log_len] = 0;
	return n;
}

int vq_boot(struct vq *v, const char *mem, unsigned int cpus,
	    const char *const extra[], const char *ready)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	const char *args[VQ_MAX_ARGS] = { "--mem", mem, "--cpus" };
	char accel_arg[64], cpus_arg[16];
	int n = 3;

	snprintf(cpus_arg, sizeof(cpus_arg), "%u", cpus);
	snprintf(accel_arg, sizeof(accel_arg), "--accel=%s",
		 accel ? accel : "auto");
	args[n++] = cpus_arg;
	args[n++] = accel_arg;
	/* what does not fit here does not fit vq_start_args: E2BIG */
	for (int i = 0; extra && extra[i] && n < VQ_MAX_ARGS - 1; i++)
		args[n++] = extra[i];
	if (vq_start_args(v, args, VQ_LOG_STDERR)) {
		snprintf(v->why, sizeof(v->why), "cannot start vmm: %s",
			 strerror(errno));
		return -1;
	}
	if (vq_connect(v)) {
		snprintf(v->why, sizeof(v->why), "no control socket at %s",
			 v->sock);
		return -1;
	}
	if (ready && vq_wait_for(v, ready, VQ_BOOT_S)) {
		snprintf(v->why, sizeof(v->why), "no \"%s\" in %d s", ready,
			 VQ_BOOT_S);
		return -1;
	}
	return 0;
}

long vq_find(struct vq *v, const char *needle, size_t from, double secs)
{
	double end = vq_now() + secs;

	for (;;) {
		struct pollfd pf = { v->out, POLLIN, 0 };
		int left = (int)((end - vq_now()) * 1000);
		char *hit;

		if (v->log && from <= v->log_len) {
			hit = strstr(v->log + from, needle);
			if (hit)
				return hit - v->log;
		}
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return -1;
		if (log_read(v) <= 0)
			return -1;
	}
}

int vq_wait_for(struct vq *v, const char *needle, double secs)
{
	return vq_find(v, needle, 0, secs) < 0 ? -1 : 0;
}

const char *vq_console(struct vq *v, double secs)
{
	vq_find(v, "\n-- never printed --\n", 0, secs);
	return v->log ? v->log : "";
}

int vq_connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* vmm has not ended (it is not reaped by this). */
static bool vmm_alive(struct vq *v)
{
	siginfo_t si = { .si_pid = 0 };

	return !waitid(P_PID, v->pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       !si.si_pid;
}

int vq_connect(struct vq *v)
{
	double end = vq_now() + VQ_CONNECT_S;
	json_t *g, *r;
	bool greeted;

	while ((v->qmp = vq_connect_unix(v->sock)) < 0) {
		if (vq_now() > end || !vmm_alive(v))
			return -1;
		usleep(20000);
	}
	g = vq_recv(v, 10);
	greeted = json_object_get(g, "QMP") != NULL;
	json_decref(g);
	if (!greeted)
		return -1;
	r = vq_cmd(v, "qmp_capabilities", NULL);
	if (!r)
		return -1;
	json_decref(r);
	return 0;
}

int vq_send_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int vq_send(struct vq *v, const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:s}", "execute", cmd);
	char *s;
	int ret;

	if (args)
		json_object_set_new(req, "arguments", args);
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	ret = vq_send_all(v->qmp, s, strlen(s));
	free(s);
	return ret;
}

/* A whole message at the start of v->buf, taken out of it; else NULL. */
static json_t *buf_take(struct vq *v)
{
	json_error_t err;
	json_t *j;
	size_t used;

	if (!v->buf_len)
		return NULL;
	j = json_loadb(v->buf, v->buf_len, JSON_DISABLE_EOF_CHECK, &err);
	if (!j)
		return NULL;
	used = err.position;
	memmove(v->buf, v->buf + used, v->buf_len - used);
	v->buf_len -= used;
	return j;
}

json_t *vq_recv(struct vq *v, double secs)
{
	double end = vq_now() + secs;

	for (;;) {
		json_t *j = buf_take(v);
		struct pollfd pf = { v->qmp, POLLIN, 0 };
		int left = (int)((end - vq_now()) * 1000);
		ssize_t n;

		if (j)
			return j;
		if (left <= 0 || poll(&pf, 1, left) <= 0 ||
		    v->buf_len == sizeof(v->buf))
			return NULL;
		n = read(v->qmp, v->buf + v->buf_len, sizeof(v->buf) - v->buf_len);
		if (n <= 0)
			return NULL;
		v->buf_len += n;
	}
}

json_t *vq_cmd(struct vq *v, const char *cmd, json_t *args)
{
	json_t *m, *ret;

	if (vq_send(v, cmd, args))
		return NULL;
	while ((m = vq_recv(v, VQ_REPLY_S))) {
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

/* Reaps vmm within @secs, else kills it: its exit status, or -1. */
static int reap(struct vq *v, double secs)
{
	double end = vq_now() + secs;
	int status = -1;

	while (waitpid(v->pid, &status, WNOHANG) != v->pid) {
		if (vq_now() > end) {
			kill(v->pid, SIGKILL);
			waitpid(v->pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	v->reaped = true;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int vq_wait_exit(struct vq *v, double secs)
{
	double end = vq_now() + secs;

	vq_find(v, "\x01", v->log_len, secs);	/* never printed: to EOF */
	return reap(v, end - vq_now());
}

void vq_stop(struct vq *v)
{
	if (v->pid <= 0)
		return;
	if (v->qmp >= 0) {
		if (!v->reaped)
			json_decref(vq_cmd(v, "quit", NULL));
		close(v->qmp);
	}
	if (!v->reaped)
		reap(v, VQ_QUIT_S);
	close(v->out);
	unlink(v->sock);
	rmdir(v->dir);
	free(v->log);
	v->log = NULL;
	v->pid = 0;
}
