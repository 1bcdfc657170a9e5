// SPDX-License-Identifier: MIT
/*
 * QMP without sockets: the framing of an input stream into JSON values, and
 * one request turned into one reply. Pure, so the fuzzer and the unit tests
 * drive it directly.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "qmp.h"

int qmp_errorf(struct qmp_error *err, const char *class, const char *fmt, ...)
{
	va_list ap;

	err->class = class;
	va_start(ap, fmt);
	vsnprintf(err->desc, sizeof(err->desc), fmt, ap);
	va_end(ap);
	return -1;
}

json_t *qmp_greeting(void)
{
	int major = 0, minor = 0, micro = 0;

	sscanf(PACKAGE_VERSION, "%d.%d.%d", &major, &minor, &micro);
	return json_pack("{s:{s:{s:{s:i,s:i,s:i},s:s},s:[]}}", "QMP", "version",
			 "qemu", "major", major, "minor", minor, "micro", micro,
			 "package", "memvisor " PACKAGE_VERSION, "capabilities");
}

json_t *qmp_event_new(const char *name, json_t *data)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return json_pack("{s:s,s:o,s:{s:I,s:I}}", "event", name, "data",
			 data ? data : json_object(), "timestamp", "seconds",
			 (json_int_t)tv.tv_sec, "microseconds",
			 (json_int_t)tv.tv_usec);
}

static json_t *error_reply(const struct qmp_error *err, json_t *id)
{
	json_t *r = json_pack("{s:{s:s,s:s}}", "error", "class", err->class,
			      "desc", err->desc);

	if (r && id)
		json_object_set(r, "id", id);
	return r;
}

static json_t *errorf_reply(json_t *id, const char *class, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static json_t *errorf_reply(json_t *id, const char *class, const char *fmt, ...)
{
	struct qmp_error err = { .class = class };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.desc, sizeof(err.desc), fmt, ap);
	va_end(ap);
	return error_reply(&err, id);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t qmp_parse_next(const char *buf, size_t len, json_t **value,
		      json_t **reply, bool *skip_line)
{
	json_error_t jerr;
	size_t skip = 0, end;
	const char *nul;

	*value = *reply = NULL;
	*skip_line = false;
	while (skip < len && is_space(buf[skip]))
		skip++;
	if (skip == len)
		return skip;
	/*
	 * jansson takes a NUL byte for the end of its input: parse up to it,
	 * and what would wait there for more is a bad line instead (it waited
	 * for ever, and so did every request after it).
	 */
	nul = memchr(buf + skip, '\0', len - skip);
	*value = json_loadb(buf + skip, (nul ? (size_t)(nul - buf) : len) - skip,
			    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
	if (*value)
		return skip + jerr.position;
	if (json_error_code(&jerr) == json_error_premature_end_of_input) {
		if (!nul)
			return 0;
		snprintf(jerr.text, sizeof(jerr.text), "a NUL byte (0x00) in the input");
	}
	/*
	 * QEMU's answer to bad JSON, once; then start over after this line
	 * (the caller parses only at a line's end or a closing brace, so the
	 * same bad bytes are not answered again with each piece of a line).
	 */
	*reply = errorf_reply(NULL, "GenericError", "JSON parse error, %s",
			      jerr.text);
	for (end = skip; end < len && buf[end] != '\n'; end++)
		;
	if (end == len) {
		*skip_line = true;	/* the rest of this line is still to come */
		return len;
	}
	return end + 1;
}

const struct qmp_command *qmp_find_command(const char *name)
{
	for (size_t i = 0; i < qmp_nr_commands; i++)
		if (!strcmp(qmp_commands[i].name, name))
			return &qmp_commands[i];
	return NULL;
}

json_t *qmp_addr(uint64_t addr)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	return json_string(buf);
}

