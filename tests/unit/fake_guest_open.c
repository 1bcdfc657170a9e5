// SPDX-License-Identifier: MIT
/* The inspection tests' fake guest as the VMM sees it (fake_guest_open.h). */
#include <string.h>

#include <criterion/criterion.h>

#include <memvisor/layout.h>

#include "fake_guest_open.h"
#include "fake_layout.h"

void fake_guest_open(struct fake_guest *g, unsigned long mem,
		     unsigned int churn, struct gmem *gm, struct mm_layout *lay)
{
	fake_guest_boot(g, mem);
	if (churn)
		fake_guest_churn(churn);
	fake_guest_counters(g);
	gmem_init(gm);
	cr_assert_eq(gmem_add(gm, 0, g->ram_size, g->ram), 0);
	cr_assert_eq(gmem_add(gm, g->image_gpa, g->image_size, g->image), 0);
	fake_layout_load(lay, g->pgdat, MV_KERNEL_VIRT_BASE + g->kernel_start,
			 MV_KERNEL_VIRT_BASE + g->kernel_end);
}

void fake_check_run_open(struct check_run *run, const struct fake_guest *g,
			 const struct gmem *gm, const struct mm_layout *lay,
			 uint64_t deadline_ns)
{
	struct errbuf e = { "" };

	memset(run, 0, sizeof(*run));
	cr_assert_eq(check_run_open(run, gm, lay, g->cr3, NULL, deadline_ns, &e),
		     0, "%s", e.msg);
	run->direct_map = fake_guest_direct_map();
}
