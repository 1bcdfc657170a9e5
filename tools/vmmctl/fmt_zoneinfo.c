// SPDX-License-Identifier: MIT
/*
 * /proc/zoneinfo's layout (mm/vmstat.c zoneinfo_show_print) for the fields
 * memvisor's zones have: the watermarks and page counts, the per-CPU
 * pagesets, start_pfn. One node, node 0.
 */
#include "fmt.h"

static void zone_pages(FILE *out, json_t *z)
{
	fprintf(out, "\n  pages free     %lld", fmt_int(z, "free"));
	fprintf(out, "\n        min      %lld", fmt_int(z, "min"));
	fprintf(out, "\n        low      %lld", fmt_int(z, "low"));
	fprintf(out, "\n        high     %lld", fmt_int(z, "high"));
	fprintf(out, "\n        spanned  %lld", fmt_int(z, "spanned"));
	fprintf(out, "\n        present  %lld", fmt_int(z, "present"));
	fprintf(out, "\n        managed  %lld", fmt_int(z, "managed"));
}

static void zone_pagesets(FILE *out, json_t *z)
{
	json_t *pcp = json_object_get(z, "pcp"), *p;
	size_t i;

	fprintf(out, "\n  pagesets");
	json_array_foreach(pcp, i, p) {
		fprintf(out, "\n    cpu: %lld", fmt_int(p, "cpu"));
		fprintf(out, "\n              count: %lld", fmt_int(p, "count"));
		fprintf(out, "\n              high:  %lld", fmt_int(p, "high"));
		fprintf(out, "\n              batch: %lld", fmt_int(p, "batch"));
	}
}

int fmt_zoneinfo(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *zones = fmt_array(ret, "zones", e), *z;
	size_t i;

	if (!zones)
		return -1;
	json_array_foreach(zones, i, z) {
		fprintf(out, "Node 0, zone %8s", fmt_str(z, "name", "?"));
		zone_pages(out, z);
		zone_pagesets(out, z);
		fprintf(out, "\n  start_pfn:           %lld",
			fmt_int(z, "start_pfn"));
		if (fmt_int(z, "deferred"))
			fprintf(out, "\n  deferred:            %lld (from pfn %lld)",
				fmt_int(z, "deferred"),
				fmt_int(z, "first_deferred_pfn"));
		fputc('\n', out);
	}
	return 0;
}