int qmp_get_addr(json_t *v, uint64_t *out)
{
	const char *s;
	char *end;

	if (json_is_integer(v)) {
		/* a negative integer: a high address in two's complement */
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static const char *const type_names[] = {
	[QMP_ARG_STR] = "string", [QMP_ARG_INT] = "integer",
	[QMP_ARG_BOOL] = "boolean", [QMP_ARG_ANY] = "value",
	[QMP_ARG_ADDR] = "address (an integer, or a string such as \"0xffff888000001000\")",
};

static bool type_ok(enum qmp_arg_type t, json_t *v)
{
	switch (t) {
	case QMP_ARG_STR:
		return json_is_string(v);
	case QMP_ARG_INT:
		return json_is_integer(v);
	case QMP_ARG_BOOL:
		return json_is_boolean(v);
	case QMP_ARG_ANY:
		return true;
	case QMP_ARG_ADDR: {
		uint64_t a;

		return !qmp_get_addr(v, &a);
	}
	}
	return false;
}

/* QEMU's messages: "Parameter 'x' is missing", "... is unexpected", ... */
static int check_args(const struct qmp_command *c, json_t *args,
		      struct qmp_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(args, key, v) {
		const struct qmp_arg *a = c->args;

		while (a->name && strcmp(a->name, key))
			a++;
		if (!a->name)
			return qmp_errorf(err, "GenericError",
					  "Parameter '%s' is unexpected", key);
		if (!type_ok(a->type, v))
			return qmp_errorf(err, "GenericError",
					  "Invalid parameter type for '%s', expected: %s",
					  key, type_names[a->type]);
	}
	for (const struct qmp_arg *a = c->args; a->name; a++)
		if (!a->optional && !json_object_get(args, a->name))
			return qmp_errorf(err, "GenericError",
					  "Parameter '%s' is missing", a->name);
	return 0;
}

/* The request's shape, as QEMU checks it. NULL, or the error reply. */
static json_t *check_request(json_t *req, json_t *id, const char **name,
			     json_t **args)
{
	const char *key;
	json_t *v, *exec;

	if (!json_is_object(req))
		return errorf_reply(NULL, "GenericError", "QMP input must be a JSON object");
	json_object_foreach(req, key, v) {
		if (strcmp(key, "execute") && strcmp(key, "arguments") &&
		    strcmp(key, "id"))
			return errorf_reply(id, "GenericError",
					    "QMP input member '%s' is unexpected", key);
	}
	exec = json_object_get(req, "execute");
	if (!exec)
		return errorf_reply(id, "GenericError",
				    "QMP input lacks member 'execute'");
	if (!json_is_string(exec))
		return errorf_reply(id, "GenericError",
				    "QMP input member 'execute' must be a string");
	*args = json_object_get(req, "arguments");
	if (*args && !json_is_object(*args))
		return errorf_reply(id, "GenericError",
				    "QMP input member 'arguments' must be an object");
	*name = json_string_value(exec);
	return NULL;
}

json_t *qmp_dispatch(struct qmp_ctx *ctx, json_t *req, bool *negotiated)
{
	json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
	const struct qmp_command *c;
	struct qmp_error err = { 0 };
	json_t *args = NULL, *ret, *reply;
	const char *name = NULL;

	reply = check_request(req, id, &name, &args);
	if (reply)
		return reply;
	c = qmp_find_command(name);
	if (!*negotiated && !(c && c->before_negotiation))
		return errorf_reply(id, "CommandNotFound",
				    "Expecting capabilities negotiation with 'qmp_capabilities'");
	if (!c)
		return errorf_reply(id, "CommandNotFound",
				    "The command %s has not been found", name);
	if (*negotiated && c->before_negotiation)
		return errorf_reply(id, "CommandNotFound",
				    "Capabilities negotiation is already complete, command ignored");
	args = args ? json_incref(args) : json_object();
	ret = check_args(c, args, &err) ? NULL : c->fn(ctx, args, &err);
	json_decref(args);
	if (!ret)
		return error_reply(err.class ? &err : &(struct qmp_error){
				   "GenericError", "internal error" }, id);
	if (c->before_negotiation)
		*negotiated = true;
	reply = json_pack("{s:o}", "return", ret);
	if (reply && id)
		json_object_set(reply, "id", id);
	return reply;
}

size_t qmp_handle_input(struct qmp_ctx *ctx, const char *buf, size_t len,
			bool *negotiated, bool *skip_line, qmp_reply_fn out,
			void *opaque)
{
	size_t off = 0;

	while (off < len) {
		json_t *req, *err_reply;
		size_t used;
		bool more = true;

		if (*skip_line) {
			const char *nl = memchr(buf + off, '\n', len - off);

			if (!nl)
				return len;
			off = nl - buf + 1;
			*skip_line = false;
			continue;
		}
		used = qmp_parse_next(buf + off, len - off, &req, &err_reply,
				      skip_line);
		ctx->quit = false;
		if (err_reply)
			more = out(opaque, ctx, err_reply);
		if (!used)
			break;
		off += used;
		if (req) {
			json_t *reply = qmp_dispatch(ctx, req, negotiated);

			json_decref(req);
			more = out(opaque, ctx, reply);
		}
		if (!more)
			break;
	}
	return off;
}

size_t qmp_scan(struct qmp_scan *s, const char *buf, size_t len)
{
	for (; s->scanned < len; s->scanned++) {
		char c = buf[s->scanned];

		if (c == '\n') {
			/*
			 * Any newline: it ends a one-line request, a scalar
			 * or a bad line (JSON strings hold no raw newline);
			 * a request spread over lines is parsed again at each
			 * line, waiting for its end.
			 */
			s->boundary = s->scanned + 1;
			s->in_string = s->escape = false;
			continue;
		}
		if (s->in_string) {
			if (s->escape)
				s->escape = false;
			else if (c == '\\')
				s->escape = true;
			else if (c == '"')
				s->in_string = false;
			continue;
		}
		if (c == '"') {
			s->in_string = true;
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			if (s->depth)
				s->depth--;
			if (!s->depth)
				s->boundary = s->scanned + 1;
		}
	}
	return s->boundary;
}

size_t qmp_input_run(struct qmp_ctx *ctx, const char *buf, size_t len,
		     bool full, struct qmp_input_state *st, qmp_reply_fn out,
		     void *opaque)
{
	size_t done = 0;

	while (done < len) {
		size_t whole = qmp_scan(&st->scan, buf + done, len - done), off;

		/*
		 * Nothing whole yet: wait, unless the buffer is full (a parse
		 * then tells a bad line, answered once and skipped, from a
		 * request too long to take) or a bad line is being skipped.
		 */
		if (!whole && !full && !st->skip_line)
			break;
		if (!whole)
			whole = len - done;
		off = qmp_handle_input(ctx, buf + done, whole, &st->negotiated,
				       &st->skip_line, out, opaque);
		/* a bad line still open: the rest (no newline past whole) is in it */
		if (st->skip_line)
			off = len - done;
		if (!off)
			break;
		done += off;
		/* scan what is left afresh: bad input may have left the nesting wrong */
		st->scan = (struct qmp_scan){ 0 };
	}
	return done;
}
