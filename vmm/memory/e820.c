// SPDX-License-Identifier: MIT
/* Building an e820 map from overlapping typed ranges. */
#include <errno.h>
#include <stdlib.h>

#include "e820.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int rank(uint32_t type)
{
	return type == E820_TYPE_RAM ? 0 : type;
}

/* The winning type of the items covering [start, end), or 0 for a gap. */
static uint32_t type_at(const struct e820_item *items, unsigned int n,
			uint64_t start, uint64_t end)
{
	uint32_t best = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (items[i].start > start || items[i].end < end)
			continue;
		if (!best || rank(items[i].type) > rank(best))
			best = items[i].type;
	}
	return best;
}

static void emit(struct e820_entry *out, unsigned int max, unsigned int *nr,
		 uint64_t start, uint64_t end, uint32_t type)
{
	if (*nr < max) {
		out[*nr].addr = start;
		out[*nr].size = end - start;
		out[*nr].type = type;
		out[*nr].pad = 0;
	}
	(*nr)++;
}

int e820_build(const struct e820_item *items, unsigned int n,
	       struct e820_entry *out, unsigned int max, unsigned int *nr)
{
	uint64_t *pts, last_end = 0;
	uint32_t last_type = 0;
	unsigned int i, npts = 0;
	int ret = 0;

	*nr = 0;
	for (i = 0; i < n; i++)
		if (items[i].start >= items[i].end || !items[i].type)
			return -EINVAL;
	pts = malloc(sizeof(*pts) * (2 * (size_t)n + 1));
	if (!pts)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pts[npts++] = items[i].start;
		pts[npts++] = items[i].end;
	}
	qsort(pts, npts, sizeof(*pts), cmp_u64);

	/*
	 * Elementary intervals between consecutive boundaries have a single
	 * winner each. Counting goes on past @max, so the caller learns how
	 * many entries the map really needs.
	 */
	for (i = 0; i + 1 < npts; i++) {
		uint32_t type;

		if (pts[i] == pts[i + 1])
			continue;
		type = type_at(items, n, pts[i], pts[i + 1]);
		if (!type)
			continue;
		if (*nr && last_type == type && last_end == pts[i]) {
			if (*nr <= max)
				out[*nr - 1].size += pts[i + 1] - pts[i];
		} else {
			emit(out, max, nr, pts[i], pts[i + 1], type);
		}
		last_type = type;
		last_end = pts[i + 1];
	}
	if (*nr > max)
		ret = -E2BIG;
	free(pts);
	return ret;
}
