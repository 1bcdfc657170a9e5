// SPDX-License-Identifier: MIT
/* query-dma and the DMA_FAULT event's data. */
#include <memvisor/layout.h>

#include "dma_cmds.h"
#include "vm.h"

json_t *dma_fault_json(const struct dmadev_fault *f)
{
	json_t *o = json_pack("{s:I,s:o,s:I,s:s,s:i,s:s}",
			      "seq", (json_int_t)f->seq,
			      "addr", qmp_addr(f->addr),
			      "len", (json_int_t)f->len,
			      "reason", dmadev_err_name(f->reason),
			      "code", (int)f->reason,
			      "op", dmadev_op_name(f->op));

	uint64_t pfn = f->addr / 4096;
	char line[96];

	if (f->owner_then.kind != PAGE_STATE_NONE)
		json_object_set_new(o, "owner-at-submit", json_string(
			page_state_format(&f->owner_then, pfn, line, sizeof(line))));
	if (f->owner_now.kind != PAGE_STATE_NONE)
		json_object_set_new(o, "owner-now", json_string(
			page_state_format(&f->owner_now, pfn, line, sizeof(line))));
	return o;
}

void dma_fault_event(void *opaque, const struct dmadev_fault *f)
{
	struct vm *vm = opaque;

	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "DMA_FAULT",
						    dma_fault_json(f)));
}

json_t *dma_snapshot_json(const struct dmadev_snapshot *s)
{
	json_t *regs = json_object(), *faults = json_array();
	const struct dmadev_stats *st = &s->st;

	for (unsigned int i = 0; i < MV_DMADEV_NR_REGS; i++)
		json_object_set_new(regs, dmadev_reg_name(i * 8),
				    qmp_addr(s->regs[i]));
	for (unsigned int i = 0; i < s->nr_faults; i++)
		json_array_append_new(faults, dma_fault_json(&s->faults[i]));
	return json_pack("{s:o,s:I,s:o,s:s,s:b,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:I,s:o}",
		"mmio", qmp_addr(MV_DMADEV_MMIO_GPA),
		"mmio-size", (json_int_t)MV_DMADEV_MMIO_SIZE,
		"dma-mask", qmp_addr(MV_DMADEV_MASK),
		"state", (const char *[]){ "idle", "busy", "done", "error" }
			[MV_DMADEV_STATE(s->regs[MV_DMADEV_STATUS / 8]) & 3],
		"busy", s->busy,
		"regs", regs,
		"counters",
		"completed", (json_int_t)st->completed,
		"rejected", (json_int_t)st->rejected,
		"faults", (json_int_t)st->faults,
		"bad-accesses", (json_int_t)st->bad_accesses,
		"interrupts", (json_int_t)st->irqs,
		"bytes", (json_int_t)st->bytes,
		"chains", (json_int_t)st->chains,
		"descriptors", (json_int_t)st->descriptors,
		"owner-checks", (json_int_t)st->freed_checks,
		"thread-cpu-ns", (json_int_t)s->thread_cpu_ns,
		"faults", faults);
}

json_t *cmd_query_dma(struct qmp_ctx *ctx, json_t *args,
		      struct qmp_error *err)
{
	struct dmadev_snapshot s;

	if (!ctx->vm || !ctx->vm->dmadev) {
		qmp_errorf(err, "GenericError", "no DMA device");
		return NULL;
	}
	dmadev_snapshot(ctx->vm->dmadev, &s);
	return dma_snapshot_json(&s);
}
