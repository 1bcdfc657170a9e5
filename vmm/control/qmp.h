/* SPDX-License-Identifier: MIT */
/*
 * The QMP control socket, as QEMU speaks it (docs/interop/qmp-spec.rst):
 * a greeting, capabilities negotiation, then {"execute", "arguments", "id"}
 * requests answered with {"return"} or {"error": {"class", "desc"}}, and
 * asynchronous {"event", "data", "timestamp"} messages.
 *
 * One thread serves every client with non-blocking sockets and poll(): a
 * slow or hostile client can fill only its own bounded buffers, and is
 * dropped when it overflows them; it never blocks the others or the vCPUs.
 * memvisor's own commands and events carry QMP's downstream prefix,
 * QMP_VENDOR ("__org.memvisor_"), as the spec asks of extensions.
 */
#ifndef VMM_CONTROL_QMP_H
#define VMM_CONTROL_QMP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "memvisor/control.h"

#define QMP_MAX_REQUEST		(1U << 20)	/* one request, bytes */
#define QMP_MAX_PENDING_OUT	(16U << 20)	/* replies+events queued per client */

struct vm;
struct qmp_server;

/* An error reply: QEMU's classes (GenericError, CommandNotFound, ...). */
struct qmp_error {
	const char *class;
	char desc[512];
};

int qmp_errorf(struct qmp_error *err, const char *class, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a command handler sees. */
struct qmp_ctx {
	struct vm *vm;			/* NULL in unit tests and fuzzing */
	struct qmp_server *server;	/* NULL likewise */
	bool quit;			/* set by `quit`: end the VM after replying */
};

/*
 * A command: returns the "return" value (a new reference; json_object()
 * for "nothing"), or NULL with @err filled in. @args is the request's
 * "arguments", already checked against the command's parameter list.
 */
typedef json_t *(*qmp_handler_fn)(struct qmp_ctx *ctx, json_t *args,
				  struct qmp_error *err);

/*
 * QMP_ARG_ADDR: a 64-bit address, as a JSON integer (a negative one is
 * taken as two's complement) or a string ("0xffff888000001000", or
 * decimal): JSON libraries, jansson among them, hold integers as signed
 * 64-bit, which no kernel address fits.
 */
enum qmp_arg_type { QMP_ARG_STR, QMP_ARG_INT, QMP_ARG_BOOL, QMP_ARG_ANY,
		    QMP_ARG_ADDR };

struct qmp_arg {
	const char *name;
	enum qmp_arg_type type;
	bool optional;
};

#define QMP_MAX_ARGS	12

struct qmp_command {
	const char *name;
	qmp_handler_fn fn;
	struct qmp_arg args[QMP_MAX_ARGS];	/* ends at name == NULL */
	bool before_negotiation;		/* qmp_capabilities only */
};

/* Every command, in the order query-commands lists them. */
extern const struct qmp_command qmp_commands[];
extern const size_t qmp_nr_commands;

const struct qmp_command *qmp_find_command(const char *name);

/*
 * Handles one parsed request: returns the reply to send (a new reference),
 * never NULL. @negotiated is the client's state; qmp_capabilities sets it.
 */
json_t *qmp_dispatch(struct qmp_ctx *ctx, json_t *request, bool *negotiated);

/* An address in an answer: a "0x..." string (see QMP_ARG_ADDR). */
json_t *qmp_addr(uint64_t addr);

/* A QMP_ARG_ADDR argument's value; -1 when it is not one. */
int qmp_get_addr(json_t *v, uint64_t *out);

/* The greeting sent to every new client. */
json_t *qmp_greeting(void);

/* An event message: {"event", "data", "timestamp"}. Steals @data. */
json_t *qmp_event_new(const char *name, json_t *data);

/*
 * The framing of a client's input stream: parses the first JSON value of
 * [buf, buf+len). Returns the bytes consumed (the value, and what came
 * before it), 0 when more input is needed, and sets *value (a request) or
 * *reply (a parse error's reply) when something was consumed. A parse error
 * consumes its line; when the line's end is not in the buffer yet, it
 * consumes everything and sets *skip_line: the caller drops its input up
 * to the next newline (one error per bad line, however long).
 */
size_t qmp_parse_next(const char *buf, size_t len, json_t **value,
		      json_t **reply, bool *skip_line);

/*
 * Where the replies to a client's input go: @reply is stolen. @ctx->quit
 * says the request was `quit`. Returns false to stop reading the input
 * (the client is being dropped).
 */
typedef bool (*qmp_reply_fn)(void *opaque, struct qmp_ctx *ctx,
			     json_t *reply);

/*
 * Runs every complete request at the start of [buf, buf+len), in order:
 * qmp_parse_next, then qmp_dispatch with @ctx (its quit is reset for each
 * request), each reply (a request's or a parse error's) handed to @out.
 * @skip_line is the client's state across calls: inside a bad line whose
 * end has not come yet, input is dropped up to the next newline.
 * Returns the bytes consumed; the rest is an incomplete request, to be
 * given again with more input after it. The server and the fuzzer share it.
 */
size_t qmp_handle_input(struct qmp_ctx *ctx, const char *buf, size_t len,
			bool *negotiated, bool *skip_line, qmp_reply_fn out,
			void *opaque);

/*
 * Where complete top-level JSON values end in a client's input, found by
 * looking at each byte once (strings, escapes and nesting tracked across
 * reads), so that a request sent in many small pieces is parsed once, when
 * it is whole, and not again on every read.
 */
struct qmp_scan {
	size_t scanned;		/* bytes of the buffer looked at */
	size_t boundary;	/* end of the last complete value (or line) */
	unsigned int depth;
	bool in_string, escape;
};

/* Looks at [s->scanned, len) of @buf; returns s->boundary. */
size_t qmp_scan(struct qmp_scan *s, const char *buf, size_t len);

/* A client's input state across reads. */
struct qmp_input_state {
	struct qmp_scan scan;
	bool negotiated;
	bool skip_line;		/* in a bad line: drop input up to its end */
};

/*
 * What the server does with a client's buffered input [buf, buf+len): runs
 * every request the scan says is whole (all of it when @full: the buffer
 * can take no more), answering through @out. Returns the bytes consumed;
 * the caller keeps the rest for the next read. The fuzzer drives it too.
 */
size_t qmp_input_run(struct qmp_ctx *ctx, const char *buf, size_t len,
		     bool full, struct qmp_input_state *st, qmp_reply_fn out,
		     void *opaque);

/*
 * The server: listens on @path (mode 0600) and serves up to @max_clients
 * (1..CONTROL_CLIENTS_MAX) at once on a thread; one more is told so and closed.
 */
int qmp_server_start(struct qmp_server **out, struct vm *vm, const char *path,
		     unsigned int max_clients, struct errbuf *e);
/*
 * A non-blocking listening socket at @path, mode 0600 from the start, after
 * qmp_clear_stale_socket; @what names it in errors ("--control"). -1: @e.
 */
int qmp_listen_socket(const char *path, const char *what, struct errbuf *e);
/*
 * Refuses anything at @path but a stale socket (nobody listening), which it
 * removes: a file that is not a socket, another user's socket, a live one.
 */
int qmp_clear_stale_socket(const char *path, struct errbuf *e);
/* Sends @event (stolen) to every negotiated client; any thread. */
void qmp_server_broadcast(struct qmp_server *s, json_t *event);
/* Stops the thread, closes every client, removes the socket. */
void qmp_server_stop(struct qmp_server *s);

#endif
