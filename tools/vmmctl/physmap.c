// SPDX-License-Identifier: MIT
/*
 * vmmctl physmap's loop (physmap.h): options, asking query-physmap for
 * every part of the range (an answer ends at "next-pfn" when the VMM's
 * time ran out or its page was full), the pictures, --watch.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmds.h"
#include "physmap.h"
#include "qmp_names.h"

#define ANSI_HOME_CLEAR		"\033[H\033[2J"
#define MAX_QUERIES		4096	/* answers one picture takes */
#define TEXT_COLS		64	/* cells a terminal row */
#define TEXT_ROWS		48	/* rows the terminal map fits in */
#define IMAGE_COLS		256	/* cells a PNG or SVG row */
#define IMAGE_CELLS		(256U * 1024)	/* cells a PNG or SVG fits */
#define PNG_SCALE		3	/* pixels a cell, at least */
#define PNG_MAP_WIDTH		768	/* pixels the map is wide, at least */
#define PNG_MAX_SCALE		16

static volatile sig_atomic_t pmap_quit;

static void on_signal(int sig)
{
	pmap_quit = 1;
}

static int parse_seconds(const char *s, unsigned int *ms, struct fmt_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(d) || d < 0.1 || d > 3600)
		return fmt_fail(e, "physmap: --interval: '%s' is not 0.1..3600 seconds", s);
	*ms = (unsigned int)(d * 1000);
	return 0;
}

static int parse_color(const char *s, enum pmap_color *c, struct fmt_err *e)
{
	if (!strcmp(s, "auto"))
		*c = PMAP_COLOR_AUTO;
	else if (!strcmp(s, "never"))
		*c = PMAP_COLOR_NEVER;
	else if (!strcmp(s, "always"))
		*c = PMAP_COLOR_ALWAYS;
	else
		return fmt_fail(e, "physmap: --color: '%s' is not auto, never or always", s);
	return 0;
}

/* A positive number in 1..@max into *@v. */
static int parse_count(const char *opt, const char *s, unsigned long long max,
		       unsigned long long *v, struct fmt_err *e)
{
	if (cmd_number(s, v) || *v < 1 || *v > max)
		return fmt_fail(e, "physmap: --%s: '%s' is not a number in 1..%llu",
				opt, s, max);
	return 0;
}

/* One "--NAME VALUE" or "--NAME=VALUE" of physmap's. */
static int one_option(const char *name, const char *val, struct pmap_opts *o,
		      struct fmt_err *e)
{
	unsigned long long v = 0;
	int r = 0;

	if (!strcmp(name, "png"))
		o->png = val;
	else if (!strcmp(name, "svg"))
		o->svg = val;
	else if (!strcmp(name, "interval"))
		r = parse_seconds(val, &o->interval_ms, e);
	else if (!strcmp(name, "color"))
		r = parse_color(val, &o->color, e);
	else if (!strcmp(name, "iterations"))
		r = parse_count(name, val, 1000000, &v, e), o->iterations = (long)v;
	else if (!strcmp(name, "group"))
		r = parse_count(name, val, 65536, &v, e), o->group = (unsigned int)v;
	else if (!strcmp(name, "cols"))
		r = parse_count(name, val, 4096, &v, e), o->cols = (unsigned int)v;
	else if (!strcmp(name, "count"))
		r = parse_count(name, val, 1ULL << 40, &v, e), o->count = v;
	else if (!strcmp(name, "start-pfn"))
		r = cmd_number(val, &v) ? fmt_fail(e, "physmap: --start-pfn: '%s' is not a number", val) :
		    0, o->start_pfn = v;
	else
		return fmt_fail(e, "physmap: unknown option '--%s'", name);
	return r;
}

int pmap_parse(int argc, char **argv, struct pmap_opts *o, struct fmt_err *e)
{
	*o = (struct pmap_opts){ .interval_ms = 1000 };
	for (int i = 0; i < argc; i++) {
		char name[32];
		const char *a = argv[i], *eq = strchr(a, '='), *val;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);

		if (strncmp(a, "--", 2) || len - 2 >= sizeof(name))
			return fmt_fail(e, "physmap: unexpected argument '%s'", a);
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), a + 2);
		if (!strcmp(name, "watch") && !eq) {
			o->watch = true;
			continue;
		}
		val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val)
			return fmt_fail(e, "physmap: --%s needs a value", name);
		if (one_option(name, val, o, e))
			return -1;
	}
	if (o->watch && (o->png || o->svg))
		return fmt_fail(e, "physmap: --watch draws on the terminal: not with --png or --svg");
	return 0;
}

