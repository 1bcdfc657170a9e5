/* SPDX-License-Identifier: MIT */
/*
 * vmmctl top: slabtop for the guest - its workloads (when its kernel has
 * them: rate, failures, what each holds), the caches and the zones,
 * refreshed every -d (--interval) seconds, sorted by -s KEY, with what changed since the previous
 * refresh. On a terminal it redraws in place (ANSI clear screen and cursor
 * home) and q or Ctrl-C quits; otherwise it prints one block a refresh.
 */
#ifndef VMMCTL_TOP_H
#define VMMCTL_TOP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "fmt.h"
#include "session.h"

struct top_opts {
	unsigned int delay_ms;	/* -d/--interval SECS; default 1000 */
	long iterations;	/* -n N; 0: until q, Ctrl-C or the VMM ends */
	char sort;		/* -s KEY, slabtop's letters (see top_sort_keys) */
	bool tty;		/* redraw in place */
	unsigned int rows;	/* cache lines to show; 0: all */
	FILE *out, *err;	/* the screens and the errors (term_safe.h) */
	FILE *screen;		/* our own control sequences: the raw stdout */
};

/* Each sort key letter and what it sorts by, for --help. */
extern const char top_sort_keys[];

/* Parses top's own options (@argv after "top"). 0, or -1 and @e. */
int top_parse(int argc, char **argv, struct top_opts *o, struct fmt_err *e);

/*
 * One screen: @slab and @zones are the query-slabinfo and query-zones
 * answers, @prev_* the previous refresh's (NULL the first time: no deltas).
 */
int top_render(FILE *out, json_t *slab, json_t *prev_slab, json_t *zones,
	       json_t *prev_zones, const struct top_opts *o,
	       struct fmt_err *e);

/* The live view on @s until done. Returns the exit status. */
int top_run(struct session *s, const struct top_opts *o);

#endif
