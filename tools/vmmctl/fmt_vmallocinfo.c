// SPDX-License-Identifier: MIT
/*
 * /proc/vmallocinfo (mm/vmalloc.c's s_show): range, size, caller (named
 * from the kernel's symbols as %pS does, else the return address), pages=N
 * or phys=ADDR, and the kind, one area a line in address order.
 */
#include <stdlib.h>

#include "fmt.h"

static void vmallocinfo_row(FILE *out, json_t *a)
{
	const char *start = fmt_str(a, "start", "?");
	const char *kind = fmt_str(a, "kind", "?");

	fprintf(out, "%s-%s %7lld %s", start, fmt_str(a, "end", "?"),
		fmt_int(a, "size"),
		fmt_str(a, "caller_symbol", fmt_str(a, "caller", "?")));
	if (json_object_get(a, "pages"))
		fprintf(out, " pages=%lld", fmt_int(a, "pages"));
	if (json_object_get(a, "phys_addr"))
		fprintf(out, " phys=%s", fmt_str(a, "phys_addr", "?"));
	fprintf(out, " %s\n", kind);
}

int fmt_vmallocinfo(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *areas = fmt_array(ret, "areas", e), *a;
	size_t i;

	if (!areas)
		return -1;
	json_array_foreach(areas, i, a)
		vmallocinfo_row(out, a);
	return 0;
}