/* ---- the answers --------------------------------------------------------- */

/* @page's counts added to @whole's; free_by_order element by element. */
static void add_counts(json_t *whole, json_t *page)
{
	json_t *all = json_object_get(whole, "counts");
	json_t *these = json_object_get(page, "counts");
	json_t *orders = json_object_get(all, "free_by_order"), *v;
	const char *k;
	size_t i;

	json_object_foreach(these, k, v) {
		json_t *sum = json_object_get(all, k);

		if (json_is_integer(v) && json_is_integer(sum))
			json_object_set_new(all, k, json_integer(
				json_integer_value(sum) + json_integer_value(v)));
	}
	json_array_foreach(json_object_get(these, "free_by_order"), i, v) {
		if (i >= json_array_size(orders))
			json_array_append_new(orders, json_integer(0));
		json_array_set_new(orders, i, json_integer(json_integer_value(
			json_array_get(orders, i)) + json_integer_value(v)));
	}
}

void pmap_merge(json_t *whole, json_t *page)
{
	json_t *all = json_object_get(whole, "inconsistencies"), *v;
	size_t i;

	/* an answer cut short by vmm's budget was taken up by this one */
	for (i = json_array_size(all); i-- > 0;)
		if (!strncmp(json_string_value(json_array_get(all, i)) ?: "",
			     "incomplete: ", 12))
			json_array_remove(all, i);
	if (json_object_get(page, "incomplete"))
		json_object_set(whole, "incomplete", json_object_get(page, "incomplete"));
	else
		json_object_del(whole, "incomplete");

	json_array_extend(json_object_get(whole, "runs"),
			  json_object_get(page, "runs"));
	add_counts(whole, page);
	json_array_foreach(json_object_get(page, "inconsistencies"), i, v)
		if (all && json_array_size(all) < 256)
			json_array_append(all, v);
	json_object_set(whole, "end-pfn", json_object_get(page, "end-pfn"));
	if (json_object_get(page, "next-pfn"))
		json_object_set(whole, "next-pfn", json_object_get(page, "next-pfn"));
	else
		json_object_del(whole, "next-pfn");
}

/* The query's arguments for pages [start, end) (@end 0: to the last). */
static json_t *query_args(uint64_t start, uint64_t end, unsigned int group)
{
	json_t *a = json_pack("{s:I,s:i}", "start-pfn", (json_int_t)start,
			      "group", (int)group);

	if (end)
		json_object_set_new(a, "count", json_integer((json_int_t)(end - start)));
	return a;
}

#define NO_PROGRESS_RETRIES	3

/*
 * One answer for [start, end): asked again, a few times, while vmm's time
 * budget ran out before its first page (a preempted VMM, as under the
 * nested runner's TCG): such an answer covers nothing.
 */
static int query_some(struct session *s, uint64_t start, uint64_t end,
		      unsigned int group, json_t **ans)
{
	int r;

	for (unsigned int n = 0;; n++) {
		r = session_execute(s, QMP_QUERY_PHYSMAP,
				    query_args(start, end, group), ans);
		if (r || n == NO_PROGRESS_RETRIES ||
		    fmt_int(*ans, "end-pfn") > fmt_int(*ans, "start-pfn"))
			return r;
		json_decref(*ans);
	}
}

/*
 * Every answer for [o->start_pfn, + o->count) in *@ans, at @group pages a
 * cell: 0, or the session's result (s->err).
 */
static int fetch(struct session *s, const struct pmap_opts *o,
		 unsigned int group, json_t **ans)
{
	uint64_t end = o->count ? o->start_pfn + o->count : 0;
	json_t *page, *next;
	int r;

	r = query_some(s, o->start_pfn, end, group, ans);
	for (unsigned int n = 1; !r && n < MAX_QUERIES; n++) {
		next = json_object_get(*ans, "next-pfn");
		if (!json_is_integer(next) ||
		    json_integer_value(next) <= fmt_int(*ans, "start-pfn"))
			break;
		r = query_some(s, (uint64_t)json_integer_value(next), end,
			       group, &page);
		if (r) {
			json_decref(*ans);
			break;
		}
		if (fmt_int(page, "end-pfn") <= json_integer_value(next))
			n = MAX_QUERIES;	/* no progress: the end */
		pmap_merge(*ans, page);
		json_decref(page);
	}
	return r;
}

/* ---- the pictures ------------------------------------------------------------ */

