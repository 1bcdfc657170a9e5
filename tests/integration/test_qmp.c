// SPDX-License-Identifier: MIT
/*
 * The control socket from the outside, over a real socket against a booted
 * guest (vmm/control/README.md):
 *
 *   life    the guest keeps running after its boot until `quit` on the
 *           socket (exit 0, SHUTDOWN host-qmp-quit), SIGTERM (exit 143,
 *           SHUTDOWN host-signal) or its own shutdown (SHUTDOWN
 *           {"guest": true}); the socket is 0600, served with --test too,
 *           removed at exit; vmm refuses to replace a file or a live socket
 *   qmp     bad input of every kind is answered the way QEMU answers it and
 *           the connection goes on; a 100 MiB line, a client gone
 *           mid-request, 100 clients at once, a client that never reads:
 *           vmm, the guest and the other clients go on
 *   tools   socat and (when it can be imported) QEMU's own Python QMP
 *           library, unchanged, against the socket
 *
 * Most tests boot tests/unit/fixtures/hang.elf (fast); the life tests boot
 * the real guest. Needs a usable /dev/kvm: `make check` runs it through
 * tools/nested/kvm-test-wrapper. Environment as for test_vmm_boot
 * (MEMVISOR_VMM, MEMVISOR_BUILD_TOP); MEMVISOR_QEMU_PYTHON: a directory
 * holding QEMU's python/ tree (the `qemu.qmp` package), when Python cannot
 * import it by itself.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define START_TIMEOUT_MS	60000	/* the socket appears (nested: slow) */
#define BOOT_TIMEOUT_MS		120000	/* the real guest's boot, nested */
#define REPLY_TIMEOUT_MS	30000
#define EXIT_TIMEOUT_MS		60000
#define MAX_ARGS		24
#define NR_CLIENTS		100

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- one vmm in the background ------------------------------------------- */

static struct {
	char dir[64];		/* a private temp dir: socket, output */
	char sock[96];
	char out[128], err[128];
	pid_t pid;		/* also its process group */
	int status;		/* once reaped */
} vmm;

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	setenv("MEMVISOR_ACCEL", "kvm", 1);
	cr_assert_eq(access("/dev/kvm", R_OK | W_OK), 0,
		     "no usable /dev/kvm: run this through tools/nested/kvm-test-wrapper (make check does)");
	cr_assert_eq(access(vmm_path(), X_OK), 0, "%s: not built", vmm_path());
	snprintf(vmm.dir, sizeof(vmm.dir), "/tmp/test_qmp.XXXXXX");
	cr_assert_not_null(mkdtemp(vmm.dir), "mkdtemp: %s", strerror(errno));
	snprintf(vmm.sock, sizeof(vmm.sock), "%s/vmm.qmp", vmm.dir);
	snprintf(vmm.out, sizeof(vmm.out), "%s/stdout", vmm.dir);
	snprintf(vmm.err, sizeof(vmm.err), "%s/stderr", vmm.dir);
	vmm.pid = 0;
}

