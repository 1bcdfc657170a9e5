// SPDX-License-Identifier: MIT
/*
 * The control socket's server: one thread, poll(), non-blocking clients,
 * bounded buffers. A client that sends more than QMP_MAX_REQUEST bytes of
 * one request, or lets more than QMP_MAX_PENDING_OUT bytes of replies and
 * events pile up unread, is told why (when it can be) and dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "exitstatus.h"
#include "qmp.h"
#include "vm.h"

struct qmp_client {
	int fd;
	bool closing;		/* flush what is queued, then close */
	char *in;
	size_t in_len;
	struct qmp_input_state input;
	char *out;
	size_t out_len, out_off;
};

struct qmp_server {
	struct vm *vm;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	int wake[2];		/* a byte here: events queued, or stop */
	pthread_t thread;
	bool has_thread;
	pthread_mutex_t lock;	/* clients' out buffers, stop */
	bool stop;
	struct qmp_client *clients[CONTROL_CLIENTS_MAX];
	unsigned int nr_clients, max_clients;
};

static void client_free(struct qmp_client *c)
{
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

/* Queues @msg (stolen) as one line. Called with s->lock held. */
static void client_queue(struct qmp_client *c, json_t *msg)
{
	char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
	size_t n;
	char *grown;

	json_decref(msg);
	if (!text || c->closing)
		goto out;
	n = strlen(text);
	if (c->out_len - c->out_off + n + 2 > QMP_MAX_PENDING_OUT) {
		c->closing = true;	/* it does not read: drop it */
		c->out_len = c->out_off = 0;
		goto out;
	}
	grown = realloc(c->out, c->out_len + n + 2);
	if (!grown) {
		c->closing = true;
		goto out;
	}
	c->out = grown;
	memcpy(c->out + c->out_len, text, n);
	memcpy(c->out + c->out_len + n, "\r\n", 2);
	c->out_len += n + 2;
out:
	free(text);
}

static void client_flush(struct qmp_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->closing = true;
			c->out_len = c->out_off = 0;
			return;
		}
		c->out_off += n;
	}
	c->out_len = c->out_off = 0;
}

static void wake(struct qmp_server *s)
{
	char b = 1;

	if (write(s->wake[1], &b, 1) < 0) {
		/* full pipe: a wake-up is already pending */
	}
}

void qmp_server_broadcast(struct qmp_server *s, json_t *event)
{
	if (!s || !event) {
		json_decref(event);
		return;
	}
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < s->nr_clients; i++)
		if (s->clients[i]->input.negotiated)
			client_queue(s->clients[i], json_incref(event));
	pthread_mutex_unlock(&s->lock);
	json_decref(event);
	wake(s);
}

/*
 * One error line to a client over the limit, then the close: a fresh
 * socket's buffer takes it whole, and a client that is not reading loses
 * nothing it asked for.
 */
static void refuse_client(int fd, unsigned int max_clients)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg),
			 "{\"error\":{\"class\":\"GenericError\",\"desc\":\"too many clients: this vmm serves %u at once\"}}\r\n",
			 max_clients);

	if (send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing more to tell it */
	}
	close(fd);
}

