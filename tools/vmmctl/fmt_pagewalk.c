// SPDX-License-Identifier: MIT
/*
 * Page tables: one address's walk (each level's entry and flags, then the
 * result, like QEMU's `gva2gpa` with the work shown) and the address-space
 * dump (a line a mapping, like QEMU's `info tlb`: "va: pa size flags").
 */
#include "fmt.h"

/* "4K", "2M", "1G"; else bytes. */
static void page_size(FILE *out, unsigned long long size)
{
	if (size && !(size & ((1ULL << 30) - 1)))
		fprintf(out, "%lluG", size >> 30);
	else if (size && !(size & ((1ULL << 20) - 1)))
		fprintf(out, "%lluM", size >> 20);
	else if (size && !(size & ((1ULL << 10) - 1)))
		fprintf(out, "%lluK", size >> 10);
	else
		fprintf(out, "%llu", size);
}

static void walk_level(FILE *out, json_t *l)
{
	fprintf(out, "  %-4s[%3lld] @0x%016llx = 0x%016llx ",
		fmt_str(l, "name", "?"), fmt_int(l, "index"),
		(unsigned long long)fmt_int(l, "entry_gpa"),
		(unsigned long long)fmt_int(l, "entry"));
	fmt_flags(out, json_object_get(l, "flags"));
	fputc('\n', out);
}

int fmt_translate(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *levels = fmt_array(ret, "levels", e), *l;
	const char *why = fmt_str(ret, "error", NULL);
	size_t i;

	if (!levels)
		return -1;
	fprintf(out, "gva 0x%016llx cr3 0x%016llx\n",
		(unsigned long long)fmt_int(ret, "addr"),
		(unsigned long long)fmt_int(ret, "cr3"));
	json_array_foreach(levels, i, l)
		walk_level(out, l);
	if (!json_is_true(json_object_get(ret, "present"))) {
		fprintf(out, "Unmapped%s%s\n", why ? ": " : "", why ? why : "");
		return 0;
	}
	fprintf(out, "gpa: 0x%llx (", (unsigned long long)fmt_int(ret, "gpa"));
	page_size(out, fmt_int(ret, "page_size"));
	fputs(" page)\n", out);
	return 0;
}

int fmt_mappings(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *maps = fmt_array(ret, "mappings", e), *m;
	size_t i;

	if (!maps)
		return -1;
	fprintf(out, "cr3 0x%016llx\n", (unsigned long long)fmt_int(ret, "cr3"));
	json_array_foreach(maps, i, m) {
		fprintf(out, "%016llx: %016llx ",
			(unsigned long long)fmt_int(m, "va"),
			(unsigned long long)fmt_int(m, "pa"));
		page_size(out, fmt_int(m, "size"));
		fputc(' ', out);
		fmt_flags(out, json_object_get(m, "flags"));
		fputc('\n', out);
	}
	if (json_is_true(json_object_get(ret, "truncated")))
		fprintf(out, "(truncated after %zu mappings; see --max)\n",
			json_array_size(maps));
	return 0;
}
