// SPDX-License-Identifier: MIT
/*
 * The nested control link's endpoint: one poll() loop over the link, the
 * listening socket and every channel's socket, all non-blocking, with
 * bounded queues (see ctlmux.h for the contract).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "ctlmux.h"

#define LINK_READS_PER_POLL	64	/* then let the channels have a turn */
#define ACCEPTS_PER_POLL	16
#define CONNECT_TIMEOUT_S	1	/* the server's backlog is full */
#define HUP_TELL_MS		10000	/* a port with no host end: say so */

/* A queue of bytes to write: [off, len) of p. */
struct mbuf {
	char *p;
	size_t off, len, cap;
};

struct chan {
	uint32_t id;
	int fd;
	bool dead;		/* closed: reaped after this round */
	bool peer_closed;	/* CLOSE came: flush out, then close */
	struct mbuf out;
};

struct ctlmux {
	struct ctlmux_config cfg;
	char connect_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int link_fd, link_listen_fd, listen_fd;
	bool link_sock;		/* send(), not write(): no SIGPIPE */
	bool link_down;		/* hup_waits: no peer on the port now */
	long down_since;	/* ms; 0: not down */
	bool down_told;
	bool link_gone;		/* EOF for good: no more channels */
	bool draining;
	bool fatal;
	struct errbuf err;
	uint8_t in[CTLMUX_HDR_LEN + CTLMUX_MAX_PAYLOAD];
	size_t in_len;
	struct mbuf link_out;
	struct chan *chans[CTLMUX_MAX_CHANNELS];
	unsigned int nr;
	uint32_t next_id;
	/* ctlmux_start's thread */
	pthread_t thread;
	bool has_thread;
	int wake[2];
};

/* --- frames -------------------------------------------------------------- */

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v, p[1] = v >> 8;
}

ssize_t ctlmux_frame_parse(const void *buf, size_t len,
			   struct ctlmux_frame *f, const char **why)
{
	const uint8_t *p = buf;

	if (len < CTLMUX_HDR_LEN)
		return 0;
	f->chan = get_le32(p);
	f->type = get_le16(p + 4);
	f->len = get_le16(p + 6);
	f->payload = p + CTLMUX_HDR_LEN;
	if (!f->chan) {
		*why = "channel 0";
		return -1;
	}
	switch (f->type) {
	case CTLMUX_OPEN:
	case CTLMUX_CLOSE:
		if (f->len) {
			*why = "an OPEN or CLOSE with a payload";
			return -1;
		}
		break;
	case CTLMUX_DATA:
		if (!f->len || f->len > CTLMUX_MAX_PAYLOAD) {
			*why = "a DATA frame of 0 or more than CTLMUX_MAX_PAYLOAD bytes";
			return -1;
		}
		break;
	default:
		*why = "an unknown frame type";
		return -1;
	}
	if (len < CTLMUX_HDR_LEN + (size_t)f->len)
		return 0;
	return CTLMUX_HDR_LEN + f->len;
}

size_t ctlmux_frame_put(void *buf, uint32_t chan, uint16_t type,
			const void *payload, uint16_t len)
{
	uint8_t *p = buf;

	put_le32(p, chan);
	put_le16(p + 4, type);
	put_le16(p + 6, len);
	if (len && payload != p + CTLMUX_HDR_LEN)
		memcpy(p + CTLMUX_HDR_LEN, payload, len);
	return CTLMUX_HDR_LEN + len;
}

/* --- queues -------------------------------------------------------------- */

static size_t mbuf_pending(const struct mbuf *b)
{
	return b->len - b->off;
}

/* Room for @n more bytes at p + len; NULL when out of memory. */
static char *mbuf_reserve(struct mbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->off == b->len)
		b->off = b->len = 0;
	if (b->off && b->len + n > b->cap) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	if (b->len + n <= b->cap)
		return b->p + b->len;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return NULL;
	b->p = p;
	b->cap = cap;
	return b->p + b->len;
}

static void mbuf_free(struct mbuf *b)
{
	free(b->p);
	*b = (struct mbuf){ 0 };
}

