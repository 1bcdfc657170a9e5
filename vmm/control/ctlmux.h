/* SPDX-License-Identifier: MIT */
/*
 * The nested control link: many QMP connections over one byte stream. It
 * lives with the QMP server whose limits it shares (qmp.h); accel/nested.c,
 * the outer vmm, runs it too.
 *
 * Nested, vmm's control socket lives on the host and its QMP server inside
 * the runner; between them is one stream, QEMU's chardev socket on a
 * virtio-serial port, which carries one connection. A mux endpoint at each
 * end multiplexes clients over it, so each host client gets its own
 * connection to the server inside, as it would directly: its own greeting,
 * session, events and limits.
 *
 * The link carries frames: an 8-byte header, little-endian,
 *   u32 channel id (never 0), u16 type, u16 payload length,
 * then the payload. OPEN and CLOSE carry none; DATA carries 1 to
 * CTLMUX_MAX_PAYLOAD bytes of the channel's stream.
 *   OPEN   the host endpoint accepted a client: the other end connects it
 *          to its local server (CLOSE back when it cannot). Ids are never
 *          reused, so a late frame for a closed channel is harmless.
 *   DATA   bytes for the channel's local socket.
 *   CLOSE  the sender's socket is gone: deliver what came before it, then
 *          close; no CLOSE is sent back. A client's EOF closes its channel
 *          outright, as the QMP server drops a client at EOF.
 * A frame with an unknown type, a bad length or channel 0, and an OPEN of
 * an open channel, are a broken link: fatal for the endpoint, one error
 * line. DATA or CLOSE for an unknown channel is ignored (it crossed ours).
 *
 * Limits: CTLMUX_MAX_CHANNELS channels (the host endpoint refuses more with
 * a one-line QMP error); bytes queued for a channel's socket up to the QMP
 * server's own bound, QMP_MAX_PENDING_OUT: a channel that does not read is
 * dropped (closed, CLOSE sent), so the link is always read. Channels are
 * read only while the link's queue is below CTLMUX_LINK_HIGH; a peer that
 * lets it pass CTLMUX_LINK_MAX is a broken link. Memory stays bounded and
 * neither end can block the other.
 */
#ifndef VMM_CONTROL_CTLMUX_H
#define VMM_CONTROL_CTLMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qmp.h"
#include "err.h"

#define CTLMUX_HDR_LEN		8
#define CTLMUX_MAX_PAYLOAD	(16U << 10)
/* above the server's own limit, so that limit shows through unchanged */
#define CTLMUX_MAX_CHANNELS	(CONTROL_CLIENTS_DEFAULT + 16)
#define CTLMUX_CHAN_OUT_MAX	QMP_MAX_PENDING_OUT
#define CTLMUX_LINK_HIGH	(256U << 10)	/* stop reading channels */
#define CTLMUX_LINK_MAX		(4U << 20)	/* the peer does not read */
#define CTLMUX_HUP_RETRY_MS	100		/* a port with no peer yet */
#define CTLMUX_DRAIN_MS		2000

enum ctlmux_type {
	CTLMUX_OPEN = 1,
	CTLMUX_DATA = 2,
	CTLMUX_CLOSE = 3,
};

struct ctlmux_frame {
	uint32_t chan;
	uint16_t type;
	uint16_t len;
	const uint8_t *payload;	/* inside the parsed buffer */
};

/*
 * Parses the frame at the start of [buf, buf+len): returns its size with
 * @f filled in, 0 when more bytes are needed (a bad header is refused as
 * soon as it is whole), -1 for a malformed frame, with *@why saying how.
 * Pure: unit-tested and fuzzed.
 */
ssize_t ctlmux_frame_parse(const void *buf, size_t len,
			   struct ctlmux_frame *f, const char **why);

/* Writes a frame into @buf (CTLMUX_HDR_LEN + @len bytes); returns its size. */
size_t ctlmux_frame_put(void *buf, uint32_t chan, uint16_t type,
			const void *payload, uint16_t len);

struct ctlmux_config {
	/* the link: connected (@link_fd), or accepted once on @link_listen_fd */
	int link_fd;
	int link_listen_fd;
	/*
	 * A virtio-serial port: it reads EOF (POLLHUP) while no host end is
	 * connected. Then wait, polling every CTLMUX_HUP_RETRY_MS, and start
	 * afresh when it connects; otherwise EOF ends the link for good.
	 */
	bool link_hup_waits;
	int listen_fd;			/* clients: each opens a channel; or -1 */
	const char *connect_path;	/* the peer's OPENs connect here (copied); or NULL */
	size_t chan_out_max;		/* 0: CTLMUX_CHAN_OUT_MAX */
	const char *name;		/* starts the fatal error line */
};

struct ctlmux;

/* Takes every fd of @cfg (non-blocking or not), even on failure. */
struct ctlmux *ctlmux_new(const struct ctlmux_config *cfg, struct errbuf *e);

/*
 * Serves until @stop_fd is readable (returns 0; the byte is left there) or
 * the link breaks (returns -1 with one line in @e; the endpoint is dead:
 * free it).
 */
int ctlmux_run(struct ctlmux *m, int stop_fd, struct errbuf *e);

/*
 * The end: accepts nothing new and serves until every channel is closed
 * and the link's queue is flushed, or @timeout_ms passed. An endpoint
 * whose link never came, or is gone, delivers what it holds and closes.
 */
void ctlmux_drain(struct ctlmux *m, int timeout_ms);

/*
 * Serves on a thread of its own, which reports a broken link on stderr in
 * one line; ctlmux_free drains (CTLMUX_DRAIN_MS) and joins it.
 */
int ctlmux_start(struct ctlmux *m, struct errbuf *e);

/* Stops the thread if any, closes every fd, frees. */
void ctlmux_free(struct ctlmux *m);

#endif