static void teardown(void)
{
	char cmd[128];

	if (vmm.pid > 0) {
		kill(-vmm.pid, SIGKILL);
		waitpid(vmm.pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", vmm.dir);
	if (system(cmd)) {
		/* a temp dir left behind is no failure */
	}
}

TestSuite(life, .init = setup, .fini = teardown);
TestSuite(qmp, .init = setup, .fini = teardown);
TestSuite(tools, .init = setup, .fini = teardown);

/* The whole of file @path (NUL-terminated; "" if missing). Free it. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (f)
		fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	buf[len] = '\0';
	return buf;
}

/* For failure messages: what vmm printed (a static buffer). */
static const char *vmm_output(void)
{
	static char msg[4096];
	char *out = slurp(vmm.out), *err = slurp(vmm.err);
	size_t lo = strlen(out), le = strlen(err);

	snprintf(msg, sizeof(msg), "--- vmm stdout (end)\n%s--- vmm stderr (end)\n%s",
		 out + (lo > 1500 ? lo - 1500 : 0),
		 err + (le > 1500 ? le - 1500 : 0));
	free(out);
	free(err);
	return msg;
}

/* Starts vmm --control <sock> @args... in the background. */
static void start_vmm(char *const args[])
{
	char *argv[MAX_ARGS];
	int i;

	argv[0] = (char *)vmm_path();
	argv[1] = "--control";
	argv[2] = vmm.sock;
	for (i = 0; args[i]; i++) {
		cr_assert_lt(i + 4, MAX_ARGS);
		argv[i + 3] = args[i];
	}
	argv[i + 3] = NULL;
	vmm.pid = fork();
	cr_assert_geq(vmm.pid, 0, "fork: %s", strerror(errno));
	if (!vmm.pid) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(vmm.out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(vmm.err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		setpgid(0, 0);
		/* a test killed at its timeout must not leave vmm behind */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGPIPE, SIG_DFL);
		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 ||
		    dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(vmm.pid, vmm.pid);
}

/* vmm's exit status (-1: a signal), waiting at most @ms; fails on timeout. */
static int wait_vmm(unsigned int ms)
{
	long long end = now_ms() + ms;
	int st;

	for (;;) {
		pid_t r = waitpid(vmm.pid, &st, WNOHANG);

		if (r == vmm.pid)
			break;
		cr_assert_eq(r, 0, "waitpid: %s", strerror(errno));
		cr_assert_lt(now_ms(), end, "vmm still running after %u ms\n%s",
			     ms, vmm_output());
		sleep_ms(10);
	}
	vmm.pid = 0;
	vmm.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return vmm.status;
}

static bool vmm_alive(void)
{
	return vmm.pid > 0 && waitpid(vmm.pid, NULL, WNOHANG) == 0;
}

/* Waits until vmm's stdout has @text. */
static void wait_stdout(const char *text, unsigned int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		char *out = slurp(vmm.out);
		bool found = strstr(out, text) != NULL;

		free(out);
		if (found)
			return;
		cr_assert(vmm_alive(), "vmm ended before printing \"%s\"\n%s",
			  text, vmm_output());
		cr_assert_lt(now_ms(), end, "no \"%s\" after %u ms\n%s", text,
			     ms, vmm_output());
		sleep_ms(20);
	}
}

/* ---- a QMP client ---------------------------------------------------------- */

struct client {
	int fd;
	char buf[1 << 16];
	size_t len;
};

/* Connects once vmm listens (it starts the socket before the guest). */
static void client_connect(struct client *c)
{
	long long end = now_ms() + START_TIMEOUT_MS;

	c->len = 0;
	while ((c->fd = vq_connect_unix(vmm.sock)) < 0) {
		cr_assert(vmm_alive(), "vmm ended without serving %s\n%s",
			  vmm.sock, vmm_output());
		cr_assert_lt(now_ms(), end, "nobody listens at %s after %d ms\n%s",
			     vmm.sock, START_TIMEOUT_MS, vmm_output());
		sleep_ms(5);
	}
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void send_str(struct client *c, const char *s)
{
	cr_assert_eq(vq_send_all(c->fd, s, strlen(s)), 0, "send: %s\n%s",
		     strerror(errno), vmm_output());
}

/*
 * The next message (one line), parsed; NULL at EOF. Fails after
 * @ms without one.
 */
static json_t *recv_msg_within(struct client *c, unsigned int ms)
{
	long long end = now_ms() + ms;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		json_error_t jerr;
		long long left;
		ssize_t n;

		if (nl) {
			size_t used = nl - c->buf + 1;
			json_t *m = json_loadb(c->buf, used, 0, &jerr);

			cr_assert_not_null(m, "vmm sent bad JSON (%s): %.*s",
					   jerr.text, (int)used, c->buf);
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return m;
		}
		cr_assert_lt(c->len, sizeof(c->buf), "a message longer than %zu bytes",
			     sizeof(c->buf));
		left = end - now_ms();
		cr_assert_gt(left, 0, "no message from vmm within %u ms\n%s",
			     ms, vmm_output());
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		c->len += n;
	}
}

static json_t *recv_msg(struct client *c)
{
	json_t *m = recv_msg_within(c, REPLY_TIMEOUT_MS);

	cr_assert_not_null(m, "vmm closed the connection\n%s", vmm_output());
	return m;
}

/* The next message that is not an event. */
static json_t *recv_reply(struct client *c)
{
	for (;;) {
		json_t *m = recv_msg(c);

		if (!json_object_get(m, "event"))
			return m;
		json_decref(m);
	}
}

static char *dump(json_t *m)
{
	static char text[2048];
	char *s = json_dumps(m, JSON_COMPACT);

	snprintf(text, sizeof(text), "%s", s ? s : "(null)");
	free(s);
	return text;
}

/* Sends @req and returns the reply (events skipped). */
static json_t *execute(struct client *c, const char *req)
{
	send_str(c, req);
	send_str(c, "\n");
	return recv_reply(c);
}

/* A reply's "return", asserted to be there. Borrowed from @reply. */
static json_t *expect_return(json_t *reply, const char *req)
{
	json_t *ret = json_object_get(reply, "return");

	cr_assert_not_null(ret, "%s: want a return, got %s", req, dump(reply));
	return ret;
}

/* Asserts an error of @class whose desc contains @desc. */
static void expect_error(json_t *reply, const char *req, const char *class,
			 const char *desc)
{
	json_t *err = json_object_get(reply, "error");
	const char *cls = json_string_value(json_object_get(err, "class"));
	const char *d = json_string_value(json_object_get(err, "desc"));

	cr_assert(err && cls && d, "%s: want an error, got %s", req, dump(reply));
	cr_expect_str_eq(cls, class, "%s: %s", req, dump(reply));
	cr_expect(strstr(d, desc), "%s: want \"%s\" in the error, got %s", req,
		  desc, dump(reply));
}

/* Connects, reads the greeting and negotiates. */
static void client_open(struct client *c)
{
	json_t *m;

	client_connect(c);
	m = recv_msg(c);
	cr_assert_not_null(json_object_get(json_object_get(m, "QMP"), "version"),
			   "want a greeting, got %s", dump(m));
	json_decref(m);
	m = execute(c, "{\"execute\": \"qmp_capabilities\"}");
	expect_return(m, "qmp_capabilities");
	json_decref(m);
}

/* query-status says the guest runs. */
static void expect_running(struct client *c)
{
	json_t *m = execute(c, "{\"execute\": \"query-status\"}");
	json_t *ret = expect_return(m, "query-status");

	cr_expect_str_eq(json_string_value(json_object_get(ret, "status")),
			 "running", "query-status: %s", dump(m));
	cr_expect(json_is_true(json_object_get(ret, "running")),
		  "query-status: %s", dump(m));
	json_decref(m);
}

/* Reads until event @name comes (or EOF: fails); returns its data. */
static json_t *wait_event(struct client *c, const char *name)
{
	for (;;) {
		json_t *m = recv_msg_within(c, EXIT_TIMEOUT_MS);
		const char *ev;

		cr_assert_not_null(m, "the connection ended before a %s event\n%s",
				   name, vmm_output());
		ev = json_string_value(json_object_get(m, "event"));
		if (ev && !strcmp(ev, name)) {
			json_t *data = json_incref(json_object_get(m, "data"));

			json_decref(m);
			return data;
		}
		json_decref(m);
	}
}

static void expect_shutdown(json_t *data, bool guest, const char *reason)
{
	cr_expect_eq(json_is_true(json_object_get(data, "guest")), guest,
		     "SHUTDOWN: want guest %d: %s", guest, dump(data));
	cr_expect_str_eq(json_string_value(json_object_get(data, "reason")),
			 reason, "SHUTDOWN: %s", dump(data));
}

static void expect_socket_gone(void)
{
	struct stat st;

	cr_expect(lstat(vmm.sock, &st) && errno == ENOENT,
		  "%s is still there after vmm ended", vmm.sock);
}

static void start_hang(void)
{
	start_vmm((char *[]){ "--mem", "64M", "--kernel", fixture("hang"),
			      NULL });
}

/* ---- life: the guest runs until told to stop ------------------------------- */

#define BOOTED	"running (vmmctl quit to stop)"

Test(life, plain_boot_runs_until_quit, .timeout = 240)
{
	struct client c;
	struct stat st;
	json_t *m;

	start_vmm((char *[]){ "--mem", "64M", NULL });
	client_open(&c);
	cr_assert_eq(lstat(vmm.sock, &st), 0);
	cr_expect(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600,
		  "%s: mode %o, want a socket 0600", vmm.sock, st.st_mode);
	wait_stdout(BOOTED, BOOT_TIMEOUT_MS);
	sleep_ms(500);		/* still running after the boot */
	expect_running(&c);
	m = execute(&c, "{\"execute\": \"quit\", \"id\": 7}");
	expect_return(m, "quit");
	cr_expect_eq(json_integer_value(json_object_get(m, "id")), 7);
	json_decref(m);
	m = wait_event(&c, "SHUTDOWN");
	expect_shutdown(m, false, "host-qmp-quit");
	json_decref(m);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "quit: exit status %d\n%s",
		     vmm.status, vmm_output());
	expect_socket_gone();
	client_close(&c);
}

Test(life, plain_boot_runs_until_sigterm, .timeout = 240)
{
	struct client c;
	json_t *m;

	start_vmm((char *[]){ "--mem", "64M", NULL });
	client_open(&c);
	wait_stdout(BOOTED, BOOT_TIMEOUT_MS);
	expect_running(&c);
	kill(vmm.pid, SIGTERM);
	m = wait_event(&c, "SHUTDOWN");
	expect_shutdown(m, false, "host-signal");
	json_decref(m);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 143, "SIGTERM: exit status %d\n%s",
		     vmm.status, vmm_output());
	expect_socket_gone();
	client_close(&c);
}

