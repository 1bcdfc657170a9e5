// SPDX-License-Identifier: MIT
/*
 * /proc/buddyinfo's exact layout (mm/vmstat.c frag_show_print): a line a
 * zone, the free blocks of each order from 0 up.
 */
#include "fmt.h"

int fmt_buddyinfo(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *zones = fmt_array(ret, "zones", e), *z, *n;
	size_t i, order;

	if (!zones)
		return -1;
	json_array_foreach(zones, i, z) {
		fprintf(out, "Node 0, zone %8s ", fmt_str(z, "name", "?"));
		json_array_foreach(json_object_get(z, "free_area"), order, n)
			fprintf(out, "%6lld ", json_integer_value(n));
		fputc('\n', out);
	}
	return 0;
}
