// SPDX-License-Identifier: MIT
/*
 * The nested control link (vmm/control/ctlmux.c): its frame codec, and two
 * endpoints joined by one stream, as the outer vmm and the one inside the
 * runner are: a host endpoint whose socket clients connect to, and an
 * inner one that connects each channel to a small local server (it greets
 * each connection with "hello N", then echoes; "flood" makes it write
 * without end, "deaf" makes it stop reading, "bye" makes it hang up).
 * Checked: many channels at once, each with its own greeting and bytes;
 * clients that come before the link; the channel limit's one-line QMP
 * error; a malformed frame ends an endpoint, a frame for an unknown channel
 * does not; a channel that does not read is dropped at its bound, at
 * either end, while the others go on; CLOSE both ways.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control/ctlmux.h"

#define SRV_MAX		1024
#define FLOOD_BYTES	(64U << 20)
#define SMALL_OUT	(64U << 10)	/* a channel's bound, in the drop tests */
#define TIMEOUT_MS	20000

static char dir[64], host_path[108], server_path[108], link_path[108];

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* --- the local server ---------------------------------------------------- */

struct sconn {
	int fd;
	bool started;		/* its first bytes came: mode known */
	bool flood, deaf, closed;
	size_t flooded;
	char out[64 << 10];
	size_t out_len;
};

static struct server {
	int listen_fd, stop[2];
	pthread_t thread;
	struct sconn *conns[SRV_MAX];
	unsigned int nr;
	unsigned int accepted, closed;	/* atomics: the test reads them */
} srv;

static void sconn_close(struct sconn *c)
{
	close(c->fd);
	c->closed = true;
	__atomic_add_fetch(&srv.closed, 1, __ATOMIC_SEQ_CST);
}

static void sconn_accept(void)
{
	int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct sconn *c;

	if (fd < 0)
		return;
	cr_assert_lt(srv.nr, SRV_MAX);
	c = calloc(1, sizeof(*c));
	cr_assert(c);
	c->fd = fd;
	c->out_len = snprintf(c->out, sizeof(c->out), "hello %u\n",
			      __atomic_add_fetch(&srv.accepted, 1, __ATOMIC_SEQ_CST));
	srv.conns[srv.nr++] = c;
}

static void sconn_read(struct sconn *c)
{
	size_t room = sizeof(c->out) - c->out_len;
	ssize_t n = read(c->fd, c->out + c->out_len, room);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		sconn_close(c);
		return;
	}
	if (!c->started) {
		const char *p = c->out + c->out_len;

		c->started = true;
		if (n >= 3 && !memcmp(p, "bye", 3)) {
			sconn_close(c);
			return;
		}
		c->flood = n >= 5 && !memcmp(p, "flood", 5);
		c->deaf = n >= 4 && !memcmp(p, "deaf", 4);
		if (c->flood || c->deaf)
			return;	/* the command is not echoed */
	}
	c->out_len += n;	/* echoed */
}

static void sconn_write(struct sconn *c)
{
	static const char pattern[16 << 10];
	ssize_t n;

	if (c->out_len) {
		n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
		if (n > 0) {
			memmove(c->out, c->out + n, c->out_len - n);
			c->out_len -= n;
		}
	} else {
		n = send(c->fd, pattern, sizeof(pattern), MSG_NOSIGNAL);
		if (n > 0)
			c->flooded += n;
	}
	if (n < 0 && errno != EAGAIN)
		sconn_close(c);
}

static short sconn_events(const struct sconn *c)
{
	short ev = 0;

	if (!c->deaf && !c->flood && c->out_len < sizeof(c->out) / 2)
		ev |= POLLIN;
	if (c->out_len || (c->flood && c->flooded < FLOOD_BYTES))
		ev |= POLLOUT;
	return ev;
}

