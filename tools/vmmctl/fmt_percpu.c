// SPDX-License-Identifier: MIT
/*
 * vmmctl percpu: query-percpu in the spirit of Linux's
 * /sys/kernel/debug/percpu_stats, the allocator's figures then one line
 * per chunk.
 */
#include "config.h"

#include <stdio.h>

#include "fmt.h"

int fmt_percpu(FILE *out, json_t *ret, struct fmt_err *e)
{
	static const char *const stats[] = {
		"unit_size", "nr_units", "static_size", "min_alloc_size",
		"nr_alloc", "nr_dealloc", "nr_cur_alloc", "nr_max_alloc",
		"nr_chunks", "nr_max_chunks", "min_alloc_size_seen",
		"max_alloc_size_seen", "nr_failed",
	};
	json_t *chunks = fmt_array(ret, "chunks", e), *units, *c;
	size_t i;

	if (!chunks)
		return -1;
	fprintf(out, "Percpu Memory Statistics\n");
	fprintf(out, "----------------------------------------\n");
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		fprintf(out, "  %-20s: %12lld\n", stats[i], fmt_int(ret, stats[i]));
	fprintf(out, "  %-20s: 0x%016llx\n", "static_start",
		(unsigned long long)fmt_int(ret, "static_start"));
	units = json_object_get(ret, "units");
	if (json_is_array(units)) {
		fprintf(out, "\n%-5s %-18s %s\n", "CPU", "OFFSET", "ITS UNIT OF CHUNK 0");
		json_array_foreach(units, i, c)
			fprintf(out, "%-5lld 0x%016llx 0x%016llx\n", fmt_int(c, "cpu"),
				(unsigned long long)fmt_int(c, "offset"),
				(unsigned long long)fmt_int(c, "base"));
	}
	fprintf(out, "\n%-5s %-18s %8s %8s %8s %8s %8s %8s\n", "CHUNK", "BASE",
		"NR_ALLOC", "USED", "FREE", "CONTIG", "1ST_FREE", "MAX_ALLOC");
	json_array_foreach(chunks, i, c) {
		fprintf(out, "%-5zu 0x%016llx %8lld %8lld %8lld %8lld %8lld %8lld%s\n", i,
			(unsigned long long)fmt_int(c, "base"), fmt_int(c, "nr_alloc"),
			fmt_int(c, "used_bytes"), fmt_int(c, "free_bytes"),
			fmt_int(c, "contig_bytes"), fmt_int(c, "first_free"),
			fmt_int(c, "max_alloc_size"),
			json_is_true(json_object_get(c, "first")) ? " (first, static)" : "");
	}
	return 0;
}
