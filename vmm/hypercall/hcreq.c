// SPDX-License-Identifier: MIT
/* Hypercall requests: copied out of guest memory and validated. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <memvisor/layout.h>

#include "hcreq.h"

static int fetch(const struct gmem *gm, const char *call, uint64_t gpa,
		 void *dst, size_t len, struct errbuf *e)
{
	if (gmem_read(gm, gpa, dst, len))
		return errf(e, "%s: request [0x%" PRIx64 "+0x%zx) is not in guest RAM",
			    call, gpa, len);
	return 0;
}

int hcreq_console(const struct gmem *gm, uint64_t gpa, struct mv_hc_console *c,
		  struct errbuf *e)
{
	const size_t head = offsetof(struct mv_hc_console, data);

	if (fetch(gm, "HC_CONSOLE", gpa, c, head, e))
		return -1;
	if (c->len > MV_HC_CONSOLE_MAX)
		return errf(e, "HC_CONSOLE: len %u is more than MV_HC_CONSOLE_MAX (%u)",
			    c->len, MV_HC_CONSOLE_MAX);
	return fetch(gm, "HC_CONSOLE", gpa + head, c->data, c->len, e);
}

int hcreq_panic(const struct gmem *gm, uint64_t gpa, struct mv_hc_panic *p,
		struct errbuf *e)
{
	if (fetch(gm, "HC_PANIC", gpa, p, sizeof(*p), e))
		return -1;
	HCREQ_TERMINATE(p->file);
	HCREQ_TERMINATE(p->msg);
	if (p->kind > MV_PANIC_SLEEP_BUG)
		return errf(e, "HC_PANIC: unknown kind %u", p->kind);
	if (p->nr_frames > MV_PANIC_FRAMES)
		p->nr_frames = MV_PANIC_FRAMES;
	p->has_regs = !!p->has_regs;
	return 0;
}

int hcreq_alloc_failure(const struct gmem *gm, uint64_t gpa,
			struct mv_hc_alloc_failure *f, struct errbuf *e)
{
	if (fetch(gm, "HC_ALLOC_FAILURE", gpa, f, sizeof(*f), e))
		return -1;
	HCREQ_TERMINATE(f->comm);
	if (f->order >= 64)
		return errf(e, "HC_ALLOC_FAILURE: order %u is not a page order",
			    f->order);
	return 0;
}

int hcreq_test(const struct gmem *gm, uint64_t gpa, struct mv_hc_test *t,
	       struct errbuf *e)
{
	if (fetch(gm, "HC_TEST", gpa, t, sizeof(*t), e))
		return -1;
	HCREQ_TERMINATE(t->name);
	HCREQ_TERMINATE(t->file);
	HCREQ_TERMINATE(t->msg);
	if (t->event > MV_TEST_DIAG)
		return errf(e, "HC_TEST: unknown event %u", t->event);
	return 0;
}

static int check_read(const struct gmem *gm, const struct mv_hc_module *m,
		      struct errbuf *e)
{
	if (!m->len || m->len > MV_PAGE_SIZE)
		return errf(e, "HC_MODULE: READ of %" PRIu64 " bytes (1 to %llu)",
			    m->len, MV_PAGE_SIZE);
	if ((m->gpa & (MV_PAGE_SIZE - 1)) + m->len > MV_PAGE_SIZE)
		return errf(e, "HC_MODULE: READ of [0x%" PRIx64 "+0x%" PRIx64 ") crosses a page",
			    m->gpa, m->len);
	if (!gmem_region_of(gm, m->gpa, m->len))
		return errf(e, "HC_MODULE: READ of [0x%" PRIx64 "+0x%" PRIx64 ") is not in guest RAM",
			    m->gpa, m->len);
	return 0;
}

int hcreq_module(const struct gmem *gm, uint64_t gpa, struct mv_hc_module *m,
		 struct errbuf *e)
{
	if (fetch(gm, "HC_MODULE", gpa, m, sizeof(*m), e))
		return -1;
	HCREQ_TERMINATE(m->name);
	HCREQ_TERMINATE(m->params);
	HCREQ_TERMINATE(m->msg);
	HCREQ_TERMINATE(m->leak.what);
	switch (m->op) {
	case MV_MODULE_OP_FETCH:
	case MV_MODULE_OP_DONE:
		return 0;
	case MV_MODULE_OP_READ:
		return check_read(gm, m, e);
	case MV_MODULE_OP_LEAK:
		if (m->leak.kind > MV_LEAK_MEMPOOL)
			return errf(e, "HC_MODULE: unknown leak kind %u",
				    m->leak.kind);
		return 0;
	}
	return errf(e, "HC_MODULE: unknown op %u", m->op);
}

int hcreq_alloc_ring(const struct gmem *gm, uint64_t gpa,
		     struct mv_hc_alloc *a, struct errbuf *e)
{
	if (fetch(gm, "HC_ALLOC_RING", gpa, a, sizeof(*a), e))
		return -1;
	if (a->op != MV_ALLOC_OP_RING && a->op != MV_ALLOC_OP_DONE)
		return errf(e, "HC_ALLOC_RING: unknown op %u", a->op);
	return 0;
}
