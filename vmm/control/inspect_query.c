// SPDX-License-Identifier: MIT
/*
 * insp_query(): park the vCPUs, read, let them go, answer (see
 * inspect_query.h). A vCPU may have been parked in the middle of an update
 * (holding zone->lock, or in an interrupts-off section that moves pages to
 * or from its per-CPU lists): an answer with inconsistencies is read again,
 * after the guest ran for READ_RETRY_US, up to the caller's attempts, and
 * the answer with the fewest is kept (one that a budget cut short only if
 * no other is whole). Real damage persists through every
 * attempt; a half-done update does not. Every attempt shares one parked
 * time, INSP_QUERY_PARK_NS: the reader's deadline is what is left of it,
 * and an attempt runs only while INSP_QUERY_MIN_LEFT_NS is left.
 *
 * With MEMVISOR_INSPECT_TIMING set in its environment, vmm prints each
 * query's pause latency (asking the vCPUs to park until all are), its read,
 * and how long the guest stood still (from the first vCPU's parking to the
 * resume, every attempt summed) on stderr (bench/inspect-bench.py and
 * tests/integration/test_hostile.c read it).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect_query.h"
#include "vm.h"

#define READ_RETRY_US	1000

static size_t nr_problems(json_t *ans)
{
	return json_array_size(json_object_get(ans, "inconsistencies"));
}

/* Cut short by a budget (insp_take_problems says so first)? */
static bool incomplete(json_t *ans)
{
	const char *first = json_string_value(
		json_array_get(json_object_get(ans, "inconsistencies"), 0));

	return first && !strncmp(first, "incomplete: ", 12);
}

/* The better answer: a whole one, then the one with fewer problems. */
static bool better(json_t *ans, json_t *best)
{
	if (incomplete(ans) != incomplete(best))
		return !incomplete(ans);
	return nr_problems(ans) < nr_problems(best);
}

json_t *insp_query(struct qmp_ctx *ctx, const char *name, unsigned int attempts,
		   insp_query_fn fn, void *opaque, struct qmp_error *err)
{
	struct vm *vm = ctx->vm;
	uint64_t pause_ns = 0, read_ns = 0, stopped_ns = 0;
	json_t *best = NULL;
	unsigned int attempt, ran = 0;
	struct errbuf e;

	if (!vm) {
		qmp_errorf(err, "GenericError", "no guest to inspect");
		return NULL;
	}
	for (attempt = 1; attempt <= attempts; attempt++) {
		struct insp_query q = {
			.vm = vm, .gm = &vm->gmem, .lay = vm->layout,
			.boot_cr3 = vm->boot.pml4,
		};
		uint64_t t0 = monotonic_ns(), t1, t2, parked;
		json_t *ans;

		if (attempt > 1) {
			struct timespec ts = { 0, READ_RETRY_US * 1000L };

			if (stopped_ns + INSP_QUERY_MIN_LEFT_NS > INSP_QUERY_PARK_NS)
				break;	/* no time left to read again */
			nanosleep(&ts, NULL);
			t0 = monotonic_ns();
		}
		if (vm_pause(vm, &e)) {
			vm_resume(vm);
			json_decref(best);
			qmp_errorf(err, "GenericError",
				   "cannot park the vCPUs: %s", e.msg);
			return NULL;
		}
		pthread_mutex_lock(&vm->lock);
		q.gen = vm->run_gen;
		parked = vm->parked_since_ns;
		pthread_mutex_unlock(&vm->lock);
		t1 = monotonic_ns();
		/*
		 * The guest is still from its first vCPU's parking (or from
		 * this request, when a stop already held it); the answer's last
		 * touches and the resume come out of the slack. (Counting the
		 * resume as costing what parking the rest did left an honest
		 * query-zones 8 ms in the nested runner, too few to finish.)
		 */
		parked = parked && parked > t0 ? parked : t0;
		q.deadline_ns = parked + INSP_QUERY_PARK_NS - stopped_ns -
				INSP_QUERY_SLACK_NS;
		ans = fn(&q, opaque, err);
		ran++;
		t2 = monotonic_ns();
		vm_resume(vm);
		pause_ns += t1 - t0;
		read_ns += t2 - t1;
		stopped_ns += monotonic_ns() - parked;
		if (!ans)
			break;
		if (!best || better(ans, best)) {
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
			ran);
	if (best && err->class) {
		/* a later attempt failed: the earlier answer stands */
		err->class = NULL;
		err->desc[0] = '\0';
	}
	if (!best && !err->class)
		qmp_errorf(err, "GenericError", "%s: out of memory", name);
	return best;
}

struct reader_run {
	insp_reader_fn read;
	struct insp_bounds b;
};

static json_t *run_reader(const struct insp_query *q, void *opaque,
			  struct qmp_error *err)
{
	struct reader_run *run = opaque;
	struct errbuf e = { "" };
	json_t *ret;

	run->b.deadline_ns = q->deadline_ns;
	run->b.ksyms = &q->vm->ksyms;
	ret = run->read(q->gm, q->boot_cr3, q->lay, &run->b, &e);
	if (!ret && e.msg[0])
		qmp_errorf(err, "GenericError", "%s", e.msg);
	return ret;
}

json_t *insp_query_reader(struct qmp_ctx *ctx, const char *name,
			  insp_reader_fn read, const struct insp_bounds *page,
			  struct qmp_error *err)
{
	return insp_query_reader_retry(ctx, name, 1, read, page, err);
}

json_t *insp_query_reader_retry(struct qmp_ctx *ctx, const char *name,
				unsigned int attempts, insp_reader_fn read,
				const struct insp_bounds *page,
				struct qmp_error *err)
{
	struct reader_run run = { .read = read };

	if (page)
		run.b = *page;
	return insp_query(ctx, name, attempts, run_reader, &run, err);
}

int insp_page_args(json_t *args, unsigned int page_max,
		   struct insp_bounds *b, struct qmp_error *err)
{
	json_t *after = json_object_get(args, "start-after");
	json_t *max = json_object_get(args, "max");

	memset(b, 0, sizeof(*b));
	b->page_max = page_max;
	if (after) {
		if (qmp_get_addr(after, &b->start_after))
			return qmp_errorf(err, "GenericError",
					  "Parameter 'start-after' expects an address (an integer or a \"0x...\" string)"), -1;
		b->has_start_after = true;
	}
	if (!max)
		return 0;
	if (!json_is_integer(max) || json_integer_value(max) < 1 ||
	    json_integer_value(max) > page_max)
		return qmp_errorf(err, "GenericError",
				  "Parameter 'max' expects an integer in 1..%u",
				  page_max), -1;
	b->page_max = (unsigned int)json_integer_value(max);
	return 0;
}
