// SPDX-License-Identifier: MIT
/*
 * Running vmm itself under tools/nested/nested-run. The outer vmm stays the
 * runner's parent: it holds the host's control socket and multiplexes its
 * clients over one link to the vmm inside (ctlmux.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accel.h"
#include "control.h"
#include "ctlmux.h"
#include "exitstatus.h"
#include "qmp.h"

#define NESTED_DEPTH_ENV	"MEMVISOR_NESTED_DEPTH"
#define NESTED_RUNNER_MIN_CPUS	2
#define NESTED_LINK_SUFFIX	".link"
#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

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

/* --- the outer vmm: the runner's parent, and the control socket's host end */

/* The runner, while it runs: INT, TERM and HUP go on to it, once each. */
static volatile sig_atomic_t runner_pid;
static int runner_ended[2] = { -1, -1 };	/* a byte: SIGCHLD */

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void forward_signal(int sig)
{
	int saved = errno;

	if (runner_pid > 0)
		kill(runner_pid, sig);
	errno = saved;
}

static void on_sigchld(int sig)
{
	int saved = errno;
	char b = 1;

	if (write(runner_ended[1], &b, 1) < 0) {
		/* full: the loop is woken already */
	}
	errno = saved;
}

/* Signals ignored when we started stay ignored, as they would in the runner. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_flags = SA_RESTART }, old;

	sigemptyset(&sa.sa_mask);
	sa.sa_handler = forward_signal;
	for (size_t i = 0; i < ARRAY_LEN(forwarded_signals); i++)
		if (!sigaction(forwarded_signals[i], NULL, &old) &&
		    old.sa_handler != SIG_IGN)
			sigaction(forwarded_signals[i], &sa, NULL);
	sa.sa_handler = on_sigchld;
	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

/*
 * nested-run --cpus N --control-link LINK [--expose FILE]... -- SELF ARGS...
 * (the runner reaches SELF and the cwd wherever they live, --kernel's and
 * --module's files only when told: @files, NULL-ended); NULL: no memory.
 */
static char **runner_argv(const char *runner, const char *self, int argc,
			  char **argv, const char *cpus, const char *link,
			  const char *const *files)
{
	size_t nr_files = 0;
	char **nargv;
	int n = 0;

	while (files && files[nr_files])
		nr_files++;
	nargv = calloc(argc + 7 + 2 * nr_files, sizeof(*nargv));

	if (!nargv)
		return NULL;
	nargv[n++] = (char *)runner;
	nargv[n++] = "--cpus";
	nargv[n++] = (char *)cpus;
	nargv[n++] = "--control-link";
	nargv[n++] = (char *)link;
	for (size_t i = 0; i < nr_files; i++) {
		nargv[n++] = "--expose";
		nargv[n++] = (char *)files[i];
	}
	nargv[n++] = "--";
	nargv[n++] = (char *)self;
	for (int i = 1; i < argc; i++)
		nargv[n++] = argv[i];
	return nargv;
}

/*
 * The runner in a process group of its own: a terminal's ^C reaches only
 * us, and we pass it on once (nested-run stops QEMU at a second signal).
 * It dies with us (SIGTERM), not leaving a runner nobody waits for.
 */
static pid_t spawn_runner(char **nargv, const char *control,
			  const sigset_t *mask, struct errbuf *e)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return errf(e, "vmm: fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(VMM_EXIT_HOST);
		sigprocmask(SIG_SETMASK, mask, NULL);
		setenv(NESTED_DEPTH_ENV, "1", 1);
		setenv(CONTROL_HOST_ENV, control, 1);
		execv(nargv[0], nargv);
		fprintf(stderr, "vmm: cannot run %s: %s\n", nargv[0],
			strerror(errno));
		_exit(VMM_EXIT_HOST);
	}
	setpgid(pid, pid);	/* also here: no race with a signal to the group */
	return pid;
}

