// SPDX-License-Identifier: MIT
/* query-dma and the DMA_FAULT event's data. */
#include <memvisor/layout.h>

#include "dma_cmds.h"
#include "ksyms.h"
#include "vm.h"

static const char *const object_kind[] = {
	[OBJECT_NONE] = "none",
	[OBJECT_LIVE] = "live",
	[OBJECT_FREE] = "free",
	[OBJECT_CPU_CACHE] = "cpu-cache",
	[OBJECT_SHARED] = "shared",
	[OBJECT_OUTSIDE] = "outside",
};

#define NAME_OF(table, i)						\
	((unsigned int)(i) < sizeof(table) / sizeof(table[0]) && table[i] ?	\
	 table[i] : "?")

/* {"kind", "order", "head-pfn", "cache", "caller", "caller-symbol"} */
static json_t *owner_json(const struct page_state *s, const struct ksyms *ks)
{
	json_t *o = json_pack("{s:s,s:I}", "kind", page_state_kind_name(s->kind),
			      "head-pfn", (json_int_t)s->head_pfn);
	char sym[KSYM_FORMAT_MAX];

	if (s->order >= 0)
		json_object_set_new(o, "order", json_integer(s->order));
	if (s->kind == PAGE_STATE_SLAB)
		json_object_set_new(o, "cache", qmp_addr(s->cache));
	if (s->caller) {
		json_object_set_new(o, "caller", qmp_addr(s->caller));
		if (ks && !ksyms_format(ks, s->caller, sym, sizeof(sym)))
			json_object_set_new(o, "caller-symbol", json_string(sym));
	}
	return o;
}

/* {"state", "addr", "size", "cache", "cache-name", "cpu"} */
static json_t *object_json(const struct object_state *o)
{
	json_t *j = json_pack("{s:s,s:o,s:I,s:o,s:s}",
			      "state", NAME_OF(object_kind, o->kind),
			      "addr", qmp_addr(o->addr),
			      "size", (json_int_t)o->size,
			      "cache", qmp_addr(o->cache),
			      "cache-name", o->cache_name);

	if (o->kind == OBJECT_CPU_CACHE)
		json_object_set_new(j, "cpu", json_integer(o->cpu));
	if (o->unwritten)
		json_object_set_new(j, "never-written", json_true());
	return j;
}

json_t *dma_fault_json(const struct dmadev_fault *f, const struct ksyms *ks)
{
	json_t *o = json_pack("{s:I,s:o,s:I,s:s,s:i,s:s,s:I}",
			      "seq", (json_int_t)f->seq,
			      "addr", qmp_addr(f->addr),
			      "len", (json_int_t)f->len,
			      "reason", dmadev_err_name(f->reason),
			      "code", (int)f->reason,
			      "op", dmadev_op_name(f->op),
			      "pfn", (json_int_t)(f->addr / 4096));
	uint64_t pfn = f->addr / 4096;
	char line[96];

	if (f->owner_then.kind != PAGE_STATE_NONE) {
		json_object_set_new(o, "owner-at-submit", json_string(
			page_state_format(&f->owner_then, pfn, line, sizeof(line))));
		json_object_set_new(o, "submit", owner_json(&f->owner_then, ks));
	}
	if (f->owner_now.kind != PAGE_STATE_NONE) {
		json_object_set_new(o, "owner-now", json_string(
			page_state_format(&f->owner_now, pfn, line, sizeof(line))));
		json_object_set_new(o, "transfer", owner_json(&f->owner_now, ks));
	}
	if (f->obj_then.kind != OBJECT_NONE)
		json_object_set_new(o, "object-at-submit", object_json(&f->obj_then));
	if (f->obj_now.kind != OBJECT_NONE)
		json_object_set_new(o, "object-at-transfer", object_json(&f->obj_now));
	return o;
}

void dma_fault_event(void *opaque, const struct dmadev_fault *f)
{
	struct vm *vm = opaque;

	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "DMA_FAULT",
						    dma_fault_json(f, &vm->ksyms)));
}

json_t *dma_snapshot_json(const struct dmadev_snapshot *s,
			  const struct ksyms *ks)
{
	json_t *regs = json_object(), *faults = json_array();
	const struct dmadev_stats *st = &s->st;

	for (unsigned int i = 0; i < MV_DMADEV_NR_REGS; i++)
		json_object_set_new(regs, dmadev_reg_name(i * 8),
				    qmp_addr(s->regs[i]));
	for (unsigned int i = 0; i < s->nr_faults; i++)
		json_array_append_new(faults, dma_fault_json(&s->faults[i], ks));
	return json_pack("{s:o,s:I,s:o,s:s,s:b,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:I,s:o}",
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
		"owner-pages", (json_int_t)st->owner_pages,
		"object-checks", (json_int_t)st->object_checks,
		"owner-look-ns", (json_int_t)st->owner_ns,
		"object-look-ns", (json_int_t)st->object_ns,
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
	return dma_snapshot_json(&s, &ctx->vm->ksyms);
}
