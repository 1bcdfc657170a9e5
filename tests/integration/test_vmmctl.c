// SPDX-License-Identifier: MIT
/*
 * vmmctl against a real vmm running the hang fixture (which idles forever):
 * status, stop, cont, version, a QMP error, quit; and finding the socket by
 * itself in a temporary $XDG_RUNTIME_DIR. Needs a usable /dev/kvm: `make
 * check` runs it through tools/nested/kvm-test-wrapper; by hand:
 *
 *   MEMVISOR_BUILD_TOP=$PWD tools/nested/kvm-test-wrapper tests/integration/test_vmmctl
 *
 * Environment: MEMVISOR_VMM (default $MEMVISOR_BUILD_TOP/vmm/vmm) and
 * MEMVISOR_BUILD_TOP (vmmctl and the fixtures; default ".").
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_cmd.h"

#define VMM_TIMEOUT	"120"	/* the hung guest's --timeout, seconds */
#define UP_TIMEOUT_S	60	/* for vmm to serve its socket (nested is slow) */
#define CMD_TIMEOUT_S	60

static char run_dir[64], sock[128];
static pid_t vmm_pid;

static const char *build_path(const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", build_top(), rel);
	return path;
}

static void setup(void)
{
	char tmpl[] = "/tmp/vmmctl-e2e-XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	snprintf(run_dir, sizeof(run_dir), "%s", tmpl);
	snprintf(sock, sizeof(sock), "%s/test.qmp", run_dir);
	setenv("XDG_RUNTIME_DIR", run_dir, 1);
	setenv("MEMVISOR_ACCEL", "kvm", 1);	/* the wrapper chose KVM */
	cr_assert_eq(access(build_path("tools/vmmctl/vmmctl"), X_OK), 0,
		     "build tools/vmmctl/vmmctl");
}

