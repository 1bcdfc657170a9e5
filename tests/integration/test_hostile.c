// SPDX-License-Identifier: MIT
/*
 * The attacks of issue 15 as tests: a guest that publishes lying allocator
 * structures on purpose (guestmm/mm/tests/hostile_test.c) holds still while
 * this test queries what each lie aims at, over a real socket, and checks
 * the VMM against the Done-when:
 *
 *   alive    vmm answers query-status after the attack's queries
 *   parked   at most PARKED_MAX_US per query (the deadline at work; the
 *            20 ms figure is bench/hostile-table.sh's), retries included: vmm runs
 *            with MEMVISOR_INSPECT_TIMING=1 and prints, per parked query,
 *            "vmm: inspect NAME: pause N us, read N us, guest stopped N us,
 *            attempts N" (vmm/control/inspect_query.c). The parked time is
 *            "guest stopped": from the first vCPU's parking to letting
 *            them go, summed over the attempts; "read" alone would leave
 *            out the rest of the parking and the resume, which the guest
 *            loses just as much (the time a vCPU takes to reach its pause
 *            point, the guest running, is "pause" and not counted).
 *   memory   vmm's RSS rise under RSS_RISE_MAX_KIB: its peak (VmHWM, reset
 *            through clear_refs when the hold begins) over its RSS then
 *   quit     vmm gone within QUIT_MAX_MS of our "quit"
 *   named    every lying structure named in "inconsistencies" (strings:
 *            escaped as \xHH, the record kept); a long list may come in
 *            pages ("truncated": true), which is correct, but must come
 *   terminal vmmctl prints no raw ESC or BEL
 *
 * Each test prints its figures ("hostile NAME: parked ... ms worst, ...")
 * at info level and in its failure messages; with MEMVISOR_HOSTILE_TABLE=FILE
 * it appends them to FILE as one tab-separated row (bench/hostile-table.sh).
 * The socket edges of the issue (a NUL byte, the 257th client) are
 * tests/integration/test_qmp.c's nul_byte_is_an_error_and_the_connection_
 * goes_on and client_over_the_limit_is_told_and_closed.
 *
 * Environment: MEMVISOR_VMM, MEMVISOR_BUILD_TOP, MEMVISOR_ACCEL (--accel),
 * MEMVISOR_HOSTILE_AREAS (fake vmap areas, default HOSTILE_AREAS).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define V(cmd)			"__org.memvisor_" cmd
#define WAIT_S			180	/* boot plus building the lies */
#define REPLY_S			60	/* a query against a hostile guest */
/*
 * The budgets are 20 ms parked and 1 s to quit: figures, which
 * bench/hostile-table.sh measures and holds against them. This test checks
 * that the mechanisms work (the deadline, the device's stop) with ten
 * times the room, so a loaded machine cannot fail it: without them the
 * attacks parked the guest 1-2.7 s a query and quit took 12 s.
 */
#define PARKED_MAX_US		(10 * 20000)
#define RSS_RISE_MAX_KIB	(64 * 1024)
#define QUIT_MAX_MS		(10 * 1000)
#define ANSWER_MAX		(16u << 20)	/* the VMM's send limit */
#define DMA_BUSY_WAIT_MS	300
/*
 * 2^18 fake areas: the guest builds 2^16 in ~2.8 s on this machine's
 * emulated KVM (~11 s for 2^18, 24 MiB); 2^20 would take ~45 s and 96 MiB
 * per test. 2^18 is 4x the areas the DMA owner search and the answer must
 * survive at 2^16, and far beyond any 20 ms or 16 MiB budget.
 */
#define HOSTILE_AREAS		"262144"
#define HOLD_MS			"600000"	/* the host ends the VM */
#define GUEST_MEM		"256M"

struct figures {
	const char *attack;
	unsigned long parked_us, read_us;	/* worst query */
	const char *parked_query;
	unsigned int queries, timed;
	long rss_before_kib, rss_rise_kib;
	double quit_ms;
	int named, lies;			/* lies named, of lies */
	char notes[512];
};

