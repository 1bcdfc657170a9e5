// SPDX-License-Identifier: MIT
/*
 * The allocator-state commands against the real guest, over a real socket:
 * vmm runs as a child with --control, an in-guest fixture
 * (guestmm/mm/tests/inspect_test.c) prints its own view and holds still for
 * inspect_hold=MS while this test reads the same state through QMP.
 *
 *   counters  query-zones agrees with the counters the guest prints before
 *             and after its hold (within a tolerance, see below); e820,
 *             memblock, memstats and dirty answer and agree with it
 *   corrupt   a free-list cycle, a lying nr_free and a pointer outside RAM,
 *             made by the guest on purpose, are each named in
 *             "inconsistencies"; vmm keeps serving, the guest undoes the
 *             damage and ends its cases, vmm exits 0
 *
 * Environment: MEMVISOR_VMM (else vmm/vmm), MEMVISOR_ACCEL (passed to vmm as
 * --accel). Needs /dev/kvm (tests/run-test sends it through the nested
 * runner otherwise). Links Criterion and jansson.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
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

#define HOLD_MS		"6000"
#define WAIT_S		120	/* a boot, nested under TCG at worst */
#define OUT_MAX		(1 << 20)

struct child {
	pid_t pid;
	int out;		/* the guest console and TAP */
	char buf[OUT_MAX];
	size_t len;
	char sock[108];
	char dir[64];
	int qmp;
	FILE *qf;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start(struct child *c, const char *tests)
{
	const char *vmm = getenv("MEMVISOR_VMM") ? getenv("MEMVISOR_VMM") : "vmm/vmm";
	const char *accel = getenv("MEMVISOR_ACCEL");
	int p[2];

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no /dev/kvm");
	memset(c, 0, sizeof(*c));
	strcpy(c->dir, "/tmp/memvisor-inspect-XXXXXX");
	cr_assert_not_null(mkdtemp(c->dir));
	snprintf(c->sock, sizeof(c->sock), "%s/qmp", c->dir);
	cr_assert_eq(pipe(p), 0);
	c->pid = fork();
	cr_assert_geq(c->pid, 0);
	if (!c->pid) {
		const char *argv[16];
		int n = 0;

		dup2(p[1], 1);
		close(p[0]);
		argv[n++] = vmm;
		if (accel) {
			argv[n++] = "--accel";
			argv[n++] = accel;
		}
		argv[n++] = "--mem";
		argv[n++] = "64M";
		argv[n++] = "--control";
		argv[n++] = c->sock;
		argv[n++] = "--test";
		argv[n++] = tests;
		argv[n++] = "--cmdline";
		argv[n++] = "inspect_hold=" HOLD_MS;
		argv[n] = NULL;
		execv(vmm, (char **)argv);
		_exit(127);
	}
	close(p[1]);
	c->out = p[0];
	c->qmp = -1;
}

/* Reads the child's output until @s appears after @from; its offset or -1. */
static long wait_for(struct child *c, const char *s, size_t from)
{
	double end = now_s() + WAIT_S;

	for (;;) {
		struct pollfd pfd = { .fd = c->out, .events = POLLIN };
		char *hit;
		ssize_t n;

		c->buf[c->len] = '\0';
		hit = strstr(c->buf + from, s);
		if (hit)
			return hit - c->buf;
		if (now_s() > end || c->len + 1 >= OUT_MAX)
			return -1;
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		n = read(c->out, c->buf + c->len, OUT_MAX - 1 - c->len);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

static json_t *qmp_read(struct child *c)
{
	char line[1 << 16];

	for (;;) {
		json_t *m;

		if (!fgets(line, sizeof(line), c->qf))
			return NULL;
		m = json_loads(line, 0, NULL);
		if (m && json_object_get(m, "event")) {
			json_decref(m);
			continue;
		}
		return m;
	}
}

static json_t *qmp(struct child *c, const char *cmd)
{
	json_t *r, *ret;

	fprintf(c->qf, "{\"execute\": \"%s\"}\n", cmd);
	fflush(c->qf);
	r = qmp_read(c);
	cr_assert_not_null(r, "no reply to %s", cmd);
	ret = json_incref(json_object_get(r, "return"));
	cr_assert_not_null(ret, "%s: %s", cmd, json_dumps(r, 0));
	json_decref(r);
	return ret;
}

static void connect_qmp(struct child *c)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	double end = now_s() + WAIT_S;
	json_t *g;

	strcpy(a.sun_path, c->sock);
	for (;;) {
		c->qmp = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (!connect(c->qmp, (struct sockaddr *)&a, sizeof(a)))
			break;
		close(c->qmp);
		cr_assert_lt(now_s(), end, "no control socket at %s", c->sock);
		usleep(20000);
	}
	c->qf = fdopen(c->qmp, "r+");
	g = qmp_read(c);
	cr_assert_not_null(json_object_get(g, "QMP"));
	json_decref(g);
	json_decref(qmp(c, "qmp_capabilities"));
}

/* Reads the output to its end, reaps vmm (killed after WAIT_S). */
static int finish(struct child *c)
{
	double end = now_s() + WAIT_S;
	int status = -1;

	wait_for(c, "\x01", c->len);	/* never printed: reads to EOF */
	while (waitpid(c->pid, &status, WNOHANG) != c->pid) {
		if (now_s() > end) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	if (c->qf)
		fclose(c->qf);
	close(c->out);
	unlink(c->sock);
	rmdir(c->dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static json_t *zone_named(json_t *zones, const char *name)
{
	size_t i;
	json_t *z;

	json_array_foreach(zones, i, z)
		if (!strcmp(json_string_value(json_object_get(z, "name")), name))
			return z;
	return NULL;
}

static long long geti(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/*
 * The tolerance: between the guest's print and the VMM's read, the guest
 * goes on running (it prints over a hypercall, its timer ticks, the ktest
 * runner's thread sleeps): a task stack or a page table page may come and
 * go, and a per-CPU list refill or drain moves a batch of pages between the
 * buddy lists and the pcp lists (which free_pages does not count). 64 pages
 * covers that many times over; a reader that got a field wrong is off by
 * thousands (or reports an inconsistency). `managed` does not move: exact.
 */
#define FREE_TOLERANCE	64

Test(inspect, counters_agree_with_the_guest, .timeout = 300)
{
	static const char *zones[] = { "DMA", "Normal", "HighMem" };
	struct child c;
	json_t *ans, *zl, *mb, *ms, *d;
	long held;

	start(&c, "inspect.counters");
	connect_qmp(&c);
	held = wait_for(&c, "inspect hold: counters", 0);
	cr_assert_geq(held, 0, "the guest never held still:\n%s", c.buf);
	ans = qmp(&c, "__org.memvisor_query-zones");
	cr_assert_eq(json_array_size(json_object_get(ans, "inconsistencies")), 0,
		     "%s", json_dumps(ans, 0));
	zl = json_object_get(ans, "zones");
	/* The rest while the guest still holds (it shuts down after). */
	mb = qmp(&c, "__org.memvisor_query-memblock");
	cr_assert_gt(json_array_size(json_object_get(mb, "memory")), 0);
	cr_assert_eq(json_array_size(json_object_get(mb, "inconsistencies")), 0);
	ms = qmp(&c, "__org.memvisor_query-memstats");
	cr_assert_eq(geti(json_object_get(ms, "stats"), "actual"), 65536);
	cr_assert_gt(geti(json_object_get(ms, "stats"), "unused"), 0);
	json_decref(qmp(&c, "__org.memvisor_query-e820"));
	d = qmp(&c, "__org.memvisor_query-dirty");
	cr_assert_eq(json_array_size(json_object_get(d, "zones")), 3);
	json_decref(d);
	d = qmp(&c, "__org.memvisor_query-dirty");
	cr_assert_eq(json_array_size(json_object_get(d, "zones")), 3);
	json_decref(d);
	cr_assert_geq(wait_for(&c, "inspect after: zone HighMem", held), 0,
		      "no counters after the hold:\n%s", c.buf);
	for (size_t i = 0; i < 3; i++) {
		json_t *z = zone_named(zl, zones[i]);
		char key[64], *p;
		unsigned long managed, fb, fa;

		cr_assert_not_null(z, "no zone %s", zones[i]);
		snprintf(key, sizeof(key), "inspect before: zone %s ", zones[i]);
		p = strstr(c.buf, key);
		cr_assert_not_null(p);
		cr_assert_eq(sscanf(p + strlen(key), "managed %lu free %lu",
				    &managed, &fb), 2);
		snprintf(key, sizeof(key), "inspect after: zone %s ", zones[i]);
		p = strstr(c.buf, key);
		cr_assert_not_null(p);
		cr_assert_eq(sscanf(p + strlen(key), "managed %*u free %lu", &fa), 1);
		cr_assert_eq(geti(z, "managed"), (long long)managed, "zone %s",
			     zones[i]);
		cr_assert_geq(geti(z, "free") + FREE_TOLERANCE,
			      (long long)(fb < fa ? fb : fa), "zone %s: VMM %lld, guest %lu..%lu",
			      zones[i], geti(z, "free"), fb, fa);
		cr_assert_leq(geti(z, "free"),
			      (long long)(fb > fa ? fb : fa) + FREE_TOLERANCE,
			      "zone %s: VMM %lld, guest %lu..%lu", zones[i],
			      geti(z, "free"), fb, fa);
	}

	json_decref(ans);
	json_decref(mb);
	json_decref(ms);
	cr_assert_eq(finish(&c), 0, "%s", c.buf);
}

static bool named(json_t *ans, const char *a, const char *b)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(ans, "inconsistencies"), i, s)
		if (strstr(json_string_value(s), a) &&
		    strstr(json_string_value(s), b))
			return true;
	return false;
}

Test(inspect, corruption_is_named_and_vmm_goes_on, .timeout = 300)
{
	static const struct {
		const char *hold, *a, *b;
	} cases[] = {
		{ "inspect hold: freelist", "zone DMA free_area[", "cycle" },
		{ "inspect hold: nr_free", "zone DMA free_area[", "blocks on the free list" },
		{ "inspect hold: pointer", "zone DMA free_area[", "not mapped" },
	};
	struct child c;
	long at = -1;

	start(&c, "inspect.corrupt_freelist,inspect.corrupt_nr_free,inspect.corrupt_pointer");
	connect_qmp(&c);
	/* The runner picks the order: take each hold as it comes. */
	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		size_t i;
		json_t *ans, *st;

		at = wait_for(&c, "inspect hold: ", (size_t)at + 1);
		cr_assert_geq(at, 0, "hold %zu never came:\n%s", n, c.buf);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (!strncmp(c.buf + at, cases[i].hold,
				     strlen(cases[i].hold)))
				break;
		cr_assert_lt(i, sizeof(cases) / sizeof(cases[0]), "%.60s",
			     c.buf + at);
		ans = qmp(&c, "__org.memvisor_query-zones");
		cr_assert(named(ans, cases[i].a, cases[i].b), "%s: %s",
			  cases[i].hold, json_dumps(ans, 0));
		cr_log_info("%s: %s", cases[i].hold,
			    json_dumps(json_object_get(ans, "inconsistencies"), 0));
		json_decref(ans);
		st = qmp(&c, "query-status");
		cr_assert_str_eq(json_string_value(json_object_get(st, "status")),
				 "running");
		json_decref(st);
	}
	cr_assert_eq(finish(&c), 0, "%s", c.buf);
}
