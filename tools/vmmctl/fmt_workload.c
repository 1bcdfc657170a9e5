// SPDX-License-Identifier: MIT
/*
 * The guest's workloads (query-workloads), one a line: its state, threads,
 * operations a second, operations, failures, what it holds now (and what
 * it left behind at its last stop), how long it ran, its parameters. The
 * rate is the one since the previous reading when there is one (top),
 * else the average since it started.
 */
#include <string.h>

#include "fmt.h"

/* The entry named @name in the array @list, or NULL. */
static json_t *by_name(json_t *list, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(fmt_str(v, "name", ""), name))
			return v;
	return NULL;
}

/* Operations a second over the guest time between @p and @w. */
static double rate(json_t *w, json_t *p)
{
	long long dt = p ? fmt_int(w, "elapsed-ms") - fmt_int(p, "elapsed-ms") : 0;
	json_t *avg = json_object_get(w, "ops-per-sec");

	if (dt > 0 && fmt_int(w, "ops") >= fmt_int(p, "ops"))
		return (fmt_int(w, "ops") - fmt_int(p, "ops")) * 1000.0 / dt;
	return json_is_number(avg) ? json_number_value(avg) : 0;
}

static void workload_row(FILE *out, json_t *w, json_t *prev)
{
	const char *name = fmt_str(w, "name", "?");
	json_t *p = prev ? by_name(prev, name) : NULL;
	long long leaked = fmt_int(w, "leaked-bytes");

	fprintf(out, "%-14s %-8s %3lld %9.0f %10lld %8lld %9lldK %8.1f %s",
		name, fmt_str(w, "state", "?"), fmt_int(w, "threads"),
		rate(w, p), fmt_int(w, "ops"), fmt_int(w, "failures"),
		fmt_int(w, "held-bytes") / 1024, fmt_int(w, "elapsed-ms") / 1000.0,
		fmt_str(w, "params", ""));
	if (leaked)
		fprintf(out, " LEAKED %lld bytes", leaked);
	fputc('\n', out);
}

int fmt_workload_table(FILE *out, json_t *ret, json_t *prev, struct fmt_err *e)
{
	json_t *list = fmt_array(ret, "workloads", e), *w;
	json_t *pl = json_object_get(prev, "workloads");
	size_t i;

	if (!list)
		return -1;
	fprintf(out, "%-14s %-8s %3s %9s %10s %8s %10s %8s %s\n", "WORKLOAD",
		"STATE", "THR", "OPS/S", "OPS", "FAILURES", "HELD", "SECONDS",
		"PARAMS");
	json_array_foreach(list, i, w)
		workload_row(out, w, json_is_array(pl) ? pl : NULL);
	return 0;
}

int fmt_workloads(FILE *out, json_t *ret, struct fmt_err *e)
{
	return fmt_workload_table(out, ret, NULL, e);
}
