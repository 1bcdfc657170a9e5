/* SPDX-License-Identifier: MIT */
/*
 * Hypercall requests: copied out of guest memory and validated. The guest
 * can change its memory while the VMM reads it, so only the copy is checked
 * and used. Lengths are bounded, counts clamped, every string NUL-terminated.
 * A failure is a guest protocol violation; the message says what was wrong.
 */
#ifndef VMM_HCREQ_H
#define VMM_HCREQ_H

#include <stdint.h>

#include <memvisor/hypercall.h>
#include <memvisor/allocreq.h>
#include <memvisor/module.h>

#include "err.h"
#include "gmem.h"

/* Copies the header and then only the len bytes of data in use. */
int hcreq_console(const struct gmem *gm, uint64_t gpa, struct mv_hc_console *c,
		  struct errbuf *e);
int hcreq_panic(const struct gmem *gm, uint64_t gpa, struct mv_hc_panic *p,
		struct errbuf *e);
int hcreq_test(const struct gmem *gm, uint64_t gpa, struct mv_hc_test *t,
	       struct errbuf *e);
/* The order is below 64; comm is NUL-terminated. */
int hcreq_alloc_failure(const struct gmem *gm, uint64_t gpa,
			struct mv_hc_alloc_failure *f, struct errbuf *e);

/*
 * HC_MODULE: the op is known; READ's [gpa, +len) is 1..MV_PAGE_SIZE bytes
 * within one page of guest RAM; a LEAK's kind is known; every string ends.
 * Which request an id names is the queue's business (io/modq.h).
 */
int hcreq_module(const struct gmem *gm, uint64_t gpa, struct mv_hc_module *m,
		 struct errbuf *e);

/* HC_ALLOC_RING: the op is known (which slot is the ring book's business). */
int hcreq_alloc_ring(const struct gmem *gm, uint64_t gpa,
		     struct mv_hc_alloc *a, struct errbuf *e);

/* Forces a NUL into the last byte of a fixed-size string field. */
#define HCREQ_TERMINATE(field) ((field)[sizeof(field) - 1] = '\0')

#endif