static void accept_client(struct qmp_server *s)
{
	struct qmp_client *c;
	int fd;

	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (s->nr_clients == s->max_clients) {
		/* no room: refuse, saying why, rather than starve the rest */
		refuse_client(fd, s->max_clients);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	pthread_mutex_lock(&s->lock);
	s->clients[s->nr_clients++] = c;
	client_queue(c, qmp_greeting());
	pthread_mutex_unlock(&s->lock);
}

/* Queues one reply; `quit` ends the VM after it. */
static bool client_reply(void *opaque, struct qmp_ctx *ctx, json_t *reply)
{
	struct qmp_client *c = opaque;
	struct qmp_server *s = ctx->server;

	pthread_mutex_lock(&s->lock);
	client_queue(c, reply);
	pthread_mutex_unlock(&s->lock);
	if (ctx->quit && s->vm) {
		client_flush(c);
		vm_end(s->vm, VM_END_QUIT, VMM_EXIT_OK);
	}
	return !c->closing;
}

/* Parses and runs every complete request in the client's input. */
static void handle_input(struct qmp_server *s, struct qmp_client *c)
{
	struct qmp_ctx ctx = { .vm = s->vm, .server = s };
	size_t off;

	if (c->closing)
		return;
	off = qmp_input_run(&ctx, c->in, c->in_len, c->in_len == QMP_MAX_REQUEST,
			    &c->input, client_reply, c);
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static void too_large(struct qmp_server *s, struct qmp_client *c)
{
	struct qmp_error err;

	qmp_errorf(&err, "GenericError",
		   "request longer than %u bytes: closing the connection",
		   QMP_MAX_REQUEST);
	pthread_mutex_lock(&s->lock);
	client_queue(c, json_pack("{s:{s:s,s:s}}", "error", "class", err.class,
				  "desc", err.desc));
	c->closing = true;
	pthread_mutex_unlock(&s->lock);
}

static void read_client(struct qmp_server *s, struct qmp_client *c)
{
	if (!c->in) {
		c->in = malloc(QMP_MAX_REQUEST);
		if (!c->in) {
			c->closing = true;
			return;
		}
	}
	for (;;) {
		ssize_t n;

		if (c->in_len == QMP_MAX_REQUEST) {
			too_large(s, c);
			return;
		}
		n = read(c->fd, c->in + c->in_len, QMP_MAX_REQUEST - c->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {	/* gone, mid-request or not */
			c->closing = true;
			c->out_len = c->out_off = 0;
			return;
		}
		c->in_len += n;
		handle_input(s, c);
		if (c->closing)
			return;
	}
}

static void drop_closed(struct qmp_server *s)
{
	unsigned int i = 0;

	pthread_mutex_lock(&s->lock);
	while (i < s->nr_clients) {
		struct qmp_client *c = s->clients[i];

		if (c->closing && c->out_off == c->out_len) {
			client_free(c);
			s->clients[i] = s->clients[--s->nr_clients];
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&s->lock);
}

static void *server_thread(void *arg)
{
	struct qmp_server *s = arg;
	struct pollfd pfd[CONTROL_CLIENTS_MAX + 2];

	for (;;) {
		unsigned int n, i;

		pthread_mutex_lock(&s->lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		for (i = 0; i < s->nr_clients; i++)
			client_flush(s->clients[i]);
		pthread_mutex_unlock(&s->lock);
		drop_closed(s);

		pfd[0] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		n = s->nr_clients;
		for (i = 0; i < n; i++) {
			struct qmp_client *c = s->clients[i];

			pfd[i + 2] = (struct pollfd){ .fd = c->fd,
				.events = (c->closing ? 0 : POLLIN) |
					  (c->out_len > c->out_off ? POLLOUT : 0) };
		}
		if (poll(pfd, n + 2, -1) < 0)
			continue;
		if (pfd[0].revents) {
			char buf[64];

			while (read(s->wake[0], buf, sizeof(buf)) > 0)
				;
		}
		for (i = 0; i < n; i++) {
			struct qmp_client *c = s->clients[i];

			if (pfd[i + 2].revents & (POLLERR | POLLNVAL)) {
				c->closing = true;
				c->out_len = c->out_off = 0;
			} else if (pfd[i + 2].revents & (POLLIN | POLLHUP)) {
				read_client(s, c);
			}
		}
		if (pfd[1].revents & POLLIN)
			accept_client(s);
	}
}

int qmp_clear_stale_socket(const char *path, struct errbuf *e)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, live;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return errf(e, "vmm: --control %s: %s", path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return errf(e, "vmm: --control %s: exists and is not a socket; not replacing it",
			    path);
	if (st.st_uid != geteuid())
		return errf(e, "vmm: --control %s: a socket of another user; not replacing it",
			    path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errf(e, "vmm: socket: %s", strerror(errno));
	memcpy(a.sun_path, path, strlen(path) + 1);
	live = !connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	if (live)
		return errf(e, "vmm: --control %s: another vmm is listening there",
			    path);
	if (unlink(path))
		return errf(e, "vmm: --control %s: cannot remove the stale socket: %s",
			    path, strerror(errno));
	return 0;
}

int qmp_listen_socket(const char *path, const char *what, struct errbuf *e)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, ret;

	if (strlen(path) >= sizeof(a.sun_path))
		return errf(e, "vmm: %s %s: longer than the %zu bytes a socket path may have",
			    what, path, sizeof(a.sun_path) - 1);
	if (qmp_clear_stale_socket(path, e))
		return -1;
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errf(e, "vmm: socket: %s", strerror(errno));
	old = umask(0177);	/* 0600 from the start: no window for others */
	ret = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (ret) {
		errf(e, "vmm: %s %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (listen(fd, 64)) {
		errf(e, "vmm: %s %s: listen: %s", what, path, strerror(errno));
		unlink(path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int qmp_server_start(struct qmp_server **out, struct vm *vm, const char *path,
		     unsigned int max_clients, struct errbuf *e)
{
	struct qmp_server *s;
	int ret;

	if (!max_clients || max_clients > CONTROL_CLIENTS_MAX)
		return errf(e, "vmm: control socket: %u clients at once is not from 1 to %u",
			    max_clients, CONTROL_CLIENTS_MAX);
	s = calloc(1, sizeof(*s));
	if (!s)
		return errf(e, "vmm: out of memory");
	s->vm = vm;
	s->max_clients = max_clients;
	s->listen_fd = s->wake[0] = s->wake[1] = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (pipe2(s->wake, O_NONBLOCK | O_CLOEXEC)) {
		errf(e, "vmm: pipe: %s", strerror(errno));
		goto fail;
	}
	s->listen_fd = qmp_listen_socket(path, "--control", e);
	if (s->listen_fd < 0)
		goto fail;
	memcpy(s->path, path, strlen(path) + 1);
	ret = pthread_create(&s->thread, NULL, server_thread, s);
	if (ret) {
		errf(e, "vmm: cannot start the control thread: %s", strerror(ret));
		goto fail;
	}
	s->has_thread = true;
	*out = s;
	return 0;
fail:
	qmp_server_stop(s);
	return -1;
}

void qmp_server_stop(struct qmp_server *s)
{
	if (!s)
		return;
	if (s->has_thread) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_mutex_unlock(&s->lock);
		wake(s);
		pthread_join(s->thread, NULL);
	}
	for (unsigned int i = 0; i < s->nr_clients; i++) {
		client_flush(s->clients[i]);
		client_free(s->clients[i]);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path[0])
		unlink(s->path);
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
