// SPDX-License-Identifier: MIT
/*
 * vmmctl top's screen: slabtop's summary and columns (procps slabtop), a
 * DELTA column (active objects gained since the previous refresh), and a
 * table of the zones with the change of their free pages.
 */
#include <stdlib.h>
#include <string.h>

#include "top.h"

#define PAGE_KIB	4

const char top_sort_keys[] =
	"a: active objects, b: objects per slab, c: cache size, "
	"d: delta of active objects, l: slabs, n: name, o: objects (default), "
	"p: pages per slab, s: object size, u: utilization, v: active slabs";

struct top_row {
	const char *name;
	long long objs, active, objsize, slabs, active_slabs, objperslab;
	long long pagesperslab, cache_kib, delta;
	int use;
};

/* The entry named @name in @list (an array of objects), or NULL. */
static json_t *find_named(json_t *list, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(fmt_str(v, "name", ""), name))
			return v;
	return NULL;
}

static void row_fill(struct top_row *r, json_t *c, json_t *prev_caches)
{
	json_t *p = prev_caches ? find_named(prev_caches, fmt_str(c, "name", "?")) : NULL;

	r->name = fmt_str(c, "name", "?");
	r->objs = fmt_int(c, "num_objs");
	r->active = fmt_int(c, "active_objs");
	r->objsize = fmt_int(c, "objsize");
	r->slabs = fmt_int(c, "num_slabs");
	r->active_slabs = fmt_int(c, "active_slabs");
	r->objperslab = fmt_int(c, "objperslab");
	r->pagesperslab = fmt_int(c, "pagesperslab");
	r->cache_kib = r->slabs * r->pagesperslab * PAGE_KIB;
	r->use = r->objs ? (int)(r->active * 100 / r->objs) : 0;
	r->delta = p ? r->active - fmt_int(p, "active_objs") : 0;
}

static long long row_key(const struct top_row *r, char sort)
{
	switch (sort) {
	case 'a': return r->active;
	case 'b': return r->objperslab;
	case 'c': return r->cache_kib;
	case 'd': return llabs(r->delta);
	case 'l': return r->slabs;
	case 'p': return r->pagesperslab;
	case 's': return r->objsize;
	case 'u': return r->use;
	case 'v': return r->active_slabs;
	default: return r->objs;
	}
}

/* Biggest first; by name (A first) for 'n' and for ties. */
static int row_cmp(const void *a, const void *b, void *sort)
{
	const struct top_row *x = a, *y = b;
	char key = *(const char *)sort;
	long long kx = row_key(x, key), ky = row_key(y, key);

	if (key != 'n' && kx != ky)
		return kx < ky ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void summary(FILE *out, const struct top_row *r, size_t n)
{
	long long objs = 0, active = 0, slabs = 0, aslabs = 0, acaches = 0;
	double size = 0, asize = 0, min = 0, max = 0, sum = 0;

	for (size_t i = 0; i < n; i++) {
		double kib = r[i].objsize / 1024.0;

		objs += r[i].objs;
		active += r[i].active;
		slabs += r[i].slabs;
		aslabs += r[i].active_slabs;
		acaches += r[i].active > 0;
		size += r[i].objs * kib;
		asize += r[i].active * kib;
		sum += kib;
		min = !i || kib < min ? kib : min;
		max = kib > max ? kib : max;
	}
#define PCT(a, b) ((b) ? 100.0 * (a) / (b) : 0.0)
	fprintf(out, " Active / Total Objects (%% used)    : %lld / %lld (%.1f%%)\n",
		active, objs, PCT(active, objs));
	fprintf(out, " Active / Total Slabs (%% used)      : %lld / %lld (%.1f%%)\n",
		aslabs, slabs, PCT(aslabs, slabs));
	fprintf(out, " Active / Total Caches (%% used)     : %lld / %zu (%.1f%%)\n",
		acaches, n, PCT(acaches, (long long)n));
	fprintf(out, " Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)\n",
		asize, size, PCT(asize, size));
	fprintf(out, " Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK\n",
		min, n ? sum / n : 0.0, max);
#undef PCT
}

static void zones_table(FILE *out, json_t *zones, json_t *prev_zones)
{
	json_t *z, *p;
	size_t i;

	fprintf(out, "\n%-8s %9s %8s %9s %8s %8s %8s\n", "ZONE", "FREE",
		"DFREE", "MANAGED", "MIN", "LOW", "HIGH");
	json_array_foreach(zones, i, z) {
		p = prev_zones ? find_named(prev_zones, fmt_str(z, "name", "?")) : NULL;
		fprintf(out, "%-8s %9lld %+8lld %9lld %8lld %8lld %8lld\n",
			fmt_str(z, "name", "?"), fmt_int(z, "free"),
			p ? fmt_int(z, "free") - fmt_int(p, "free") : 0,
			fmt_int(z, "managed"), fmt_int(z, "min"),
			fmt_int(z, "low"), fmt_int(z, "high"));
	}
}

static void caches_table(FILE *out, const struct top_row *r, size_t n,
			 unsigned int rows)
{
	fprintf(out, "\n%6s %6s %4s %8s %6s %8s %10s %7s %s\n", "OBJS",
		"ACTIVE", "USE", "OBJ SIZE", "SLABS", "OBJ/SLAB", "CACHE SIZE",
		"DELTA", "NAME");
	for (size_t i = 0; i < n && (!rows || i < rows); i++)
		fprintf(out, "%6lld %6lld %3d%% %7.2fK %6lld %8lld %9lldK %+7lld %s\n",
			r[i].objs, r[i].active, r[i].use, r[i].objsize / 1024.0,
			r[i].slabs, r[i].objperslab, r[i].cache_kib, r[i].delta,
			r[i].name);
}

int top_render(FILE *out, json_t *slab, json_t *prev_slab, json_t *zones,
	       json_t *prev_zones, const struct top_opts *o,
	       struct fmt_err *e)
{
	json_t *caches = fmt_array(slab, "caches", e), *c;
	json_t *zl = caches ? fmt_array(zones, "zones", e) : NULL;
	json_t *pc = json_object_get(prev_slab, "caches");
	struct top_row *rows;
	size_t i, n;

	if (!zl)
		return -1;
	n = json_array_size(caches);
	rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		return fmt_fail(e, "out of memory");
	json_array_foreach(caches, i, c)
		row_fill(&rows[i], c, json_is_array(pc) ? pc : NULL);
	qsort_r(rows, n, sizeof(*rows), row_cmp, (void *)&o->sort);
	summary(out, rows, n);
	zones_table(out, zl, json_object_get(prev_zones, "zones"));
	caches_table(out, rows, n, o->rows);
	free(rows);
	return 0;
}
