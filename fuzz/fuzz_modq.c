// SPDX-License-Identifier: MIT
/*
 * HC_MODULE and the module queue: a fuzzed mix of what the VMM's side
 * queues (insmod and rmmod requests, their names, params and images) and
 * what a hostile guest asks (FETCH, READ, LEAK and DONE with any id,
 * offset, length and target, unknown ops, a request struct at any gpa, in
 * RAM or not), served by hc_module_serve() as hypercall.c serves it, each
 * DONE's outcome made into its QMP event as control.c does.
 *
 * Input: steps until it runs out, each a byte choosing the step and the
 * step's bytes (fuzz.h: zeros past the end). Checked against a model of
 * the queue: at most MV_MODULE_QUEUE_MAX requests; FETCH hands each
 * request once, oldest first, with its kind, size and terminated strings,
 * and NONE only when none waits; a READ that succeeds wrote the image's own
 * bytes, within it; a LEAK or DONE succeeds only for a request handed out
 * (LEAK: an unload); DONE's outcome has the request's id and every leak
 * counted (kept or dropped); its event data serializes. Nothing leaks
 * (LeakSanitizer) once the queue is destroyed.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>

#include <memvisor/control.h>
#include <memvisor/module.h>

#include "fuzz.h"
#include "gmem.h"
#include "hcmodule.h"
#include "module_cmds.h"
#include "modq.h"
#include "qmp.h"

#define RAM_GPA		0x10000ULL
#define RAM_SIZE	(3 * 4096ULL)
#define MAX_IMAGE	9000
#define MODEL_MAX	64

/* What the fuzzer queued, as it expects the queue to hold it. */
struct model_req {
	uint64_t id;
	enum mv_module_req_kind kind;
	size_t size;
	uint8_t seed;			/* the image: byte i is seed + 7 * i */
	bool fetched;
	unsigned long leaks;		/* LEAKs accepted */
};

struct model {
	struct model_req req[MODEL_MAX];
	unsigned int nr;
	uint64_t last_fetched;
};

static uint8_t image_byte(uint8_t seed, uint64_t i)
{
	return (uint8_t)(seed + 7 * i);
}

static struct model_req *model_find(struct model *mo, uint64_t id)
{
	for (unsigned int i = 0; i < mo->nr; i++)
		if (mo->req[i].id == id)
			return &mo->req[i];
	return NULL;
}

static void model_drop(struct model *mo, struct model_req *r)
{
	*r = mo->req[--mo->nr];
}

/* A string of up to @max bytes off the input (NULs in it end it early). */
static void take_str(struct fuzz_in *in, char *s, size_t max)
{
	size_t n = fuzz_u8(in) % max;

	memset(s, 0, max);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)fuzz_u8(in);
}

static void queue_load(struct fuzz_in *in, struct modq *q, struct model *mo)
{
	static uint8_t image[MAX_IMAGE];
	char name[MV_MODULE_NAME_MAX + 8], params[160];
	size_t size = fuzz_u16(in) % MAX_IMAGE;
	uint8_t seed = fuzz_u8(in);
	bool cmdline = fuzz_u8(in) & 1;
	struct errbuf e;
	uint64_t id;

	take_str(in, name, sizeof(name));
	take_str(in, params, sizeof(params));
	for (size_t i = 0; i < size; i++)
		image[i] = image_byte(seed, i);
	if (modq_add_load(q, name, image, size, params, cmdline, &id, &e))
		return;
	FUZZ_CHECK(size && mo->nr < MODEL_MAX, "load of %zu bytes queued", size);
	mo->req[mo->nr++] = (struct model_req){ .id = id, .kind = MV_MODULE_REQ_LOAD,
						.size = size, .seed = seed };
}

static void queue_unload(struct fuzz_in *in, struct modq *q, struct model *mo)
{
	char name[MV_MODULE_NAME_MAX + 8];
	struct errbuf e;
	uint64_t id;

	take_str(in, name, sizeof(name));
	if (modq_add_unload(q, name, &id, &e))
		return;
	FUZZ_CHECK(mo->nr < MODEL_MAX, "too many requests queued");
	mo->req[mo->nr++] = (struct model_req){ .id = id, .kind = MV_MODULE_REQ_UNLOAD };
}