static struct vq v;
static struct figures fig;
static size_t timing_from;	/* log offset: timing lines before are read */
static char *rx;		/* QMP bytes received, not yet a message */
static size_t rx_len, rx_size;

static void stop(void)
{
	vq_stop(&v);
	free(rx);
	rx = NULL;
	rx_len = rx_size = 0;
}

TestSuite(hostile, .fini = stop);

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	size_t n = strlen(fig.notes);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fig.notes + n, sizeof(fig.notes) - n, fmt, ap);
	va_end(ap);
}

static long proc_status_kib(const char *key)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)v.pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			kib = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return kib;
}

/* Starts vmm on hostile.@name and waits for its hold; the log offset. */
static long start(const char *name, const char *hold_line)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	const char *areas = getenv("MEMVISOR_HOSTILE_AREAS");
	char test[64], cmdline[128];
	const char *args[] = { "--mem", GUEST_MEM, "--test", test, "--cmdline",
			       cmdline, NULL, NULL, NULL };
	long at;
	FILE *f;

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no /dev/kvm");
	memset(&fig, 0, sizeof(fig));
	fig.attack = name;
	snprintf(test, sizeof(test), "hostile.%s", name);
	snprintf(cmdline, sizeof(cmdline), "hostile_hold=%s hostile_areas=%s",
		 HOLD_MS, areas ? areas : HOSTILE_AREAS);
	if (accel) {
		args[6] = "--accel";
		args[7] = accel;
	}
	setenv("MEMVISOR_INSPECT_TIMING", "1", 1);
	cr_assert_eq(vq_start_args(&v, args, VQ_LOG_STDERR), 0,
		     "cannot start vmm: %s", strerror(errno));
	at = vq_find(&v, hold_line, 0, WAIT_S);
	cr_assert_geq(at, 0, "%s: the guest never held still:\n%s", name,
		      v.log ? v.log : "");
	cr_assert_eq(vq_connect(&v), 0, "no control socket at %s", v.sock);
	timing_from = v.log_len;
	/* The peak from here on: 5 resets VmHWM to the RSS now. */
	snprintf(test, sizeof(test), "/proc/%d/clear_refs", (int)v.pid);
	f = fopen(test, "w");
	cr_assert_not_null(f, "%s: %s", test, strerror(errno));
	fputs("5", f);
	fclose(f);
	fig.rss_before_kib = proc_status_kib("VmRSS");
	return at;
}

/* ---- QMP messages of any size --------------------------------------- */

/*
 * The next message (a line) from the socket that is not an event: its
 * length in *@len, or NULL when the VMM closed the connection, said
 * nothing for @secs, or sent more than twice the send limit.
 */
static json_t *recv_answer(double secs, size_t *len)
{
	double end = vq_now() + secs;

	/* vq_connect may have read past the negotiation: start from there */
	if (v.buf_len) {
		rx = realloc(rx, v.buf_len + 1);
		memcpy(rx, v.buf, v.buf_len);
		rx_len = rx_size = v.buf_len;
		v.buf_len = 0;
	}
	for (;;) {
		char *nl = rx ? memchr(rx, '\n', rx_len) : NULL;
		struct pollfd pf = { v.qmp, POLLIN, 0 };
		int left = (int)((end - vq_now()) * 1000);
		ssize_t n;

		if (nl) {
			size_t line = nl - rx + 1;
			json_t *j = json_loadb(rx, line, 0, NULL);

			bool blank = strspn(rx, " \t\r\n") >= line;

			memmove(rx, rx + line, rx_len - line);
			rx_len -= line;
			/* the end of the line vq_connect parsed; or an event */
			if (blank || (j && json_object_get(j, "event"))) {
				json_decref(j);
				continue;
			}
			*len = line;
			return j;
		}
		if (rx_len > 2 * ANSWER_MAX || left <= 0 ||
		    poll(&pf, 1, left) <= 0)
			return NULL;
		if (rx_size - rx_len < 1 << 20) {
			rx_size = rx_size * 2 + (1 << 20);
			rx = realloc(rx, rx_size);
			cr_assert_not_null(rx);
		}
		n = read(v.qmp, rx + rx_len, rx_size - rx_len);
		if (n <= 0)
			return NULL;
		rx_len += n;
	}
}

