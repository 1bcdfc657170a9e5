// SPDX-License-Identifier: MIT
/* query-workloads (workload_read.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "guest_str.h"
#include "inspect_query.h"
#include "mm_layout.h"
#include "workload_read.h"

#define MAX_WORKLOAD	4096U		/* bytes of a struct workload, at most */

/* A field of the copy @c of a struct workload. */
#define WF(c, f)	field_get(c, r->lay->workload.size, r->lay->workload.f)

static enum workload_info_state state_of(const struct mm_layout *lay,
					 uint64_t v)
{
	if (v == lay->ws.starting)
		return WORKLOAD_INFO_STARTING;
	if (v == lay->ws.running)
		return WORKLOAD_INFO_RUNNING;
	if (v == lay->ws.stopping)
		return WORKLOAD_INFO_STOPPING;
	if (v == lay->ws.stopped)
		return WORKLOAD_INFO_STOPPED;
	if (v == lay->ws.failed)
		return WORKLOAD_INFO_FAILED;
	return WORKLOAD_INFO_UNKNOWN;
}

/* The char array @a of the copy @c into @dst: escaped, named if no NUL. */
static void copy_str(struct insp *r, const struct workload_info *w,
		     const uint8_t *c, struct field_array a, char *dst,
		     size_t size, const char *what)
{
	const char *raw = (const char *)c + a.off;
	uint32_t len = a.count * a.elem_size;
	size_t bad;

	bad = guest_str_escape(dst, size, raw, len);
	if (!memchr(raw, '\0', len))
		insp_problem(r, "workload in slot %u: its %s fills its %u bytes without a NUL",
			     w->slot, what, len);
	if (bad)
		insp_problem(r, "workload in slot %u: its %s is not UTF-8, %zu byte%s shown as \\xHH",
			     w->slot, what, bad, bad == 1 ? "" : "s");
}

/* What the copy @c of slot @w->slot says, checked. */
static void workload_info(struct insp *r, const uint8_t *c, uint64_t now,
			  struct workload_info *w)
{
	uint64_t start = WF(c, start_jiffies), stop = WF(c, stop_jiffies);
	uint32_t hz = WF(c, hz);

	w->raw_state = WF(c, state);
	w->state = state_of(r->lay, w->raw_state);
	w->threads = WF(c, nr_threads);
	w->error = (int32_t)WF(c, error);
	w->seconds = WF(c, seconds);
	w->ops = (int64_t)WF(c, ops);
	w->failures = (int64_t)WF(c, failures);
	w->bytes = (int64_t)WF(c, bytes);
	w->held_bytes = (int64_t)WF(c, held_bytes);
	w->leaked_bytes = (int64_t)WF(c, leaked_bytes);
	copy_str(r, w, c, r->lay->workload.name, w->name, sizeof(w->name), "name");
	copy_str(r, w, c, r->lay->workload.params, w->params,
		 sizeof(w->params), "parameter text");
	/* unsigned: a jiffies wrap still gives the time between */
	w->elapsed_ms = hz ? ((w->state == WORKLOAD_INFO_STOPPED && stop ?
			       stop : now) - start) * 1000 / hz : 0;
	if (w->state == WORKLOAD_INFO_UNKNOWN)
		insp_problem(r, "workload %s in slot %u: unknown state %u",
			     w->name, w->slot, w->raw_state);
	if (w->threads > MV_WORKLOAD_THREADS_MAX)
		insp_problem(r, "workload %s in slot %u: %u threads, over %u",
			     w->name, w->slot, w->threads, MV_WORKLOAD_THREADS_MAX);
	if (!hz)
		insp_problem(r, "workload %s in slot %u: its clock rate (hz) is 0",
			     w->name, w->slot);
	if (w->held_bytes < 0 || w->ops < 0 || w->failures < 0)
		insp_problem(r, "workload %s in slot %u: a negative count (held %" PRId64 ", ops %" PRId64 ", failures %" PRId64 ")",
			     w->name, w->slot, w->held_bytes, w->ops, w->failures);
}

