/* SPDX-License-Identifier: MIT */
/*
 * HC_MODULE's handler, the part that needs no vCPU (include/memvisor/
 * module.h): the guest's struct copied and validated (hcreq_module), the
 * op served from the module queue (io/modq.h), and the answer written back
 * to guest memory. hypercall.c calls it and reports what a DONE ended;
 * fuzz/fuzz_modq.c drives it over fuzzed guest memory. Pure: no KVM.
 */
#ifndef VMM_HYPERCALL_HCMODULE_H
#define VMM_HYPERCALL_HCMODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "gmem.h"
#include "modq.h"

/*
 * Serves the request at @gpa from @q. Written back: result, always; for
 * FETCH its answer too (the fields from result up to READ's, which the
 * guest owns); for READ the image's bytes at its gpa. 0, with *@done true
 * and @d filled when a DONE ended a request (the caller reports it and
 * frees d->leaks); -1 with @e set when the request is bad or its memory
 * cannot be written (fatal for the guest, as any bad hypercall).
 */
int hc_module_serve(const struct gmem *gm, struct modq *q, uint64_t gpa,
		    struct modq_done *d, bool *done, struct errbuf *e);

#endif
