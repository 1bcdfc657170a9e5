// SPDX-License-Identifier: MIT
/*
 * Hypercall decoding: the requests HC_CONSOLE, HC_PANIC, HC_TEST and
 * HC_ALLOC_FAILURE copied out of fuzzed guest memory at a fuzzed address and
 * validated (hcreq.c), then used as hypercall.c uses them (console_write,
 * report_panic, ktestlog_event; hypercall.c's dispatch itself needs KVM's
 * vCPUs and is not built here).
 *
 * Input: the call (1 byte), the region's guest-physical base (4 bytes,
 * page-aligned), the request's offset into it (2 bytes), then the
 * region's bytes, held in an exact-size buffer so that ASan sees any read
 * past it. Checked: an accepted request is bounded (len, kind, frames,
 * event) and its strings are terminated.
 */
#include <memvisor/hypercall.h>

#include "console.h"
#include "fuzz.h"
#include "gmem.h"
#include "hcreq.h"
#include "ktestlog.h"
#include "report.h"

static FILE *devnull;

static void terminated(const char *s, size_t n, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', n), "%s not terminated", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int call = fuzz_u8(&in) % 5;
	uint64_t base = (uint64_t)(fuzz_u32(&in) & ~0xfffU);
	uint64_t gpa = base + fuzz_u16(&in);
	struct ktestlog log;
	struct gmem gm;
	struct errbuf e;
	uint8_t *ram;
	union {
		struct mv_hc_console c;
		struct mv_hc_panic p;
		struct mv_hc_test t;
		struct mv_hc_alloc_failure a;
	} *req;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		FUZZ_CHECK(devnull, "/dev/null");
		console_set_streams(devnull, devnull);
	}
	ram = malloc(in.len ? in.len : 1);
	req = malloc(sizeof(*req));
	FUZZ_CHECK(ram && req, "out of memory");
	memcpy(ram, in.p, in.len);
	gmem_init(&gm);
	if (in.len)
		FUZZ_CHECK(!gmem_add(&gm, base, in.len, ram), "gmem_add");

	switch (call) {
	case 0:
		if (hcreq_console(&gm, gpa, &req->c, &e))
			break;
		FUZZ_CHECK(req->c.len <= MV_HC_CONSOLE_MAX, "len %u", req->c.len);
		console_write(req->c.data, req->c.len);
		break;
	case 1:
		if (hcreq_panic(&gm, gpa, &req->p, &e))
			break;
		FUZZ_CHECK(req->p.kind <= MV_PANIC_SLEEP_BUG, "kind %u",
			   req->p.kind);
		FUZZ_CHECK(req->p.nr_frames <= MV_PANIC_FRAMES, "frames %u",
			   req->p.nr_frames);
		terminated(req->p.file, sizeof(req->p.file), "file");
		terminated(req->p.msg, sizeof(req->p.msg), "msg");
		report_panic(devnull, &req->p, 0, NULL);
		break;
	case 2:
		if (hcreq_test(&gm, gpa, &req->t, &e))
			break;
		FUZZ_CHECK(req->t.event <= MV_TEST_DIAG, "event %u",
			   req->t.event);
		terminated(req->t.name, sizeof(req->t.name), "name");
		terminated(req->t.file, sizeof(req->t.file), "file");
		terminated(req->t.msg, sizeof(req->t.msg), "msg");
		ktestlog_init(&log);
		ktestlog_event(&log, &req->t, &e);
		ktestlog_verdict(&log, devnull);
		ktestlog_free(&log);
		break;
	case 3:
		if (hcreq_alloc_failure(&gm, gpa, &req->a, &e))
			break;
		FUZZ_CHECK(req->a.order < 64, "order %u", req->a.order);
		terminated(req->a.comm, sizeof(req->a.comm), "comm");
		break;
	case 4: {
		char s[64];
		int n = gmem_read_str(&gm, gpa, s, sizeof(s));

		FUZZ_CHECK(n < (int)sizeof(s) && strlen(s) == (size_t)(n < 0 ? 0 : n),
			   "gmem_read_str %d", n);
		break;
	}
	}
	free(req);
	free(ram);
	return 0;
}
