// SPDX-License-Identifier: MIT
/*
 * The allocation ring's answers (devices/allocq.h): a fuzzed mix of requests
 * the VMM posts (any kind, either CPU, atomic or not) and what a hostile
 * guest does to the ring (any bytes in any slot or list entry, DONE of any
 * slot index, a ring announced at any gpa and size), served by
 * allocq_done() as hypercall.c serves HC_ALLOC_RING, each outcome made
 * into ALLOC_DONE's data as alloc_cmds.c makes it.
 *
 * Input: steps until it runs out, each a byte choosing the step and the
 * step's bytes (fuzz.h: zeros past the end). Checked: never more than
 * MV_ALLOC_SLOTS requests outstanding; DONE succeeds only for a slot
 * holding a request, once; an accepted answer has a handle in range (or
 * none), a pfn in RAM (or none), a zone that is one, a NUL-terminated
 * cache name, a list of at most MV_ALLOC_HANDLES entries in strictly
 * increasing handle order; a refused one has no handle and says why; every
 * event serializes. Nothing leaks (LeakSanitizer).
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>

#include <memvisor/allocreq.h>
#include <memvisor/layout.h>

#include "alloc_cmds.h"
#include "allocq.h"
#include "fuzz.h"
#include "gmem.h"
#include "qmp.h"

#define RAM_SIZE	(1ULL << 20)
#define RING_GPA	0x10000ULL
#define LOWMEM		(512ULL << 10)

static void check_result(const struct allocq_result *r)
{
	json_t *d;
	char *s;

	FUZZ_CHECK(memchr(r->cache, '\0', sizeof(r->cache)), "unterminated cache");
	if (r->refused) {
		FUZZ_CHECK(r->handle == MV_ALLOC_NO_HANDLE && r->status == -EPROTO &&
			   r->msg[0], "a refused answer kept its object");
	} else if (!r->status) {
		FUZZ_CHECK(r->handle == MV_ALLOC_NO_HANDLE ||
			   r->handle < MV_ALLOC_HANDLES, "handle %u", r->handle);
		FUZZ_CHECK(r->pfn == MV_ALLOC_NO_PFN ||
			   (r->pfn < (RAM_SIZE >> 12) && r->zone < 3),
			   "pfn 0x%llx zone %u", (unsigned long long)r->pfn, r->zone);
		FUZZ_CHECK(r->kind != MV_ALLOC_LIST || r->count <= MV_ALLOC_HANDLES,
			   "list of %u", r->count);
		for (uint32_t i = 0; r->list && i < r->count; i++)
			FUZZ_CHECK(r->list[i].handle < MV_ALLOC_HANDLES &&
				   (!i || r->list[i].handle > r->list[i - 1].handle) &&
				   memchr(r->list[i].cache, '\0', sizeof(r->list[i].cache)),
				   "list entry %u", i);
	} else {
		FUZZ_CHECK(r->status < 0 && r->status >= -4095, "status %d", r->status);
	}
	d = alloc_event_data(r);
	s = json_dumps(d, 0);
	FUZZ_CHECK(s, "ALLOC_DONE's data does not serialize");
	free(s);
	json_decref(d);
}

static void post(struct fuzz_in *in, struct allocq *q, unsigned int *busy)
{
	struct allocq_req r = {
		.kind = fuzz_u8(in) % (MV_ALLOC_KIND_NR + 1),
		.cpu = fuzz_u8(in) % 3,
		.flags = fuzz_u8(in) & 3,
		.gfp = fuzz_u32(in),
		.handle = fuzz_u16(in),
		.size = fuzz_u32(in),
		.arg = fuzz_u8(in),
	};
	struct errbuf e;
	uint64_t id;

	if (!allocq_post(q, &r, &id, &e))
		(*busy)++;
	FUZZ_CHECK(*busy <= MV_ALLOC_SLOTS, "%u requests outstanding", *busy);
}

/* The guest writes @n fuzzed bytes anywhere in the ring. */
static void scribble(struct fuzz_in *in, uint8_t *ram)
{
	uint32_t off = fuzz_u32(in) % MV_ALLOC_RING_SIZE;
	uint32_t n = fuzz_u8(in) % 64;

	if (n > MV_ALLOC_RING_SIZE - off)
		n = MV_ALLOC_RING_SIZE - off;
	for (uint32_t i = 0; i < n; i++)
		ram[RING_GPA + off + i] = fuzz_u8(in);
}

