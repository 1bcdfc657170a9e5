// SPDX-License-Identifier: MIT
/* insmod and rmmod: their completion events, as Linux's tools would say. */
#include <stdbool.h>
#include <string.h>

#include "fmt.h"

int fmt_insmod(FILE *out, json_t *ret, struct fmt_err *e)
{
	const char *name = fmt_str(ret, "name", "?");
	long long run = fmt_int(ret, "tests-run");
	long long failed = fmt_int(ret, "tests-failed");

	if (!run)
		return 0;
	if (failed)
		fprintf(out, "%s: %lld of %lld tests failed\n", name, failed, run);
	else
		fprintf(out, "%s: %lld test%s passed\n", name, run,
			run == 1 ? "" : "s");
	return 0;
}

/*
 * One leak, in kmemleak's spirit: what, how much, where, who. A pages
 * record's example is a page frame number, not an address.
 */
static void leak_line(FILE *out, const char *name, json_t *l)
{
	const char *kind = fmt_str(l, "kind", "?");

	fprintf(out, "%s: leaked %s %s: %lld, %lld bytes at %s%s (%s+0x%llx)\n",
		name, kind, fmt_str(l, "what", ""),
		fmt_int(l, "count"), fmt_int(l, "bytes"),
		strcmp(kind, "pages") ? "" : "pfn ",
		fmt_str(l, "addr", "?"), name,
		(unsigned long long)fmt_int(l, "caller-offset"));
}

int fmt_rmmod(FILE *out, json_t *ret, struct fmt_err *e)
{
	const char *name = fmt_str(ret, "name", "?");
	json_t *leaks = fmt_array(ret, "leaks", e), *l;
	long long dropped = fmt_int(ret, "leaks-dropped");
	size_t i;

	if (!leaks)
		return -1;
	if (!json_array_size(leaks) && !dropped) {
		fprintf(out, "%s: no leaks\n", name);
		return 0;
	}
	json_array_foreach(leaks, i, l)
		leak_line(out, name, l);
	if (dropped)
		fprintf(out, "%s: %lld more leaks not listed\n", name, dropped);
	return 0;
}

/*
 * One module as /proc/modules (kernel/module/procfs.c's m_show): name,
 * size, refcount, users ("-": memvisor has no module dependencies;
 * "[permanent]," for one without an exit), state, core address, and its
 * taint letters with '-' (going) or '+' (coming) when it has taints.
 */
static void lsmod_row(FILE *out, json_t *m)
{
	const char *state = fmt_str(m, "state", "?");
	const char *taints = fmt_str(m, "taints", "");
	bool going = !strcmp(state, "going"), coming = !strcmp(state, "coming");

	fprintf(out, "%s %lld %lld %s %s %s", fmt_str(m, "name", "?"),
		fmt_int(m, "size"), fmt_int(m, "refcnt"),
		json_is_true(json_object_get(m, "permanent")) ? "[permanent]," : "-",
		going ? "Unloading" : coming ? "Loading" : "Live",
		fmt_str(m, "base", "?"));
	if (*taints)
		fprintf(out, " (%s%s)", taints, going ? "-" : coming ? "+" : "");
	fputc('\n', out);
}

int fmt_lsmod(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *mods = fmt_array(ret, "modules", e), *m;
	size_t i;

	if (!mods)
		return -1;
	json_array_foreach(mods, i, m)
		/* a module still being linked is not listed, as in Linux */
		if (strcmp(fmt_str(m, "state", "?"), "unformed"))
			lsmod_row(out, m);
	return 0;
}
