/* SPDX-License-Identifier: MIT */
/*
 * A QMP client session on a unix socket (QEMU's docs/interop/qmp-spec.rst):
 * connect, read the greeting, negotiate with qmp_capabilities, then run
 * commands one at a time, each with its own "id", skipping the events that
 * arrive while waiting for its reply.
 */
#ifndef VMMCTL_SESSION_H
#define VMMCTL_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A reply that takes longer than this is an error (milliseconds). */
#define SESSION_TIMEOUT_MS	60000
/* One message from the server may not be larger (bytes). */
#define SESSION_MAX_MESSAGE	(64U << 20)
/* Events that arrived while waiting for a reply, kept for a later wait. */
#define SESSION_EVENTS_KEPT	64

struct session {
	int fd;
	char *buf;		/* received, not yet parsed */
	size_t len, cap;
	unsigned long next_id;
	int timeout_ms;
	json_t *greeting;	/* the server's {"QMP": ...} */
	json_t *events;		/* kept while waiting for replies, or NULL */
	char err[512];		/* why the last call failed, one line */
};

/* Connects to @path and negotiates. 0, or -1 with s->err set. */
int session_open(struct session *s, const char *path);

/*
 * Runs @cmd with @args (stolen; NULL: none). Returns 0 with *ret the
 * "return" value (a new reference); 1 for a QMP error reply (s->err is its
 * "desc"); -1 when the socket or the server's JSON failed (s->err says how).
 */
int session_execute(struct session *s, const char *cmd, json_t *args,
		    json_t **ret);

/*
 * The first event, kept or still to come, that @match accepts (a new
 * reference), or NULL (s->err) when the socket fails or nothing comes for
 * s->timeout_ms. Events it does not accept are dropped.
 */
json_t *session_wait_event(struct session *s,
			   bool (*match)(json_t *event, void *arg), void *arg);

void session_close(struct session *s);

#endif