/* The pages the picture covers: a first answer says how many there are. */
static unsigned int fit_group(uint64_t pages, uint64_t cells)
{
	unsigned int g = 1;

	while ((pages + g - 1) / g > cells && g < 65536)
		g *= 2;
	return g;
}

/* Pixels a cell: a narrow map (few --cols) drawn larger. */
static unsigned int png_scale(unsigned int cols)
{
	unsigned int scale = PNG_MAP_WIDTH / cols;

	return scale < PNG_SCALE ? PNG_SCALE :
	       scale > PNG_MAX_SCALE ? PNG_MAX_SCALE : scale;
}

static int write_file(const char *path, const struct pmap_view *v, bool png,
		      FILE *err)
{
	FILE *f = fopen(path, "wb");
	struct fmt_err e;
	int r;

	if (!f) {
		fprintf(err, "vmmctl: physmap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	r = png ? fmt_physmap_png(f, v, png_scale(v->cols), &e) :
		  fmt_physmap_svg(f, v, &e);
	if (fclose(f) && !r)
		r = fmt_fail(&e, "physmap: %s: %s", path, strerror(errno));
	if (r)
		fprintf(err, "vmmctl: %s\n", e.msg);
	return r ? 1 : 0;
}

static unsigned int terminal_cols(const struct pmap_opts *o)
{
	struct winsize ws;

	if (o->cols)
		return o->cols;
	if (o->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 60 + 17)
		return ws.ws_col - 60 - 17 < 128 ? ws.ws_col - 60 - 17 : 128;
	return TEXT_COLS;
}

/* Asks once for the extent, then for the picture at the group that fits. */
static int picture(struct session *s, const struct pmap_opts *o, bool image,
		   json_t **ans, unsigned int *cols)
{
	uint64_t pages = o->count;
	unsigned int group = o->group;
	json_t *probe;
	int r;

	*cols = image ? (o->cols ? o->cols : IMAGE_COLS) : terminal_cols(o);
	if (!group && !pages) {
		struct pmap_opts one = *o;

		one.count = 1;
		r = fetch(s, &one, 1, &probe);
		if (r)
			return r;
		pages = (uint64_t)fmt_int(probe, "max-pfn") > o->start_pfn ?
			(uint64_t)fmt_int(probe, "max-pfn") - o->start_pfn : 1;
		json_decref(probe);
	}
	if (!group)
		group = fit_group(pages, image ? IMAGE_CELLS :
				  (uint64_t)*cols * TEXT_ROWS);
	return fetch(s, o, group, ans);
}

static int draw(struct session *s, const struct pmap_opts *o)
{
	bool image = o->png || o->svg;
	struct pmap_view v;
	struct fmt_err e;
	unsigned int cols;
	json_t *ans;
	int status = 0;

	if (picture(s, o, image, &ans, &cols)) {
		fprintf(o->err, "vmmctl: physmap: %s\n", s->err);
		return 1;
	}
	if (o->json && !image) {
		json_dumpf(ans, o->out, JSON_INDENT(2));
		fputc('\n', o->out);
		fflush(o->out);
		json_decref(ans);
		return 0;
	}
	if (pmap_view_build(ans, cols, &v, &e)) {
		fprintf(o->err, "vmmctl: %s\n", e.msg);
		json_decref(ans);
		return 1;
	}
	v.color = o->color == PMAP_COLOR_ALWAYS ||
		  (o->color == PMAP_COLOR_AUTO && o->tty);
	if (o->png)
		status |= write_file(o->png, &v, true, o->err);
	if (o->svg)
		status |= write_file(o->svg, &v, false, o->err);
	if (!image) {
		if (o->watch && o->tty)
			fputs(ANSI_HOME_CLEAR, o->screen);
		fflush(o->out);
		if (fmt_physmap_text(o->screen, &v, &e)) {
			fprintf(o->err, "vmmctl: %s\n", e.msg);
			status = 1;
		}
		fflush(o->screen);
	}
	pmap_view_release(&v);
	json_decref(ans);
	return status;
}

int pmap_run(struct session *s, const struct pmap_opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int status = 0;

	if (!o->watch)
		return draw(s, o);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (long i = 0; !pmap_quit && (!o->iterations || i < o->iterations); i++) {
		if (i && !o->tty)
			fputc('\n', o->screen);
		status = draw(s, o);
		if (status || (o->iterations && i + 1 == o->iterations))
			break;
		poll(NULL, 0, (int)o->interval_ms);	/* a signal ends it early */
	}
	return status;
}
