// SPDX-License-Identifier: MIT
/* V alloc and its event: see alloc_cmds.h. */
#include <errno.h>
#include <string.h>

#include <memvisor/gfp.h>

#include "alloc_cmds.h"
#include "control.h"
#include "gfp_parse.h"
#include "guest_str.h"
#include "vm.h"

/* What each op needs besides op, cpu and atomic. */
enum {
	NEED_SIZE = 1 << 0,
	NEED_HANDLE = 1 << 1,
	NEED_FLAGS = 1 << 2,
	NEED_ORDER = 1 << 3,
	NEED_NAME = 1 << 4,
	NEED_MIN_NR = 1 << 5,
	NEED_VALUE = 1 << 6,
};

static const unsigned int needs[MV_ALLOC_KIND_NR] = {
	[MV_ALLOC_KMALLOC] = NEED_SIZE | NEED_FLAGS,
	[MV_ALLOC_KFREE] = NEED_HANDLE,
	[MV_ALLOC_CACHE_CREATE] = NEED_NAME | NEED_SIZE,
	[MV_ALLOC_CACHE_ALLOC] = 0,	/* handle or name: alloc_request */
	[MV_ALLOC_CACHE_FREE] = NEED_HANDLE,
	[MV_ALLOC_CACHE_DESTROY] = NEED_HANDLE,
	[MV_ALLOC_PAGES] = NEED_ORDER | NEED_FLAGS,
	[MV_ALLOC_FREE_PAGES] = NEED_HANDLE,
	[MV_ALLOC_VMALLOC] = NEED_SIZE,
	[MV_ALLOC_VFREE] = NEED_HANDLE,
	[MV_ALLOC_MEMPOOL_CREATE] = NEED_MIN_NR | NEED_SIZE,
	[MV_ALLOC_MEMPOOL_ALLOC] = NEED_HANDLE,
	[MV_ALLOC_MEMPOOL_FREE] = NEED_HANDLE,
	[MV_ALLOC_MEMPOOL_RESIZE] = NEED_HANDLE | NEED_MIN_NR,
	[MV_ALLOC_MEMPOOL_DESTROY] = NEED_HANDLE,
	[MV_ALLOC_PERCPU] = NEED_SIZE,
	[MV_ALLOC_FREE_PERCPU] = NEED_HANDLE,
	[MV_ALLOC_DMA_FILL] = NEED_HANDLE | NEED_VALUE,
	[MV_ALLOC_LIST] = 0,
	[MV_ALLOC_FREE_ALL] = 0,
	[MV_ALLOC_WORKLOAD_START] = NEED_NAME,	/* workload_cmds.c posts them */
	[MV_ALLOC_WORKLOAD_STOP] = NEED_NAME,
};

static const struct { unsigned int need; const char *arg; } need_args[] = {
	{ NEED_SIZE, "size" }, { NEED_HANDLE, "handle" }, { NEED_FLAGS, "flags" },
	{ NEED_ORDER, "order" }, { NEED_NAME, "name" }, { NEED_MIN_NR, "min-nr" },
	{ NEED_VALUE, "value" },
};

static int op_kind(const char *op)
{
	for (int k = MV_ALLOC_NONE + 1; k < MV_ALLOC_KIND_NR; k++)
		if (!strcmp(allocq_kind_name((uint32_t)k), op))
			return k;
	return -1;
}

/* Integer argument @key, 0 when absent; -1 when negative or above @max. */
static int uint_arg(json_t *args, const char *key, uint64_t max, uint64_t *v,
		    struct qmp_error *err)
{
	json_t *j = json_object_get(args, key);
	json_int_t n = json_integer_value(j);

	*v = 0;
	if (!j)
		return 0;
	if (n < 0 || (uint64_t)n > max)
		return qmp_errorf(err, "GenericError",
				  "'%s' is %lld, not in 0..%llu", key,
				  (long long)n, (unsigned long long)max);
	*v = (uint64_t)n;
	return 0;
}

static int check_needs(json_t *args, const char *op, unsigned int need,
		       struct qmp_error *err)
{
	for (size_t i = 0; i < sizeof(need_args) / sizeof(need_args[0]); i++)
		if ((need & need_args[i].need) &&
		    !json_object_get(args, need_args[i].arg))
			return qmp_errorf(err, "GenericError",
					  "%s needs '%s'", op, need_args[i].arg);
	return 0;
}