/* Serves the link until the runner ends; returns vmm's exit status. */
static int serve_link(struct ctlmux *m, pid_t pid)
{
	struct errbuf e;
	siginfo_t si;
	int status;

	if (ctlmux_run(m, runner_ended[0], &e)) {
		fprintf(stderr, "%s\n", e.msg);
		ctlmux_free(m);
		m = NULL;
	}
	/* ended, not reaped yet: its pid cannot be another's when we forward */
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) && errno == EINTR)
		;
	runner_pid = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (m) {
		ctlmux_drain(m, CTLMUX_DRAIN_MS);
		ctlmux_free(m);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The link's socket: next to the default control socket, ours alone. */
static int link_path(char *buf, size_t len, struct errbuf *e)
{
	char dir[200];

	if (control_default_dir(dir, sizeof(dir), e))
		return -1;
	if (snprintf(buf, len, "%s/" CONTROL_SOCKET_PREFIX "%d" NESTED_LINK_SUFFIX,
		     dir, (int)getpid()) >= (int)len)
		return errf(e, "vmm: %s: too long a directory for the control link",
			    dir);
	return 0;
}

/* The listening sockets and the mux over them; NULL: @e says why. */
static struct ctlmux *listen_both(const char *link, const char *control,
				  struct errbuf *e)
{
	struct ctlmux_config cfg = {
		.link_fd = -1,
		.name = "vmm: the control link to the nested runner",
	};
	struct ctlmux *m;

	cfg.link_listen_fd = qmp_listen_socket(link, "control link", e);
	if (cfg.link_listen_fd < 0)
		return NULL;
	cfg.listen_fd = qmp_listen_socket(control, "--control", e);
	if (cfg.listen_fd < 0) {
		close(cfg.link_listen_fd);
		unlink(link);
		return NULL;
	}
	m = ctlmux_new(&cfg, e);
	if (!m) {
		unlink(control);
		unlink(link);
	}
	return m;
}

/*
 * Starts the runner and serves @m until it ends, then exits with its
 * status; returns only when it cannot start it. Signals are held from the
 * fork until the forwarding is in place: none is lost, none goes twice.
 */
static int run_runner(struct ctlmux *m, char **nargv, const char *control,
		      const char *link, struct errbuf *e)
{
	sigset_t block, old;
	int status;
	pid_t pid;

	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_LEN(forwarded_signals); i++)
		sigaddset(&block, forwarded_signals[i]);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = spawn_runner(nargv, control, &old, e);
	if (pid > 0) {
		runner_pid = pid;
		catch_signals();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -1;
	status = serve_link(m, pid);
	unlink(control);
	unlink(link);
	exit(status);
}

int nested_reexec(int argc, char **argv, unsigned int cpus,
		  const char *const *files, const char *control,
		  struct errbuf *e)
{
	char self[PATH_MAX], cpus_arg[16], link[256];
	const char *runner = find_runner();
	struct ctlmux *m;
	char **nargv;
	ssize_t n;

	if (!runner)
		return errf(e, "vmm: tools/nested/nested-run not found");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return errf(e, "vmm: /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	/* as many runner vCPUs as guest vCPUs: fewer starve the nested guest */
	snprintf(cpus_arg, sizeof(cpus_arg), "%u",
		 cpus > NESTED_RUNNER_MIN_CPUS ? cpus : NESTED_RUNNER_MIN_CPUS);
	if (link_path(link, sizeof(link), e))
		return -1;
	nargv = runner_argv(runner, self, argc, argv, cpus_arg, link, files);
	if (!nargv)
		return errf(e, "vmm: out of memory");
	if (pipe2(runner_ended, O_NONBLOCK | O_CLOEXEC)) {
		errf(e, "vmm: pipe: %s", strerror(errno));
		goto out;
	}
	m = listen_both(link, control, e);
	if (!m)
		goto out;
	run_runner(m, nargv, control, link, e);
	ctlmux_free(m);
	unlink(control);
	unlink(link);
out:
	for (int i = 0; i < 2; i++)
		if (runner_ended[i] >= 0)
			close(runner_ended[i]);
	free(nargv);
	return -1;
}
