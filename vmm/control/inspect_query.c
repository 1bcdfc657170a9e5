// SPDX-License-Identifier: MIT
/*
 * insp_query(): park the vCPUs, read, let them go, answer (see
 * inspect_query.h). A vCPU may have been parked in the middle of an update
 * (holding zone->lock, or in an interrupts-off section that moves pages to
 * or from its per-CPU lists): an answer with inconsistencies is read again,
 * after the guest ran for READ_RETRY_US, up to the caller's attempts, and
 * the answer with the fewest is kept. Real damage persists through every
 * attempt; a half-done update does not.
 *
 * With MEMVISOR_INSPECT_TIMING set in its environment, vmm prints each
 * query's pause latency and time on stderr (bench/inspect-bench.sh reads it).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inspect_query.h"
#include "vm.h"

#define READ_RETRY_US	1000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static size_t nr_problems(json_t *ans)
{
	return json_array_size(json_object_get(ans, "inconsistencies"));
}

json_t *insp_query(struct qmp_ctx *ctx, const char *name, unsigned int attempts,
		   insp_query_fn fn, void *opaque, struct qmp_error *err)
{
	struct vm *vm = ctx->vm;
	uint64_t pause_ns = 0, read_ns = 0, stopped_ns = 0;
	json_t *best = NULL;
	unsigned int attempt;
	struct errbuf e;

	if (!vm) {
		qmp_errorf(err, "GenericError", "no guest to inspect");
		return NULL;
	}
	for (attempt = 1; attempt <= attempts; attempt++) {
		struct insp_query q = {
			.vm = vm, .gm = &vm->gmem, .boot_cr3 = vm->boot.pml4,
		};
		uint64_t t0 = now_ns(), t1, t2;
		json_t *ans;

		if (attempt > 1) {
			struct timespec ts = { 0, READ_RETRY_US * 1000L };

			nanosleep(&ts, NULL);
			t0 = now_ns();
		}
		if (vm_pause(vm, &e)) {
			vm_resume(vm);
			json_decref(best);
			qmp_errorf(err, "GenericError",
				   "cannot park the vCPUs: %s", e.msg);
			return NULL;
		}
		pthread_mutex_lock(&vm->lock);
		q.mminfo_gpa = vm->mminfo_gpa;
		q.gen = vm->run_gen;
		pthread_mutex_unlock(&vm->lock);
		t1 = now_ns();
		ans = fn(&q, opaque, err);
		t2 = now_ns();
		vm_resume(vm);
		pause_ns += t1 - t0;
		read_ns += t2 - t1;
		stopped_ns += now_ns() - t0;
		if (!ans)
			break;
		if (!best || nr_problems(ans) < nr_problems(best)) {
			json_decref(best);
			best = ans;
		} else {
			json_decref(ans);
		}
		if (!nr_problems(best))
			break;
	}
	if (getenv("MEMVISOR_INSPECT_TIMING"))
		fprintf(stderr, "vmm: inspect %s: pause %" PRIu64 " us, read %" PRIu64 " us, guest stopped %" PRIu64 " us, attempts %u\n",
			name, pause_ns / 1000, read_ns / 1000, stopped_ns / 1000,
			attempt > attempts ? attempts : attempt);
	if (best && err->class) {
		/* a later attempt failed: the earlier answer stands */
		err->class = NULL;
		err->desc[0] = '\0';
	}
	if (!best && !err->class)
		qmp_errorf(err, "GenericError", "%s: out of memory", name);
	return best;
}

static json_t *run_reader(const struct insp_query *q, void *opaque,
			  struct qmp_error *err)
{
	insp_reader_fn read = *(insp_reader_fn *)opaque;
	struct errbuf e = { "" };
	json_t *ret = read(q->gm, q->boot_cr3, q->mminfo_gpa, &e);

	if (!ret && e.msg[0])
		qmp_errorf(err, "GenericError", "%s", e.msg);
	return ret;
}

json_t *insp_query_reader(struct qmp_ctx *ctx, const char *name,
			  insp_reader_fn read, struct qmp_error *err)
{
	return insp_query(ctx, name, 1, run_reader, &read, err);
}