/* The timing line vmm printed for @cmd after the last one read. */
static void read_timing(const char *cmd)
{
	char key[96];
	unsigned long pause, read, stopped;
	long at;

	/* vmm names its queries without the vendor prefix */
	if (!strncmp(cmd, V(""), strlen(V(""))))
		cmd += strlen(V(""));
	snprintf(key, sizeof(key), "vmm: inspect %s: ", cmd);
	at = vq_find(&v, key, timing_from, 2);
	if (at < 0)
		return;		/* not a parking query (query-dma, page-owner) */
	if (sscanf(v.log + at + strlen(key),
		   "pause %lu us, read %lu us, guest stopped %lu us",
		   &pause, &read, &stopped) != 3)
		return;
	timing_from = at + 1;
	fig.timed++;
	if (stopped >= fig.parked_us) {
		fig.parked_us = stopped;
		fig.read_us = read;
		fig.parked_query = cmd;
	}
}

/* A new connection, the last one dropped (or left with a half answer). */
static void reconnect(void)
{
	close(v.qmp);
	v.qmp = -1;
	v.buf_len = 0;
	rx_len = 0;
	if (vq_connect(&v))
		note("cannot connect again; ");
}

/*
 * Runs @cmd: the whole message (return or error; a new reference), or NULL
 * when no answer came (noted). Steals @args.
 */
static json_t *query(const char *cmd, json_t *args)
{
	json_t *m;
	size_t len = 0;
	double t0 = vq_now();

	cr_assert_eq(vq_send(&v, cmd, args), 0, "%s: cannot send (%s):\n%s", cmd,
		     strerror(errno), v.log ? v.log + (v.log_len > 2000 ? v.log_len - 2000 : 0) : "");
	m = recv_answer(REPLY_S, &len);
	fig.queries++;
	read_timing(cmd);
	if (!m) {
		note("%s: no answer after %.1f s; ", cmd, vq_now() - t0);
		reconnect();
		return NULL;
	}
	cr_expect_leq(len, ANSWER_MAX, "%s: a %zu-byte answer, over the send limit",
		      cmd, len);
	return m;
}

/* ---- what the answers say ------------------------------------------- */

static json_t *ret_of(json_t *m)
{
	return json_object_get(m, "return");
}

static const char *error_of(json_t *m)
{
	return json_string_value(json_object_get(json_object_get(m, "error"), "desc"));
}

/* An inconsistency holding both @a and @b (@b may be NULL). */
static bool named(json_t *m, const char *a, const char *b)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(ret_of(m), "inconsistencies"), i, s) {
		const char *t = json_string_value(s);

		if (t && strstr(t, a) && (!b || strstr(t, b)))
			return true;
	}
	return false;
}

static bool truncated(json_t *m)
{
	return json_is_true(json_object_get(ret_of(m), "truncated"));
}

/* The entry of @list (in the answer) whose @key is @value, or NULL. */
static json_t *entry(json_t *m, const char *list, const char *key,
		     const char *value)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(ret_of(m), list), i, e) {
		const char *s = json_string_value(json_object_get(e, key));

		if (s && !strcmp(s, value))
			return e;
	}
	return NULL;
}

/* One lie: counted, and noted when it went unnamed. */
static void lie(bool was_named, const char *what)
{
	fig.lies++;
	if (was_named)
		fig.named++;
	else
		note("not named: %s; ", what);
}

