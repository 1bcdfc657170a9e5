// SPDX-License-Identifier: MIT
/*
 * Hypercall requests as the VMM copies and validates them, the in-guest test
 * ledger (TAP and the VMM's own count) and the panic report.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/base/console.h"
#include "../../vmm/hypercall/hcreq.h"
#include "../../vmm/io/iobus.h"
#include "../../vmm/hypercall/ktestlog.h"
#include "../../vmm/core/report.h"

#define RAM_SIZE	0x10000ULL

static unsigned char ram[RAM_SIZE];
static struct gmem gm;
static struct errbuf e;

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, RAM_SIZE, ram), 0);
}

TestSuite(hcreq, .init = setup);

Test(hcreq, console_copies_only_len)
{
	struct mv_hc_console *g = (void *)(ram + 0x1000), c;

	g->len = 5;
	g->level = 6;
	memcpy(g->data, "hello, world", 12);
	memset(&c, 'x', sizeof(c));
	cr_assert_eq(hcreq_console(&gm, 0x1000, &c, &e), 0, "%s", e.msg);
	cr_assert_eq(c.len, 5);
	cr_assert_eq(c.level, 6);
	cr_assert_eq(memcmp(c.data, "hello", 5), 0);
	cr_assert_eq(c.data[5], 'x', "copied more than len");
}

Test(hcreq, console_len_too_large)
{
	struct mv_hc_console *g = (void *)(ram + 0x1000), c;

	g->len = MV_HC_CONSOLE_MAX + 1;
	cr_assert_eq(hcreq_console(&gm, 0x1000, &c, &e), -1);
	cr_assert_str_eq(e.msg, "HC_CONSOLE: len 1025 is more than MV_HC_CONSOLE_MAX (1024)");
	g->len = 0xffffffff;
	cr_assert_eq(hcreq_console(&gm, 0x1000, &c, &e), -1);
	g->len = MV_HC_CONSOLE_MAX;
	cr_assert_eq(hcreq_console(&gm, 0x1000, &c, &e), 0);
}

Test(hcreq, console_at_the_end_of_ram)
{
	uint64_t gpa = RAM_SIZE - offsetof(struct mv_hc_console, data) - 4;
	struct mv_hc_console c;
	uint32_t len = 4;

	/* a short message may end exactly at the end of RAM */
	memcpy(ram + gpa, &len, sizeof(len));
	cr_assert_eq(hcreq_console(&gm, gpa, &c, &e), 0, "%s", e.msg);
	len = 5;
	memcpy(ram + gpa, &len, sizeof(len));
	cr_assert_eq(hcreq_console(&gm, gpa, &c, &e), -1);
	cr_assert_eq(hcreq_console(&gm, RAM_SIZE + 0x1000, &c, &e), -1);
	cr_assert_str_eq(e.msg, "HC_CONSOLE: request [0x11000+0x8) is not in guest RAM");
}

