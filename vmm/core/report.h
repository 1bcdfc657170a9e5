/* SPDX-License-Identifier: MIT */
/* The guest's panic, BUG, exception and WARN reports (HC_PANIC), in words. */
#ifndef VMM_REPORT_H
#define VMM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <memvisor/hypercall.h>

#include "ksyms.h"

/* "#PF", "#GP", ... or "#??" for a vector without a name. */
const char *report_vector_mnemonic(unsigned int vector);
/* "page fault", "general protection", ... or "unknown exception". */
const char *report_vector_name(unsigned int vector);

/* PANIC, BUG and EXCEPTION end the guest; WARN and SLEEP_BUG do not. */
bool report_is_fatal(unsigned int kind);

/*
 * Prints the report of a copied, validated request made on vCPU @vcpu: the
 * headline, the exception details, the registers and the call trace, its
 * addresses named by @ks (may be NULL) as Linux's %pS does.
 */
void report_panic(FILE *f, const struct mv_hc_panic *p, unsigned int vcpu,
		  const struct ksyms *ks);

#endif
