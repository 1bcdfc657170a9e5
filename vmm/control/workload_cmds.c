// SPDX-License-Identifier: MIT
/* workload-start and workload-stop (workload_cmds.h). */
#include "config.h"

#include <string.h>

#include "control.h"
#include "vm.h"
#include "workload_cmds.h"

/* @key of @args, a string of 1 (0 if @may_be_empty) to @size - 1 bytes, into @dst. */
static int string_arg(json_t *args, const char *key, char *dst, size_t size,
		      bool may_be_empty, struct qmp_error *err)
{
	json_t *v = json_object_get(args, key);
	const char *s = json_string_value(v);

	if (!v)
		return 0;
	if ((!may_be_empty && !s[0]) || strlen(s) != json_string_length(v) ||
	    json_string_length(v) >= size)
		return qmp_errorf(err, "GenericError",
				  "'%s' must be %d to %zu bytes without NUL",
				  key, may_be_empty ? 0 : 1, size - 1);
	memcpy(dst, s, json_string_length(v) + 1);
	return 0;
}

int workload_request(json_t *args, enum mv_alloc_kind kind,
		     struct allocq_req *r, struct qmp_error *err)
{
	json_t *cpu = json_object_get(args, "cpu");

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (cpu && (json_integer_value(cpu) < 0 ||
		    json_integer_value(cpu) > UINT32_MAX))
		return qmp_errorf(err, "GenericError", "'cpu' must be a CPU number");
	r->cpu = (uint32_t)json_integer_value(cpu);
	if (string_arg(args, "name", r->name, MV_WORKLOAD_NAME_MAX, false, err) ||
	    string_arg(args, "params", r->params, sizeof(r->params), true, err))
		return -1;
	return 0;
}

static json_t *post(struct qmp_ctx *ctx, json_t *args, enum mv_alloc_kind kind,
		    struct qmp_error *err)
{
	struct allocq_req r;
	struct errbuf e;
	uint64_t id;

	if (!ctx->vm || !ctx->vm->allocs) {
		qmp_errorf(err, "GenericError", "no guest to run a workload in");
		return NULL;
	}
	if (workload_request(args, kind, &r, err))
		return NULL;
	if (allocq_post(ctx->vm->allocs, &r, &id, &e)) {
		qmp_errorf(err, "GenericError", "%s", e.msg);
		return NULL;
	}
	return json_pack("{s:I}", "request", (json_int_t)id);
}

json_t *cmd_workload_start(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	return post(ctx, args, MV_ALLOC_WORKLOAD_START, err);
}

json_t *cmd_workload_stop(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err)
{
	return post(ctx, args, MV_ALLOC_WORKLOAD_STOP, err);
}