Test(hcreq, panic_strings_terminated_frames_clamped)
{
	struct mv_hc_panic *g = (void *)(ram + 0x2000), p;

	g->kind = MV_PANIC_BUG;
	g->nr_frames = 1000;
	g->has_regs = 7;
	memset(g->file, 'f', sizeof(g->file));
	memset(g->msg, 'm', sizeof(g->msg));
	cr_assert_eq(hcreq_panic(&gm, 0x2000, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(strlen(p.file), MV_PANIC_FILE_MAX - 1);
	cr_assert_eq(strlen(p.msg), MV_PANIC_MSG_MAX - 1);
	cr_assert_eq(p.nr_frames, MV_PANIC_FRAMES);
	cr_assert_eq(p.has_regs, 1);

	g->kind = 9;
	cr_assert_eq(hcreq_panic(&gm, 0x2000, &p, &e), -1);
	cr_assert_str_eq(e.msg, "HC_PANIC: unknown kind 9");
	cr_assert_eq(hcreq_panic(&gm, RAM_SIZE - 16, &p, &e), -1);
}

Test(hcreq, test_strings_terminated)
{
	struct mv_hc_test *g = (void *)(ram + 0x3000), t;

	g->event = MV_TEST_BEGIN;
	memset(g->name, 'n', sizeof(g->name));
	memset(g->file, 'f', sizeof(g->file));
	memset(g->msg, 'm', sizeof(g->msg));
	cr_assert_eq(hcreq_test(&gm, 0x3000, &t, &e), 0, "%s", e.msg);
	cr_assert_eq(strlen(t.name), MV_TEST_NAME_MAX - 1);
	cr_assert_eq(strlen(t.file), MV_TEST_FILE_MAX - 1);
	cr_assert_eq(strlen(t.msg), MV_TEST_MSG_MAX - 1);
	g->event = 6;
	cr_assert_eq(hcreq_test(&gm, 0x3000, &t, &e), -1);
	cr_assert_str_eq(e.msg, "HC_TEST: unknown event 6");
}

/* HC_ALLOC_FAILURE's request: copied, then checked. */
Test(hcreq, alloc_failure_validation)
{
	struct mv_hc_alloc_failure *g = (void *)(ram + 0x4000), f;

	g->order = 3;
	memset(g->comm, 'c', sizeof(g->comm));
	cr_assert_eq(hcreq_alloc_failure(&gm, 0x4000, &f, &e), 0, "%s", e.msg);
	cr_assert_eq(f.order, 3);
	cr_assert_eq(strlen(f.comm), MV_HC_COMM_MAX - 1);
	g->order = 64;
	cr_assert_eq(hcreq_alloc_failure(&gm, 0x4000, &f, &e), -1);
	cr_assert_str_eq(e.msg, "HC_ALLOC_FAILURE: order 64 is not a page order");
	cr_assert_eq(hcreq_alloc_failure(&gm, RAM_SIZE - 8, &f, &e), -1);
}

/* --- the test ledger ------------------------------------------------------ */

static char *out_buf, *err_buf;
static size_t out_len, err_len;
static FILE *out, *err;
static struct ktestlog log_;

static void ledger_setup(void)
{
	out = open_memstream(&out_buf, &out_len);
	err = open_memstream(&err_buf, &err_len);
	console_set_streams(out, err);
	ktestlog_init(&log_);
}

static void ledger_teardown(void)
{
	ktestlog_free(&log_);
	console_set_streams(stdout, stderr);
	fclose(out);
	fclose(err);
	free(out_buf);
	free(err_buf);
}

TestSuite(ktestlog, .init = ledger_setup, .fini = ledger_teardown);

static enum ktestlog_result ev(unsigned int event, unsigned int index,
			       unsigned int status, const char *name,
			       const char *msg)
{
	struct mv_hc_test t;

	memset(&t, 0, sizeof(t));
	t.event = event;
	t.index = index;
	t.status = status;
	t.line = 12;
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.file, sizeof(t.file), "mm/slab.c");
	snprintf(t.msg, sizeof(t.msg), "%s", msg);
	return ktestlog_event(&log_, &t, &e);
}

static const char *output(void)
{
	fflush(out);
	return out_buf;
}

static enum ktestlog_verdict verdict(void)
{
	enum ktestlog_verdict v = ktestlog_verdict(&log_, err);

	fflush(err);
	return v;
}

Test(ktestlog, all_pass_prints_tap)
{
	cr_assert_eq(ev(MV_TEST_PLAN, 2, 0, "", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_BEGIN, 1, 0, "slab.a", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_END, 1, MV_TEST_PASS, "", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_BEGIN, 2, 0, "slab.b", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_DIAG, 0, 0, "", "note"), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_END, 2, MV_TEST_SKIP, "", "needs 4 CPUs"),
		     KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_DONE, 0, 0, "", ""), KTESTLOG_OK);
	cr_assert_str_eq(output(),
			 "TAP version 13\n1..2\nok 1 - slab.a\n# note\n"
			 "ok 2 - slab.b # SKIP needs 4 CPUs\n");
	cr_assert_eq(verdict(), KTESTLOG_PASSED);
	cr_assert_eq(err_len, 0);
}

Test(ktestlog, assertion_fails_a_test_that_claims_to_pass)
{
	ev(MV_TEST_PLAN, 1, 0, "", "");
	ev(MV_TEST_BEGIN, 1, 0, "buddy.split", "");
	cr_assert_eq(ev(MV_TEST_ASSERT, 1, 0, "", "expected x"), KTESTLOG_OK);
	ev(MV_TEST_END, 1, MV_TEST_PASS, "", "");
	ev(MV_TEST_DONE, 0, 0, "", "");
	cr_assert_str_eq(output(),
			 "TAP version 13\n1..1\n"
			 "    # ASSERTION FAILED at mm/slab.c:12: expected x\n"
			 "not ok 1 - buddy.split\n");
	cr_assert_eq(verdict(), KTESTLOG_FAILED);
	cr_assert_str_eq(err_buf, "vmm: 1 of 1 guest tests failed\n");
}

