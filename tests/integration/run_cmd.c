// SPDX-License-Identifier: MIT
/* run_cmd: run a child, capture stdout/stderr, wait with a timeout. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_cmd.h"

/* After the SIGKILL, how long to wait for the pipes to close. */
#define KILL_GRACE_MS	5000
/* Poll interval for the exit once both pipes are closed. */
#define REAP_POLL_MS	5

struct buf {
	char *p;
	size_t len, cap;
	bool truncated;
};

struct child {
	pid_t pid;
	int fd[2];		/* stdout, stderr read ends; -1 once closed */
	struct buf b[2];
	int64_t deadline;	/* ms on the monotonic clock; -1: none */
	int64_t signal_at;	/* -1: no signal to send (or sent) */
	int signo;
	bool timed_out;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int buf_append(struct buf *b, const char *data, size_t n)
{
	if (b->len + n > RUN_CMD_OUTPUT_MAX) {
		b->truncated = true;
		n = RUN_CMD_OUTPUT_MAX - b->len;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* In the child, after fork: never returns; no stdio, no malloc. */
static void child_exec(char *const argv[], const struct run_opts *o,
		       int out, int err)
{
	static const char chdir_fail[] = "run_cmd: chdir failed\n";
	static const char exec_fail[] = "run_cmd: exec failed: ";
	const char *why;
	sigset_t none;
	int null;

	setpgid(0, 0);
	/* the test runner may block or ignore these: don't pass that on */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);

	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		_exit(127);
	/* dup2() onto itself keeps O_CLOEXEC: a pipe may have landed on 0-2 */
	for (int fd = 0; fd < 3; fd++)
		fcntl(fd, F_SETFD, 0);
	if (o->cwd && chdir(o->cwd)) {
		(void)!write(2, chdir_fail, sizeof(chdir_fail) - 1);
		_exit(127);
	}
	execvp(argv[0], argv);
	why = strerror(errno);
	(void)!write(2, exec_fail, sizeof(exec_fail) - 1);
	(void)!write(2, why, strlen(why));
	(void)!write(2, "\n", 1);
	_exit(127);
}

static int spawn(char *const argv[], const struct run_opts *o,
		 struct child *c)
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC))
		return -1;
	if (pipe2(err, O_CLOEXEC)) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid == 0)
		child_exec(argv, o, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (c->pid < 0) {
		int saved = errno;

		close(out[0]);
		close(err[0]);
		errno = saved;
		return -1;
	}
	/* also here: a kill(-pid) must not race the child's own setpgid */
	setpgid(c->pid, c->pid);
	c->fd[0] = out[0];
	c->fd[1] = err[0];
	return 0;
}

/* Reads what is there on fd @i; closes it at end of file. */
static void drain(struct child *c, int i)
{
	char chunk[65536];
	ssize_t n = read(c->fd[i], chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0 && !buf_append(&c->b[i], chunk, n))
		return;
	/* end of file, a read error, or no memory: stop reading this one */
	close(c->fd[i]);
	c->fd[i] = -1;
}