/*
 * exit=0: the guest shuts down by itself once booted. The client is
 * negotiated long before (the socket is up before the first vCPU runs, a
 * boot takes a second or more).
 */
Test(life, guest_shutdown_is_a_guest_shutdown_event, .timeout = 240)
{
	struct client c;
	json_t *m;

	/* --paused: the client is there before the guest's first instruction */
	start_vmm((char *[]){ "--mem", "64M", "--paused", "--cmdline", "exit=0",
			      NULL });
	client_open(&c);
	json_decref(expect_return(execute(&c, "{\"execute\": \"cont\"}"), "cont"));
	m = wait_event(&c, "SHUTDOWN");
	expect_shutdown(m, true, "guest-shutdown");
	json_decref(m);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "exit=0: exit status %d\n%s",
		     vmm.status, vmm_output());
	expect_socket_gone();
	client_close(&c);
}

/*
 * memvisor's own events: a might_sleep() in atomic context and a page
 * allocation failure that warns, each seen by a client that was there
 * before the guest ran (--paused, then cont).
 */
Test(life, sleep_bug_and_alloc_failure_events, .timeout = 300)
{
	struct client c;
	json_t *m, *ret;

	start_vmm((char *[]){ "--mem", "64M", "--paused", "--test",
			      "might_sleep.spinlock_held,gfp.failure_report_and_nowarn",
			      NULL });
	client_open(&c);
	m = execute(&c, "{\"execute\": \"query-status\"}");
	ret = expect_return(m, "query-status");
	cr_expect_str_eq(json_string_value(json_object_get(ret, "status")),
			 "paused", "--paused: %s", dump(m));
	json_decref(m);
	json_decref(expect_return(execute(&c, "{\"execute\": \"cont\"}"), "cont"));
	m = wait_event(&c, "__org.memvisor_SLEEP_BUG");
	cr_expect(strstr(json_string_value(json_object_get(m, "file")) ?: "",
			 "might_sleep_test.c"), "SLEEP_BUG: %s", dump(m));
	json_decref(m);
	m = wait_event(&c, "__org.memvisor_ALLOC_FAILURE");
	cr_expect_eq(json_integer_value(json_object_get(m, "order")), 0,
		     "ALLOC_FAILURE: %s", dump(m));
	cr_expect_eq(json_integer_value(json_object_get(m, "gfp")), 0x1,
		     "ALLOC_FAILURE (GFP_DMA): %s", dump(m));
	json_decref(m);
	m = wait_event(&c, "SHUTDOWN");
	expect_shutdown(m, true, "guest-shutdown");
	json_decref(m);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "--test: exit status %d\n%s",
		     vmm.status, vmm_output());
	client_close(&c);
}

/* An address of an answer or event: a "0x..." string. */
static uint64_t addr_of(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	cr_assert_not_null(v, "no address \"%s\" in %s", key, dump(o));
	return strtoull(v, NULL, 16);
}

/* The DMA_FAULT events' data until SHUTDOWN, in their order (a new array). */
static json_t *dma_faults_until_shutdown(struct client *c)
{
	json_t *all = json_array();

	for (;;) {
		json_t *m = recv_msg_within(c, EXIT_TIMEOUT_MS);
		const char *ev;

		cr_assert_not_null(m, "the connection ended before SHUTDOWN\n%s",
				   vmm_output());
		ev = json_string_value(json_object_get(m, "event"));
		if (ev && !strcmp(ev, "SHUTDOWN")) {
			expect_shutdown(json_object_get(m, "data"), true, "guest-shutdown");
			json_decref(m);
			return all;
		}
		if (ev && !strcmp(ev, "__org.memvisor_DMA_FAULT"))
			json_array_append(all, json_object_get(m, "data"));
		json_decref(m);
	}
}

/*
 * The DMA_FAULT events until SHUTDOWN (in whichever order the runner took
 * the cases): the first of each reason named in @reasons, kept in @found.
 */
static void collect_dma_faults(struct client *c, const char *const reasons[],
			       json_t *found[], size_t n)
{
	json_t *all = dma_faults_until_shutdown(c), *f;
	size_t k;

	json_array_foreach(all, k, f) {
		const char *r = json_string_value(json_object_get(f, "reason"));

		for (size_t i = 0; r && i < n; i++)
			if (!found[i] && !strcmp(r, reasons[i]))
				found[i] = json_incref(f);
	}
	json_decref(all);
}

/*
 * The DMA device's faults as events: a transfer to a page above the 24-bit
 * mask, and a buffer freed while its transfer was in flight, which names
 * the page's owner at submit and at transfer.
 */
