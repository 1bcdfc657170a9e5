/* SPDX-License-Identifier: MIT */
/*
 * The ledger of in-guest tests (HC_TEST). It prints TAP version 13 on the
 * "out" console stream as the events arrive, and keeps its own count: the
 * VMM does not trust the guest's summary. A test with a failed assertion is
 * "not ok" whatever status the guest gives it at its end.
 */
#ifndef VMM_KTESTLOG_H
#define VMM_KTESTLOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <memvisor/hypercall.h>

#include "err.h"

#define KTESTLOG_MAX_TESTS	100000

enum ktest_state {
	KTEST_NONE,
	KTEST_RUNNING,
	KTEST_ENDED,
};

struct ktest_entry {
	enum ktest_state state;
	unsigned int asserts;		/* failed assertions reported */
	char name[MV_TEST_NAME_MAX];
};

struct ktestlog {
	pthread_mutex_t lock;
	bool header;			/* "TAP version 13" printed */
	bool planned;
	bool done;
	unsigned int plan;
	unsigned int ended, passed, failed, skipped;
	struct ktest_entry *tests;	/* [index - 1] */
	unsigned int cap;
};

enum ktestlog_result {
	KTESTLOG_OK = 0,
	KTESTLOG_VIOLATION = -1,	/* malformed event: a guest bug */
	KTESTLOG_ASSERT = 1,		/* a guest assertion outside any test */
};

void ktestlog_init(struct ktestlog *log);
void ktestlog_free(struct ktestlog *log);

/*
 * Records one (already copied and terminated) event. On anything but
 * KTESTLOG_OK the message for the user is in @e.
 */
enum ktestlog_result ktestlog_event(struct ktestlog *log,
				    const struct mv_hc_test *t,
				    struct errbuf *e);

enum ktestlog_verdict {
	KTESTLOG_PASSED,		/* or no tests were run */
	KTESTLOG_FAILED,		/* a test failed or went missing */
	KTESTLOG_NONE_MATCHED,		/* a plan of 0 tests: nothing to run */
};

/*
 * The VMM's own verdict at guest shutdown. KTESTLOG_FAILED: a failed test;
 * with a plan, fewer ends than planned or no DONE; one "vmm: ..." line per
 * problem goes to @f. KTESTLOG_NONE_MATCHED (a plan of 0) prints nothing:
 * the caller knows what was asked for.
 */
enum ktestlog_verdict ktestlog_verdict(struct ktestlog *log, FILE *f);

#endif