static void *server_thread(void *arg)
{
	static struct pollfd pfd[2 + SRV_MAX];

	for (;;) {
		unsigned int n = srv.nr, i;

		pfd[0] = (struct pollfd){ .fd = srv.stop[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = srv.listen_fd, .events = POLLIN };
		for (i = 0; i < n; i++) {
			struct sconn *c = srv.conns[i];

			pfd[2 + i] = (struct pollfd){ .fd = c->closed ? -1 : c->fd,
						      .events = sconn_events(c) };
		}
		if (poll(pfd, 2 + n, -1) < 0)
			continue;
		if (pfd[0].revents)
			return NULL;
		for (i = 0; i < n; i++) {
			struct sconn *c = srv.conns[i];
			short rev = pfd[2 + i].revents;

			if (c->closed || !rev)
				continue;
			if (rev & POLLOUT)
				sconn_write(c);
			if (c->closed)
				continue;
			if (rev & POLLIN)
				sconn_read(c);
			else if (rev & (POLLHUP | POLLERR))
				sconn_close(c);	/* a deaf or flooding one's peer left */
		}
		if (pfd[1].revents)
			sconn_accept();
	}
}

static int listen_at(const char *path)
{
	struct errbuf e;
	int fd = qmp_listen_socket(path, "test", &e);

	cr_assert_geq(fd, 0, "%s", e.msg);
	return fd;
}

static void server_start(void)
{
	memset(&srv, 0, sizeof(srv));
	srv.listen_fd = listen_at(server_path);
	cr_assert_eq(pipe(srv.stop), 0);
	cr_assert_eq(pthread_create(&srv.thread, NULL, server_thread, NULL), 0);
}

static void server_stop(void)
{
	cr_assert_eq(write(srv.stop[1], "x", 1), 1);
	pthread_join(srv.thread, NULL);
	for (unsigned int i = 0; i < srv.nr; i++) {
		if (!srv.conns[i]->closed)
			close(srv.conns[i]->fd);
		free(srv.conns[i]);
	}
	close(srv.listen_fd);
	close(srv.stop[0]);
	close(srv.stop[1]);
}

static unsigned int server_closed(void)
{
	return __atomic_load_n(&srv.closed, __ATOMIC_SEQ_CST);
}

static bool wait_closed(unsigned int want)
{
	long end = now_ms() + TIMEOUT_MS;

	while (server_closed() < want && now_ms() < end)
		usleep(10000);
	return server_closed() >= want;
}

/* --- endpoints ----------------------------------------------------------- */

/* An endpoint on a thread of the test's: ctlmux_run's result is kept. */
struct endpoint {
	struct ctlmux *m;
	int stop[2];
	pthread_t thread;
	int ret;
	struct errbuf e;
};

static void *endpoint_thread(void *arg)
{
	struct endpoint *ep = arg;

	ep->ret = ctlmux_run(ep->m, ep->stop[0], &ep->e);
	if (!ep->ret)
		ctlmux_drain(ep->m, 1000);
	return NULL;
}

static void endpoint_start(struct endpoint *ep, const struct ctlmux_config *cfg)
{
	struct errbuf e;

	memset(ep, 0, sizeof(*ep));
	ep->m = ctlmux_new(cfg, &e);
	cr_assert(ep->m, "%s", e.msg);
	cr_assert_eq(pipe(ep->stop), 0);
	cr_assert_eq(pthread_create(&ep->thread, NULL, endpoint_thread, ep), 0);
}

/* Stops it (or waits for its end: @wait_end); returns ctlmux_run's result. */
static int endpoint_stop(struct endpoint *ep, bool wait_end)
{
	if (!wait_end)
		cr_assert_eq(write(ep->stop[1], "x", 1), 1);
	pthread_join(ep->thread, NULL);
	ctlmux_free(ep->m);
	close(ep->stop[0]);
	close(ep->stop[1]);
	return ep->ret;
}

static struct ctlmux_config host_config(size_t out_max)
{
	return (struct ctlmux_config){
		.link_fd = -1, .link_listen_fd = -1,
		.listen_fd = listen_at(host_path),
		.chan_out_max = out_max, .name = "host",
	};
}

static struct ctlmux *inner_start(int link_fd, size_t out_max)
{
	struct ctlmux_config cfg = {
		.link_fd = link_fd, .link_listen_fd = -1, .listen_fd = -1,
		.connect_path = server_path, .chan_out_max = out_max,
		.name = "inner",
	};
	struct errbuf e;
	struct ctlmux *m = ctlmux_new(&cfg, &e);

	cr_assert(m, "%s", e.msg);
	cr_assert_eq(ctlmux_start(m, &e), 0, "%s", e.msg);
	return m;
}

static struct endpoint host;
static struct ctlmux *inner;

/* Both ends over a socketpair; each channel's bound @host_out, @inner_out. */
static void pair_start(size_t host_out, size_t inner_out)
{
	struct ctlmux_config cfg = host_config(host_out);
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cfg.link_fd = sv[0];
	endpoint_start(&host, &cfg);
	inner = inner_start(sv[1], inner_out);
}

static void pair_stop(void)
{
	ctlmux_free(inner);
	cr_assert_eq(endpoint_stop(&host, false), 0, "%s", host.e.msg);
}

/* --- clients ------------------------------------------------------------- */

static int client_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	strcpy(a.sun_path, host_path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0,
		     "connect: %s", strerror(errno));
	cr_assert_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static void client_send(int fd, const char *s)
{
	cr_assert_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Reads until @buf holds @want bytes or EOF; returns the bytes, -1 at a timeout. */
static ssize_t client_read(int fd, char *buf, size_t want, bool *eof)
{
	long end = now_ms() + TIMEOUT_MS;
	size_t got = 0;

	*eof = false;
	while (got < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, end - now_ms()) <= 0)
			return -1;
		n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0) {
			*eof = true;
			break;
		}
		got += n;
	}
	return got;
}