static int name_arg(json_t *args, struct allocq_req *r, struct qmp_error *err)
{
	json_t *v = json_object_get(args, "name");
	const char *s = json_string_value(v);

	if (!s)
		return 0;
	if (!s[0] || strlen(s) != json_string_length(v) ||
	    json_string_length(v) >= sizeof(r->name))
		return qmp_errorf(err, "GenericError",
				  "'name' must be 1 to %zu bytes without NUL",
				  sizeof(r->name) - 1);
	memcpy(r->name, s, json_string_length(v) + 1);
	return 0;
}

static int flags_arg(json_t *args, struct allocq_req *r, struct qmp_error *err)
{
	const char *s = json_string_value(json_object_get(args, "flags"));
	struct errbuf e;

	r->gfp = MV_GFP_KERNEL;	/* as the op's C function takes when it takes none */
	if (s && gfp_parse(s, &r->gfp, &e))
		return qmp_errorf(err, "GenericError", "%s", e.msg);
	return 0;
}

/*
 * What Linux lets an interrupt handler call: the slab, page and mempool
 * allocators and their frees. The others may sleep whatever the flags
 * (vmalloc, cache and pool creation, per-CPU areas) or wait for the
 * device's own interrupt (dma_fill): run there, they could hang the CPU.
 */
static int check_atomic(struct allocq_req *r, const char *op,
			struct qmp_error *err)
{
	switch (r->kind) {
	case MV_ALLOC_KMALLOC:
	case MV_ALLOC_KFREE:
	case MV_ALLOC_CACHE_ALLOC:
	case MV_ALLOC_CACHE_FREE:
	case MV_ALLOC_PAGES:
	case MV_ALLOC_FREE_PAGES:
	case MV_ALLOC_MEMPOOL_ALLOC:
	case MV_ALLOC_MEMPOOL_FREE:
		r->flags |= MV_ALLOC_F_ATOMIC;
		return 0;
	default:
		return qmp_errorf(err, "GenericError",
				  "%s cannot run in an interrupt (--atomic): it may sleep or wait whatever its flags",
				  op);
	}
}

int alloc_request(json_t *args, struct allocq_req *r, struct qmp_error *err)
{
	const char *op = json_string_value(json_object_get(args, "op"));
	uint64_t cpu, handle, order, min_nr, value, slab_flags;
	int kind = op ? op_kind(op) : -1;

	memset(r, 0, sizeof(*r));
	if (kind < 0)
		return qmp_errorf(err, "GenericError", "unknown op '%s'",
				  op ? op : "");
	r->kind = (enum mv_alloc_kind)kind;
	if (kind == MV_ALLOC_CACHE_ALLOC && !json_object_get(args, "handle") &&
	    !json_object_get(args, "name"))
		return qmp_errorf(err, "GenericError", "%s needs 'handle' or 'name'", op);
	if (check_needs(args, op, needs[kind], err) ||
	    uint_arg(args, "cpu", UINT32_MAX, &cpu, err) ||
	    uint_arg(args, "size", 1ULL << 40, &r->size, err) ||
	    uint_arg(args, "align", 1ULL << 20, &r->align, err) ||
	    uint_arg(args, "handle", MV_ALLOC_HANDLES - 1, &handle, err) ||
	    uint_arg(args, "order", 63, &order, err) ||
	    uint_arg(args, "min-nr", MV_ALLOC_HANDLES, &min_nr, err) ||
	    uint_arg(args, "value", 255, &value, err) ||
	    uint_arg(args, "slab-flags", UINT32_MAX, &slab_flags, err) ||
	    name_arg(args, r, err) || flags_arg(args, r, err))
		return -1;
	r->cpu = (uint32_t)cpu;
	r->handle = (uint32_t)handle;
	r->arg = kind == MV_ALLOC_PAGES ? order :
		 kind == MV_ALLOC_DMA_FILL ? value :
		 kind == MV_ALLOC_CACHE_CREATE ? slab_flags : min_nr;
	if (json_is_true(json_object_get(args, "atomic")) &&
	    check_atomic(r, op, err))
		return -1;
	return 0;
}

json_t *cmd_alloc(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct allocq_req r;
	struct errbuf e;
	uint64_t id;

	if (!ctx->vm || !ctx->vm->allocs) {
		qmp_errorf(err, "GenericError", "no guest to allocate in");
		return NULL;
	}
	if (alloc_request(args, &r, err))
		return NULL;
	if (allocq_post(ctx->vm->allocs, &r, &id, &e)) {
		qmp_errorf(err, "GenericError", "%s", e.msg);
		return NULL;
	}
	return json_pack("{s:I}", "request", (json_int_t)id);
}