/* Writes what @b holds to @fd: 0 (all, or it would block), -1 (it broke). */
static int mbuf_flush(struct mbuf *b, int fd, bool sock)
{
	while (b->off < b->len) {
		ssize_t n = sock ?
			send(fd, b->p + b->off, b->len - b->off, MSG_NOSIGNAL) :
			write(fd, b->p + b->off, b->len - b->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		b->off += n;
	}
	b->off = b->len = 0;
	return 0;
}

/* --- the link's side ----------------------------------------------------- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void set_fatal(struct ctlmux *m, const char *why, uint32_t chan)
{
	if (m->fatal)
		return;
	m->fatal = true;
	errf(&m->err, "%s: %s (channel %u); every forwarded client is disconnected",
	     m->cfg.name, why, chan);
}

/* Queues a frame on the link; nowhere to go once the link is gone. */
static void link_queue(struct ctlmux *m, uint32_t chan, uint16_t type,
		       const void *payload, uint16_t len)
{
	char *p;

	if (m->link_gone || m->fatal)
		return;
	if (mbuf_pending(&m->link_out) > CTLMUX_LINK_MAX) {
		set_fatal(m, "the peer does not read the link", chan);
		return;
	}
	p = mbuf_reserve(&m->link_out, CTLMUX_HDR_LEN + len);
	if (!p) {
		set_fatal(m, "out of memory", chan);
		return;
	}
	m->link_out.len += ctlmux_frame_put(p, chan, type, payload, len);
}

static bool link_backlogged(const struct ctlmux *m)
{
	return mbuf_pending(&m->link_out) >= CTLMUX_LINK_HIGH;
}

/* --- channels ------------------------------------------------------------ */

static struct chan *chan_find(struct ctlmux *m, uint32_t id)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (m->chans[i]->id == id && !m->chans[i]->dead)
			return m->chans[i];
	return NULL;
}

static unsigned int nr_live(const struct ctlmux *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		n += !m->chans[i]->dead;
	return n;
}

/* Closes @c's socket; @tell: the peer learns it with a CLOSE. */
static void chan_close(struct ctlmux *m, struct chan *c, bool tell)
{
	if (c->dead)
		return;
	if (tell)
		link_queue(m, c->id, CTLMUX_CLOSE, NULL, 0);
	close(c->fd);
	c->fd = -1;
	c->dead = true;
	mbuf_free(&c->out);
}

static void reap(struct ctlmux *m)
{
	unsigned int i = 0;

	while (i < m->nr) {
		if (m->chans[i]->dead) {
			free(m->chans[i]);
			m->chans[i] = m->chans[--m->nr];
			continue;
		}
		i++;
	}
}

static struct chan *chan_add(struct ctlmux *m, uint32_t id, int fd)
{
	struct chan *c;

	if (m->nr == CTLMUX_MAX_CHANNELS)
		reap(m);	/* after a round's channel loop: indexes are free */
	if (m->nr == CTLMUX_MAX_CHANNELS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->id = id;
	c->fd = fd;
	m->chans[m->nr++] = c;
	return c;
}

/* Bytes from the link for @c's socket; a socket that lags is dropped. */
static void chan_deliver(struct ctlmux *m, struct chan *c,
			 const uint8_t *p, size_t len)
{
	size_t max = m->cfg.chan_out_max ? m->cfg.chan_out_max : CTLMUX_CHAN_OUT_MAX;
	char *dst;

	if (c->peer_closed)
		return;		/* DATA after CLOSE: nothing to deliver it to */
	if (mbuf_pending(&c->out) + len > max) {
		chan_close(m, c, true);	/* it does not read: drop it */
		return;
	}
	dst = mbuf_reserve(&c->out, len);
	if (!dst) {
		chan_close(m, c, true);
		return;
	}
	memcpy(dst, p, len);
	c->out.len += len;
}

/* Its socket has something, or is gone: one DATA frame, or a CLOSE. */
static void chan_read(struct ctlmux *m, struct chan *c)
{
	char *dst = mbuf_reserve(&m->link_out, CTLMUX_HDR_LEN + CTLMUX_MAX_PAYLOAD);
	ssize_t n;

	if (!dst) {
		set_fatal(m, "out of memory", c->id);
		return;
	}
	do
		n = read(c->fd, dst + CTLMUX_HDR_LEN, CTLMUX_MAX_PAYLOAD);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		chan_close(m, c, true);
		return;
	}
	m->link_out.len += ctlmux_frame_put(dst, c->id, CTLMUX_DATA,
					    dst + CTLMUX_HDR_LEN, n);
}