/* Reads the greeting line, "hello N\n"; returns N. */
static unsigned int client_greeting(int fd)
{
	char line[32] = "";
	unsigned int n;
	bool eof;

	for (size_t i = 0; i < sizeof(line) - 1; i++) {
		cr_assert_eq(client_read(fd, line + i, 1, &eof), 1,
			     "no greeting (got '%s')", line);
		if (line[i] == '\n')
			break;
	}
	cr_assert_eq(sscanf(line, "hello %u\n", &n), 1, "greeting '%s'", line);
	return n;
}

/* Sends @s and reads it back. */
static void client_echo(int fd, const char *s)
{
	char buf[256] = "";
	bool eof;

	client_send(fd, s);
	cr_assert_eq(client_read(fd, buf, strlen(s), &eof), (ssize_t)strlen(s));
	cr_assert_str_eq(buf, s);
}

/* Reads until EOF (or a timeout: -1); returns the bytes read. */
static ssize_t client_drain(int fd)
{
	static char buf[64 << 10];
	ssize_t total = 0, n;
	bool eof = false;

	while (!eof) {
		n = client_read(fd, buf, sizeof(buf), &eof);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/*
 * Four fds a channel (client, both ends, server) and the tests' own: a
 * soft limit of 1024 is too few for CTLMUX_MAX_CHANNELS + 1 clients.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	strcpy(dir, "/tmp/test_ctlmux.XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(host_path, sizeof(host_path), "%s/host.qmp", dir);
	snprintf(server_path, sizeof(server_path), "%s/server.qmp", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	server_start();
}

static void teardown(void)
{
	server_stop();
	unlink(host_path);
	unlink(server_path);
	unlink(link_path);
	rmdir(dir);
}

/* --- the codec ----------------------------------------------------------- */

Test(ctlmux_frame, round_trip_and_partial)
{
	uint8_t buf[CTLMUX_HDR_LEN + CTLMUX_MAX_PAYLOAD];
	static const uint8_t want[] = { 0x04, 0x03, 0x02, 0x01, 0x02, 0x00,
					0x03, 0x00, 'a', 'b', 'c' };
	struct ctlmux_frame f;
	const char *why = NULL;
	size_t n = ctlmux_frame_put(buf, 0x01020304, CTLMUX_DATA, "abc", 3);

	cr_assert_eq(n, sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want), "little-endian header");
	for (size_t len = 0; len < n; len++)
		cr_assert_eq(ctlmux_frame_parse(buf, len, &f, &why), 0,
			     "%zu bytes are not a frame yet", len);
	cr_assert_eq(ctlmux_frame_parse(buf, n + 5, &f, &why), (ssize_t)n);
	cr_assert_eq(f.chan, 0x01020304);
	cr_assert_eq(f.type, CTLMUX_DATA);
	cr_assert_eq(f.len, 3);
	cr_assert_eq(f.payload, buf + CTLMUX_HDR_LEN);

	n = ctlmux_frame_put(buf, 7, CTLMUX_DATA, NULL, 0);
	memset(buf + CTLMUX_HDR_LEN, 'x', CTLMUX_MAX_PAYLOAD);
	n = ctlmux_frame_put(buf, 7, CTLMUX_DATA, buf + CTLMUX_HDR_LEN,
			     CTLMUX_MAX_PAYLOAD);
	cr_assert_eq(ctlmux_frame_parse(buf, n, &f, &why), (ssize_t)n);
	cr_assert_eq(f.len, CTLMUX_MAX_PAYLOAD);
	n = ctlmux_frame_put(buf, 9, CTLMUX_OPEN, NULL, 0);
	cr_assert_eq(ctlmux_frame_parse(buf, n, &f, &why), CTLMUX_HDR_LEN);
	n = ctlmux_frame_put(buf, 9, CTLMUX_CLOSE, NULL, 0);
	cr_assert_eq(ctlmux_frame_parse(buf, n, &f, &why), CTLMUX_HDR_LEN);
	cr_assert_eq(f.type, CTLMUX_CLOSE);
}

/* A bad header is refused once whole, before its payload is there. */
Test(ctlmux_frame, malformed)
{
	static const struct {
		uint32_t chan;
		uint16_t type, len;
		const char *why;
	} bad[] = {
		{ 1, 0, 0, "unknown frame type" },
		{ 1, 4, 0, "unknown frame type" },
		{ 1, 0xffff, 1, "unknown frame type" },
		{ 1, CTLMUX_DATA, 0, "DATA frame" },
		{ 1, CTLMUX_DATA, CTLMUX_MAX_PAYLOAD + 1, "DATA frame" },
		{ 1, CTLMUX_DATA, 0xffff, "DATA frame" },
		{ 1, CTLMUX_OPEN, 1, "with a payload" },
		{ 1, CTLMUX_CLOSE, 8, "with a payload" },
		{ 0, CTLMUX_DATA, 1, "channel 0" },
		{ 0, CTLMUX_OPEN, 0, "channel 0" },
	};
	uint8_t buf[CTLMUX_HDR_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctlmux_frame f;
		const char *why = NULL;

		ctlmux_frame_put(buf, bad[i].chan, bad[i].type, NULL, 0);
		buf[6] = bad[i].len, buf[7] = bad[i].len >> 8;
		cr_assert_eq(ctlmux_frame_parse(buf, sizeof(buf), &f, &why), -1,
			     "case %zu", i);
		cr_assert(why && strstr(why, bad[i].why), "case %zu: '%s'", i,
			  why ? why : "(null)");
	}
}

/* --- two endpoints ------------------------------------------------------- */

#define NR_MANY		200
#define MANY_BYTES	(20U << 10)

static void many_payload(unsigned int k, char *p)
{
	int n = sprintf(p, "client %u\n", k);

	for (size_t j = n; j < MANY_BYTES; j++)
		p[j] = 'a' + (k * 7 + j * 13) % 26;
}

/*
 * NR_MANY clients, connected before the link exists, each sending and
 * reading back MANY_BYTES at once: each gets one greeting of its own and
 * exactly its bytes.
 */
Test(ctlmux, many_channels_at_once, .init = setup, .fini = teardown,
     .timeout = 60)
{
	static char sent[NR_MANY][MANY_BYTES], got[NR_MANY][32 + MANY_BYTES];
	static size_t nsent[NR_MANY], ngot[NR_MANY];
	static struct pollfd pfd[NR_MANY];
	static bool seen[NR_MANY + 1];
	struct ctlmux_config cfg = host_config(0);
	long end = now_ms() + TIMEOUT_MS;
	unsigned int done = 0;
	int fds[NR_MANY], link;
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	cfg.link_listen_fd = listen_at(link_path);
	endpoint_start(&host, &cfg);
	for (unsigned int k = 0; k < NR_MANY; k++) {
		fds[k] = client_connect();
		many_payload(k, sent[k]);
	}
	/* the link comes last, as QEMU's connection may */
	link = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(a.sun_path, link_path);
	cr_assert_eq(connect(link, (struct sockaddr *)&a, sizeof(a)), 0);
	inner = inner_start(link, 0);

	while (done < NR_MANY && now_ms() < end) {
		for (unsigned int k = 0; k < NR_MANY; k++)
			pfd[k] = (struct pollfd){ .fd = fds[k], .events = POLLIN |
				(nsent[k] < MANY_BYTES ? POLLOUT : 0) };
		cr_assert_geq(poll(pfd, NR_MANY, 1000), 0);
		for (unsigned int k = 0; k < NR_MANY; k++) {
			ssize_t n;

			if (pfd[k].revents & POLLOUT) {
				n = send(fds[k], sent[k] + nsent[k],
					 MANY_BYTES - nsent[k], MSG_NOSIGNAL);
				if (n > 0)
					nsent[k] += n;
			}
			if (!(pfd[k].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(fds[k], got[k] + ngot[k],
				 sizeof(got[k]) - ngot[k]);
			cr_assert_neq(n, 0, "client %u: EOF after %zu bytes", k,
				      ngot[k]);
			if (n > 0)
				ngot[k] += n;
		}
		done = 0;
		for (unsigned int k = 0; k < NR_MANY; k++) {
			char *nl = memchr(got[k], '\n', ngot[k]);

			done += nl && ngot[k] - (nl + 1 - got[k]) == MANY_BYTES;
		}
	}
	cr_assert_eq(done, NR_MANY, "%u of %d clients got all their bytes back",
		     done, NR_MANY);
	for (unsigned int k = 0; k < NR_MANY; k++) {
		char *nl = memchr(got[k], '\n', ngot[k]);
		unsigned int hello;

		cr_assert_eq(sscanf(got[k], "hello %u\n", &hello), 1,
			     "client %u: greeting", k);
		cr_assert(hello >= 1 && hello <= NR_MANY && !seen[hello],
			  "client %u: greeting %u twice or out of range", k, hello);
		seen[hello] = true;
		cr_assert_arr_eq(nl + 1, sent[k], MANY_BYTES,
				 "client %u: not its own bytes back", k);
		close(fds[k]);
	}
	cr_assert(wait_closed(NR_MANY), "%u of %d server connections closed",
		  server_closed(), NR_MANY);
	pair_stop();
}

/* One over the limit: the QMP error line and EOF; room again once one leaves. */
Test(ctlmux, channel_limit, .init = setup, .fini = teardown, .timeout = 60)
{
	static int fds[CTLMUX_MAX_CHANNELS];
	static const char want[] = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"too many control connections";
	char buf[256] = "";
	struct rlimit rl;
	long end;
	bool eof;
	int fd;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 4 * CTLMUX_MAX_CHANNELS + 64)
		cr_skip_test("RLIMIT_NOFILE %lu: too few fds for %d channels",
			     (unsigned long)rl.rlim_cur, CTLMUX_MAX_CHANNELS);
	pair_start(0, 0);
	for (unsigned int k = 0; k < CTLMUX_MAX_CHANNELS; k++) {
		fds[k] = client_connect();
		client_greeting(fds[k]);	/* its channel is open */
	}
	fd = client_connect();
	cr_assert_gt(client_read(fd, buf, sizeof(buf) - 1, &eof), 0);
	cr_assert(eof, "the refused client is closed");
	cr_assert(!strncmp(buf, want, strlen(want)), "got '%s'", buf);
	cr_assert(strstr(buf, "}}\r\n"), "one line: '%s'", buf);
	close(fd);

	close(fds[0]);
	for (end = now_ms() + TIMEOUT_MS; now_ms() < end; usleep(20000)) {
		memset(buf, 0, sizeof(buf));
		fd = client_connect();
		cr_assert_gt(client_read(fd, buf, 6, &eof), 0);
		if (!strncmp(buf, "hello ", 6))
			break;
		close(fd);	/* its close is not seen yet */
		fd = -1;
	}
	cr_assert_geq(fd, 0, "no room after a client left");
	do
		cr_assert_eq(client_read(fd, buf, 1, &eof), 1);
	while (buf[0] != '\n');	/* the rest of the greeting */
	client_echo(fd, "still here\n");
	close(fd);
	for (unsigned int k = 1; k < CTLMUX_MAX_CHANNELS; k++)
		close(fds[k]);
	pair_stop();
}

/* CLOSE both ways: a client's close reaches the server, the server's the client. */
Test(ctlmux, close_both_ways, .init = setup, .fini = teardown, .timeout = 60)
{
	int a, b;

	pair_start(0, 0);
	a = client_connect();
	client_greeting(a);
	client_echo(a, "ping\n");
	close(a);
	cr_assert(wait_closed(1), "the server's end stayed open");

	b = client_connect();
	client_greeting(b);
	client_send(b, "bye");
	cr_assert_eq(client_drain(b), 0, "the client was not closed after the server's end");
	close(b);
	pair_stop();
}

/*
 * A client that does not read while its server floods it is dropped at the
 * host end's bound; another client goes on as before.
 */
Test(ctlmux, slow_reader_dropped, .init = setup, .fini = teardown,
     .timeout = 60)
{
	ssize_t n;
	int slow, other;

	pair_start(SMALL_OUT, 0);
	other = client_connect();
	client_greeting(other);
	slow = client_connect();
	client_greeting(slow);
	client_send(slow, "flood");
	client_echo(other, "during\n");
	cr_assert(wait_closed(1), "the flood went on: the slow client was not dropped");
	n = client_drain(slow);
	cr_assert(n >= 0 && n < (ssize_t)FLOOD_BYTES,
		  "the slow client read %zd bytes, then no EOF", n);
	client_echo(other, "after\n");
	close(slow);
	close(other);
	pair_stop();
}

/*
 * A server that does not read is the inner end's slow reader: its channel
 * is dropped at that end's bound, the client closed; the link goes on.
 */
Test(ctlmux, deaf_server_dropped, .init = setup, .fini = teardown,
     .timeout = 60)
{
	static char chunk[64 << 10];
	long end = now_ms() + TIMEOUT_MS;
	size_t sent = 0;
	bool gone = false;
	int deaf, other;

	pair_start(0, SMALL_OUT);
	deaf = client_connect();
	client_greeting(deaf);
	client_send(deaf, "deaf");
	while (!gone && now_ms() < end) {
		struct pollfd p = { .fd = deaf, .events = POLLIN | POLLOUT };
		ssize_t n;

		cr_assert_geq(poll(&p, 1, 1000), 0);
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			gone = read(deaf, chunk, sizeof(chunk)) <= 0;
			continue;
		}
		n = send(deaf, chunk, sizeof(chunk), MSG_NOSIGNAL);
		gone = n < 0 && errno != EAGAIN;
		if (n > 0)
			sent += n;
	}
	cr_assert(gone, "a client writing to a deaf server was not dropped (%zu bytes sent)",
		  sent);
	cr_assert(wait_closed(1), "the deaf server's connection stayed open");
	other = client_connect();
	client_greeting(other);
	client_echo(other, "the link goes on\n");
	close(deaf);
	close(other);
	pair_stop();
}

/* --- a raw link ---------------------------------------------------------- */

static struct {
	uint8_t buf[2 * (CTLMUX_HDR_LEN + CTLMUX_MAX_PAYLOAD)];
	size_t len;
} raw_in;

static void raw_send(int fd, uint32_t chan, uint16_t type, const char *s)
{
	uint8_t buf[CTLMUX_HDR_LEN + 256];
	size_t n = ctlmux_frame_put(buf, chan, type, s, s ? strlen(s) : 0);

	cr_assert_eq(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* The next frame from the endpoint; its payload as a string in @payload. */
static struct ctlmux_frame raw_recv(int fd, char *payload, size_t max)
{
	long end = now_ms() + TIMEOUT_MS;
	struct ctlmux_frame f;
	const char *why;
	ssize_t n;

	while (!(n = ctlmux_frame_parse(raw_in.buf, raw_in.len, &f, &why))) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;

		cr_assert_gt(poll(&p, 1, end - now_ms()), 0, "no frame");
		got = read(fd, raw_in.buf + raw_in.len,
			   sizeof(raw_in.buf) - raw_in.len);
		cr_assert_gt(got, 0, "the endpoint closed the link");
		raw_in.len += got;
	}
	cr_assert_gt(n, 0, "a malformed frame from the endpoint: %s", why);
	cr_assert_lt(f.len, max);
	memcpy(payload, f.payload, f.len);
	payload[f.len] = '\0';
	memmove(raw_in.buf, raw_in.buf + n, raw_in.len - n);
	raw_in.len -= n;
	return f;
}

static void raw_expect(int fd, uint32_t chan, uint16_t type, const char *prefix)
{
	char payload[CTLMUX_MAX_PAYLOAD + 1];
	struct ctlmux_frame f = raw_recv(fd, payload, sizeof(payload));

	cr_assert_eq(f.chan, chan);
	cr_assert_eq(f.type, type, "type %u, not %u", f.type, type);
	cr_assert(!strncmp(payload, prefix, strlen(prefix)), "payload '%s', not '%s...'",
		  payload, prefix);
}

/* The inner endpoint over a link the test speaks frame by frame. */
static int raw_inner_start(struct endpoint *ep)
{
	struct ctlmux_config cfg = {
		.link_fd = -1, .link_listen_fd = -1, .listen_fd = -1,
		.connect_path = server_path, .name = "inner",
	};
	int sv[2];

	raw_in.len = 0;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cfg.link_fd = sv[1];
	endpoint_start(ep, &cfg);
	return sv[0];
}

/* Frames one by one: OPEN, DATA, CLOSE each way; strays are ignored. */
Test(ctlmux, raw_frames, .init = setup, .fini = teardown, .timeout = 60)
{
	struct endpoint ep;
	int link = raw_inner_start(&ep);

	raw_send(link, 9, CTLMUX_DATA, "for nobody");
	raw_send(link, 9, CTLMUX_CLOSE, NULL);
	raw_send(link, 5, CTLMUX_OPEN, NULL);
	raw_expect(link, 5, CTLMUX_DATA, "hello 1\n");
	raw_send(link, 5, CTLMUX_DATA, "ping");
	raw_expect(link, 5, CTLMUX_DATA, "ping");
	raw_send(link, 5, CTLMUX_CLOSE, NULL);
	cr_assert(wait_closed(1), "CLOSE did not close the server's end");
	raw_send(link, 5, CTLMUX_DATA, "late");	/* crossed: ignored */

	raw_send(link, 6, CTLMUX_OPEN, NULL);
	raw_expect(link, 6, CTLMUX_DATA, "hello 2\n");
	raw_send(link, 6, CTLMUX_DATA, "bye");
	raw_expect(link, 6, CTLMUX_CLOSE, "");
	cr_assert_eq(endpoint_stop(&ep, false), 0, "%s", ep.e.msg);
	close(link);
}

/* An endpoint with no server to connect to answers OPEN with CLOSE. */
Test(ctlmux, open_refused, .init = setup, .fini = teardown, .timeout = 60)
{
	struct endpoint ep;
	int link;

	unlink(server_path);
	link = raw_inner_start(&ep);
	raw_send(link, 3, CTLMUX_OPEN, NULL);
	raw_expect(link, 3, CTLMUX_CLOSE, "");
	cr_assert_eq(endpoint_stop(&ep, false), 0, "%s", ep.e.msg);
	close(link);
}

/* A malformed frame, or an OPEN of an open channel, ends the endpoint. */
Test(ctlmux, malformed_link_is_fatal, .init = setup, .fini = teardown,
     .timeout = 60)
{
	static const struct {
		uint16_t type, len;
		const char *why;
	} bad[] = {
		{ 7, 0, "unknown frame type" },
		{ CTLMUX_DATA, CTLMUX_MAX_PAYLOAD + 1, "DATA frame" },
		{ CTLMUX_OPEN, 0, "OPEN of an open channel" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t hdr[CTLMUX_HDR_LEN];
		struct endpoint ep;
		int link = raw_inner_start(&ep);

		raw_send(link, 4, CTLMUX_OPEN, NULL);
		raw_expect(link, 4, CTLMUX_DATA, "hello");
		ctlmux_frame_put(hdr, 4, bad[i].type, NULL, 0);
		hdr[6] = bad[i].len, hdr[7] = bad[i].len >> 8;
		cr_assert_eq(send(link, hdr, sizeof(hdr), MSG_NOSIGNAL),
			     (ssize_t)sizeof(hdr));
		cr_assert_eq(endpoint_stop(&ep, true), -1, "case %zu: not fatal", i);
		cr_assert(strstr(ep.e.msg, bad[i].why) && !strchr(ep.e.msg, '\n') &&
			  !strncmp(ep.e.msg, "inner: ", 7),
			  "case %zu: '%s'", i, ep.e.msg);
		close(link);
	}
	cr_assert(wait_closed(3), "a fatal error left the server's ends open");
}

/* A client that comes and goes before the link exists: later ones are served. */
Test(ctlmux, gone_before_link, .init = setup, .fini = teardown, .timeout = 60)
{
	struct ctlmux_config cfg = host_config(0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int early, late, link;

	cfg.link_listen_fd = listen_at(link_path);
	endpoint_start(&host, &cfg);
	early = client_connect();
	client_send(early, "ping\n");
	close(early);
	usleep(200000);
	link = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(a.sun_path, link_path);
	cr_assert_eq(connect(link, (struct sockaddr *)&a, sizeof(a)), 0);
	inner = inner_start(link, 0);
	cr_assert(wait_closed(1), "the early client's server end stayed open");
	late = client_connect();
	client_greeting(late);
	client_echo(late, "late\n");
	close(late);
	pair_stop();
}
