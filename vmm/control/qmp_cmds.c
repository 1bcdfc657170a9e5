// SPDX-License-Identifier: MIT
/*
 * QMP's own commands (capabilities, the command list, version, status,
 * stop/cont/quit) and the table of every command the socket serves.
 */
#include "config.h"

#include <string.h>

#include "inspect_cmds.h"
#include "qmp.h"
#include "vm.h"

static json_t *cmd_qmp_capabilities(struct qmp_ctx *ctx, json_t *args,
				    struct qmp_error *err)
{
	json_t *enable = json_object_get(args, "enable"), *cap;
	size_t i;

	if (enable && !json_is_array(enable)) {
		qmp_errorf(err, "GenericError",
			   "Invalid parameter type for 'enable', expected: array");
		return NULL;
	}
	json_array_foreach(enable, i, cap) {
		qmp_errorf(err, "GenericError", "Capability '%s' not available",
			   json_is_string(cap) ? json_string_value(cap) : "?");
		return NULL;
	}
	return json_object();
}

static json_t *cmd_query_commands(struct qmp_ctx *ctx, json_t *args,
				  struct qmp_error *err)
{
	json_t *list = json_array();

	for (size_t i = 0; i < qmp_nr_commands; i++)
		json_array_append_new(list, json_pack("{s:s}", "name",
						      qmp_commands[i].name));
	return list;
}

static json_t *cmd_query_version(struct qmp_ctx *ctx, json_t *args,
				 struct qmp_error *err)
{
	json_t *g = qmp_greeting();
	json_t *v = json_incref(json_object_get(json_object_get(g, "QMP"),
						"version"));

	json_decref(g);
	return v;
}

/* QEMU's RunState names. */
static const char *run_state(struct vm *vm, bool *running)
{
	const char *state = "running";

	*running = false;
	if (!vm)
		return "prelaunch";
	pthread_mutex_lock(&vm->lock);
	switch (vm->end) {
	case VM_RUNNING:
		*running = !vm->stopped;
		state = vm->stopped ? "paused" : "running";
		break;
	case VM_END_CRASH:
		state = "guest-panicked";
		break;
	case VM_END_HOST:
		state = "internal-error";
		break;
	default:
		state = "shutdown";
		break;
	}
	pthread_mutex_unlock(&vm->lock);
	return state;
}

static json_t *cmd_query_status(struct qmp_ctx *ctx, json_t *args,
				struct qmp_error *err)
{
	bool running;
	const char *state = run_state(ctx->vm, &running);

	return json_pack("{s:b,s:b,s:s}", "running", running, "singlestep", 0,
			 "status", state);
}

/* Sets vm->stopped to @stop; true if that changed it. */
static bool set_stopped(struct vm *vm, bool stop)
{
	bool changed;

	pthread_mutex_lock(&vm->lock);
	changed = vm->stopped != stop;
	vm->stopped = stop;
	pthread_mutex_unlock(&vm->lock);
	return changed;
}

static json_t *cmd_stop(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err)
{
	struct errbuf e;

	if (!ctx->vm || !set_stopped(ctx->vm, true))
		return json_object();	/* QEMU: stopping a stopped VM is fine */
	if (vm_pause(ctx->vm, &e)) {
		vm_resume(ctx->vm);
		set_stopped(ctx->vm, false);
		qmp_errorf(err, "GenericError", "cannot stop the guest: %s", e.msg);
		return NULL;
	}
	qmp_server_broadcast(ctx->server, qmp_event_new("STOP", NULL));
	return json_object();
}

static json_t *cmd_cont(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err)
{
	if (!ctx->vm || !set_stopped(ctx->vm, false))
		return json_object();
	vm_resume(ctx->vm);
	qmp_server_broadcast(ctx->server, qmp_event_new("RESUME", NULL));
	return json_object();
}

static json_t *cmd_quit(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err)
{
	ctx->quit = true;
	return json_object();
}

const struct qmp_command qmp_commands[] = {
	{ .name = "qmp_capabilities", .fn = cmd_qmp_capabilities,
	  .args = { { "enable", QMP_ARG_ANY, true } },
	  .before_negotiation = true },
	{ .name = "query-commands", .fn = cmd_query_commands },
	{ .name = "query-version", .fn = cmd_query_version },
	{ .name = "query-status", .fn = cmd_query_status },
	{ .name = "stop", .fn = cmd_stop },
	{ .name = "cont", .fn = cmd_cont },
	{ .name = "quit", .fn = cmd_quit },
	INSPECT_COMMANDS
};

const size_t qmp_nr_commands = sizeof(qmp_commands) / sizeof(qmp_commands[0]);
