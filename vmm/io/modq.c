// SPDX-License-Identifier: MIT
/* The module request queue: see modq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modq.h"

void modq_init(struct modq *q, void (*kick)(void *opaque), void *opaque)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	q->kick = kick;
	q->opaque = opaque;
}

static void req_free(struct modq_req *r)
{
	if (!r)
		return;
	free(r->image);
	free(r->leaks);
	free(r);
}

void modq_destroy(struct modq *q)
{
	for (unsigned int i = 0; i < q->nr; i++)
		req_free(q->req[i]);
	q->nr = 0;
	pthread_mutex_destroy(&q->lock);
}

static int copy_name(char *dst, const char *name, struct errbuf *e)
{
	size_t len = strlen(name);

	if (!len)
		return errf(e, "empty module name");
	if (len >= MV_MODULE_NAME_MAX)
		return errf(e, "module name is %zu bytes, more than %u",
			    len, MV_MODULE_NAME_MAX - 1);
	memcpy(dst, name, len + 1);
	return 0;
}

/* Takes @r (freed on failure) into the queue and kicks the guest. */
static int enqueue(struct modq *q, struct modq_req *r, uint64_t *id,
		   struct errbuf *e)
{
	pthread_mutex_lock(&q->lock);
	if (q->nr == MV_MODULE_QUEUE_MAX) {
		pthread_mutex_unlock(&q->lock);
		req_free(r);
		return errf(e, "module queue full (%u requests waiting)",
			    MV_MODULE_QUEUE_MAX);
	}
	r->id = ++q->next_id;
	q->req[q->nr++] = r;
	*id = r->id;
	pthread_mutex_unlock(&q->lock);
	if (q->kick)
		q->kick(q->opaque);
	return 0;
}

int modq_add_load(struct modq *q, const char *name, const void *image,
		  size_t size, const char *params, bool from_cmdline,
		  uint64_t *id, struct errbuf *e)
{
	struct modq_req *r;
	size_t plen = params ? strlen(params) : 0;

	if (!size)
		return errf(e, "module image is empty");
	if (size > MV_MODULE_IMAGE_MAX)
		return errf(e, "module image is %zu bytes, more than %u",
			    size, MV_MODULE_IMAGE_MAX);
	if (plen >= MV_MODULE_PARAMS_MAX)
		return errf(e, "module parameters are %zu bytes, more than %u",
			    plen, MV_MODULE_PARAMS_MAX - 1);
	r = calloc(1, sizeof(*r));
	if (!r || !(r->image = malloc(size))) {
		free(r);
		return errf(e, "out of memory for a %zu-byte module", size);
	}
	if (copy_name(r->name, name, e)) {
		req_free(r);
		return -1;
	}
	r->kind = MV_MODULE_REQ_LOAD;
	r->from_cmdline = from_cmdline;
	memcpy(r->image, image, size);
	r->size = size;
	if (plen)
		memcpy(r->params, params, plen + 1);
	return enqueue(q, r, id, e);
}

int modq_add_unload(struct modq *q, const char *name, uint64_t *id,
		    struct errbuf *e)
{
	struct modq_req *r = calloc(1, sizeof(*r));

	if (!r)
		return errf(e, "out of memory");
	if (copy_name(r->name, name, e)) {
		req_free(r);
		return -1;
	}
	r->kind = MV_MODULE_REQ_UNLOAD;
	return enqueue(q, r, id, e);
}

int modq_fetch(struct modq *q, struct mv_hc_module *m)
{
	struct modq_req *r = NULL;

	pthread_mutex_lock(&q->lock);
	for (unsigned int i = 0; i < q->nr && !r; i++)
		if (!q->req[i]->fetched)
			r = q->req[i];
	memset(m->name, 0, sizeof(m->name));
	memset(m->params, 0, sizeof(m->params));
	m->kind = MV_MODULE_REQ_NONE;
	m->id = 0;
	m->size = 0;
	if (r) {
		r->fetched = true;
		m->id = r->id;
		m->kind = r->kind;
		m->size = r->size;
		memcpy(m->name, r->name, sizeof(m->name));
		memcpy(m->params, r->params, sizeof(m->params));
	}
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* The index of the handed-out request @id, or -1; under q->lock. */
static int find_fetched(struct modq *q, uint64_t id)
{
	for (unsigned int i = 0; i < q->nr; i++)
		if (q->req[i]->id == id && q->req[i]->fetched)
			return (int)i;
	return -1;
}

/*
 * The handed-out request @m->id of @kind, or NULL with the guest's answer
 * in *@ret (-ENOENT: no such request; -EINVAL: not of @kind); under lock.
 */
static struct modq_req *handed_out(struct modq *q,
				   const struct mv_hc_module *m,
				   enum mv_module_req_kind kind, int *ret)
{
	int i = find_fetched(q, m->id);

	*ret = i < 0 ? -ENOENT : q->req[i]->kind != kind ? -EINVAL : 0;
	return *ret ? NULL : q->req[i];
}

int modq_read(struct modq *q, const struct mv_hc_module *m, void *dst)
{
	struct modq_req *r;
	int ret;

	pthread_mutex_lock(&q->lock);
	r = handed_out(q, m, MV_MODULE_REQ_LOAD, &ret);
	if (r && (m->offset > r->size || m->len > r->size - m->offset))
		ret = -EINVAL;
	else if (r)
		memcpy(dst, r->image + m->offset, m->len);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

int modq_leak(struct modq *q, const struct mv_hc_module *m)
{
	struct modq_req *r;
	int ret;

	pthread_mutex_lock(&q->lock);
	r = handed_out(q, m, MV_MODULE_REQ_UNLOAD, &ret);
	if (r && !r->leaks)
		r->leaks = calloc(MODQ_LEAKS_MAX, sizeof(*r->leaks));
	if (r && r->leaks && r->nr_leaks < MODQ_LEAKS_MAX)
		r->leaks[r->nr_leaks++] = m->leak;
	else if (r)
		r->leaks_dropped++;	/* counted, not kept */
	pthread_mutex_unlock(&q->lock);
	return ret;
}

static void fill_done(struct modq_done *d, struct modq_req *r,
		      const struct mv_hc_module *m)
{
	memset(d, 0, sizeof(*d));
	d->id = r->id;
	d->kind = r->kind;
	d->from_cmdline = r->from_cmdline;
	memcpy(d->name, r->name, sizeof(d->name));
	d->status = m->status > 0 ? -m->status : m->status;
	memcpy(d->msg, m->msg, sizeof(d->msg));
	d->msg[sizeof(d->msg) - 1] = '\0';
	d->base = m->base;
	d->core_size = m->core_size;
	d->tests_run = m->tests_run;
	d->tests_failed = m->tests_failed;
	d->leaks = r->leaks;
	d->nr_leaks = r->nr_leaks;
	d->leaks_dropped = r->leaks_dropped;
	r->leaks = NULL;
}

int modq_done(struct modq *q, const struct mv_hc_module *m,
	      struct modq_done *d)
{
	struct modq_req *r;
	int i;

	pthread_mutex_lock(&q->lock);
	i = find_fetched(q, m->id);
	if (i < 0) {
		pthread_mutex_unlock(&q->lock);
		return -ENOENT;
	}
	r = q->req[i];
	memmove(&q->req[i], &q->req[i + 1],
		(q->nr - (unsigned int)i - 1) * sizeof(q->req[0]));
	q->nr--;
	pthread_mutex_unlock(&q->lock);
	fill_done(d, r, m);
	req_free(r);
	return 0;
}
