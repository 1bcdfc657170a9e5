// SPDX-License-Identifier: MIT
/* The QMP client session: framing, the handshake, one command at a time. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "session.h"

static int __attribute__((format(printf, 2, 3)))
fail(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses the first complete JSON value in s->buf; NULL if more is needed. */
static json_t *take_message(struct session *s, int *bad)
{
	json_error_t jerr;
	json_t *v;
	size_t used;

	*bad = 0;
	if (!s->len)
		return NULL;
	v = json_loadb(s->buf, s->len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!v) {
		if (json_error_code(&jerr) == json_error_premature_end_of_input)
			return NULL;
		*bad = fail(s, "the server sent bad JSON: %s", jerr.text);
		return NULL;
	}
	used = jerr.position;
	if (used > s->len)
		used = s->len;
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	return v;
}

/* Reads more of the stream into s->buf, waiting at most s->timeout_ms. */
static int fill(struct session *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (s->cap - s->len < 4096) {
		size_t cap = s->cap ? s->cap * 2 : 65536;
		char *b;

		if (cap > SESSION_MAX_MESSAGE)
			return fail(s, "the server's message exceeds %u bytes",
				    SESSION_MAX_MESSAGE);
		b = realloc(s->buf, cap);
		if (!b)
			return fail(s, "out of memory");
		s->buf = b;
		s->cap = cap;
	}
	do
		r = poll(&p, 1, s->timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(s, "poll: %s", strerror(errno));
	if (!r)
		return fail(s, "no reply from the VMM in %d s", s->timeout_ms / 1000);
	n = recv(s->fd, s->buf + s->len, s->cap - s->len, 0);
	if (n < 0)
		return fail(s, "receive: %s", strerror(errno));
	if (!n)
		return fail(s, "the VMM closed the connection");
	s->len += n;
	return 0;
}

/* The next message from the server (a new reference), or NULL (s->err). */
static json_t *next_message(struct session *s)
{
	json_t *v;
	int bad;

	for (;;) {
		v = take_message(s, &bad);
		if (v || bad)
			return v;
		if (fill(s))
			return NULL;
	}
}

static int send_all(struct session *s, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(s, "send: %s", strerror(errno));
		p += n;
		len -= n;
	}
	return 0;
}

/* Keeps event @m (stolen) for session_wait_event, the newest few. */
static void keep_event(struct session *s, json_t *m)
{
	if (!json_is_string(json_object_get(m, "event"))) {
		json_decref(m);	/* a stray reply */
		return;
	}
	if (!s->events)
		s->events = json_array();
	if (json_array_size(s->events) == SESSION_EVENTS_KEPT)
		json_array_remove(s->events, 0);
	json_array_append_new(s->events, m);
}

/* The reply whose "id" is @id; events are kept, stray replies skipped. */
static json_t *wait_reply(struct session *s, json_int_t id)
{
	json_t *m, *mid;

	for (;;) {
		m = next_message(s);
		if (!m)
			return NULL;
		mid = json_object_get(m, "id");
		if (json_is_integer(mid) && json_integer_value(mid) == id &&
		    (json_object_get(m, "return") || json_object_get(m, "error")))
			return m;
		keep_event(s, m);
	}
}

json_t *session_wait_event(struct session *s,
			   bool (*match)(json_t *event, void *arg), void *arg)
{
	json_t *m;
	size_t i;

	json_array_foreach(s->events, i, m) {
		if (match(m, arg)) {
			json_incref(m);
			json_array_remove(s->events, i);
			return m;
		}
	}
	for (;;) {
		m = next_message(s);
		if (!m || match(m, arg))
			return m;
		json_decref(m);
	}
}

static int reply_result(struct session *s, json_t *reply, json_t **ret)
{
	json_t *err = json_object_get(reply, "error");
	const char *desc;

	if (err) {
		desc = json_string_value(json_object_get(err, "desc"));
		snprintf(s->err, sizeof(s->err), "%s",
			 desc ? desc : "error without a description");
		return 1;
	}
	*ret = json_incref(json_object_get(reply, "return"));
	return 0;
}

int session_execute(struct session *s, const char *cmd, json_t *args,
		    json_t **ret)
{
	json_int_t id = (json_int_t)++s->next_id;
	json_t *req, *reply;
	char *text, *line;
	int r = -1;

	*ret = NULL;
	s->err[0] = '\0';
	req = json_pack("{s:s,s:I}", "execute", cmd, "id", id);
	if (!req)
		goto out_args;
	if (args && json_object_set(req, "arguments", args))
		goto out_req;
	text = json_dumps(req, JSON_COMPACT);
	if (!text || asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	free(text);
	if (!line)
		goto out_req;
	r = send_all(s, line, strlen(line));
	free(line);
	if (r)
		goto out_req;
	reply = wait_reply(s, id);
	if (!reply) {
		r = -1;
		goto out_req;
	}
	r = reply_result(s, reply, ret);
	json_decref(reply);
out_req:
	json_decref(req);
out_args:
	json_decref(args);
	if (r < 0 && !s->err[0])
		fail(s, "out of memory");
	return r;
}

static int connect_unix(struct session *s, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(a.sun_path))
		return fail(s, "%s: socket path too long", path);
	strcpy(a.sun_path, path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return fail(s, "socket: %s", strerror(errno));
	if (connect(s->fd, (struct sockaddr *)&a, sizeof(a)))
		return fail(s, "cannot connect to %s: %s", path, strerror(errno));
	return 0;
}

int session_open(struct session *s, const char *path)
{
	json_t *ret;
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->timeout_ms = SESSION_TIMEOUT_MS;
	if (connect_unix(s, path))
		return -1;
	s->greeting = next_message(s);
	if (!s->greeting)
		return -1;
	if (!json_object_get(s->greeting, "QMP"))
		return fail(s, "%s does not speak QMP (no greeting)", path);
	r = session_execute(s, "qmp_capabilities", NULL, &ret);
	if (r > 0) {
		char why[sizeof(s->err)];

		memcpy(why, s->err, sizeof(why));
		return fail(s, "qmp_capabilities: %.400s", why);
	}
	json_decref(ret);
	return r;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	json_decref(s->greeting);
	s->greeting = NULL;
	json_decref(s->events);
	s->events = NULL;
}