/* vmmctl @cmd on our socket: its stdout (caller frees). */
static char *vmmctl(const char *cmd)
{
	char path[PATH_MAX], *out;
	struct run_result r;

	snprintf(path, sizeof(path), "%s/tools/vmmctl/vmmctl", build_top());
	cr_assert_eq(run_cmd((char *[]){ path, "--socket", v.sock, (char *)cmd,
				 NULL }, REPLY_S, &r), 0, "cannot run %s", path);
	if (r.status)
		note("vmmctl %s: exit %d; ", cmd, r.status);
	out = strdup(r.out);
	run_result_free(&r);
	return out;
}

static bool has_raw_control(const char *s)
{
	return strchr(s, '\x1b') || strchr(s, '\a');
}

/* ---- the end of every attack: the Done-when -------------------------- */

static void table_row(void)
{
	const char *path = getenv("MEMVISOR_HOSTILE_TABLE");
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%s\t%.1f\t%s\t%.1f\t%.1f\t%.0f\t%d/%d\t%s\n", fig.attack,
		fig.parked_us / 1000.0, fig.parked_query ? fig.parked_query : "-",
		fig.read_us / 1000.0, fig.rss_rise_kib / 1024.0, fig.quit_ms,
		fig.named, fig.lies, fig.notes);
	fclose(f);
}

#define FIGURES_FMT "hostile %s: parked %.1f ms worst (%s; read %.1f ms; %u of %u queries parked), RSS +%.1f MiB, quit-to-exit %.0f ms, named %d/%d; %s"
#define FIGURES_ARGS fig.attack, fig.parked_us / 1000.0,		\
	fig.parked_query ? fig.parked_query : "-", fig.read_us / 1000.0,	\
	fig.timed, fig.queries, fig.rss_rise_kib / 1024.0, fig.quit_ms,	\
	fig.named, fig.lies, fig.notes

/*
 * Asks query-status, takes the peak RSS, quits and times the exit, then
 * checks every budget, each failure with all the figures.
 */
static void finish(void)
{
	json_t *st = query("query-status", NULL);
	const char *status = json_string_value(json_object_get(ret_of(st), "status"));
	bool alive = status != NULL;
	long hwm = proc_status_kib("VmHWM");
	double t0;

	json_decref(st);
	fig.rss_rise_kib = hwm - fig.rss_before_kib;
	t0 = vq_now();
	vq_send(&v, "quit", NULL);
	vq_wait_exit(&v, 30);
	fig.quit_ms = (vq_now() - t0) * 1000;
	cr_log_info(FIGURES_FMT, FIGURES_ARGS);
	table_row();

	cr_expect(alive, "vmm did not answer query-status after the attack: " FIGURES_FMT,
		  FIGURES_ARGS);
	cr_expect_leq(fig.parked_us, PARKED_MAX_US, "parked over 200 ms, the deadline did not hold: " FIGURES_FMT,
		      FIGURES_ARGS);
	cr_expect_lt(fig.rss_rise_kib, RSS_RISE_MAX_KIB, "RSS rose 64 MiB or more: " FIGURES_FMT,
		     FIGURES_ARGS);
	cr_expect_lt(fig.quit_ms, QUIT_MAX_MS, "quit-to-exit 10 s or more: " FIGURES_FMT,
		     FIGURES_ARGS);
	cr_expect_eq(fig.named, fig.lies, "a lie went unnamed: " FIGURES_FMT,
		     FIGURES_ARGS);
}

/* ---- the attacks ----------------------------------------------------- */

/*
 * A long vmap list, well formed: the answer must arrive, bounded, either
 * whole (nr_areas counts the fakes) or in pages ("truncated").
 */