Test(life, dma_fault_events, .timeout = 300)
{
	static const char *const reasons[] = { "beyond-dma-mask", "freed-in-flight" };
	json_t *f[2] = { NULL, NULL };
	struct client c;

	start_vmm((char *[]){ "--mem", "256M", "--paused", "--test",
			      "dma.refuses_normal_and_highmem,dma.freed_in_flight",
			      NULL });
	client_open(&c);
	json_decref(expect_return(execute(&c, "{\"execute\": \"cont\"}"), "cont"));
	collect_dma_faults(&c, reasons, f, 2);
	cr_assert_not_null(f[0], "no beyond-dma-mask DMA_FAULT\n%s", vmm_output());
	cr_assert_not_null(f[1], "no freed-in-flight DMA_FAULT\n%s", vmm_output());
	cr_expect_geq(addr_of(f[0], "addr"), 1ULL << 24, "DMA_FAULT: %s", dump(f[0]));
	cr_expect_gt(json_integer_value(json_object_get(f[0], "len")), 0, "%s", dump(f[0]));
	cr_expect_str_eq(json_string_value(json_object_get(f[1], "owner-at-submit")),
			 "allocated order 0", "DMA_FAULT: %s", dump(f[1]));
	cr_expect_str_neq(json_string_value(json_object_get(f[1], "owner-now")) ?: "",
			  "allocated order 0", "%s", dump(f[1]));
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "--test: exit status %d\n%s",
		     vmm.status, vmm_output());
	json_decref(f[0]);
	json_decref(f[1]);
	client_close(&c);
}

/* The address a checkbug case printed after @label (" page ") on its @line. */
static uint64_t printed_addr(const char *out, const char *line, const char *label)
{
	const char *p = strstr(out, line);
	char *end;

	cr_assert_not_null(p, "no \"%s\" line on the console\n%s", line, vmm_output());
	p = strstr(p, label);
	cr_assert_not_null(p, "no %s in the \"%s\" line", label, line);
	return strtoull(p + strlen(label), &end, 16);
}

/* The first DMA_FAULT in @all with @reason at @addr, or a failure. */
static json_t *fault_at(json_t *all, const char *reason, uint64_t addr)
{
	json_t *f;
	size_t i;

	json_array_foreach(all, i, f)
		if (!strcmp(json_string_value(json_object_get(f, "reason")) ?: "", reason) &&
		    addr_of(f, "addr") == addr)
			return f;
	cr_assert_fail("no %s DMA_FAULT at 0x%" PRIx64 " in %s\n%s", reason, addr,
		       dump(all), vmm_output());
	return NULL;
}

static const char *member_str(json_t *f, const char *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(f, obj), key)) ?: "";
}

static bool one_of(const char *s, const char *a, const char *b, const char *c)
{
	return !strcmp(s, a) || !strcmp(s, b) || (c && !strcmp(s, c));
}

/*
 * The planted DMA bugs (suite checkbug, issue 18 item 3): each one a
 * DMA_FAULT with the right reason, address, owners and object, and the
 * written object read afterwards raises none.
 */
Test(life, dma_checkbug_faults, .timeout = 300)
{
	uint64_t unalloc, freed_page, object, kept, unwritten;
	struct client c;
	json_t *all, *f;
	char *out;

	start_vmm((char *[]){ "--mem", "256M", "--paused", "--test",
			      "checkbug.dma_*", NULL });
	client_open(&c);
	json_decref(expect_return(execute(&c, "{\"execute\": \"cont\"}"), "cont"));
	all = dma_faults_until_shutdown(&c);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "--test: exit status %d\n%s",
		     vmm.status, vmm_output());
	out = slurp(vmm.out);
	unalloc = printed_addr(out, "checkbug: dma_unallocated", " page ");
	freed_page = printed_addr(out, "checkbug: dma_freed_page", " freed page ");
	object = printed_addr(out, "checkbug: dma_freed_object", " object ");
	kept = printed_addr(out, "checkbug: dma_freed_object", " kept ");
	unwritten = printed_addr(out, "checkbug: dma_unwritten", " object ");
	free(out);

	/* memory nobody allocated, written and read: its owner a free list's */
	f = fault_at(all, "unallocated", unalloc);
	cr_expect(one_of(member_str(f, "submit", "kind"), "pcp", "free", NULL), "%s", dump(f));
	cr_expect_null(json_object_get(f, "transfer"), "%s", dump(f));
	f = fault_at(all, "unallocated", unalloc + 512);
	cr_expect_str_eq(json_string_value(json_object_get(f, "op")), "memory-to-buffer");

	/* the second page of a transfer, freed in flight: both owners */
	f = fault_at(all, "freed-in-flight", freed_page);
	cr_expect_str_eq(member_str(f, "submit", "kind"), "allocated", "%s", dump(f));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(f, "submit"), "order")),
		     0, "%s", dump(f));
	cr_expect(strstr(member_str(f, "submit", "caller-symbol"), "dma_freed_page"),
		  "the allocation's caller: %s", dump(f));
	cr_expect(one_of(member_str(f, "transfer", "kind"), "pcp", "free", NULL), "%s", dump(f));
	cr_expect_eq(json_integer_value(json_object_get(f, "pfn")), freed_page / 4096);

	/* a kmalloc object freed in flight inside a slab page that stays */
	f = fault_at(all, "freed-in-flight", object);
	cr_expect_str_eq(member_str(f, "submit", "kind"), "slab", "%s", dump(f));
	cr_expect_str_eq(member_str(f, "object-at-submit", "state"), "live", "%s", dump(f));
	cr_expect(one_of(member_str(f, "object-at-transfer", "state"), "cpu-cache",
			 "free", "shared"), "%s", dump(f));
	cr_expect_eq(addr_of(json_object_get(f, "object-at-transfer"), "addr"), object);
	cr_expect_str_eq(member_str(f, "object-at-transfer", "cache-name"),
			 "dma-kmalloc-64", "%s", dump(f));
	/* then handed to the device freed; then a range across two objects */
	f = fault_at(all, "not-a-live-object", object);
	cr_expect(one_of(member_str(f, "object-at-submit", "state"), "cpu-cache",
			 "free", "shared"), "%s", dump(f));
	f = fault_at(all, "not-a-live-object", kept + 32);
	cr_expect_str_eq(member_str(f, "object-at-submit", "state"), "outside", "%s", dump(f));

	/* a poisoned cache's object read by the device before it was written */
	f = fault_at(all, "never-written", unwritten);
	cr_expect_str_eq(member_str(f, "object-at-submit", "state"), "live", "%s", dump(f));
	cr_expect(json_is_true(json_object_get(json_object_get(f, "object-at-submit"),
					       "never-written")), "%s", dump(f));
	cr_expect_str_eq(member_str(f, "object-at-submit", "cache-name"),
			 "checkbug_dma_poison", "%s", dump(f));
	cr_expect_eq(json_array_size(all), 7, "7 faults planted: %s", dump(all));
	json_decref(all);
	client_close(&c);
}

