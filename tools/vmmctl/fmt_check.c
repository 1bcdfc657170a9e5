// SPDX-License-Identifier: MIT
/*
 * vmmctl check: the allocators' invariants checked by the VMM
 * (__org.memvisor_check). Each violation on a line, as vmm's own line says
 * it; none: one line "ok" with what was checked and how long the guest
 * stood still. Violations fail the command (exit status 1).
 */
#include "fmt.h"

static void print_checked(FILE *out, json_t *ret)
{
	json_t *checked = json_object_get(ret, "checked"), *v;
	const char *k;
	const char *sep = "";

	json_object_foreach(checked, k, v) {
		fprintf(out, "%s%lld %s", sep, json_integer_value(v), k);
		sep = ", ";
	}
}

int fmt_check(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *vs = fmt_array(ret, "violations", e), *v;
	long long total = fmt_int(ret, "violations-total");
	size_t i;

	if (!vs)
		return -1;
	json_array_foreach(vs, i, v)
		fprintf(out, "%s %s: %s (expected %s, found %s)\n",
			fmt_str(v, "structure", "?"), fmt_str(v, "addr", "?"),
			fmt_str(v, "what", "?"), fmt_str(v, "expected", "?"),
			fmt_str(v, "found", "?"));
	if (!json_is_true(json_object_get(ret, "quiet"))) {
		fprintf(out, "no quiet point after %lld tries (%s): nothing checked\n",
			fmt_int(ret, "quiet-tries"), fmt_str(ret, "not-quiet", "?"));
		return 0;
	}
	if (total)
		return fmt_fail(e, "%lld violation%s", total, total == 1 ? "" : "s");
	fprintf(out, "ok: ");
	print_checked(out, ret);
	fprintf(out, "; parked %.3f ms, quiet after %lld tr%s%s%s\n",
		fmt_int(ret, "parked-ns") / 1e6, fmt_int(ret, "quiet-tries"),
		fmt_int(ret, "quiet-tries") == 1 ? "y" : "ies",
		json_object_get(ret, "incomplete") ? "; incomplete: " : "",
		fmt_str(ret, "incomplete", ""));
	return 0;
}
