// SPDX-License-Identifier: MIT
/*
 * /proc/slabinfo, version 2.1 (mm/slab_common.c): its header and its
 * columns, exactly.
 */
#include "fmt.h"

static void slabinfo_header(FILE *out)
{
	fputs("slabinfo - version: 2.1\n", out);
	fputs("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>",
	      out);
	fputs(" : tunables <limit> <batchcount> <sharedfactor>", out);
	fputs(" : slabdata <active_slabs> <num_slabs> <sharedavail>", out);
	fputc('\n', out);
}

static void slabinfo_row(FILE *out, json_t *c)
{
	fprintf(out, "%-17s %6lld %6lld %6lld %4lld %4lld",
		fmt_str(c, "name", "?"), fmt_int(c, "active_objs"),
		fmt_int(c, "num_objs"), fmt_int(c, "objsize"),
		fmt_int(c, "objperslab"), fmt_int(c, "pagesperslab"));
	fprintf(out, " : tunables %4lld %4lld %4lld", fmt_int(c, "limit"),
		fmt_int(c, "batchcount"), fmt_int(c, "sharedfactor"));
	fprintf(out, " : slabdata %6lld %6lld %6lld\n",
		fmt_int(c, "active_slabs"), fmt_int(c, "num_slabs"),
		fmt_int(c, "sharedavail"));
}

int fmt_slabinfo(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *caches = fmt_array(ret, "caches", e), *c;
	size_t i;

	if (!caches)
		return -1;
	slabinfo_header(out);
	json_array_foreach(caches, i, c)
		slabinfo_row(out, c);
	return 0;
}