static void teardown(void)
{
	char cmd[128];

	if (vmm_pid > 0) {
		kill(vmm_pid, SIGKILL);
		waitpid(vmm_pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
	system(cmd);
}

TestSuite(vmmctl_e2e, .init = setup, .fini = teardown);

static bool accepts(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	bool ok;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	ok = !connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ok;
}

/* Waits until vmm accepts connections on @path. */
static void wait_serving(const char *path)
{
	for (int i = 0; i < UP_TIMEOUT_S * 10; i++) {
		if (accepts(path))
			return;
		cr_assert_eq(waitpid(vmm_pid, NULL, WNOHANG), 0, "vmm died at start");
		usleep(100000);
	}
	cr_assert_fail("vmm did not serve %s in %d s", path, UP_TIMEOUT_S);
}

/*
 * Starts vmm on hang.elf; @control: its --control, or NULL (the default);
 * waits for @wait_for to accept connections, unless NULL.
 */
static void start_vmm(const char *control, const char *wait_for)
{
	const char *vmm = vmm_path();
	char *kernel = fixture("hang");
	int devnull;

	vmm_pid = fork();
	cr_assert_geq(vmm_pid, 0);
	if (!vmm_pid) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		if (control)
			execl(vmm, vmm, "--mem", "64M", "--kernel", kernel,
			      "--timeout", VMM_TIMEOUT, "--control", control,
			      (char *)NULL);
		else
			execl(vmm, vmm, "--mem", "64M", "--kernel", kernel,
			      "--timeout", VMM_TIMEOUT, (char *)NULL);
		_exit(127);
	}
	if (wait_for)
		wait_serving(wait_for);
}

/* Starts vmm with its default socket; its path into @path. */
static void start_vmm_default(char *path, size_t len)
{
	start_vmm(NULL, NULL);
	snprintf(path, len, "%s/memvisor/vmm-%d.qmp", run_dir, (int)vmm_pid);
	wait_serving(path);
}

/* Runs vmmctl ARGS...; returns its result (free with run_result_free). */
static struct run_result vmmctl(int expect_status, char *const args[])
{
	char *argv[16] = { (char *)build_path("tools/vmmctl/vmmctl") };
	struct run_result r;
	char vmmctl_path[PATH_MAX];
	int i;

	snprintf(vmmctl_path, sizeof(vmmctl_path), "%s", argv[0]);
	argv[0] = vmmctl_path;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	cr_assert_eq(run_cmd(argv, CMD_TIMEOUT_S, &r), 0, "cannot run vmmctl");
	cr_assert_eq(r.status, expect_status, "vmmctl %s: status %d, stderr: %s",
		     args[0], r.status, r.err);
	return r;
}

#define VMMCTL(status, ...) vmmctl(status, (char *[]){ __VA_ARGS__, NULL })

static void expect_out(struct run_result r, const char *out, const char *err)
{
	cr_assert_str_eq(r.out, out);
	cr_assert_str_eq(r.err, err);
	run_result_free(&r);
}

/* vmm exits after quit, and removes its socket. */
static void expect_vmm_gone(const char *path)
{
	int status;

	for (int i = 0; i < CMD_TIMEOUT_S * 10; i++) {
		if (waitpid(vmm_pid, &status, WNOHANG) == vmm_pid) {
			vmm_pid = 0;
			cr_assert(WIFEXITED(status), "vmm died of a signal");
			cr_assert_neq(access(path, F_OK), 0, "%s left behind", path);
			return;
		}
		usleep(100000);
	}
	cr_assert_fail("vmm still runs %d s after quit", CMD_TIMEOUT_S);
}

Test(vmmctl_e2e, status_stop_cont_version_quit, .timeout = 300)
{
	struct run_result r;

	start_vmm(sock, sock);
	expect_out(VMMCTL(0, "--socket", sock, "status"), "VM status: running\n", "");
	expect_out(VMMCTL(0, "--socket", sock, "stop"), "", "");
	expect_out(VMMCTL(0, "--socket", sock, "status"), "VM status: paused\n", "");
	expect_out(VMMCTL(0, "--socket", sock, "cont"), "", "");
	expect_out(VMMCTL(0, "--socket", sock, "status"), "VM status: running\n", "");
	r = VMMCTL(0, "--socket", sock, "version");
	cr_assert(strstr(r.out, " (memvisor ") && strchr(r.out, '.'), "%s", r.out);
	run_result_free(&r);
	r = VMMCTL(0, "--socket", sock, "commands");
	cr_assert_not_null(strstr(r.out, "\nquery-status\n"), "%s", r.out);
	run_result_free(&r);
	expect_out(VMMCTL(1, "--socket", sock, "qmp", "no-such-command"), "",
		   "vmmctl: qmp: The command no-such-command has not been found\n");
	expect_out(VMMCTL(0, "--socket", sock, "quit"), "", "");
	expect_vmm_gone(sock);
	r = VMMCTL(1, "--socket", sock, "status");
	cr_assert_not_null(strstr(r.err, "cannot connect to"), "%s", r.err);
	run_result_free(&r);
}

Test(vmmctl_e2e, finds_the_only_vmm_by_itself, .timeout = 300)
{
	char dflt[160];
	struct run_result r;

	r = VMMCTL(1, "status");
	cr_assert_not_null(strstr(r.err, "vmmctl: no running vmm"), "%s", r.err);
	run_result_free(&r);
	/* vmm's default: $XDG_RUNTIME_DIR/memvisor/vmm-PID.qmp */
	start_vmm_default(dflt, sizeof(dflt));
	expect_out(VMMCTL(0, "status"), "VM status: running\n", "");
	r = VMMCTL(0, "--json", "status");
	cr_assert_not_null(strstr(r.out, "\"status\": \"running\""), "%s", r.out);
	run_result_free(&r);
	expect_out(VMMCTL(0, "quit"), "", "");
	expect_vmm_gone(dflt);
}