/*
 * quit while the DMA device works a ring of long chains (dma.busy: 64
 * descriptors a chain, the longest latency, 2048 vmap areas): vmm exits
 * within 1 s of the reply (issue 15: it took 12.2 s while the device
 * searched page owners). The device is seen busy just before the quit.
 */
Test(life, quit_while_dma_is_busy, .timeout = 300)
{
	struct client c;
	long long t0, ms;
	json_t *m;
	bool busy = false;

	start_vmm((char *[]){ "--mem", "256M", "--test", "dma.busy",
			      "--cmdline", "dma_busy=60", NULL });
	client_open(&c);
	wait_stdout("dma: busy for 60 s", BOOT_TIMEOUT_MS);
	for (int i = 0; i < 100 && !busy; i++) {
		m = execute(&c, "{\"execute\": \"__org.memvisor_query-dma\"}");
		busy = json_is_true(json_object_get(expect_return(m, "query-dma"),
						    "busy"));
		json_decref(m);
		if (!busy)
			sleep_ms(10);
	}
	cr_assert(busy, "the DMA device never looked busy\n%s", vmm_output());
	t0 = now_ms();
	m = execute(&c, "{\"execute\": \"quit\"}");
	expect_return(m, "quit");
	json_decref(m);
	wait_vmm(EXIT_TIMEOUT_MS);	/* asserts it ended */
	ms = now_ms() - t0;
	cr_expect_lt(ms, 1000, "vmm exited %lld ms after quit\n%s", ms, vmm_output());
	cr_log_info("quit -> exit with the DMA device busy: %lld ms\n", ms);
	client_close(&c);
}

/* --test runs serve the socket as well, and remove it. */
Test(life, socket_served_with_test)
{
	char *err;

	start_vmm((char *[]){ "--mem", "64M", "--test", "demo.*", "--kernel",
			      fixture("ktest"), NULL });
	wait_vmm(EXIT_TIMEOUT_MS);
	err = slurp(vmm.err);
	cr_expect(strstr(err, "vmm: control socket ") && strstr(err, vmm.sock),
		  "want the control socket's line on stderr:\n%s", err);
	free(err);
	expect_socket_gone();
}

/* One line on stderr (after the accelerator's), non-zero exit. */
static void expect_refused(const char *why)
{
	char *err = slurp(vmm.err), *line = err;
	int lines = 0;

	for (char *p = err; *p; p++)
		lines += *p == '\n';
	if (!strncmp(line, "vmm: accelerator ", 17)) {
		line = strchr(line, '\n') + 1;
		lines--;
	}
	cr_expect_neq(vmm.status, 0, "want a non-zero exit status");
	cr_expect_eq(lines, 1, "want one line on stderr:\n%s", err);
	cr_expect(!strncmp(line, "vmm: --control ", 15) && strstr(line, why),
		  "want \"vmm: --control ... %s\" on stderr:\n%s", why, err);
	free(err);
	err = slurp(vmm.out);
	cr_expect_str_empty(err, "want no boot:\n%s", err);
	free(err);
}

Test(life, refuses_to_replace_a_file)
{
	FILE *f = fopen(vmm.sock, "w");
	char *text;

	cr_assert_not_null(f);
	fputs("precious\n", f);
	fclose(f);
	start_hang();
	wait_vmm(EXIT_TIMEOUT_MS);
	expect_refused("not a socket");
	text = slurp(vmm.sock);
	cr_expect_str_eq(text, "precious\n", "the file was changed");
	free(text);
}

Test(life, refuses_to_replace_a_live_socket)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0), fd;
	struct stat before, after;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", vmm.sock);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 4), 0);
	cr_assert_eq(lstat(vmm.sock, &before), 0);
	start_hang();
	wait_vmm(EXIT_TIMEOUT_MS);
	expect_refused("listening there");
	cr_assert_eq(lstat(vmm.sock, &after), 0, "the socket is gone");
	cr_expect_eq(before.st_ino, after.st_ino, "the socket was replaced");
	fd = vq_connect_unix(vmm.sock);
	cr_expect_geq(fd, 0, "the socket no longer works");
	if (fd >= 0)
		close(fd);
	close(lfd);
}

/* A socket nobody listens on any more (a vmm killed) is replaced. */
Test(life, replaces_a_stale_socket)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct client c;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", vmm.sock);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(lfd);
	start_hang();
	client_open(&c);
	expect_running(&c);
	client_close(&c);
}

/* ---- qmp: bad input, bad clients ------------------------------------------ */

/* Each request gets QEMU's answer, and the connection goes on. */
Test(qmp, bad_requests_get_errors_and_the_connection_goes_on)
{
	static const struct {
		const char *req, *class, *desc;
	} cases[] = {
		{ "{\"execute\": }", "GenericError", "JSON parse error" },
		{ "}", "GenericError", "JSON parse error" },
		{ "[1, 2]", "GenericError", "QMP input must be a JSON object" },
		{ "\"query-status\"", "GenericError", "" },
		{ "{}", "GenericError", "lacks member 'execute'" },
		{ "{\"execute\": 3}", "GenericError", "'execute' must be a string" },
		{ "{\"execute\": \"query-status\", \"x\": 1}", "GenericError",
		  "'x' is unexpected" },
		{ "{\"execute\": \"query-status\", \"arguments\": []}",
		  "GenericError", "'arguments' must be an object" },
		{ "{\"execute\": \"no-such-command\"}", "CommandNotFound",
		  "no-such-command has not been found" },
		{ "{\"execute\": \"qmp_capabilities\"}", "CommandNotFound",
		  "already complete" },
		{ "{\"execute\": \"query-status\", \"arguments\": {\"x\": 1}}",
		  "GenericError", "Parameter 'x' is unexpected" },
		{ "{\"execute\": \"query-status\", \"execute\": \"stop\"}",
		  "GenericError", "JSON parse error" },
	};
	struct client c;
	json_t *m;

	start_hang();
	/* arguments, on the one command that takes some before negotiation */
	client_connect(&c);
	json_decref(recv_msg(&c));
	m = execute(&c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"x\": 1}}");
	expect_error(m, "unexpected argument", "GenericError",
		     "Parameter 'x' is unexpected");
	json_decref(m);
	m = execute(&c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": \"oob\"}}");
	expect_error(m, "mistyped argument", "GenericError",
		     "Invalid parameter type for 'enable', expected: array");
	json_decref(m);
	m = execute(&c, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}");
	expect_error(m, "unknown capability", "GenericError",
		     "Capability 'oob' not available");
	json_decref(m);
	m = execute(&c, "{\"execute\": \"qmp_capabilities\"}");
	expect_return(m, "qmp_capabilities");
	json_decref(m);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = execute(&c, cases[i].req);
		expect_error(m, cases[i].req, cases[i].class, cases[i].desc);
		json_decref(m);
		expect_running(&c);
	}
	client_close(&c);
}

