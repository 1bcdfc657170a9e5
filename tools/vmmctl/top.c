// SPDX-License-Identifier: MIT
/* vmmctl top's loop: options, the terminal, the refreshes, quitting. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "qmp_names.h"
#include "top.h"

#define TOP_HEADER_LINES	12	/* screen lines that are not caches */
#define ANSI_HOME_CLEAR		"\033[H\033[2J"

static volatile sig_atomic_t top_quit;

static void on_signal(int sig)
{
	top_quit = 1;
}

static int parse_delay(const char *s, unsigned int *ms, struct fmt_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(d) || d < 0.1 || d > 3600)
		return fmt_fail(e, "top: -d: '%s' is not 0.1..3600 seconds", s);
	*ms = (unsigned int)(d * 1000);
	return 0;
}

static int parse_iterations(const char *s, long *n, struct fmt_err *e)
{
	char *end;

	errno = 0;
	*n = strtol(s, &end, 10);
	if (errno || *end || end == s || *n < 1)
		return fmt_fail(e, "top: -n: '%s' is not a positive count", s);
	return 0;
}

static int parse_sort(const char *s, char *key, struct fmt_err *e)
{
	if (strlen(s) != 1 || !strchr("abcdlnopsuv", *s))
		return fmt_fail(e, "top: -s: unknown key '%s' (one of abcdlnopsuv)", s);
	*key = *s;
	return 0;
}

/* @a's option letter: -d, -n, -s, or --interval (watch(1)'s word) as d; 0 none. */
static char option_letter(const char *a, const char **inline_val)
{
	*inline_val = NULL;
	if (!strcmp(a, "--interval"))
		return 'd';
	if (!strncmp(a, "--interval=", 11)) {
		*inline_val = a + 11;
		return 'd';
	}
	if (a[0] != '-' || !a[1] || !strchr("dns", a[1]))
		return 0;
	if (a[2])
		*inline_val = a + 2;
	return a[1];
}

int top_parse(int argc, char **argv, struct top_opts *o, struct fmt_err *e)
{
	const char *val;
	char letter;
	int r;

	*o = (struct top_opts){ .delay_ms = 1000, .sort = 'o' };
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		letter = option_letter(a, &val);
		if (!letter)
			return fmt_fail(e, "top: unexpected argument '%s'", a);
		if (!val)
			val = i + 1 < argc ? argv[++i] : NULL;
		if (!val)
			return fmt_fail(e, "top: %s needs a value", a);
		if (letter == 'd')
			r = parse_delay(val, &o->delay_ms, e);
		else if (letter == 'n')
			r = parse_iterations(val, &o->iterations, e);
		else
			r = parse_sort(val, &o->sort, e);
		if (r)
			return -1;
	}
	return 0;
}

/* Waits @ms for q on a terminal's stdin; true if it is time to quit. */
static bool wait_key(bool tty, unsigned int ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	if (!tty) {
		poll(NULL, 0, ms);	/* a signal ends it early */
		return top_quit;
	}
	while (!top_quit && poll(&p, 1, ms) > 0) {
		if (read(STDIN_FILENO, &c, 1) != 1 || c == 'q' || c == 'Q')
			return true;
	}
	return top_quit;
}

static unsigned int screen_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row <= TOP_HEADER_LINES)
		return 0;
	return ws.ws_row - TOP_HEADER_LINES;
}

/* The three answers of one refresh; work is NULL for a kernel without workloads. */
struct top_answers {
	json_t *slab, *zones, *work;
};

static void answers_put(struct top_answers *a)
{
	json_decref(a->slab);
	json_decref(a->zones);
	json_decref(a->work);
}

/* The workloads first, when the kernel has them: what a run is watching. */
static void workloads_section(const struct top_opts *o, json_t *work,
			      json_t *prev, struct top_opts *now)
{
	struct fmt_err e;
	size_t n;

	if (!work)
		return;
	if (fmt_workload_table(o->out, work, prev, &e)) {
		fprintf(o->err, "vmmctl: top: %s\n", e.msg);
		return;
	}
	fputc('\n', o->out);
	n = json_array_size(json_object_get(work, "workloads")) + 2;
	if (now->rows)
		now->rows = now->rows > n ? now->rows - n : 1;
}

/* One refresh: the queries, then the screen. Returns the exit status. */
static int refresh(struct session *s, struct top_answers *prev,
		   const struct top_opts *o)
{
	struct top_answers a = { NULL, NULL, NULL };
	struct fmt_err e;
	struct top_opts now = *o;
	int r;

	if (session_execute(s, QMP_QUERY_SLABINFO, NULL, &a.slab) ||
	    session_execute(s, QMP_QUERY_ZONES, NULL, &a.zones))
		goto fail;
	if (session_execute(s, QMP_QUERY_WORKLOADS, NULL, &a.work))
		a.work = NULL;	/* an image without workloads: no section */
	if (o->tty) {
		now.rows = screen_rows();
		fputs(ANSI_HOME_CLEAR, o->screen);
	}
	workloads_section(o, a.work, prev->work, &now);
	r = top_render(o->out, a.slab, prev->slab, a.zones, prev->zones, &now, &e);
	fflush(o->out);
	fflush(o->screen);
	answers_put(prev);
	*prev = a;
	if (r)
		fprintf(o->err, "vmmctl: top: %s\n", e.msg);
	return r ? 1 : 0;
fail:
	answers_put(&a);
	fprintf(o->err, "vmmctl: top: %s\n", s->err);
	return 1;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int top_run(struct session *s, const struct top_opts *o)
{
	bool key_tty = o->tty && isatty(STDIN_FILENO);
	struct top_answers prev = { NULL, NULL, NULL };
	struct termios saved, raw;
	int status = 0;

	catch_signals();
	if (key_tty && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		key_tty = false;
	}
	for (long i = 0; !o->iterations || i < o->iterations; i++) {
		if (i && !o->tty)
			fputc('\n', o->out);
		status = refresh(s, &prev, o);
		if (status || (o->iterations && i + 1 == o->iterations))
			break;
		if (wait_key(key_tty, o->delay_ms))
			break;
	}
	if (key_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	answers_put(&prev);
	return status;
}
