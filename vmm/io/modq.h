/* SPDX-License-Identifier: MIT */
/*
 * The module request queue (include/memvisor/module.h): insmod and rmmod
 * requests from QMP and --module wait here until the guest's loader thread
 * FETCHes them, READs a load's image, sends LEAK records and says DONE.
 *
 * Pure (no KVM, no guest memory): the hypercall copies and validates the
 * guest's struct (hcreq_module), then asks the queue; control/ adds. Every
 * field of struct modq is guarded by its lock; a request belongs to the
 * queue from modq_add_* until modq_done hands its outcome to the caller.
 */
#ifndef VMM_IO_MODQ_H
#define VMM_IO_MODQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <memvisor/module.h>

#include "err.h"

/* Leak records kept per unload; more are counted in leaks_dropped. */
#define MODQ_LEAKS_MAX	256

struct modq_req {
	uint64_t id;
	enum mv_module_req_kind kind;
	bool from_cmdline;		/* vmm --module: its failure is printed */
	bool fetched;			/* handed to the guest by FETCH */
	char name[MV_MODULE_NAME_MAX];	/* LOAD: the file's; UNLOAD: the module */
	char params[MV_MODULE_PARAMS_MAX];
	unsigned char *image;		/* LOAD: size bytes, owned */
	size_t size;
	struct mv_module_leak *leaks;	/* UNLOAD: up to MODQ_LEAKS_MAX, owned */
	unsigned int nr_leaks;
	unsigned long leaks_dropped;
};

/* A request's outcome, as DONE reported it: the caller owns leaks. */
struct modq_done {
	uint64_t id;
	enum mv_module_req_kind kind;
	bool from_cmdline;
	char name[MV_MODULE_NAME_MAX];
	int status;			/* 0 or -errno */
	char msg[MV_MODULE_MSG_MAX];	/* NUL-terminated, the guest's bytes */
	uint64_t base, core_size;
	unsigned int tests_run, tests_failed;
	struct mv_module_leak *leaks;	/* free() it */
	unsigned int nr_leaks;
	unsigned long leaks_dropped;	/* records past MODQ_LEAKS_MAX */
};

struct modq {
	pthread_mutex_t lock;
	struct modq_req *req[MV_MODULE_QUEUE_MAX];	/* oldest first */
	unsigned int nr;
	uint64_t next_id;		/* the last id given; ids start at 1 */
	/* called (lock not held) after a request is added: the guest's MSI */
	void (*kick)(void *opaque);
	void *opaque;
};

void modq_init(struct modq *q, void (*kick)(void *opaque), void *opaque);
/* Frees every request still queued. */
void modq_destroy(struct modq *q);

/*
 * Queues a load of @size bytes of @image (copied), @name the file's name,
 * @params (NULL: none). Returns 0 with the id in *@id, or -1 with a
 * one-line message (queue full, empty or too big an image, a name or
 * params too long, out of memory).
 */
int modq_add_load(struct modq *q, const char *name, const void *image,
		  size_t size, const char *params, bool from_cmdline,
		  uint64_t *id, struct errbuf *e);
int modq_add_unload(struct modq *q, const char *name, uint64_t *id,
		    struct errbuf *e);

/*
 * The guest's ops, on the validated copy @m of its request. Each returns
 * the result for the guest: 0 or -errno (-ENOENT: an id not handed out).
 * FETCH fills @m's answer (kind NONE when nothing waits).
 */
int modq_fetch(struct modq *q, struct mv_hc_module *m);
/* READ: copies image bytes [@m->offset, +@m->len) of @m->id into @dst. */
int modq_read(struct modq *q, const struct mv_hc_module *m, void *dst);
int modq_leak(struct modq *q, const struct mv_hc_module *m);
/* DONE: removes the request and gives its outcome in @d. */
int modq_done(struct modq *q, const struct mv_hc_module *m,
	      struct modq_done *d);

#endif