/* The guest's request: raw bytes, then the fields that steer it. */
static void make_request(struct fuzz_in *in, const struct model *mo,
			 struct mv_hc_module *m)
{
	uint8_t pick = fuzz_u8(in);

	memset(m, 0, sizeof(*m));
	memcpy(m, in->p, in->len < sizeof(*m) ? in->len : sizeof(*m));
	fuzz_bytes(in, 64);	/* the raw bytes used are mostly the strings' */
	m->op = fuzz_u8(in) % 5;	/* 4: an unknown op */
	if (pick < 0xc0 && mo->last_fetched)
		m->id = mo->last_fetched;
	else if (pick < 0xe0 && mo->nr)
		m->id = mo->req[pick % mo->nr].id;
	m->offset = fuzz_u16(in) % (MAX_IMAGE + 64);
	m->len = fuzz_u16(in) % 4200;
	m->gpa = RAM_GPA + fuzz_u16(in) % (RAM_SIZE + 64);
	m->leak.kind = fuzz_u8(in) % 8;
}

static void check_fetch(struct model *mo, const struct mv_hc_module *m)
{
	struct model_req *r = model_find(mo, m->id);

	FUZZ_CHECK(m->result == 0, "FETCH result %d", m->result);
	FUZZ_CHECK(memchr(m->name, '\0', sizeof(m->name)) &&
		   memchr(m->params, '\0', sizeof(m->params)),
		   "FETCH strings not terminated");
	if (m->kind == MV_MODULE_REQ_NONE) {
		for (unsigned int i = 0; i < mo->nr; i++)
			FUZZ_CHECK(mo->req[i].fetched, "NONE with %" PRIu64 " waiting",
				   mo->req[i].id);
		return;
	}
	FUZZ_CHECK(r && !r->fetched, "FETCH handed %" PRIu64 " (%s)", m->id,
		   r ? "again" : "unknown");
	FUZZ_CHECK(m->kind == r->kind && m->size == r->size,
		   "FETCH kind %u size %" PRIu64, m->kind, m->size);
	/* the oldest waiting: no older id still unfetched */
	for (unsigned int i = 0; i < mo->nr; i++)
		FUZZ_CHECK(mo->req[i].fetched || mo->req[i].id >= r->id,
			   "FETCH skipped %" PRIu64, mo->req[i].id);
	r->fetched = true;
	mo->last_fetched = r->id;
}

/*
 * @m's READ answered: the image's bytes at its gpa, but where the answer's
 * result, written after them, overlaps (the request struct at @req).
 */
static void check_read(struct model *mo, const struct mv_hc_module *m,
		       const uint8_t *ram, uint64_t req)
{
	uint64_t res = req + offsetof(struct mv_hc_module, result);
	struct model_req *r = model_find(mo, m->id);

	if (m->result) {
		FUZZ_CHECK(m->result == -ENOENT || m->result == -EINVAL,
			   "READ result %d", m->result);
		return;
	}
	FUZZ_CHECK(r && r->fetched && r->kind == MV_MODULE_REQ_LOAD,
		   "READ of %" PRIu64 " served", m->id);
	FUZZ_CHECK(m->offset <= r->size && m->len <= r->size - m->offset,
		   "READ [%" PRIu64 ", +%" PRIu64 ") of %zu bytes", m->offset,
		   m->len, r->size);
	for (uint64_t i = 0; i < m->len; i++)
		FUZZ_CHECK((m->gpa + i >= res && m->gpa + i < res + sizeof(m->result)) ||
			   ram[m->gpa - RAM_GPA + i] == image_byte(r->seed, m->offset + i),
			   "READ byte %" PRIu64 " differs", i);
}

