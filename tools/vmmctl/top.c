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

int top_parse(int argc, char **argv, struct top_opts *o, struct fmt_err *e)
{
	const char *val;
	int r;

	*o = (struct top_opts){ .delay_ms = 1000, .sort = 'o' };
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !strchr("dns", a[1]) || !a[1])
			return fmt_fail(e, "top: unexpected argument '%s'", a);
		val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val)
			return fmt_fail(e, "top: %s needs a value", a);
		if (a[1] == 'd')
			r = parse_delay(val, &o->delay_ms, e);
		else if (a[1] == 'n')
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

/* One refresh: both queries, then the screen. Returns the exit status. */
static int refresh(struct session *s, json_t **slab, json_t **zones,
		   const struct top_opts *o)
{
	json_t *ns, *nz;
	struct fmt_err e;
	struct top_opts now = *o;
	int r;

	r = session_execute(s, QMP_QUERY_SLABINFO, NULL, &ns);
	if (r)
		goto fail;
	r = session_execute(s, QMP_QUERY_ZONES, NULL, &nz);
	if (r) {
		json_decref(ns);
		goto fail;
	}
	if (o->tty) {
		now.rows = screen_rows();
		fputs(ANSI_HOME_CLEAR, o->screen);
	}
	r = top_render(o->out, ns, *slab, nz, *zones, &now, &e);
	fflush(o->out);
	fflush(o->screen);
	json_decref(*slab);
	json_decref(*zones);
	*slab = ns;
	*zones = nz;
	if (r)
		fprintf(o->err, "vmmctl: top: %s\n", e.msg);
	return r ? 1 : 0;
fail:
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
	json_t *slab = NULL, *zones = NULL;
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
		status = refresh(s, &slab, &zones, o);
		if (status || (o->iterations && i + 1 == o->iterations))
			break;
		if (wait_key(key_tty, o->delay_ms))
			break;
	}
	if (key_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	json_decref(slab);
	json_decref(zones);
	return status;
}