static void vmalloc_answers_bounded(unsigned long at_least)
{
	json_t *m = query(V("query-vmallocinfo"), NULL);
	long long n = json_integer_value(json_object_get(ret_of(m), "nr_areas"));

	if (m && error_of(m))
		note("query-vmallocinfo: error %s; ", error_of(m));
	lie(m && ret_of(m) && (truncated(m) || n >= (long long)at_least),
	    "query-vmallocinfo came neither whole nor truncated");
	note("vmallocinfo: %lld areas%s; ", n, m && truncated(m) ? ", truncated" : "");
	json_decref(m);
}

static void page_owner_of(unsigned long pfn)
{
	json_t *m = query(V("page-owner"), json_pack("{s:I}", "pfn", (json_int_t)pfn));

	if (!m)
		return;
	if (error_of(m))
		note("page-owner: %s; ", error_of(m));
	json_decref(m);
}

Test(hostile, many_vmap_areas, .timeout = 600)
{
	const char *areas = getenv("MEMVISOR_HOSTILE_AREAS");

	start("many_vmap", "hostile hold: many_vmap");
	vmalloc_answers_bounded(strtoul(areas ? areas : HOSTILE_AREAS, NULL, 10));
	vmalloc_answers_bounded(strtoul(areas ? areas : HOSTILE_AREAS, NULL, 10));
	page_owner_of(0x100);
	finish();
}

Test(hostile, vmap_list_wraps, .timeout = 600)
{
	unsigned long a, b;
	char sa[32], sb[32];
	long at = start("vmap_wrap", "hostile hold: vmap_wrap");
	long w = vq_find(&v, "hostile: vmap wrap A ", 0, 1);
	json_t *m;

	(void)at;
	cr_assert_geq(w, 0);
	cr_assert_eq(sscanf(v.log + w, "hostile: vmap wrap A %lx B %lx", &a, &b), 2);
	snprintf(sa, sizeof(sa), "0x%lx", a);
	snprintf(sb, sizeof(sb), "0x%lx", b);
	for (int i = 0; i < 2; i++) {
		m = query(V("query-vmallocinfo"), NULL);
		lie(m && (named(m, sa, NULL) || named(m, sb, NULL)),
		    "the wrapping vmap areas");
		if (m)
			note("vmallocinfo: %zu areas, %zu inconsistencies; ",
			     json_array_size(json_object_get(ret_of(m), "areas")),
			     json_array_size(json_object_get(ret_of(m), "inconsistencies")));
		json_decref(m);
	}
	page_owner_of(0x100);
	finish();
}

/*
 * The device works through a 64-descriptor chain whose every owner check
 * searches the long vmap list; quit meanwhile. The parked budget holds
 * for query-dma (it does not park), the quit budget is the point.
 */
Test(hostile, dma_chain_then_quit, .timeout = 600)
{
	json_t *m;

	start("dma_chain", "hostile hold: dma_chain");
	usleep(DMA_BUSY_WAIT_MS * 1000);
	m = query(V("query-dma"), NULL);
	if (m) {
		json_t *r = ret_of(m);

		note("query-dma: busy %s, %lld descriptors, %lld owner checks, thread %.0f ms; ",
		     json_is_true(json_object_get(r, "busy")) ? "yes" : "no",
		     json_integer_value(json_object_get(json_object_get(r, "counters"), "descriptors")),
		     json_integer_value(json_object_get(json_object_get(r, "counters"), "owner-checks")),
		     json_integer_value(json_object_get(r, "thread-cpu-ns")) / 1e6);
	}
	lie(m && ret_of(m), "query-dma did not answer while the device worked");
	json_decref(m);
	finish();
}

