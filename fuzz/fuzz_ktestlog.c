// SPDX-License-Identifier: MIT
/*
 * The guest's test reports: a sequence of HC_TEST events, as hcreq_test
 * leaves them (strings terminated, event checked), recorded by ktestlog
 * and judged by ktestlog_verdict. TAP goes to /dev/null.
 *
 * Input: per event, 1 byte event, 1 byte flags, an index (1 byte, or 4
 * with flag 1), 1 byte status, then name and msg, each a length byte and
 * that many bytes. Checked: passed + failed + skipped == ended; the ledger
 * holds exactly `ended` ended tests; with a plan, every recorded test is
 * within it; the verdict is FAILED when a test failed.
 */
#include <memvisor/hypercall.h>

#include "console.h"
#include "fuzz.h"
#include "hcreq.h"
#include "ktestlog.h"

static void fuzz_str(struct fuzz_in *in, char *dst, size_t max)
{
	size_t n = fuzz_u8(in);

	if (n > in->len)
		n = in->len;
	if (n > max)
		n = max;
	memset(dst, 0, max);
	memcpy(dst, in->p, n);
	in->p += n;
	in->len -= n;
}

static void check_ledger(const struct ktestlog *log)
{
	unsigned int ended = 0;

	FUZZ_CHECK(log->passed + log->failed + log->skipped == log->ended,
		   "%u + %u + %u != %u", log->passed, log->failed,
		   log->skipped, log->ended);
	for (unsigned int i = 0; i < log->cap; i++) {
		if (log->tests[i].state == KTEST_ENDED)
			ended++;
		if (log->planned && log->tests[i].state != KTEST_NONE)
			FUZZ_CHECK(i < log->plan, "test %u beyond the plan of %u",
				   i + 1, log->plan);
		FUZZ_CHECK(memchr(log->tests[i].name, '\0',
				  sizeof(log->tests[i].name)), "name");
	}
	FUZZ_CHECK(ended == log->ended, "%u ended in the table, %u counted",
		   ended, log->ended);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct fuzz_in in = { data, size };
	struct ktestlog log;
	struct mv_hc_test t;
	struct errbuf e;
	enum ktestlog_verdict v;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		FUZZ_CHECK(devnull, "/dev/null");
		console_set_streams(devnull, devnull);
	}
	ktestlog_init(&log);
	while (in.len) {
		uint8_t flags;

		memset(&t, 0, sizeof(t));
		t.event = fuzz_u8(&in);
		flags = fuzz_u8(&in);
		t.index = flags & 1 ? fuzz_u32(&in) : fuzz_u8(&in);
		t.status = fuzz_u8(&in);
		t.line = flags >> 1;
		fuzz_str(&in, t.name, sizeof(t.name));
		fuzz_str(&in, t.msg, sizeof(t.msg));
		snprintf(t.file, sizeof(t.file), "fuzz.c");
		/* what hcreq_test guarantees */
		HCREQ_TERMINATE(t.name);
		HCREQ_TERMINATE(t.msg);
		if (t.event > MV_TEST_DIAG)
			continue;
		ktestlog_event(&log, &t, &e);
		check_ledger(&log);
	}
	v = ktestlog_verdict(&log, devnull);
	FUZZ_CHECK(!log.failed || v == KTESTLOG_FAILED, "%u failed, verdict %d",
		   log.failed, v);
	ktestlog_free(&log);
	return 0;
}