/*
 * A NUL byte, alone on a line or inside a request, is a parse error, and
 * the requests after it are answered (the server waited for ever on it).
 */
Test(qmp, nul_byte_is_an_error_and_the_connection_goes_on)
{
	static const char nul_line[] = "\0\n";
	static const char nul_inside[] = "{\"exec\0ute\": \"query-status\"}\n";
	struct client c;
	json_t *m;

	start_hang();
	client_open(&c);
	cr_assert_eq(vq_send_all(c.fd, nul_line, sizeof(nul_line) - 1), 0);
	m = recv_reply(&c);
	expect_error(m, "NUL line", "GenericError", "NUL byte");
	json_decref(m);
	expect_running(&c);
	cr_assert_eq(vq_send_all(c.fd, nul_inside, sizeof(nul_inside) - 1), 0);
	m = recv_reply(&c);
	expect_error(m, "NUL inside a request", "GenericError", "NUL byte");
	json_decref(m);
	expect_running(&c);
	client_close(&c);
}

/* memvisor's commands with required arguments, when this vmm has them. */
Test(qmp, missing_and_mistyped_arguments_of_memvisor_commands)
{
	static const struct {
		const char *req, *desc;
	} cases[] = {
		{ "{\"execute\": \"__org.memvisor_read-phys\", \"arguments\": {\"addr\": 0}}",
		  "Parameter 'size' is missing" },
		{ "{\"execute\": \"__org.memvisor_read-phys\", \"arguments\": {\"addr\": \"x\", \"size\": 8}}",
		  "Invalid parameter type for 'addr', expected: address" },
		{ "{\"execute\": \"__org.memvisor_page-owner\", \"arguments\": {\"pfn\": true}}",
		  "Invalid parameter type for 'pfn'" },
		{ "{\"execute\": \"__org.memvisor_page-owner\", \"arguments\": {\"pfn\": 1, \"x\": 2}}",
		  "Parameter 'x' is unexpected" },
		{ "{\"execute\": \"__org.memvisor_query-modules\", \"arguments\": {\"max\": 0}}",
		  "Parameter 'max' expects an integer in 1..1024" },
		{ "{\"execute\": \"__org.memvisor_query-modules\", \"arguments\": {\"start-after\": []}}",
		  "Invalid parameter type for 'start-after', expected: address" },
	};
	struct client c;
	json_t *m;
	char *list;

	start_hang();
	client_open(&c);
	m = execute(&c, "{\"execute\": \"query-commands\"}");
	list = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (!strstr(list, "__org.memvisor_read-phys") ||
	    !strstr(list, "__org.memvisor_page-owner")) {
		free(list);
		cr_skip_test("this vmm has no read-phys/page-owner yet");
	}
	free(list);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = execute(&c, cases[i].req);
		expect_error(m, cases[i].req, "GenericError", cases[i].desc);
		json_decref(m);
		expect_running(&c);
	}
	client_close(&c);
}

/* The id comes back with errors as with answers; commands need negotiation. */
Test(qmp, ids_and_negotiation)
{
	struct client c;
	json_t *m;

	start_hang();
	client_connect(&c);
	json_decref(recv_msg(&c));
	m = execute(&c, "{\"execute\": \"query-status\", \"id\": \"a\"}");
	expect_error(m, "before negotiation", "CommandNotFound",
		     "Expecting capabilities negotiation");
	cr_expect_str_eq(json_string_value(json_object_get(m, "id")), "a");
	json_decref(m);
	m = execute(&c, "{\"execute\": \"qmp_capabilities\", \"id\": [1]}");
	expect_return(m, "qmp_capabilities");
	json_decref(m);
	m = execute(&c, "{\"execute\": \"nope\", \"id\": {\"x\": 2}}");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(m, "id"), "x")), 2,
		     "%s", dump(m));
	json_decref(m);
	/* two requests in one write, and one split over two writes */
	send_str(&c, "{\"execute\": \"query-status\", \"id\": 1}{\"execute\": \"query-version\", \"id\": 2}\n{\"execute\": \"query-st");
	m = recv_reply(&c);
	cr_expect_eq(json_integer_value(json_object_get(m, "id")), 1, "%s", dump(m));
	json_decref(m);
	m = recv_reply(&c);
	cr_expect_eq(json_integer_value(json_object_get(m, "id")), 2, "%s", dump(m));
	json_decref(m);
	sleep_ms(100);
	m = execute(&c, "atus\", \"id\": 3}");
	cr_expect_eq(json_integer_value(json_object_get(m, "id")), 3, "%s", dump(m));
	json_decref(m);
	client_close(&c);
}

/*
 * A 100 MiB line: one client sends it (a request that never ends, then
 * garbage that is no JSON), and is answered with an error or dropped; vmm,
 * the guest and the other clients go on.
 */
static void huge_line(const char *start, char fill)
{
	const size_t total = 100u << 20;
	struct client big, other;
	size_t sent = 0, errors = 0;
	char *chunk = malloc(1 << 16);
	bool dropped = false;
	json_t *m;

	cr_assert_not_null(chunk);
	memset(chunk, fill, 1 << 16);
	start_hang();
	client_open(&big);
	client_open(&other);
	send_str(&big, start);
	fcntl(big.fd, F_SETFL, O_NONBLOCK);
	while (sent < total && !dropped) {
		struct pollfd p = { .fd = big.fd, .events = POLLOUT };
		ssize_t n;

		cr_assert_gt(poll(&p, 1, REPLY_TIMEOUT_MS), 0,
			     "vmm neither reads the line nor drops the client\n%s",
			     vmm_output());
		n = send(big.fd, chunk, 1 << 16, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			dropped = true;	/* EPIPE, ECONNRESET: dropped */
			break;
		}
		sent += n;
	}
	free(chunk);
	fcntl(big.fd, F_SETFL, 0);
	if (!dropped)	/* then the line ends, and the client goes on */
		send_str(&big, "\n{\"execute\": \"query-status\"}\n");
	/* what it was told before the end: errors only, then EOF or the answer */
	while ((m = recv_msg_within(&big, REPLY_TIMEOUT_MS))) {
		bool answer = json_object_get(m, "return") != NULL;

		cr_expect(answer || json_object_get(m, "error"), "%s", dump(m));
		errors += !answer;
		json_decref(m);
		if (answer)
			break;
	}
	cr_expect_leq(errors, 1, "one error for one line, not %zu", errors);
	cr_log_info("100 MiB line (%s...): %s after %zu bytes, %zu error(s)",
		    start, dropped ? "dropped" : "kept", sent, errors);
	client_close(&big);
	expect_running(&other);
	client_close(&other);
	client_open(&other);
	expect_running(&other);
	client_close(&other);
	cr_expect(vmm_alive());
}

