// SPDX-License-Identifier: MIT
/* The ledger of in-guest tests, printed as TAP. */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "ktestlog.h"

void ktestlog_init(struct ktestlog *log)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
}

void ktestlog_free(struct ktestlog *log)
{
	free(log->tests);
	log->tests = NULL;
	log->cap = 0;
	pthread_mutex_destroy(&log->lock);
}

static void header(struct ktestlog *log)
{
	if (log->header)
		return;
	log->header = true;
	console_out("TAP version 13\n");
}

static int grow(struct ktestlog *log, unsigned int n)
{
	struct ktest_entry *t;

	if (n <= log->cap)
		return 0;
	t = realloc(log->tests, n * sizeof(*t));
	if (!t)
		return -1;
	memset(t + log->cap, 0, (n - log->cap) * sizeof(*t));
	log->tests = t;
	log->cap = n;
	return 0;
}

/* The entry for a 1-based test number, growing the table without a plan. */
static struct ktest_entry *entry(struct ktestlog *log, unsigned int index,
				 struct errbuf *e)
{
	unsigned int limit = log->planned ? log->plan : KTESTLOG_MAX_TESTS;

	if (!index || index > limit) {
		errf(e, "HC_TEST: test number %u is outside 1..%u", index, limit);
		return NULL;
	}
	if (grow(log, index < 64 ? 64 : index)) {
		errf(e, "HC_TEST: out of memory for %u tests", index);
		return NULL;
	}
	return &log->tests[index - 1];
}

static int on_plan(struct ktestlog *log, const struct mv_hc_test *t,
		   struct errbuf *e)
{
	if (log->planned)
		return errf(e, "HC_TEST: a second plan (%u tests)", t->index);
	if (t->index > KTESTLOG_MAX_TESTS)
		return errf(e, "HC_TEST: a plan of %u tests is more than %u",
			    t->index, KTESTLOG_MAX_TESTS);
	if (log->cap > t->index) {
		unsigned int i;

		for (i = t->index; i < log->cap; i++)
			if (log->tests[i].state != KTEST_NONE)
				return errf(e, "HC_TEST: a plan of %u tests after test %u",
					    t->index, i + 1);
	}
	log->planned = true;
	log->plan = t->index;
	console_out("1..%u\n", t->index);
	return 0;
}

static int on_begin(struct ktestlog *log, const struct mv_hc_test *t,
		    struct errbuf *e)
{
	struct ktest_entry *x = entry(log, t->index, e);

	if (!x)
		return -1;
	if (x->state != KTEST_NONE)
		return errf(e, "HC_TEST: test %u (%s) began twice", t->index,
			    x->name);
	x->state = KTEST_RUNNING;
	snprintf(x->name, sizeof(x->name), "%s", t->name);
	return 0;
}

static enum ktestlog_result on_assert(struct ktestlog *log,
				      const struct mv_hc_test *t,
				      struct errbuf *e)
{
	struct ktest_entry *x = NULL;

	if (t->index && t->index <= log->cap)
		x = &log->tests[t->index - 1];
	if (!x || x->state != KTEST_RUNNING) {
		errf(e, "guest assertion failed at %s:%u: %s", t->file, t->line,
		     t->msg);
		return KTESTLOG_ASSERT;
	}
	x->asserts++;
	console_out("    # ASSERTION FAILED at %s:%u: %s\n", t->file, t->line,
		    t->msg);
	return KTESTLOG_OK;
}

static int on_end(struct ktestlog *log, const struct mv_hc_test *t,
		  struct errbuf *e)
{
	struct ktest_entry *x;
	const char *name;

	if (t->status > MV_TEST_SKIP)
		return errf(e, "HC_TEST: test %u ended with unknown status %u",
			    t->index, t->status);
	x = entry(log, t->index, e);
	if (!x)
		return -1;
	/* a test skipped before it began may end without a BEGIN */
	if (x->state == KTEST_ENDED)
		return errf(e, "HC_TEST: test %u (%s) ended twice", t->index,
			    x->name);
	x->state = KTEST_ENDED;
	name = t->name[0] ? t->name : x->name;
	log->ended++;
	if (x->asserts || t->status == MV_TEST_FAIL) {
		log->failed++;
		console_out("not ok %u - %s\n", t->index, name);
	} else if (t->status == MV_TEST_SKIP) {
		log->skipped++;
		console_out("ok %u - %s # SKIP %s\n", t->index, name, t->msg);
	} else {
		log->passed++;
		console_out("ok %u - %s\n", t->index, name);
	}
	return 0;
}

static enum ktestlog_result dispatch(struct ktestlog *log,
				     const struct mv_hc_test *t,
				     struct errbuf *e)
{
	switch (t->event) {
	case MV_TEST_PLAN:
		return on_plan(log, t, e);
	case MV_TEST_BEGIN:
		return on_begin(log, t, e);
	case MV_TEST_ASSERT:
		return on_assert(log, t, e);
	case MV_TEST_END:
		return on_end(log, t, e);
	case MV_TEST_DONE:
		log->done = true;
		return KTESTLOG_OK;
	case MV_TEST_DIAG:
		console_out("# %s\n", t->msg);
		return KTESTLOG_OK;
	}
	return errf(e, "HC_TEST: unknown event %u", t->event);
}

enum ktestlog_result ktestlog_event(struct ktestlog *log,
				    const struct mv_hc_test *t,
				    struct errbuf *e)
{
	enum ktestlog_result ret;

	pthread_mutex_lock(&log->lock);
	if (t->event != MV_TEST_ASSERT)
		header(log);
	ret = dispatch(log, t, e);
	pthread_mutex_unlock(&log->lock);
	return ret < 0 ? KTESTLOG_VIOLATION : ret;
}

static void report_unfinished(struct ktestlog *log, FILE *f)
{
	unsigned int i;

	for (i = 0; i < log->cap; i++)
		if (log->tests[i].state == KTEST_RUNNING)
			fprintf(f, "vmm: guest test %u (%s) began but never ended\n",
				i + 1, log->tests[i].name);
}

enum ktestlog_verdict ktestlog_verdict(struct ktestlog *log, FILE *f)
{
	enum ktestlog_verdict v;
	bool bad = false;

	pthread_mutex_lock(&log->lock);
	report_unfinished(log, f);
	if (log->failed) {
		fprintf(f, "vmm: %u of %u guest tests failed\n", log->failed,
			log->planned ? log->plan : log->ended);
		bad = true;
	}
	if (log->planned && log->ended < log->plan) {
		fprintf(f, "vmm: guest announced %u tests but reported %u\n",
			log->plan, log->ended);
		bad = true;
	}
	if (log->planned && !log->done) {
		fprintf(f, "vmm: guest did not report the end of its tests (no DONE)\n");
		bad = true;
	}
	if (bad)
		v = KTESTLOG_FAILED;
	else if (log->planned && !log->plan)
		v = KTESTLOG_NONE_MATCHED;
	else
		v = KTESTLOG_PASSED;
	pthread_mutex_unlock(&log->lock);
	return v;
}