void workload_read_all(struct insp *r, uint64_t *jiffies, workload_info_fn fn,
		       void *arg)
{
	const struct mm_layout *lay = r->lay;
	uint8_t c[MAX_WORKLOAD];
	struct workload_info w;

	*jiffies = 0;
	if (insp_read_u64(r, lay->root.jiffies, jiffies)) {
		insp_problem(r, "workloads: jiffies at 0x%" PRIx64 " is not readable: %s",
			     lay->root.jiffies, r->err);
		return;
	}
	for (unsigned int i = 0; i < MV_WORKLOAD_MAX; i++) {
		uint64_t va = lay->root.workloads + (uint64_t)i * lay->workload.size;

		if (insp_read(r, va, c, lay->workload.size)) {
			insp_problem(r, "workloads: slot %u at 0x%" PRIx64 " is not readable: %s",
				     i, va, r->err);
			return;
		}
		if (WF(c, state) == lay->ws.free)
			continue;
		memset(&w, 0, sizeof(w));
		w.slot = i;
		workload_info(r, c, *jiffies, &w);
		fn(&w, arg);
	}
}

/* ---- the edge: JSON ------------------------------------------------------ */

static const char *const state_name[] = {
	[WORKLOAD_INFO_STARTING] = "starting",
	[WORKLOAD_INFO_RUNNING] = "running",
	[WORKLOAD_INFO_STOPPING] = "stopping",
	[WORKLOAD_INFO_STOPPED] = "stopped",
	[WORKLOAD_INFO_FAILED] = "failed",
	[WORKLOAD_INFO_UNKNOWN] = "unknown",
};

json_t *workload_info_json(const struct workload_info *w)
{
	double rate = w->elapsed_ms ? w->ops * 1000.0 / w->elapsed_ms : 0;
	json_t *o;

	o = json_pack("{s:s,s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}",
		      "name", w->name, "params", w->params,
		      "state", state_name[w->state], "threads", (int)w->threads,
		      "elapsed-ms", (json_int_t)w->elapsed_ms,
		      "seconds", (json_int_t)w->seconds,
		      "ops", (json_int_t)w->ops,
		      "failures", (json_int_t)w->failures,
		      "bytes", (json_int_t)w->bytes,
		      "held-bytes", (json_int_t)w->held_bytes,
		      "leaked-bytes", (json_int_t)w->leaked_bytes,
		      "ops-per-sec", rate);
	if (o && w->state == WORKLOAD_INFO_FAILED)
		json_object_set_new(o, "error", json_integer(w->error));
	return o;
}

/* ---- the command --------------------------------------------------------- */

static void append_workload(const struct workload_info *w, void *arg)
{
	json_array_append_new(arg, workload_info_json(w));
}

json_t *workload_read_workloads(const struct gmem *gm, uint64_t cr3,
				const struct mm_layout *lay,
				const struct insp_bounds *b, struct errbuf *e)
{
	uint64_t jiffies;
	struct insp r;
	json_t *ret, *list;

	if (insp_open(&r, gm, lay, cr3, e))
		return NULL;
	if (!lay->workload.present || lay->workload.size > MAX_WORKLOAD) {
		if (!lay->workload.present)
			errf(e, "this kernel has no workloads (its image has no symbol 'workloads')");
		else
			errf(e, "kernel image: struct workload is %u bytes, over %u",
			     lay->workload.size, MAX_WORKLOAD);
		insp_close(&r);
		return NULL;
	}
	insp_bound(&r, b);
	list = json_array();
	workload_read_all(&r, &jiffies, append_workload, list);
	ret = json_pack("{s:o,s:I}", "workloads", list, "jiffies",
			(json_int_t)jiffies);
	insp_mark_incomplete(&r, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

json_t *cmd_query_workloads(struct qmp_ctx *ctx, json_t *args,
			    struct qmp_error *err)
{
	/* a start or stop parked mid-way can read as a passing oddity */
	return insp_query_reader_retry(ctx, "query-workloads", INSP_QUERY_ATTEMPTS,
				       workload_read_workloads, NULL, err);
}