Test(qmp, line_of_100_mib_in_a_string, .timeout = 240)
{
	huge_line("{\"execute\": \"query-status\", \"id\": \"", 'A');
}

Test(qmp, line_of_100_mib_of_garbage, .timeout = 240)
{
	huge_line("", 'x');
}

Test(qmp, client_gone_mid_request)
{
	struct client c, other;

	start_hang();
	client_open(&other);
	for (int i = 0; i < 20; i++) {
		client_open(&c);
		send_str(&c, "{\"execute\": \"__org.memvisor_query-zo");
		client_close(&c);
		client_connect(&c);	/* and one before its greeting */
		client_close(&c);
	}
	expect_running(&other);
	client_close(&other);
}

Test(qmp, hundred_clients_at_once, .timeout = 240)
{
	static struct client c[NR_CLIENTS];
	char req[128];

	start_hang();
	for (int i = 0; i < NR_CLIENTS; i++)
		client_connect(&c[i]);
	for (int i = 0; i < NR_CLIENTS; i++) {
		json_t *m = recv_msg(&c[i]);

		cr_assert_not_null(json_object_get(m, "QMP"),
				   "client %d: want a greeting, got %s", i, dump(m));
		json_decref(m);
	}
	/* every request out before any answer is read */
	for (int i = 0; i < NR_CLIENTS; i++) {
		snprintf(req, sizeof(req),
			 "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"query-status\", \"id\": %d}\n",
			 i);
		send_str(&c[i], req);
	}
	for (int i = 0; i < NR_CLIENTS; i++) {
		json_t *m = recv_reply(&c[i]);

		expect_return(m, "qmp_capabilities");
		json_decref(m);
		m = recv_reply(&c[i]);
		cr_expect_eq(json_integer_value(json_object_get(m, "id")), i,
			     "client %d: %s", i, dump(m));
		cr_expect_str_eq(json_string_value(json_object_get(
				 json_object_get(m, "return"), "status")),
				 "running", "client %d: %s", i, dump(m));
		json_decref(m);
	}
	for (int i = 0; i < NR_CLIENTS; i++)
		client_close(&c[i]);
}

/*
 * The server's limit full (@max: 256 by default, or --control-clients),
 * one more client gets an error line and the close, not silence; when one
 * leaves, room again.
 */
static void fill_and_overflow(struct client *c, int max)
{
	struct client extra;
	char want[96];
	json_t *m;

	for (int i = 0; i < max; i++)
		client_connect(&c[i]);
	for (int i = 0; i < max; i++) {
		m = recv_msg(&c[i]);
		cr_assert_not_null(json_object_get(m, "QMP"),
				   "client %d: want a greeting, got %s", i, dump(m));
		json_decref(m);
	}
	client_connect(&extra);
	m = recv_msg(&extra);
	cr_assert_not_null(m, "client %d: EOF, and no word why", max + 1);
	snprintf(want, sizeof(want), "too many clients: this vmm serves %d at once", max);
	expect_error(m, "one client too many", "GenericError", want);
	json_decref(m);
	cr_assert_null(recv_msg_within(&extra, REPLY_TIMEOUT_MS),
		       "the refused client is closed");
	client_close(&extra);
	/* one leaves: room again, once the server has seen it go */
	client_close(&c[0]);
	for (int tries = 0;; tries++) {
		client_connect(&extra);
		m = recv_msg(&extra);
		if (json_object_get(m, "QMP"))
			break;
		cr_assert_lt(tries, 100, "no room after a client left: %s", dump(m));
		json_decref(m);
		client_close(&extra);
		sleep_ms(20);
	}
	json_decref(m);
	m = execute(&extra, "{\"execute\": \"qmp_capabilities\"}");
	expect_return(m, "qmp_capabilities");
	json_decref(m);
	expect_running(&extra);
	client_close(&extra);
	for (int i = 1; i < max; i++)
		client_close(&c[i]);
}

#define SERVER_MAX_CLIENTS	256
Test(qmp, client_over_the_limit_is_told_and_closed, .timeout = 240)
{
	static struct client c[SERVER_MAX_CLIENTS];

	start_hang();
	fill_and_overflow(c, SERVER_MAX_CLIENTS);
}

Test(qmp, control_clients_sets_the_limit, .timeout = 240)
{
	struct client c[3];

	start_vmm((char *[]){ "--mem", "64M", "--kernel", fixture("hang"),
			      "--control-clients", "3", NULL });
	fill_and_overflow(c, 3);
}

/*
 * A client that never reads: events pile up for it (STOP and RESUME, from
 * another client's stop/cont), then the replies of requests it sends
 * without reading, until they are past its bound (QMP_MAX_PENDING_OUT,
 * 16 MiB) and it is dropped. The others are answered all along.
 */