static void chan_flush(struct ctlmux *m, struct chan *c)
{
	if (c->dead)
		return;
	if (mbuf_flush(&c->out, c->fd, true)) {
		chan_close(m, c, !c->peer_closed);
		return;
	}
	if (c->peer_closed && !mbuf_pending(&c->out))
		chan_close(m, c, false);
}

/* --- frames from the link ------------------------------------------------ */

static int connect_local(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CONNECT_TIMEOUT_S };
	int fd;

	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* a full backlog makes connect() wait: not for ever */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    fcntl(fd, F_SETFL, O_NONBLOCK)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void on_open(struct ctlmux *m, uint32_t id)
{
	int fd;

	if (chan_find(m, id)) {
		set_fatal(m, "an OPEN of an open channel", id);
		return;
	}
	fd = m->connect_path[0] && !m->draining &&
	     nr_live(m) < CTLMUX_MAX_CHANNELS ?
		connect_local(m->connect_path) : -1;
	if (fd >= 0 && !chan_add(m, id, fd)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		link_queue(m, id, CTLMUX_CLOSE, NULL, 0);
}

static void on_frame(struct ctlmux *m, const struct ctlmux_frame *f)
{
	struct chan *c;

	if (f->type == CTLMUX_OPEN) {
		on_open(m, f->chan);
		return;
	}
	c = chan_find(m, f->chan);
	if (!c)
		return;		/* it crossed our CLOSE */
	if (f->type == CTLMUX_DATA) {
		chan_deliver(m, c, f->payload, f->len);
		return;
	}
	c->peer_closed = true;
	chan_flush(m, c);
}

/* Handles every whole frame in the input; keeps the rest. */
static void link_parse(struct ctlmux *m)
{
	size_t off = 0;

	while (!m->fatal) {
		struct ctlmux_frame f = { 0 };
		const char *why = NULL;
		ssize_t n = ctlmux_frame_parse(m->in + off, m->in_len - off,
					       &f, &why);

		if (n < 0) {
			set_fatal(m, why, f.chan);
			return;
		}
		if (!n)
			break;
		on_frame(m, &f);
		off += n;
	}
	memmove(m->in, m->in + off, m->in_len - off);
	m->in_len -= off;
}

/* Every channel ends with the link; none of them can be told. */
static void link_lost(struct ctlmux *m)
{
	m->in_len = 0;
	m->link_out.off = m->link_out.len = 0;
	if (m->cfg.link_hup_waits) {
		/* a port whose host end left: a new one starts afresh */
		for (unsigned int i = 0; i < m->nr; i++)
			chan_close(m, m->chans[i], false);
		m->link_down = true;
		return;
	}
	/* what came before the EOF is still delivered */
	for (unsigned int i = 0; i < m->nr; i++) {
		m->chans[i]->peer_closed = true;
		chan_flush(m, m->chans[i]);
	}
	m->link_gone = true;
	if (m->link_fd >= 0)
		close(m->link_fd);
	m->link_fd = -1;
}

static void link_read(struct ctlmux *m)
{
	for (int i = 0; i < LINK_READS_PER_POLL && !m->fatal; i++) {
		ssize_t n = read(m->link_fd, m->in + m->in_len,
				 sizeof(m->in) - m->in_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			link_lost(m);
			return;
		}
		m->in_len += n;
		link_parse(m);
	}
}

static void link_accept(struct ctlmux *m)
{
	int fd = accept4(m->link_listen_fd, NULL, NULL,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* one link: nobody else may connect */
	close(m->link_listen_fd);
	m->link_listen_fd = -1;
	m->link_fd = fd;
	m->link_sock = true;
}

/*
 * A virtio port: is there a host end now? A long wait is said once: it
 * is why no client is served.
 */
static void link_check_peer(struct ctlmux *m)
{
	struct pollfd p = { .fd = m->link_fd, .events = POLLIN };

	if (!m->link_down)
		return;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		if (!m->down_since)
			m->down_since = now_ms();
		if (!m->down_told && now_ms() - m->down_since >= HUP_TELL_MS) {
			console_err("%s: no host end for %d s; waiting for it\n",
				    m->cfg.name, HUP_TELL_MS / 1000);
			m->down_told = true;
		}
		return;
	}
	m->link_down = false;
	m->down_since = 0;
}

/* --- clients ------------------------------------------------------------- */

/* A client we cannot serve: why, as the QMP server would say it. */
static void refuse(int fd, const char *why)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line),
		     "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}\r\n",
		     why);
	if (send(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* it went already */
	}
	close(fd);
}