const char *alloc_errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ E2BIG, "E2BIG" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { EPROTO, "EPROTO" },
		{ ETIMEDOUT, "ETIMEDOUT" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return NULL;
}

static json_t *escaped(const char *s, size_t size)
{
	char buf[4 * MV_ALLOC_NAME_MAX + 1];

	guest_str_escape(buf, sizeof(buf), s, strnlen(s, size));
	return json_string(buf);
}

static json_t *list_json(const struct allocq_result *r)
{
	json_t *list = json_array();

	for (uint32_t i = 0; r->list && i < r->count; i++) {
		const struct mv_alloc_entry *l = &r->list[i];
		json_t *o = json_pack("{s:i,s:s,s:i,s:o,s:I,s:o}",
				      "handle", (int)l->handle,
				      "object", allocq_obj_name(l->obj),
				      "cpu", (int)l->cpu, "addr", qmp_addr(l->addr),
				      "bytes", (json_int_t)l->bytes,
				      "cache", escaped(l->cache, sizeof(l->cache)));

		if (l->parent != MV_ALLOC_NO_HANDLE)
			json_object_set_new(o, "parent", json_integer(l->parent));
		if (l->pfn != MV_ALLOC_NO_PFN)
			json_object_set_new(o, "pfn", json_integer((json_int_t)l->pfn));
		json_array_append_new(list, o);
	}
	return list;
}

static void error_data(json_t *d, const struct allocq_result *r)
{
	const char *name = alloc_errno_name(-r->status);
	char buf[32];

	if (r->refused) {
		json_object_set_new(d, "error", json_string(r->msg));
	} else {
		snprintf(buf, sizeof(buf), "-%s", name ? name : "E?");
		if (!name)
			snprintf(buf, sizeof(buf), "%d", r->status);
		json_object_set_new(d, "error", json_string(buf));
	}
	json_object_set_new(d, "errno", json_integer(r->status));
}

static void object_data(json_t *d, const struct allocq_result *r)
{
	json_object_set_new(d, "handle", json_integer(r->handle));
	json_object_set_new(d, "object", json_string(allocq_obj_name(r->obj)));
	json_object_set_new(d, "addr", qmp_addr(r->addr));
	json_object_set_new(d, "bytes", json_integer((json_int_t)r->bytes));
	json_object_set_new(d, "order", json_integer(r->order));
	if (r->pfn != MV_ALLOC_NO_PFN) {
		json_object_set_new(d, "pfn", json_integer((json_int_t)r->pfn));
		json_object_set_new(d, "zone", json_string(allocq_zone_name(r->zone)));
	}
	if (r->cache[0])
		json_object_set_new(d, "cache", escaped(r->cache, sizeof(r->cache)));
	if (r->slab)
		json_object_set_new(d, "slab", qmp_addr(r->slab));
}

json_t *alloc_event_data(const struct allocq_result *r)
{
	json_t *d = json_pack("{s:I,s:s,s:i,s:b,s:b}", "request", (json_int_t)r->id,
			      "op", allocq_kind_name(r->kind) ?: "?",
			      "cpu", (int)r->cpu, "atomic", r->atomic,
			      "in-interrupt", r->in_interrupt);

	if (r->status) {
		error_data(d, r);
		if (r->kind == MV_ALLOC_DMA_FILL && r->count)
			json_object_set_new(d, "device-error", json_integer(r->count));
		return d;
	}
	if (r->handle != MV_ALLOC_NO_HANDLE)
		object_data(d, r);
	if (r->kind == MV_ALLOC_LIST)
		json_object_set_new(d, "allocs", list_json(r));
	if (r->kind == MV_ALLOC_FREE_ALL)
		json_object_set_new(d, "freed", json_integer(r->count));
	if (r->kind == MV_ALLOC_DMA_FILL) {
		json_object_set_new(d, "addr", qmp_addr(r->addr));
		json_object_set_new(d, "bytes", json_integer((json_int_t)r->bytes));
	}
	return d;
}

void control_event_alloc_done(struct vm *vm, const struct allocq_result *r)
{
	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "ALLOC_DONE",
						    alloc_event_data(r)));
}