Test(hostile, strings_not_utf8, .timeout = 600)
{
	json_t *m;
	char *out;

	start("bad_utf8", "hostile hold: bad_utf8");
	m = query(V("query-zones"), NULL);
	lie(entry(m, "zones", "name", "DMA\\xff\\xfe") != NULL,
	    "zone DMA\\xff\\xfe: record gone");
	lie(named(m, "DMA\\xff\\xfe", "free_area"),
	    "zone DMA\\xff\\xfe: its lying nr_free");
	json_decref(m);
	m = query(V("query-slabinfo"), NULL);
	lie(entry(m, "caches", "name", "bad\\xff\\xfe\\xc0name") != NULL,
	    "cache bad\\xff\\xfe\\xc0name: record gone");
	lie(named(m, "bad\\xff\\xfe\\xc0name", NULL),
	    "cache bad\\xff\\xfe\\xc0name: its name not counted");
	json_decref(m);
	out = vmmctl("zoneinfo");
	lie(strstr(out, "DMA\\xff\\xfe") != NULL, "vmmctl zoneinfo: zone DMA\\xff\\xfe");
	free(out);
	out = vmmctl("slabinfo");
	lie(strstr(out, "bad\\xff\\xfe\\xc0name") != NULL,
	    "vmmctl slabinfo: cache bad\\xff\\xfe\\xc0name");
	free(out);
	finish();
}

Test(hostile, terminal_escapes, .timeout = 600)
{
	json_t *m;
	char *out;

	start("escapes", "hostile hold: escapes");
	m = query(V("query-slabinfo"), NULL);
	lie(entry(m, "caches", "name", "esc\x1b]0;pwned\a\x1b[2J") != NULL,
	    "cache esc...pwned: record gone");
	json_decref(m);
	out = vmmctl("slabinfo");
	cr_expect(!has_raw_control(out), "vmmctl slabinfo wrote raw ESC/BEL");
	lie(!has_raw_control(out) && strstr(out, "pwned"),
	    "vmmctl slabinfo: the cache, escaped");
	if (has_raw_control(out))
		note("vmmctl slabinfo: raw ESC/BEL; ");
	free(out);
	finish();
}

Test(hostile, many_caches_cycle_huge_zone, .timeout = 600)
{
	static const char *const zone_cmds[] = {
		V("query-zones"), V("query-memstats"), V("query-dirty"),
		V("query-memblock"),
	};
	json_t *m;
	char *out;

	start("many_caches", "hostile hold: many_caches");
	m = query(V("query-zones"), NULL);
	lie(named(m, "zone DMA", "cycle"), "zone DMA's free-list cycle");
	lie(named(m, "DMA", "spanned"), "zone DMA's spanned 2^40");
	json_decref(m);
	for (size_t i = 1; i < sizeof(zone_cmds) / sizeof(zone_cmds[0]); i++)
		json_decref(query(zone_cmds[i], NULL));
	m = query(V("query-slabinfo"), NULL);
	/* whole, in pages, or the cap said as such */
	lie(m && (truncated(m) || named(m, "slab_caches", "more than") ||
		  entry(m, "caches", "name", "hostile4095") != NULL),
	    "4096 caches neither listed, truncated nor said to be too many");
	note("slabinfo: %zu caches%s; ",
	     json_array_size(json_object_get(ret_of(m), "caches")),
	     m && truncated(m) ? ", truncated" : "");
	json_decref(m);
	json_decref(query(V("query-mempools"), NULL));
	out = vmmctl("slabinfo");
	cr_expect(!has_raw_control(out), "vmmctl slabinfo wrote raw ESC/BEL");
	free(out);
	page_owner_of(0x100);
	finish();
}

Test(hostile, cpu_count_lie, .timeout = 600)
{
	/* the readers that walk every CPU's lists (query-percpu has its own count) */
	static const char *const cmds[] = {
		V("query-zones"), V("query-slabinfo"),
	};

	start("cpu_lie", "hostile hold: cpu_lie");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		json_t *m = query(cmds[i], NULL);
		const char *e = error_of(m);
		char what[96];

		/* refused as such, or the answer says so */
		snprintf(what, sizeof(what), "%s: the 2048 CPUs", cmds[i]);
		lie(m && ((e && strstr(e, "nr_cpu_ids")) || named(m, "nr_cpu_ids", NULL)),
		    what);
		json_decref(m);
	}
	finish();
}
