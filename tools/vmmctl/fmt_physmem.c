// SPDX-License-Identifier: MIT
/*
 * Physical memory: the e820 map (as Linux logs it at boot), memblock (as
 * /sys/kernel/debug/memblock/ shows it), mempools, one page's owner,
 * `virsh dommemstat`'s "name value" lines, dirty pages per zone.
 */
#include <stdbool.h>
#include <string.h>

#include "fmt.h"

/* "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable" */
int fmt_e820(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *list = fmt_array(ret, "entries", e), *r;
	unsigned long long addr, size;
	size_t i;

	if (!list)
		return -1;
	json_array_foreach(list, i, r) {
		addr = fmt_int(r, "addr");
		size = fmt_int(r, "size");
		fprintf(out, "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", addr,
			addr + size - !!size, fmt_str(r, "type", "?"));
	}
	return 0;
}

/* debugfs memblock: "   0: 0x0000000000001000..0x000000000009efff" */
static void memblock_type(FILE *out, const char *name, json_t *list)
{
	unsigned long long base, size;
	json_t *r;
	size_t i;

	fprintf(out, "%s:\n", name);
	json_array_foreach(list, i, r) {
		base = fmt_int(r, "base");
		size = fmt_int(r, "size");
		fprintf(out, "%4zu: 0x%016llx..0x%016llx\n", i, base,
			base + size - !!size);
	}
}

int fmt_memblock(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *mem = fmt_array(ret, "memory", e);
	json_t *res = mem ? fmt_array(ret, "reserved", e) : NULL;

	if (!res)
		return -1;
	memblock_type(out, "memory", mem);
	memblock_type(out, "reserved", res);
	return 0;
}

/* "slab:insp-a", "kmalloc:256", "pages:order1", "custom" */
static void mempool_source(FILE *out, json_t *src)
{
	const char *type = fmt_str(src, "type", NULL);

	if (json_is_string(src))
		fputs(json_string_value(src), out);
	else if (!type)
		fputs("-", out);
	else if (!strcmp(type, "slab"))
		fprintf(out, "slab:%s", fmt_str(src, "cache", "?"));
	else if (!strcmp(type, "kmalloc"))
		fprintf(out, "kmalloc:%lld", fmt_int(src, "size"));
	else if (!strcmp(type, "page"))
		fprintf(out, "pages:order%lld", fmt_int(src, "order"));
	else
		fputs(type, out);
}

int fmt_mempools(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *list = fmt_array(ret, "mempools", e), *p;
	size_t i;

	if (!list)
		return -1;
	fprintf(out, "%-18s %6s %6s %s\n", "ADDR", "MIN", "CURR", "SOURCE");
	json_array_foreach(list, i, p) {
		fprintf(out, "0x%016llx %6lld %6lld ",
			(unsigned long long)fmt_int(p, "addr"),
			fmt_int(p, "min_nr"), fmt_int(p, "curr_nr"));
		mempool_source(out, json_object_get(p, "source"));
		fputc('\n', out);
	}
	return 0;
}

/*
 * "pfn 0x1234 (0x1234000): slab cache=kmalloc-64 order=0 zone=Normal", for
 * an allocated block whose allocation was recorded " by=CALLER", and for a
 * page a vmap area maps, " vmalloc=START-END page=N caller=ADDR".
 */
int fmt_owner(FILE *out, json_t *ret, struct fmt_err *e)
{
	static const char *const details[] = { "cache", "order", "zone" };
	unsigned long long pfn = fmt_int(ret, "pfn");
	const char *owner = fmt_str(ret, "owner", NULL);
	json_t *v;

	if (!owner)
		return fmt_fail(e, "the answer has no \"owner\"");
	fprintf(out, "pfn 0x%llx (0x%llx): %s", pfn, pfn << 12, owner);
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		v = json_object_get(ret, details[i]);
		if (json_is_string(v))
			fprintf(out, " %s=%s", details[i], json_string_value(v));
		else if (json_is_integer(v))
			fprintf(out, " %s=%lld", details[i], json_integer_value(v));
	}
	if (json_object_get(ret, "caller"))
		fprintf(out, " by=%s", fmt_str(ret, "caller_symbol",
					       fmt_str(ret, "caller", "?")));
	v = json_object_get(ret, "vmap_area");
	if (json_is_object(v))
		fprintf(out, " %s=%s-%s page=%lld caller=%s",
			fmt_str(v, "kind", "vmap"), fmt_str(v, "start", "?"),
			fmt_str(v, "end", "?"), fmt_int(v, "page_index"),
			fmt_str(v, "caller_symbol", fmt_str(v, "caller", "?")));
	fputc('\n', out);
	return 0;
}

/* libvirt's virDomainMemoryStatTags, in the order virsh prints them. */
static const char *const memstat_order[] = {
	"actual", "swap_in", "swap_out", "major_fault", "minor_fault",
	"unused", "available", "usable", "last_update", "disk_caches",
	"hugetlb_pgalloc", "hugetlb_pgfail", "rss",
};
#define NR_MEMSTAT	(sizeof(memstat_order) / sizeof(memstat_order[0]))

static bool memstat_known(const char *name)
{
	for (size_t i = 0; i < NR_MEMSTAT; i++)
		if (!strcmp(name, memstat_order[i]))
			return true;
	return false;
}

int fmt_memstat(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *stats = json_object_get(ret, "stats"), *v;
	const char *name;

	if (!json_is_object(stats))
		return fmt_fail(e, "the answer has no \"stats\" object");
	for (size_t i = 0; i < NR_MEMSTAT; i++) {
		v = json_object_get(stats, memstat_order[i]);
		if (json_is_integer(v))
			fprintf(out, "%s %lld\n", memstat_order[i],
				json_integer_value(v));
	}
	json_object_foreach(stats, name, v)
		if (!memstat_known(name) && json_is_integer(v))
			fprintf(out, "%s %lld\n", name, json_integer_value(v));
	return 0;
}

int fmt_dirty(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *zones = fmt_array(ret, "zones", e), *z;
	size_t i;

	if (!zones)
		return -1;
	json_array_foreach(zones, i, z)
		fprintf(out, "%-8s %lld\n", fmt_str(z, "name", "?"),
			fmt_int(z, "dirty_pages"));
	return 0;
}