Test(ktestlog, missing_tests_and_done)
{
	ev(MV_TEST_PLAN, 3, 0, "", "");
	ev(MV_TEST_BEGIN, 1, 0, "a.b", "");
	ev(MV_TEST_END, 1, MV_TEST_PASS, "", "");
	ev(MV_TEST_BEGIN, 2, 0, "a.c", "");
	cr_assert_eq(verdict(), KTESTLOG_FAILED);
	cr_assert_str_eq(err_buf,
			 "vmm: guest test 2 (a.c) began but never ended\n"
			 "vmm: guest announced 3 tests but reported 1\n"
			 "vmm: guest did not report the end of its tests (no DONE)\n");
}

Test(ktestlog, failed_status)
{
	ev(MV_TEST_BEGIN, 1, 0, "x.y", "");
	ev(MV_TEST_END, 1, MV_TEST_FAIL, "", "");
	cr_assert_str_eq(output(), "TAP version 13\nnot ok 1 - x.y\n");
	cr_assert_eq(verdict(), KTESTLOG_FAILED);
	cr_assert_str_eq(err_buf, "vmm: 1 of 1 guest tests failed\n");
}

Test(ktestlog, no_tests_no_verdict)
{
	cr_assert_eq(verdict(), KTESTLOG_PASSED);
	cr_assert_eq(err_len, 0);
}

/* ktest=GLOB that matched nothing: the caller reports it, not a pass */
Test(ktestlog, plan_of_zero_matched_nothing)
{
	cr_assert_eq(ev(MV_TEST_PLAN, 0, 0, "", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_DONE, 0, 0, "", ""), KTESTLOG_OK);
	cr_assert_str_eq(output(), "TAP version 13\n1..0\n");
	cr_assert_eq(verdict(), KTESTLOG_NONE_MATCHED);
	cr_assert_eq(err_len, 0);
}

Test(ktestlog, assertion_outside_a_test_is_fatal)
{
	cr_assert_eq(ev(MV_TEST_ASSERT, 0, 0, "", "x != NULL"), KTESTLOG_ASSERT);
	cr_assert_str_eq(e.msg, "guest assertion failed at mm/slab.c:12: x != NULL");
	ev(MV_TEST_BEGIN, 1, 0, "t.t", "");
	ev(MV_TEST_END, 1, MV_TEST_PASS, "", "");
	cr_assert_eq(ev(MV_TEST_ASSERT, 1, 0, "", "late"), KTESTLOG_ASSERT);
}

Test(ktestlog, protocol_violations)
{
	ev(MV_TEST_PLAN, 2, 0, "", "");
	cr_assert_eq(ev(MV_TEST_PLAN, 2, 0, "", ""), KTESTLOG_VIOLATION);
	cr_assert_str_eq(e.msg, "HC_TEST: a second plan (2 tests)");
	cr_assert_eq(ev(MV_TEST_BEGIN, 3, 0, "a", ""), KTESTLOG_VIOLATION);
	cr_assert_str_eq(e.msg, "HC_TEST: test number 3 is outside 1..2");
	cr_assert_eq(ev(MV_TEST_BEGIN, 0, 0, "a", ""), KTESTLOG_VIOLATION);
	cr_assert_eq(ev(MV_TEST_BEGIN, 1, 0, "a", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_BEGIN, 1, 0, "a", ""), KTESTLOG_VIOLATION);
	cr_assert_str_eq(e.msg, "HC_TEST: test 1 (a) began twice");
	cr_assert_eq(ev(MV_TEST_END, 1, 7, "", ""), KTESTLOG_VIOLATION);
	cr_assert_str_eq(e.msg, "HC_TEST: test 1 ended with unknown status 7");
	cr_assert_eq(ev(MV_TEST_END, 1, MV_TEST_PASS, "", ""), KTESTLOG_OK);
	cr_assert_eq(ev(MV_TEST_END, 1, MV_TEST_PASS, "", ""), KTESTLOG_VIOLATION);
	cr_assert_str_eq(e.msg, "HC_TEST: test 1 (a) ended twice");
	cr_assert_eq(ev(9, 1, 0, "", ""), KTESTLOG_VIOLATION);
	cr_assert_eq(ev(MV_TEST_PLAN, KTESTLOG_MAX_TESTS + 1, 0, "", ""),
		     KTESTLOG_VIOLATION);
}

