// SPDX-License-Identifier: MIT
/*
 * tools/test-summary, the "N passed, N failed, N skipped" line of `make
 * check`: on made-up logs (skipped cases as Criterion 2.4 reports them,
 * outside its "Tested:" count; skipped, failed and crashed programs; a
 * retried run) and on a real run of test_vmm_cli, whose every case must
 * be counted once: passed + failed + skipped = the cases `--list` names.
 *
 * Environment: MEMVISOR_SRC_TOP (for tools/) and MEMVISOR_BUILD_TOP (for
 * test_vmm_cli), both default ".".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../integration/run_cmd.h"

#define RUN_TIMEOUT_S	120

#define TMPDIR_MAX	256

static char tmpdir[TMPDIR_MAX];

static const char *top(const char *var)
{
	const char *t = getenv(var);

	return t && *t ? t : ".";
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	/*
	 * Criterion's sandbox tells its workers apart by BXFI_MAP (read at
	 * their start): a Criterion program we run must not inherit it.
	 */
	unsetenv("BXFI_MAP");
	snprintf(tmpdir, sizeof(tmpdir), "%s/test-summary.XXXXXX",
		 t && *t ? t : "/tmp");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (!run_cmd((char *[]){ "/bin/sh", "-c", cmd, NULL }, 30, &r))
		run_result_free(&r);
}

TestSuite(summary, .init = setup, .fini = teardown);

static void put(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* What tools/test-summary prints for tmpdir. */
static char *summary(void)
{
	char tool[PATH_MAX];
	struct run_result r;
	char *out;

	snprintf(tool, sizeof(tool), "%s/tools/test-summary",
		 top("MEMVISOR_SRC_TOP"));
	cr_assert_eq(run_cmd((char *[]){ tool, tmpdir, NULL }, RUN_TIMEOUT_S, &r),
		     0, "cannot run %s: %s", tool, strerror(errno));
	cr_assert_eq(r.status, 0, "%s: status %d\n%s", tool, r.status, r.err);
	out = strdup(r.out);
	run_result_free(&r);
	return out;
}

#define BOLD	"\x1b[0;1m"
#define RESET	"\x1b[0m"

Test(summary, made_up_logs)
{
	char *s;

	/* 3 tested (2 pass, 1 fail) and 2 skipped, in colour */
	put("a.log", "[----] note\n"
		     "[" BOLD "SKIP" RESET "] a::x: needs KVM\n"
		     "[SKIP] a::y: Test is disabled\n"
		     "[" BOLD "====" RESET "] " BOLD "Synthesis: Tested: "
		     BOLD "3" RESET " | Passing: " BOLD "2" RESET
		     " | Failing: " BOLD "1" RESET " | Crashing: " BOLD "0"
		     RESET " " RESET "\n");
	put("a.trs", ":test-result: FAIL\n");
	/* a Criterion that counts skips in its synthesis: no double count */
	put("b.log", "[SKIP] b::x: no\n"
		     "[====] Synthesis: Tested: 2 | Passing: 1 | Failing: 0 | Crashing: 1 | Skipped: 4\n");
	/* a retried run: only the last one's skips count */
	put("c.log", "[SKIP] c::x: first run\n[SKIP] c::y: first run\n"
		     "[====] Synthesis: Tested: 1 | Passing: 0 | Failing: 1 | Crashing: 0\n"
		     "[SKIP] c::x: second run\n"
		     "[====] Synthesis: Tested: 2 | Passing: 2 | Failing: 0 | Crashing: 0\n");
	/* a program the harness skipped (77), one that died silently */
	put("d.log", "no /dev/kvm\n");
	put("d.trs", ":test-result: SKIP\n");
	put("e.log", "Segmentation fault\n");
	put("e.trs", ":test-result: FAIL\n");
	put("test-suite.log", "[SKIP] ignored\n");

	s = summary();
	cr_expect_str_eq(s, "5 passed, 3 failed, 8 skipped\n");
	free(s);
}

/* The number of cases `PROG --list` names. */
static unsigned int listed_cases(const char *prog)
{
	unsigned int total = 0, n;
	struct run_result r;
	const char *p;

	cr_assert_eq(run_cmd((char *[]){ (char *)prog, "--list", NULL },
			     RUN_TIMEOUT_S, &r), 0);
	/* "SUITE: N tests" lines */
	for (p = r.out; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%*[^:\n]: %u test", &n) == 1)
			total += n;
	run_result_free(&r);
	return total;
}

Test(summary, counts_every_case_of_a_real_run)
{
	unsigned int passed, failed, skipped, cases;
	char prog[PATH_MAX], cmd[3 * PATH_MAX];
	struct run_result r;
	char *s;

	snprintf(prog, sizeof(prog), "%s/tests/unit/test_vmm_cli",
		 top("MEMVISOR_BUILD_TOP"));
	cr_assert_eq(access(prog, X_OK), 0, "%s: %s (make check builds it)",
		     prog, strerror(errno));
	cases = listed_cases(prog);
	cr_assert_gt(cases, 0, "%s --list named no cases", prog);
	/* as `make check` runs it (tests/local.mk), its log in tmpdir */
	snprintf(cmd, sizeof(cmd),
		 "CRITERION_VERBOSITY_LEVEL=1 '%s' >'%s/test_vmm_cli.log' 2>&1",
		 prog, tmpdir);
	cr_assert_eq(run_cmd((char *[]){ "/bin/sh", "-c", cmd, NULL },
			     RUN_TIMEOUT_S, &r), 0);
	run_result_free(&r);
	s = summary();
	cr_assert_eq(sscanf(s, "%u passed, %u failed, %u skipped", &passed,
			    &failed, &skipped), 3, "not a summary line: %s", s);
	cr_expect_eq(passed + failed + skipped, cases,
		     "%s: %u cases, the summary counts %u: %s", prog, cases,
		     passed + failed + skipped, s);
	free(s);
}
