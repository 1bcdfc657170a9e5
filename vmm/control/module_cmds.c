// SPDX-License-Identifier: MIT
/* insmod, rmmod and their events: see module_cmds.h. */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "control.h"
#include "guest_str.h"
#include "module_cmds.h"
#include "vm.h"

/* A string argument without NUL bytes inside, or NULL and @err. */
static const char *plain_arg(json_t *args, const char *key,
			     struct qmp_error *err)
{
	json_t *v = json_object_get(args, key);
	const char *s = json_string_value(v);

	if (s && strlen(s) != json_string_length(v)) {
		qmp_errorf(err, "GenericError", "'%s' holds a NUL byte", key);
		return NULL;
	}
	return s;
}

/* A module's file or module name: no directory, not empty. */
static const char *name_arg(json_t *args, struct qmp_error *err)
{
	const char *name = plain_arg(args, "name", err);

	if (!name)
		return NULL;
	if (!name[0] || strchr(name, '/')) {
		qmp_errorf(err, "GenericError",
			   "'name' must be a file name without a directory");
		return NULL;
	}
	return name;
}

static json_t *queued(int ret, uint64_t id, const struct errbuf *e,
		      struct qmp_error *err)
{
	if (ret) {
		qmp_errorf(err, "GenericError", "%s", e->msg);
		return NULL;
	}
	return json_pack("{s:I}", "request", (json_int_t)id);
}

json_t *module_insmod(struct modq *q, json_t *args, struct qmp_error *err)
{
	json_t *data = json_object_get(args, "data");
	const char *name = name_arg(args, err), *params = NULL;
	size_t len = json_string_length(data);
	unsigned char *image;
	struct errbuf e;
	uint64_t id = 0;
	ssize_t n;
	int ret;

	if (!name)
		return NULL;
	if (json_object_get(args, "params") &&
	    !(params = plain_arg(args, "params", err)))
		return NULL;
	if (!len) {
		qmp_errorf(err, "GenericError", "'data' is empty");
		return NULL;
	}
	if (base64_decoded_max(len) > MV_MODULE_IMAGE_MAX + 2) {
		qmp_errorf(err, "GenericError",
			   "'data' is more than %u bytes, the module size limit",
			   MV_MODULE_IMAGE_MAX);
		return NULL;
	}
	image = malloc(base64_decoded_max(len) + 1);
	if (!image) {
		qmp_errorf(err, "GenericError", "out of memory");
		return NULL;
	}
	n = base64_decode(json_string_value(data), len, image, &e);
	if (n < 0) {
		qmp_errorf(err, "GenericError", "'data' is not base64: %s", e.msg);
		free(image);
		return NULL;
	}
	ret = modq_add_load(q, name, image, (size_t)n, params, false, &id, &e);
	free(image);
	return queued(ret, id, &e, err);
}

json_t *module_rmmod(struct modq *q, json_t *args, struct qmp_error *err)
{
	const char *name = name_arg(args, err);
	char mod[MV_MODULE_NAME_MAX + 3];
	size_t len;
	struct errbuf e;
	uint64_t id = 0;
	int ret;

	if (!name)
		return NULL;
	/* rmmod takes "scullc" and "scullc.ko" alike */
	snprintf(mod, sizeof(mod), "%s", name);
	len = strlen(mod);
	if (len > 3 && !strcmp(mod + len - 3, ".ko"))
		mod[len - 3] = '\0';
	ret = modq_add_unload(q, mod, &id, &e);
	return queued(ret, id, &e, err);
}

static struct modq *vm_modules(struct qmp_ctx *ctx, struct qmp_error *err)
{
	if (!ctx->vm || !ctx->vm->modules) {
		qmp_errorf(err, "GenericError", "no guest to load modules into");
		return NULL;
	}
	return ctx->vm->modules;
}

json_t *cmd_insmod(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct modq *q = vm_modules(ctx, err);

	return q ? module_insmod(q, args, err) : NULL;
}

json_t *cmd_rmmod(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct modq *q = vm_modules(ctx, err);

	return q ? module_rmmod(q, args, err) : NULL;
}

/* The event's module name: a load's file name without ".ko". */
static void module_name(const struct modq_done *d, char *buf, size_t size)
{
	size_t len;

	guest_str_escape(buf, size, d->name, strnlen(d->name, sizeof(d->name)));
	len = strlen(buf);
	if (d->kind == MV_MODULE_REQ_LOAD && len > 3 &&
	    !strcmp(buf + len - 3, ".ko"))
		buf[len - 3] = '\0';
}

static const char *leak_kind(unsigned int kind)
{
	static const char *const names[] = {
		[MV_LEAK_CACHE] = "cache",
		[MV_LEAK_OBJECTS] = "objects",
		[MV_LEAK_PAGES] = "pages",
		[MV_LEAK_VMALLOC] = "vmalloc",
		[MV_LEAK_PERCPU] = "percpu",
		[MV_LEAK_MEMPOOL] = "mempool",
	};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

static json_t *leak_json(const struct mv_module_leak *l)
{
	char what[4 * MV_LEAK_WHAT_MAX + 1];

	guest_str_escape(what, sizeof(what), l->what,
			 strnlen(l->what, sizeof(l->what)));
	return json_pack("{s:s,s:s,s:I,s:I,s:o,s:I}", "kind", leak_kind(l->kind),
			 "what", what, "count", (json_int_t)l->count,
			 "bytes", (json_int_t)l->bytes, "addr", qmp_addr(l->addr),
			 "caller-offset", (json_int_t)l->caller_offset);
}

static json_t *failed_data(const struct modq_done *d, const char *name)
{
	char msg[4 * MV_MODULE_MSG_MAX + 1];

	guest_str_escape(msg, sizeof(msg), d->msg, strnlen(d->msg, sizeof(d->msg)));
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s: %s", name, strerror(-d->status));
	return json_pack("{s:I,s:s,s:s,s:s}", "request", (json_int_t)d->id,
			 "name", name, "operation",
			 d->kind == MV_MODULE_REQ_LOAD ? "insmod" : "rmmod",
			 "error", msg);
}

json_t *module_event_data(const struct modq_done *d, const char **event)
{
	char name[4 * MV_MODULE_NAME_MAX + 1];
	json_t *leaks;

	module_name(d, name, sizeof(name));
	if (d->status) {
		*event = QMP_VENDOR "MODULE_FAILED";
		return failed_data(d, name);
	}
	if (d->kind == MV_MODULE_REQ_LOAD) {
		*event = QMP_VENDOR "MODULE_LOADED";
		return json_pack("{s:I,s:s,s:o,s:I,s:i,s:i}",
				 "request", (json_int_t)d->id, "name", name,
				 "base", qmp_addr(d->base),
				 "size", (json_int_t)d->core_size,
				 "tests-run", (int)d->tests_run,
				 "tests-failed", (int)d->tests_failed);
	}
	*event = QMP_VENDOR "MODULE_UNLOADED";
	leaks = json_array();
	for (unsigned int i = 0; i < d->nr_leaks; i++)
		json_array_append_new(leaks, leak_json(&d->leaks[i]));
	return json_pack("{s:I,s:s,s:o,s:I}", "request", (json_int_t)d->id,
			 "name", name, "leaks", leaks,
			 "leaks-dropped", (json_int_t)d->leaks_dropped);
}

void control_event_module_done(struct vm *vm, const struct modq_done *d)
{
	const char *event;
	json_t *data = module_event_data(d, &event);

	qmp_server_broadcast(vm->qmp, qmp_event_new(event, data));
}