Test(ktestlog, skip_without_begin)
{
	cr_assert_eq(ev(MV_TEST_END, 4, MV_TEST_SKIP, "smp.ipi", "1 CPU"),
		     KTESTLOG_OK);
	cr_assert_str_eq(output(), "TAP version 13\nok 4 - smp.ipi # SKIP 1 CPU\n");
}

/* --- the panic report ----------------------------------------------------- */

Test(report, exception_report)
{
	struct mv_hc_panic p;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	memset(&p, 0, sizeof(p));
	p.kind = MV_PANIC_EXCEPTION;
	p.cpu = 1;
	p.vector = 14;
	p.error_code = 2;
	p.line = 99;
	p.has_regs = 1;
	p.regs.rip = 0xffffffff80101234ULL;
	p.regs.cr2 = 0xdead000;
	p.nr_frames = 2;
	p.frames[0] = 0xffffffff80100100ULL;
	p.frames[1] = 0xffffffff80100200ULL;
	strcpy(p.file, "mm/page_alloc.c");
	strcpy(p.msg, "oops");
	report_panic(f, &p, 1, NULL);
	fclose(f);
	cr_assert(strstr(buf, "guest panic on CPU 1: unhandled exception: oops at mm/page_alloc.c:99\n"), "%s", buf);
	cr_assert(strstr(buf, "exception 14 (#PF page fault), error code 0x2, CR2 0xdead000"), "%s", buf);
	cr_assert(strstr(buf, "RIP: ffffffff80101234"), "%s", buf);
	cr_assert(strstr(buf, "Call trace:\n  [<ffffffff80100100>]\n  [<ffffffff80100200>]\n"), "%s", buf);
	cr_assert(report_is_fatal(MV_PANIC_EXCEPTION));
	free(buf);
}

Test(report, kinds_and_vectors)
{
	struct mv_hc_panic p;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	memset(&p, 0, sizeof(p));
	p.kind = MV_PANIC_WARN;
	p.cpu = 3;
	strcpy(p.msg, "odd");
	report_panic(f, &p, 0, NULL);
	fclose(f);
	cr_assert_str_eq(buf, "guest warning on CPU 0: odd (the guest says CPU 3)\n");
	free(buf);

	cr_assert(report_is_fatal(MV_PANIC_PANIC));
	cr_assert(report_is_fatal(MV_PANIC_BUG));
	cr_assert_not(report_is_fatal(MV_PANIC_WARN));
	cr_assert_not(report_is_fatal(MV_PANIC_SLEEP_BUG));
	cr_assert_str_eq(report_vector_mnemonic(13), "#GP");
	cr_assert_str_eq(report_vector_mnemonic(6), "#UD");
	cr_assert_str_eq(report_vector_mnemonic(8), "#DF");
	cr_assert_str_eq(report_vector_mnemonic(15), "#??");
	cr_assert_str_eq(report_vector_mnemonic(200), "#??");
}

/* --- the I/O bus ----------------------------------------------------------- */

static enum io_result nop(void *opaque, struct io_access *a)
{
	return IO_DONE;
}

Test(iobus, ranges)
{
	struct iobus bus = { .nr = 0 };

	cr_assert_eq(iobus_register(&bus, 0x500, 6, nop, NULL, "hc"), 0);
	cr_assert_eq(iobus_register(&bus, 0x505, 2, nop, NULL, "x"), -EEXIST);
	cr_assert_eq(iobus_register(&bus, 0x10, 0, nop, NULL, "x"), -EINVAL);
	cr_assert_not_null(iobus_find(&bus, 0x500, 4));
	cr_assert_not_null(iobus_find(&bus, 0x505, 1));
	cr_assert_null(iobus_find(&bus, 0x505, 2));
	cr_assert_null(iobus_find(&bus, 0x506, 1));
	cr_assert_null(iobus_find(&bus, 0x4ff, 1));
}
