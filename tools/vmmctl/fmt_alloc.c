// SPDX-License-Identifier: MIT
/* The allocation verbs' answers: ALLOC_DONE's data, one line each. */
#include <string.h>

#include "fmt.h"

/* "handle 0: kmalloc 128 bytes at 0x... (pfn 0x25, zone DMA, dma-kmalloc-128)" */
static void object_line(FILE *out, json_t *d)
{
	const char *cache = fmt_str(d, "cache", "");
	const char *zone = fmt_str(d, "zone", NULL);

	fprintf(out, "handle %lld: %s %lld bytes", fmt_int(d, "handle"),
		fmt_str(d, "object", "?"), fmt_int(d, "bytes"));
	if (!strcmp(fmt_str(d, "object", ""), "pages"))
		fprintf(out, " (order %lld)", fmt_int(d, "order"));
	fprintf(out, " at %s", fmt_str(d, "addr", "?"));
	if (!strcmp(fmt_str(d, "addr", ""), "0x0"))
		fputs(" (not mapped: highmem)", out);
	if (zone)
		fprintf(out, ", pfn 0x%llx, zone %s",
			(unsigned long long)fmt_int(d, "pfn"), zone);
	if (*cache)
		fprintf(out, ", cache %s", cache);
	if (json_object_get(d, "slab"))
		fprintf(out, ", slab %s (order %lld)", fmt_str(d, "slab", "?"),
			fmt_int(d, "order"));
}

int fmt_alloc(FILE *out, json_t *ret, struct fmt_err *e)
{
	const char *op = fmt_str(ret, "op", "?");

	if (json_object_get(ret, "handle"))
		object_line(out, ret);
	else if (!strcmp(op, "free_all"))
		fprintf(out, "freed %lld objects", fmt_int(ret, "freed"));
	else if (!strcmp(op, "dma_fill"))
		fprintf(out, "dma_fill: %lld bytes at phys %s done",
			fmt_int(ret, "bytes"), fmt_str(ret, "addr", "?"));
	else
		fprintf(out, "%s: done", op);
	fprintf(out, " [CPU %lld%s]\n", fmt_int(ret, "cpu"),
		json_is_true(json_object_get(ret, "in-interrupt")) ?
		", in interrupt" : "");
	return 0;
}

/* allocs: one line per handle, as a table. */
int fmt_allocs(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *list = fmt_array(ret, "allocs", e), *l;
	size_t i;

	if (!list)
		return -1;
	fprintf(out, "%-6s %-16s %-6s %-3s %-18s %10s %8s %s\n", "HANDLE",
		"OBJECT", "PARENT", "CPU", "ADDR", "BYTES", "PFN", "CACHE");
	json_array_foreach(list, i, l) {
		char parent[16] = "-", pfn[24] = "-";

		if (json_object_get(l, "parent"))
			snprintf(parent, sizeof(parent), "%lld", fmt_int(l, "parent"));
		if (json_object_get(l, "pfn"))
			snprintf(pfn, sizeof(pfn), "0x%llx",
				 (unsigned long long)fmt_int(l, "pfn"));
		fprintf(out, "%-6lld %-16s %-6s %-3lld %-18s %10lld %8s %s\n",
			fmt_int(l, "handle"), fmt_str(l, "object", "?"), parent,
			fmt_int(l, "cpu"), fmt_str(l, "addr", "?"),
			fmt_int(l, "bytes"), pfn, fmt_str(l, "cache", ""));
	}
	return 0;
}