/* A plausible answer in slot @i, so the checks past the first are reached. */
static void answer(struct fuzz_in *in, uint8_t *ram)
{
	struct mv_alloc_slot *s = (void *)(ram + RING_GPA +
		offsetof(struct mv_alloc_ring, slot));
	unsigned int i = fuzz_u8(in) % MV_ALLOC_SLOTS;

	s[i].state = MV_SLOT_ANSWERED;
	s[i].served_cpu = s[i].cpu;
	s[i].in_interrupt = s[i].flags & MV_ALLOC_F_ATOMIC;
	s[i].status = fuzz_u8(in) & 1 ? -(int)(fuzz_u8(in) % 40) : 0;
	s[i].ans_handle = fuzz_u16(in) % 300;
	s[i].obj = fuzz_u8(in) % (MV_OBJ_NR + 1);
	s[i].pfn = fuzz_u8(in) & 1 ? MV_ALLOC_NO_PFN : fuzz_u16(in) % 300;
	s[i].addr = (fuzz_u8(in) & 1 ? MV_DIRECT_MAP_BASE : MV_VMALLOC_BASE) +
		    (s[i].pfn << 12);
	s[i].zone = fuzz_u8(in) % 4;
	s[i].bytes = fuzz_u32(in);
	s[i].order = fuzz_u8(in) % 12;
	s[i].count = fuzz_u16(in) % 300;
}

static void done(struct fuzz_in *in, struct allocq *q, unsigned int *busy)
{
	struct allocq_result r;
	struct errbuf e;
	int ret = allocq_done(q, fuzz_u8(in) % (MV_ALLOC_SLOTS + 2), &r, &e);

	if (ret) {
		FUZZ_CHECK(ret == -ENOENT, "DONE: %d", ret);
		return;
	}
	FUZZ_CHECK(*busy > 0, "DONE of a slot when none was posted");
	(*busy)--;
	check_result(&r);
	free(r.list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM,
				     .nr_cpus = 2 };
	struct fuzz_in in = { data, size };
	unsigned int busy = 0;
	struct allocq q;
	struct errbuf e;
	struct gmem gm;
	uint8_t *ram = calloc(1, RAM_SIZE);

	FUZZ_CHECK(ram, "out of memory");
	gmem_init(&gm);
	FUZZ_CHECK(!gmem_add(&gm, 0, RAM_SIZE, ram), "gmem_add");
	allocq_init(&q, &gm, &lim, NULL, NULL);
	/* the ring: mostly where it belongs, sometimes anywhere */
	if (fuzz_u8(&in) & 7)
		allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e);
	else
		allocq_set_ring(&q, fuzz_u64(&in), fuzz_u32(&in), &e);
	while (in.len) {
		switch (fuzz_u8(&in) % 4) {
		case 0:
			post(&in, &q, &busy);
			break;
		case 1:
			scribble(&in, ram);
			break;
		case 2:
			answer(&in, ram);
			break;
		default:
			done(&in, &q, &busy);
			break;
		}
	}
	allocq_destroy(&q);
	free(ram);
	return 0;
}

/* qmp_dispatch.c for qmp_addr and qmp_errorf; no command table, no server. */
const struct qmp_command qmp_commands[1];
const size_t qmp_nr_commands = 0;

void qmp_server_broadcast(struct qmp_server *s, json_t *event)
{
	(void)s;
	(void)event;
	abort();
}
