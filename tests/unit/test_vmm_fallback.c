// SPDX-License-Identifier: MIT
/*
 * The accelerator's fallback, for real, on the host: with the KVM device
 * hidden (MEMVISOR_KVM_DEV), `vmm` (auto) must boot the guest through the
 * nested runner, whose own /dev/kvm the inner vmm uses; where the runner
 * can't run, it must say so and fail. This runs on the host, never inside
 * the runner (tests/run-test sends only integration/ there), and may wait
 * for another nested run: the runner lets one QEMU run at a time.
 *
 * Environment: MEMVISOR_VMM, MEMVISOR_BUILD_TOP (as tests/local.mk sets).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../integration/run_cmd.h"

#define NO_KVM_DEV		"/nonexistent/kvm"
#define NESTED_BOOT_TIMEOUT_S	900
#define HELLO_EXIT		42	/* tests/unit/fixtures/hello.S */

static char *abs_path(const char *rel, char *buf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", build_top(), rel);
	cr_assert_not_null(realpath(path, buf), "%s: %s (make check builds it)",
			   path, strerror(errno));
	return buf;
}

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	bool m;

	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0);
	m = !regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return m;
}

#define EXPECT_RUN(r, cond, what)					\
	cr_assert(cond, "%s\n(exit %d)\n--- stdout\n%s--- stderr\n%s", what,	\
		  (r)->status, (r)->out, (r)->err)

Test(fallback, hidden_kvm_boots_nested, .timeout = NESTED_BOOT_TIMEOUT_S + 30)
{
	char vmm[PATH_MAX], hello[PATH_MAX];
	struct run_result r;

	cr_assert_not_null(realpath(vmm_path(), vmm), "%s: %s (make check builds it)",
			   vmm_path(), strerror(errno));
	abs_path("tests/unit/fixtures/hello.elf", hello);
	unsetenv("MEMVISOR_ACCEL");
	unsetenv("MEMVISOR_NESTED_DEPTH");
	setenv("MEMVISOR_KVM_DEV", NO_KVM_DEV, 1);
	cr_assert_eq(run_cmd((char *[]){ vmm, "--mem", "64M", "--kernel", hello,
				NULL }, NESTED_BOOT_TIMEOUT_S, &r), 0,
		     "cannot run %s: %s", vmm, strerror(errno));
	cr_assert(!r.timed_out, "still running after %u s\n%s", NESTED_BOOT_TIMEOUT_S,
		  r.err);
	if (matches(r.err, "^vmm: accelerator none: ")) {
		EXPECT_RUN(&r, r.status == 1, "want exit status 1 (host error)");
		EXPECT_RUN(&r, matches(r.err, "^vmm: " NO_KVM_DEV " not found"),
			   "want a line naming the missing device");
	} else {
		EXPECT_RUN(&r, r.status == HELLO_EXIT, "want the fixture's exit status 42");
		EXPECT_RUN(&r, matches(r.err, "^vmm: accelerator nested: " NO_KVM_DEV " not found"),
			   "want the outer vmm to choose the nested runner");
		EXPECT_RUN(&r, matches(r.err, "^vmm: accelerator kvm: inside the nested runner, its /dev/kvm$"),
			   "want the inner vmm to use the runner's /dev/kvm");
		EXPECT_RUN(&r, strstr(r.out, "hello from the fixture kernel"),
			   "want the fixture's greeting");
	}
	run_result_free(&r);
}