static void accept_clients(struct ctlmux *m)
{
	for (int i = 0; i < ACCEPTS_PER_POLL; i++) {
		int fd = accept4(m->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		char why[128];
		uint32_t id;

		if (fd < 0)
			return;
		if (m->link_gone) {
			refuse(fd, "the vmm inside the nested runner is gone: closing");
			continue;
		}
		if (nr_live(m) >= CTLMUX_MAX_CHANNELS) {
			snprintf(why, sizeof(why),
				 "too many control connections (%u forwarded): closing",
				 CTLMUX_MAX_CHANNELS);
			refuse(fd, why);
			continue;
		}
		if (!m->next_id)
			m->next_id = 1;		/* never 0 */
		id = m->next_id++;
		if (!chan_add(m, id, fd)) {
			refuse(fd, "out of memory: closing");
			continue;
		}
		link_queue(m, id, CTLMUX_OPEN, NULL, 0);
	}
}

/* --- the loop ------------------------------------------------------------ */

/* The fd to poll for the link, and its events; -1 when there is none. */
static int link_poll_fd(struct ctlmux *m, short *events)
{
	if (m->link_listen_fd >= 0 && !m->draining) {
		*events = POLLIN;
		return m->link_listen_fd;
	}
	if (m->link_fd < 0 || m->link_down)
		return -1;
	*events = POLLIN | (mbuf_pending(&m->link_out) ? POLLOUT : 0);
	return m->link_fd;
}

/*
 * One round: flush, poll (at most @timeout_ms; -1: no limit), handle.
 * Returns 1 when @stop_fd is readable, -1 when the link broke, else 0.
 */
static int step(struct ctlmux *m, int stop_fd, int timeout_ms)
{
	struct pollfd pfd[3 + CTLMUX_MAX_CHANNELS];
	bool backlogged;
	unsigned int n, i;
	short link_events = 0;

	reap(m);
	link_check_peer(m);
	if (m->link_fd >= 0 && !m->link_down &&
	    mbuf_flush(&m->link_out, m->link_fd, m->link_sock))
		link_lost(m);
	for (i = 0; i < m->nr; i++)
		chan_flush(m, m->chans[i]);
	if (m->fatal)
		return -1;
	if (m->link_down && (timeout_ms < 0 || timeout_ms > CTLMUX_HUP_RETRY_MS))
		timeout_ms = CTLMUX_HUP_RETRY_MS;
	backlogged = link_backlogged(m);

	pfd[0] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	pfd[1].fd = link_poll_fd(m, &link_events);
	pfd[1].events = link_events;
	pfd[2] = (struct pollfd){ .events = POLLIN,
		.fd = m->draining || backlogged ? -1 : m->listen_fd };
	n = m->nr;
	for (i = 0; i < n; i++) {
		struct chan *c = m->chans[i];
		short ev = (c->peer_closed || backlogged ? 0 : POLLIN) |
			   (mbuf_pending(&c->out) ? POLLOUT : 0);

		/* POLLHUP comes unasked: a socket we may not read sits out */
		pfd[3 + i] = (struct pollfd){ .fd = c->dead || !ev ? -1 : c->fd,
					      .events = ev };
	}
	if (poll(pfd, 3 + n, timeout_ms) <= 0)
		return 0;
	if (pfd[0].revents)
		return 1;
	for (i = 0; i < n; i++) {
		struct chan *c = m->chans[i];
		short rev = pfd[3 + i].revents;
		bool may_read = pfd[3 + i].events & POLLIN;

		if (c->dead || !rev)
			continue;
		/* gone while we may not read it: a write says so */
		if ((rev & POLLOUT) || (!may_read && (rev & (POLLHUP | POLLERR))))
			chan_flush(m, c);
		if (!c->dead && may_read && !link_backlogged(m) &&
		    (rev & (POLLIN | POLLHUP | POLLERR)))
			chan_read(m, c);
	}
	if (pfd[1].revents && pfd[1].fd == m->link_listen_fd)
		link_accept(m);
	else if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		link_read(m);
	else if (pfd[1].revents & POLLOUT &&
		 mbuf_flush(&m->link_out, m->link_fd, m->link_sock))
		link_lost(m);
	if (pfd[2].revents)
		accept_clients(m);
	reap(m);
	return m->fatal ? -1 : 0;
}

int ctlmux_run(struct ctlmux *m, int stop_fd, struct errbuf *e)
{
	int ret;

	do
		ret = step(m, stop_fd, -1);
	while (!ret);
	if (ret < 0)
		*e = m->err;
	return ret < 0 ? -1 : 0;
}

void ctlmux_drain(struct ctlmux *m, int timeout_ms)
{
	long end = now_ms() + timeout_ms;

	m->draining = true;
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	m->listen_fd = -1;
	if (m->link_fd < 0 && !m->link_gone)
		link_lost(m);	/* it never came: nothing will */
	while (!m->fatal) {
		long left = end - now_ms();

		reap(m);
		if (left <= 0)
			break;
		if (!m->nr && (!mbuf_pending(&m->link_out) || m->link_down ||
			       m->link_fd < 0))
			break;
		step(m, -1, left);
	}
}

/* --- setup --------------------------------------------------------------- */

static bool is_socket(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISSOCK(st.st_mode);
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct ctlmux *ctlmux_new(const struct ctlmux_config *cfg, struct errbuf *e)
{
	int fds[] = { cfg->link_fd, cfg->link_listen_fd, cfg->listen_fd };
	const char *path = cfg->connect_path ? cfg->connect_path : "";
	struct ctlmux *m = NULL;

	if (strlen(path) >= sizeof(m->connect_path)) {
		errf(e, "vmm: %s: longer than a socket path may be", path);
		goto fail;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		errf(e, "vmm: out of memory");
		goto fail;
	}
	m->cfg = *cfg;
	memcpy(m->connect_path, path, strlen(path) + 1);
	if (!m->cfg.name)
		m->cfg.name = "vmm: control link";
	m->link_fd = cfg->link_fd;
	m->link_listen_fd = cfg->link_listen_fd;
	m->listen_fd = cfg->listen_fd;
	m->wake[0] = m->wake[1] = -1;
	m->next_id = 1;
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			set_nonblock(fds[i]);
	if (m->link_fd >= 0)
		m->link_sock = is_socket(m->link_fd);
	/* a port starts as if nobody were there: the first round looks */
	m->link_down = cfg->link_hup_waits && m->link_fd >= 0;
	return m;
fail:
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

static void *mux_thread(void *arg)
{
	struct ctlmux *m = arg;
	struct errbuf e;

	if (ctlmux_run(m, m->wake[0], &e)) {
		console_err("%s\n", e.msg);
		return NULL;
	}
	ctlmux_drain(m, CTLMUX_DRAIN_MS);
	return NULL;
}

int ctlmux_start(struct ctlmux *m, struct errbuf *e)
{
	int ret;

	if (pipe2(m->wake, O_NONBLOCK | O_CLOEXEC))
		return errf(e, "vmm: pipe: %s", strerror(errno));
	ret = pthread_create(&m->thread, NULL, mux_thread, m);
	if (ret)
		return errf(e, "vmm: cannot start the control link's thread: %s",
			    strerror(ret));
	m->has_thread = true;
	return 0;
}

void ctlmux_free(struct ctlmux *m)
{
	if (!m)
		return;
	if (m->has_thread) {
		char b = 1;

		if (write(m->wake[1], &b, 1) < 0) {
			/* the pipe is new and empty: cannot fail */
		}
		pthread_join(m->thread, NULL);
	}
	for (unsigned int i = 0; i < m->nr; i++)
		chan_close(m, m->chans[i], false);
	reap(m);
	mbuf_free(&m->link_out);
	for (int i = 0; i < 2; i++)
		if (m->wake[i] >= 0)
			close(m->wake[i]);
	if (m->link_fd >= 0)
		close(m->link_fd);
	if (m->link_listen_fd >= 0)
		close(m->link_listen_fd);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	free(m);
}