static void close_pipes(struct child *c)
{
	for (int i = 0; i < 2; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

/* Sends the signal or kills the group when their time has come. */
static void handle_timers(struct child *c, int64_t now)
{
	if (c->signal_at >= 0 && now >= c->signal_at) {
		kill(c->pid, c->signo);
		c->signal_at = -1;
	}
	if (c->deadline < 0 || now < c->deadline)
		return;
	if (!c->timed_out) {
		kill(-c->pid, SIGKILL);
		c->timed_out = true;
		c->deadline = now + KILL_GRACE_MS;
		return;
	}
	/* something outside the group holds the pipes: stop reading them */
	close_pipes(c);
	c->deadline = -1;
}

/* How long to sleep in poll(): until the next timer, or -1 for none. */
static int next_wait_ms(const struct child *c, int64_t now)
{
	int64_t t = -1;

	if (c->signal_at >= 0)
		t = c->signal_at;
	if (c->deadline >= 0 && (t < 0 || c->deadline < t))
		t = c->deadline;
	if (t < 0)
		return -1;
	return t > now ? (int)(t - now) : 0;
}

static void wait_for_output(struct child *c)
{
	struct pollfd p[2];
	int i, n, wait;

	wait = next_wait_ms(c, now_ms());
	for (i = n = 0; i < 2; i++)
		if (c->fd[i] >= 0)
			p[n++] = (struct pollfd){ c->fd[i], POLLIN, 0 };
	if (poll(p, n, wait) <= 0)
		return;
	for (i = 0; i < n; i++)
		if (p[i].revents)
			drain(c, p[i].fd == c->fd[0] ? 0 : 1);
}

/* Sleeps until the next timer, but no longer than REAP_POLL_MS. */
static void wait_for_exit(const struct child *c)
{
	int wait = next_wait_ms(c, now_ms());

	if (wait < 0 || wait > REAP_POLL_MS)
		wait = REAP_POLL_MS;
	poll(NULL, 0, wait);
}

/* Reads both pipes until they close, then reaps the child. */
static int supervise(struct child *c, int *wstatus, struct rusage *ru)
{
	pid_t got;

	for (;;) {
		handle_timers(c, now_ms());
		if (c->fd[0] >= 0 || c->fd[1] >= 0) {
			wait_for_output(c);
			continue;
		}
		/* pipes closed: the child may still run; timers still count */
		got = wait4(c->pid, wstatus, WNOHANG, ru);
		if (got == c->pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -1;
		wait_for_exit(c);
	}
}

static void fill_result(struct child *c, int wstatus, const struct rusage *ru,
			struct run_result *r)
{
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	r->signo = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	r->timed_out = c->timed_out;
	r->truncated = c->b[0].truncated || c->b[1].truncated;
	r->maxrss_kib = ru->ru_maxrss;
	r->out = c->b[0].p;
	r->err = c->b[1].p;
}

int run_cmd_opts(char *const argv[], const struct run_opts *o,
		 struct run_result *r)
{
	struct child c = { .fd = { -1, -1 }, .deadline = -1, .signal_at = -1 };
	struct rusage ru = { 0 };
	int64_t start = now_ms();
	int wstatus = 0;

	memset(r, 0, sizeof(*r));
	if (o->timeout_s)
		c.deadline = start + (int64_t)o->timeout_s * 1000;
	if (o->signo && o->signal_ms) {
		c.signal_at = start + o->signal_ms;
		c.signo = o->signo;
	}
	if (spawn(argv, o, &c))
		return -1;
	if (supervise(&c, &wstatus, &ru)) {
		int saved = errno;

		close_pipes(&c);
		free(c.b[0].p);
		free(c.b[1].p);
		errno = saved;
		return -1;
	}
	/* no output at all still gives "" */
	if ((!c.b[0].p && buf_append(&c.b[0], "", 0)) ||
	    (!c.b[1].p && buf_append(&c.b[1], "", 0))) {
		free(c.b[0].p);
		free(c.b[1].p);
		errno = ENOMEM;
		return -1;
	}
	fill_result(&c, wstatus, &ru, r);
	return 0;
}

int run_cmd(char *const argv[], unsigned int timeout_s, struct run_result *r)
{
	struct run_opts o = { .timeout_s = timeout_s };

	return run_cmd_opts(argv, &o, r);
}

void run_result_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

const char *vmm_err_past_info(const char *err)
{
	while (!strncmp(err, "vmm: accelerator ", 17) ||
	       !strncmp(err, "vmm: control socket ", 20)) {
		const char *nl = strchr(err, '\n');

		if (!nl)
			break;
		err = nl + 1;
	}
	return err;
}

const char *build_top(void)
{
	const char *top = getenv("MEMVISOR_BUILD_TOP");

	return top && *top ? top : ".";
}

const char *vmm_path(void)
{
	static char path[PATH_MAX];
	const char *vmm = getenv("MEMVISOR_VMM");

	if (vmm && *vmm)
		return vmm;
	snprintf(path, sizeof(path), "%s/vmm/vmm", build_top());
	return path;
}

char *fixture(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/%s.elf",
		 build_top(), name);
	cr_assert_eq(access(path, R_OK), 0, "%s: %s (make check builds it)",
		     path, strerror(errno));
	return path;
}
