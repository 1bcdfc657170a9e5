// SPDX-License-Identifier: MIT
/*
 * run_cmd, the helper the vmm end-to-end suites run vmm with: capture,
 * exit status, timeout, signals, cwd. On /bin/sh, so it needs nothing else.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "../integration/run_cmd.h"

#define SH(script)	((char *[]){ "/bin/sh", "-c", script, NULL })

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

Test(run_cmd, captures_stdout_stderr_and_status)
{
	struct run_result r;

	cr_assert_eq(run_cmd(SH("echo out; echo err >&2; exit 3"), 10, &r), 0);
	cr_expect_str_eq(r.out, "out\n");
	cr_expect_str_eq(r.err, "err\n");
	cr_expect_eq(r.status, 3);
	cr_expect_eq(r.signo, 0);
	cr_expect(!r.timed_out);
	cr_expect_gt(r.maxrss_kib, 0);
	run_result_free(&r);
}

Test(run_cmd, no_output_gives_empty_strings)
{
	struct run_result r;

	cr_assert_eq(run_cmd(SH("exit 0"), 10, &r), 0);
	cr_assert_not_null(r.out);
	cr_assert_not_null(r.err);
	cr_expect_str_empty(r.out);
	cr_expect_str_empty(r.err);
	cr_expect_eq(r.status, 0);
	run_result_free(&r);
}

/* More than a pipe holds, on both streams: neither may block the other. */
Test(run_cmd, large_output_on_both_streams)
{
	struct run_result r;
	size_t i;

	cr_assert_eq(run_cmd(SH("head -c 1000000 /dev/zero | tr '\\0' o; "
				"head -c 1000000 /dev/zero | tr '\\0' e >&2"),
			     30, &r), 0);
	cr_assert_eq(strlen(r.out), 1000000);
	cr_assert_eq(strlen(r.err), 1000000);
	for (i = 0; i < 1000000; i++)
		if (r.out[i] != 'o' || r.err[i] != 'e')
			cr_assert_fail("byte %zu: '%c' '%c'", i, r.out[i], r.err[i]);
	cr_expect(!r.truncated);
	run_result_free(&r);
}

Test(run_cmd, stdin_is_dev_null)
{
	struct run_result r;

	cr_assert_eq(run_cmd(SH("cat; echo done"), 10, &r), 0);
	cr_expect_str_eq(r.out, "done\n");
	run_result_free(&r);
}

/* The whole group dies: a background grandchild holds the pipes too. */
Test(run_cmd, timeout_kills_the_process_group)
{
	struct run_result r;
	double t = now_s();

	cr_assert_eq(run_cmd(SH("sleep 100 & echo started; sleep 100"), 1, &r),
		     0);
	t = now_s() - t;
	cr_expect(r.timed_out);
	cr_expect_eq(r.status, -1);
	cr_expect_eq(r.signo, SIGKILL);
	cr_expect_str_eq(r.out, "started\n");
	cr_expect_lt(t, 4.0, "took %.1f s: the grandchild outlived the kill", t);
	run_result_free(&r);
}

Test(run_cmd, signal_after_delay)
{
	struct run_opts o = { .timeout_s = 10, .signo = SIGTERM,
			      .signal_ms = 200 };
	struct run_result r;

	cr_assert_eq(run_cmd_opts(SH("trap 'echo term; exit 7' TERM; "
				     "echo ready; while :; do sleep 0.05; done"),
				  &o, &r), 0);
	cr_expect(!r.timed_out);
	cr_expect_eq(r.status, 7, "stdout: %s", r.out);
	cr_expect_str_eq(r.out, "ready\nterm\n");
	run_result_free(&r);
}

Test(run_cmd, unhandled_signal_is_reported)
{
	struct run_opts o = { .timeout_s = 10, .signo = SIGINT,
			      .signal_ms = 100 };
	struct run_result r;

	cr_assert_eq(run_cmd_opts((char *[]){ "sleep", "5", NULL }, &o, &r), 0);
	cr_expect_eq(r.status, -1);
	cr_expect_eq(r.signo, SIGINT);
	cr_expect(!r.timed_out);
	run_result_free(&r);
}

Test(run_cmd, runs_in_cwd)
{
	struct run_opts o = { .timeout_s = 10, .cwd = "/" };
	struct run_result r;

	cr_assert_eq(run_cmd_opts(SH("pwd"), &o, &r), 0);
	cr_expect_str_eq(r.out, "/\n");
	run_result_free(&r);
}

Test(run_cmd, exec_failure_exits_127)
{
	struct run_result r;

	cr_assert_eq(run_cmd((char *[]){ "/nonexistent/prog", NULL }, 10, &r),
		     0);
	cr_expect_eq(r.status, 127);
	cr_expect(strstr(r.err, "exec failed"), "stderr: %s", r.err);
	run_result_free(&r);
}
