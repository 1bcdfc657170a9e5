// SPDX-License-Identifier: MIT
/* insmod and rmmod: their completion events, as Linux's tools would say. */
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

/* One leak, in kmemleak's spirit: what, how much, where, who. */
static void leak_line(FILE *out, const char *name, json_t *l)
{
	fprintf(out, "%s: leaked %s %s: %lld, %lld bytes at %s (%s+0x%llx)\n",
		name, fmt_str(l, "kind", "?"), fmt_str(l, "what", ""),
		fmt_int(l, "count"), fmt_int(l, "bytes"),
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