static void check_done(struct model *mo, const struct mv_hc_module *m,
		       bool done, struct modq_done *d)
{
	struct model_req *r = model_find(mo, m->id);
	const char *event;
	json_t *data;
	char *text;

	FUZZ_CHECK(done == !m->result, "DONE result %d, done %d", m->result, done);
	if (!done) {
		FUZZ_CHECK(m->result == -ENOENT, "DONE result %d", m->result);
		FUZZ_CHECK(!r || !r->fetched, "DONE of handed-out %" PRIu64 " refused",
			   m->id);
		return;
	}
	FUZZ_CHECK(r && r->fetched && d->id == r->id && d->kind == r->kind,
		   "DONE of %" PRIu64, m->id);
	FUZZ_CHECK(d->nr_leaks <= MODQ_LEAKS_MAX &&
		   d->nr_leaks + d->leaks_dropped == r->leaks,
		   "DONE: %u leaks kept, %lu dropped, %lu sent", d->nr_leaks,
		   d->leaks_dropped, r->leaks);
	FUZZ_CHECK(d->status <= 0 && memchr(d->msg, '\0', sizeof(d->msg)),
		   "DONE status %d", d->status);
	data = module_event_data(d, &event);
	FUZZ_CHECK(data && !strncmp(event, QMP_VENDOR "MODULE_", strlen(QMP_VENDOR) + 7),
		   "no event data");
	text = json_dumps(data, JSON_COMPACT);
	FUZZ_CHECK(text, "event data does not serialize");
	free(text);
	json_decref(data);
	free(d->leaks);
	if (mo->last_fetched == r->id)
		mo->last_fetched = 0;
	model_drop(mo, r);
}

/* One HC_MODULE call, the request at @gpa (written there if in RAM). */
static void call(struct fuzz_in *in, const struct gmem *gm, uint8_t *ram,
		 struct modq *q, struct model *mo, bool anywhere)
{
	uint64_t gpa = anywhere ? fuzz_u32(in) :
		       RAM_GPA + fuzz_u16(in) % (RAM_SIZE - sizeof(struct mv_hc_module) + 1);
	struct mv_hc_module m, back;
	struct modq_done d;
	struct model_req *r;
	struct errbuf e;
	bool done;

	make_request(in, mo, &m);
	r = model_find(mo, m.id);
	if (gpa >= RAM_GPA && gpa - RAM_GPA <= RAM_SIZE - sizeof(m))
		memcpy(ram + (gpa - RAM_GPA), &m, sizeof(m));
	if (hc_module_serve(gm, q, gpa, &d, &done, &e)) {
		FUZZ_CHECK(!done, "a refused request ended one");
		return;
	}
	/* the answer, read back as the guest would (READ may have overwritten it) */
	memcpy(&back, ram + (gpa - RAM_GPA), sizeof(back));
	switch (m.op) {
	case MV_MODULE_OP_FETCH:
		check_fetch(mo, &back);
		break;
	case MV_MODULE_OP_READ:
		m.result = back.result;
		check_read(mo, &m, ram, gpa);
		break;
	case MV_MODULE_OP_LEAK:
		FUZZ_CHECK(!back.result == (r && r->fetched && r->kind == MV_MODULE_REQ_UNLOAD),
			   "LEAK of %" PRIu64 ": %d", m.id, back.result);
		if (!back.result)
			r->leaks++;
		break;
	case MV_MODULE_OP_DONE:
		m.result = back.result;
		check_done(mo, &m, done, &d);
		break;
	default:
		FUZZ_CHECK(0, "op %u accepted", m.op);
	}
	FUZZ_CHECK(q->nr <= MV_MODULE_QUEUE_MAX && q->nr == mo->nr,
		   "queue holds %u, the model %u", q->nr, mo->nr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct model mo;
	struct modq q;
	struct gmem gm;
	uint8_t *ram = calloc(1, RAM_SIZE);

	FUZZ_CHECK(ram, "out of memory");
	memset(&mo, 0, sizeof(mo));
	gmem_init(&gm);
	FUZZ_CHECK(!gmem_add(&gm, RAM_GPA, RAM_SIZE, ram), "gmem_add");
	modq_init(&q, NULL, NULL);
	while (in.len) {
		switch (fuzz_u8(&in) % 6) {
		case 0:
			queue_load(&in, &q, &mo);
			break;
		case 1:
			queue_unload(&in, &q, &mo);
			break;
		case 5:
			call(&in, &gm, ram, &q, &mo, true);
			break;
		default:
			call(&in, &gm, ram, &q, &mo, false);
			break;
		}
	}
	modq_destroy(&q);
	free(ram);
	return 0;
}

/*
 * qmp_dispatch.c (for qmp_addr and the event's helpers) without the command
 * table, and no server: the target serves no command and broadcasts
 * nothing; these abort if that ever changes.
 */
const struct qmp_command qmp_commands[1];
const size_t qmp_nr_commands = 0;

void qmp_server_broadcast(struct qmp_server *s, json_t *event)
{
	(void)s;
	(void)event;
	abort();
}
