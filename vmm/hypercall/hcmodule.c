// SPDX-License-Identifier: MIT
/* HC_MODULE's handler, without the vCPU (hcmodule.h). */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>

#include <memvisor/layout.h>
#include <memvisor/module.h>

#include "hcmodule.h"
#include "hcreq.h"

int hc_module_serve(const struct gmem *gm, struct modq *q, uint64_t gpa,
		    struct modq_done *d, bool *done, struct errbuf *e)
{
	struct mv_hc_module m;
	unsigned char page[MV_PAGE_SIZE];
	size_t start = offsetof(struct mv_hc_module, result);
	size_t end = start + sizeof(m.result);

	*done = false;
	if (hcreq_module(gm, gpa, &m, e))
		return -1;
	switch (m.op) {
	case MV_MODULE_OP_FETCH:
		m.result = modq_fetch(q, &m);
		end = offsetof(struct mv_hc_module, offset);
		break;
	case MV_MODULE_OP_READ:
		m.result = modq_read(q, &m, page);
		if (!m.result && gmem_write(gm, m.gpa, page, m.len))
			return errf(e, "HC_MODULE: READ: cannot write 0x%" PRIx64,
				    m.gpa);
		break;
	case MV_MODULE_OP_LEAK:
		m.result = modq_leak(q, &m);
		break;
	case MV_MODULE_OP_DONE:
		m.result = modq_done(q, &m, d);
		*done = !m.result;
		break;
	}
	if (gmem_write(gm, gpa + start, (char *)&m + start, end - start)) {
		if (*done)
			free(d->leaks);
		*done = false;
		return errf(e, "HC_MODULE: cannot answer at 0x%" PRIx64, gpa);
	}
	return 0;
}