Test(qmp, client_that_never_reads, .timeout = 240)
{
	static const char req[] = "{\"execute\": \"query-commands\"}\n";
	struct client deaf, busy;
	long long t0, worst = 0;
	int replies = 0;
	size_t sent;
	json_t *m;

	start_hang();
	client_open(&deaf);
	client_open(&busy);
	for (int i = 0; i < 200; i++) {
		t0 = now_ms();
		json_decref(execute(&busy, "{\"execute\": \"stop\"}"));
		json_decref(execute(&busy, "{\"execute\": \"cont\"}"));
		if (now_ms() - t0 > worst)
			worst = now_ms() - t0;
	}
	/* replies unread far beyond the bound: it must be dropped */
	for (sent = 0; sent < 64u << 20; sent += sizeof(req) - 1) {
		if (send(deaf.fd, req, sizeof(req) - 1, MSG_NOSIGNAL) < 0)
			break;	/* dropped */
		if (!(sent % (1u << 20)))
			expect_running(&busy);
	}
	cr_expect_lt(sent, 64u << 20, "a client that never reads was never dropped");
	expect_running(&busy);
	cr_expect_lt(worst, 5000, "a stop/cont took %lld ms", worst);
	/* the deaf client now reads: what was sent before the drop, then the end */
	while ((m = recv_msg_within(&deaf, REPLY_TIMEOUT_MS))) {
		replies++;
		json_decref(m);
	}
	cr_log_info("the deaf client was dropped after %zu bytes of requests, %d messages read",
		    sent, replies);
	expect_running(&busy);
	client_close(&deaf);
	client_close(&busy);
	cr_expect(vmm_alive());
}

/* ---- tools: other QMP clients ---------------------------------------------- */

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return !system(cmd);
}

Test(tools, socat)
{
	char script[512];
	struct run_result r;

	if (!have("socat"))
		cr_skip_test("socat is not installed (tools/setup installs it)");
	start_hang();
	client_connect(&(struct client){ 0 });	/* wait for the socket */
	snprintf(script, sizeof(script),
		 "(printf '%%s\\n' '{\"execute\": \"qmp_capabilities\"}' '{\"execute\": \"query-status\"}'; sleep 1) | socat - UNIX-CONNECT:%s",
		 vmm.sock);
	cr_assert_eq(run_cmd((char *[]){ "sh", "-c", script, NULL }, 30, &r), 0);
	cr_expect_eq(r.status, 0, "socat: %d\n%s", r.status, r.err);
	cr_expect(strstr(r.out, "{\"QMP\":"), "no greeting:\n%s", r.out);
	cr_expect(strstr(r.out, "\"status\":\"running\""), "no status:\n%s", r.out);
	run_result_free(&r);
}

/*
 * QEMU's python/ tree (MEMVISOR_QEMU_PYTHON, which make check points at
 * tools/setup's copy from Debian's qemu source) on PYTHONPATH, for the
 * tests below; skipped, saying why, when @module cannot be imported.
 */
static void use_qemu_python(const char *module)
{
	const char *extra = getenv("MEMVISOR_QEMU_PYTHON");
	char probe[512];

	setenv("PYTHONPATH", extra && *extra ? extra : "", 1);
	snprintf(probe, sizeof(probe), "python3 -c 'import %s' 2>/dev/null", module);
	if (system(probe))
		cr_skip_test("QEMU's %s cannot be imported (tools/setup puts QEMU's python/ tree from Debian's qemu source in ~/.cache/memvisor/qemu-python; or MEMVISOR_QEMU_PYTHON=DIR, or pip install qemu.qmp)",
			     module);
}

/*
 * QEMU's own Python QMP library (python/qemu/qmp in QEMU's tree, `qemu.qmp`
 * on PyPI), unchanged: its legacy synchronous client connects, negotiates,
 * runs commands and reads the SHUTDOWN event of `quit`.
 */
Test(tools, qemu_python_qmp, .timeout = 120)
{
	char script[2048];
	struct run_result r;

	use_qemu_python("qemu.qmp.legacy");
	start_hang();
	client_connect(&(struct client){ 0 });
	snprintf(script, sizeof(script),
		 "from qemu.qmp.legacy import QEMUMonitorProtocol\n"
		 "q = QEMUMonitorProtocol('%s')\n"
		 "g = q.connect(negotiate=True)\n"
		 "print('greeting', g['QMP']['version']['package'])\n"
		 "r = q.cmd_obj({'execute': 'query-status'})\n"
		 "print('status', r['return']['status'])\n"
		 "r = q.cmd_obj({'execute': 'no-such-command'})\n"
		 "print('error', r['error']['class'])\n"
		 "r = q.cmd_obj({'execute': 'quit'})\n"
		 "ev = q.pull_event(wait=10)\n"
		 "print('event', ev['event'], ev['data']['reason'])\n"
		 /* vmm closes the socket after quit, as QEMU does: its machine.py expects this EOF too */
		 "try:\n    q.close()\nexcept EOFError:\n    pass\n", vmm.sock);
	cr_assert_eq(run_cmd((char *[]){ "python3", "-c", script, NULL }, 60, &r), 0);
	cr_expect_eq(r.status, 0, "python3: %d\n%s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "greeting memvisor"), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "status running"), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "error CommandNotFound"), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "event SHUTDOWN host-qmp-quit"), "%s%s", r.out,
		  r.err);
	run_result_free(&r);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "quit: %d\n%s", vmm.status,
		     vmm_output());
}

/*
 * qmp-shell (python/qemu/qmp/qmp_shell.py in QEMU's tree), unchanged, as a
 * person would type at it: QMP's commands and memvisor's, with an address
 * given as a string, then quit.
 */
Test(tools, qmp_shell, .timeout = 120)
{
	char cmd[2048];
	struct run_result r;

	use_qemu_python("qemu.qmp.qmp_shell");
	start_hang();
	client_connect(&(struct client){ 0 });
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s\\n' query-status stop query-status cont "
		 "'__org.memvisor_read-phys addr=0x100000 size=4' quit | "
		 "python3 -m qemu.qmp.qmp_shell '%s'", vmm.sock);
	cr_assert_eq(run_cmd((char *[]){ "/bin/sh", "-c", cmd, NULL }, 60, &r), 0);
	cr_expect_eq(r.status, 0, "qmp-shell: %d\n%s%s", r.status, r.out, r.err);
	cr_expect(strstr(r.out, "\"status\": \"running\""), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"status\": \"paused\""), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"addr\": \"0x100000\", \"size\": 4, \"data\": \""),
		  "%s%s", r.out, r.err);
	run_result_free(&r);
	cr_expect_eq(wait_vmm(EXIT_TIMEOUT_MS), 0, "quit: %d\n%s", vmm.status,
		     vmm_output());
}

/* One test at a time: each runs a vmm, nested in a 2-4 vCPU runner. */
int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	int result = 0;

	if (criterion_handle_args(argc, argv, true)) {
		if (!criterion_options.jobs)
			criterion_options.jobs = 1;
		result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	return result;
}
