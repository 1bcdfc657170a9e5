// SPDX-License-Identifier: MIT
/* The fake guests' layout from the test binary's own DWARF (fake_layout.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "debuginfo.h"
#include "fake_layout.h"

/* What the test binary has no symbol for: the caller gives it. */
static bool given(const struct mm_layout_entry *t)
{
	return t->kind == MLK_SYMBOL &&
	       (!strcmp(t->name, "_text") || !strcmp(t->name, "_end"));
}

void fake_layout_load(struct mm_layout *lay, uint64_t pgdat,
		      uint64_t kernel_start, uint64_t kernel_end)
{
	static struct mm_layout_entry table[512];
	struct debuginfo *di;
	struct errbuf e;
	unsigned int n = 0;
	uint64_t bias;

	cr_assert_leq(mm_layout_table_len, sizeof(table) / sizeof(table[0]));
	for (unsigned int i = 0; i < mm_layout_table_len; i++)
		if (!given(&mm_layout_table[i]))
			table[n++] = mm_layout_table[i];
	cr_assert_eq(debuginfo_open_file(&di, "/proc/self/exe", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(mm_layout_resolve_table(di, table, n, lay, &e), 0, "%s",
		     e.msg);
	debuginfo_close(di);
	cr_assert(lay->present, "%s", lay->absent_why);
	/* a PIE: every symbol moves by the same load bias */
	bias = pgdat - lay->root.pgdat;
	for (unsigned int i = 0; i < n; i++)
		if (table[i].kind == MLK_SYMBOL)
			*(uint64_t *)((char *)lay + table[i].where) += bias;
	lay->root.zones += bias;
	lay->root.kernel_start = kernel_start;
	lay->root.kernel_end = kernel_end;
}
