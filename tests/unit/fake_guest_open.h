/* SPDX-License-Identifier: MIT */
/*
 * The readers' side of the inspection tests' fake guest
 * (inspect_fake_guest.h, built against the guest's headers): the fake as
 * the VMM sees it, its memory (gmem.h) and its layout (fake_layout.h).
 */
#ifndef TESTS_FAKE_GUEST_OPEN_H
#define TESTS_FAKE_GUEST_OPEN_H

#include "check.h"
#include "gmem.h"
#include "inspect_fake_guest.h"
#include "mm_layout.h"

/*
 * Boots @g on @mem bytes, churns it @churn times (fake_guest_churn) and
 * reads its counters; @gm then maps its RAM at gpa 0 and its kernel
 * image's objects at g->image_gpa, @lay is its layout, the kernel at
 * MV_KERNEL_VIRT_BASE. Fails the test if it cannot.
 */
void fake_guest_open(struct fake_guest *g, unsigned long mem,
		     unsigned int churn, struct gmem *gm, struct mm_layout *lay);

/*
 * A fresh check run over the opened fake @g (@gm, @lay), its direct map the
 * fake's, until @deadline_ns (0: none). Fails the test if it cannot.
 */
void fake_check_run_open(struct check_run *run, const struct fake_guest *g,
			 const struct gmem *gm, const struct mm_layout *lay,
			 uint64_t deadline_ns);

#endif
