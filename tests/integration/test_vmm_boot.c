// SPDX-License-Identifier: MIT
/*
 * vmm under KVM with the fixture kernels (tests/unit/fixtures/NAME.S): its exit
 * status and output for a clean boot, SMP bring-up, each way a guest can
 * crash or misbehave, --timeout, SIGINT/SIGTERM, lazily committed RAM and
 * the --cpus limits. Needs a usable /dev/kvm: `make check` runs it through
 * tools/nested/kvm-test-wrapper, by hand it is
 *
 *   MEMVISOR_VMM=$PWD/vmm/vmm MEMVISOR_BUILD_TOP=$PWD \
 *	tools/nested/nested-run -- tests/integration/test_vmm_boot
 *
 * Environment: MEMVISOR_VMM (default $MEMVISOR_BUILD_TOP/vmm/vmm) and
 * MEMVISOR_BUILD_TOP (the fixtures are in tests/unit/fixtures; default ".").
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "run_cmd.h"

/* Generous: nested KVM under TCG is slow, and a hung vmm must not hang us. */
#define RUN_TIMEOUT_S	60
#define MAX_ARGS	32
#define MV_MAX_CPUS	64		/* include/memvisor/bootparams.h */
#define RSS_LIMIT_KIB	(64 * 1024)
/* Time for vmm to be up and the guest running before we signal it. */
#define SIGNAL_AFTER_MS	2000

static bool kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void setup(void)
{
	/* the wrapper chose this host's KVM (or we run inside the runner) */
	setenv("MEMVISOR_ACCEL", "kvm", 1);
	cr_assert(kvm_usable(),
		  "no usable /dev/kvm: run this through tools/nested/kvm-test-wrapper or tools/nested/nested-run (make check does)");
	cr_assert_eq(access(vmm_path(), X_OK), 0,
		     "%s is not an executable: build it (make vmm/vmm) or set MEMVISOR_VMM",
		     vmm_path());
}

TestSuite(vmm_boot, .init = setup);

/* ---- running vmm --------------------------------------------------------- */

struct vmm_run {
	struct run_result r;
	char cmd[1024];		/* for messages */
};

static void run_vmm_opts(struct vmm_run *v, const struct run_opts *o,
			 char *const args[])
{
	char *argv[MAX_ARGS];
	size_t len;
	int i;

	argv[0] = (char *)vmm_path();
	len = snprintf(v->cmd, sizeof(v->cmd), "vmm");
	for (i = 0; args[i]; i++) {
		cr_assert_lt(i + 2, MAX_ARGS);
		argv[i + 1] = args[i];
		if (len < sizeof(v->cmd))
			len += snprintf(v->cmd + len, sizeof(v->cmd) - len,
					" %s", args[i]);
	}
	argv[i + 1] = NULL;
	cr_assert_eq(run_cmd_opts(argv, o, &v->r), 0, "cannot run %s: %s",
		     argv[0], strerror(errno));
	cr_assert(!v->r.timed_out,
		  "%s: killed after %u s\n--- stdout\n%s--- stderr\n%s",
		  v->cmd, o->timeout_s, v->r.out, v->r.err);
	cr_assert_eq(v->r.signo, 0,
		     "%s: died of signal %d\n--- stdout\n%s--- stderr\n%s",
		     v->cmd, v->r.signo, v->r.out, v->r.err);
}

static void run_vmm(struct vmm_run *v, char *const args[])
{
	struct run_opts o = { .timeout_s = RUN_TIMEOUT_S };

	run_vmm_opts(v, &o, args);
}

/* An assertion on @v that shows the command and everything it printed. */
#define EXPECT_RUN(v, cond, what)					\
	cr_assert(cond, "%s: %s\n(exit %d)\n--- stdout\n%s--- stderr\n%s", \
		  (v)->cmd, what, (v)->r.status, (v)->r.out, (v)->r.err)

/* grep -E: does a line of @text match @pattern? */
static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	bool m;

	cr_assert_eq(regcomp(&re, pattern,
			     REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0,
		     "bad pattern '%s'", pattern);
	m = !regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return m;
}

static void expect_status(struct vmm_run *v, int want)
{
	char what[64];

	snprintf(what, sizeof(what), "want exit status %d", want);
	EXPECT_RUN(v, v->r.status == want, what);
	/* exitstatus.h: when vmm ends the run itself it says why */
	if (want == 3 || want == 4 || want == 5 || want == 130 || want == 143)
		EXPECT_RUN(v, matches(v->r.err, "^vmm: "),
			   "want a 'vmm: ' line on stderr saying why");
}

static void expect_out(struct vmm_run *v, const char *pattern)
{
	char what[256];

	snprintf(what, sizeof(what), "want a stdout line matching /%s/",
		 pattern);
	EXPECT_RUN(v, matches(v->r.out, pattern), what);
}

static void expect_err(struct vmm_run *v, const char *pattern)
{
	char what[256];

	snprintf(what, sizeof(what), "want a stderr line matching /%s/",
		 pattern);
	EXPECT_RUN(v, matches(v->r.err, pattern), what);
}

/*
 * Boots with @args and checks the exit status, a line of stdout matching
 * @pout and one of stderr matching @perr (each NULL: don't care).
 */
static void check_boot(int want, const char *pout, const char *perr,
		       char *const args[])
{
	struct vmm_run v;

	run_vmm(&v, args);
	expect_status(&v, want);
	if (pout)
		expect_out(&v, pout);
	if (perr)
		expect_err(&v, perr);
	run_result_free(&v.r);
}

#define CHECK_BOOT(want, pout, perr, ...) \
	check_boot(want, pout, perr, (char *[]){ __VA_ARGS__, NULL })

/* ---- clean runs ---------------------------------------------------------- */

Test(vmm_boot, hello_exits_with_guest_code_42)
{
	CHECK_BOOT(42, "hello from the fixture kernel", NULL,
		   "--mem", "256M", "--kernel", fixture("hello"));
}

/*
 * Kernels linked low, ending below the boot parameters page (0x7000) and
 * below the command line (0x20000): the boot reservation must skip both
 * (it used to cover them, and the guest triple-faulted).
 */
Test(vmm_boot, hello_at_0x1000_below_the_boot_params)
{
	CHECK_BOOT(42, "^hello from the fixture kernel$", NULL,
		   "--mem", "64M", "--cpus", "2", "--kernel",
		   fixture("hello_at_1000"));
}

Test(vmm_boot, hello_at_0x10000_below_the_cmdline)
{
	CHECK_BOOT(42, "^hello from the fixture kernel$", NULL,
		   "--mem", "64M", "--cpus", "2", "--kernel",
		   fixture("hello_at_10000"));
}

Test(vmm_boot, hello_4_cpus_5g_ram_above_4g)
{
	CHECK_BOOT(42, "hello from the fixture kernel", NULL,
		   "--mem", "5G", "--cpus", "4", "--kernel", fixture("hello"));
}

Test(vmm_boot, smp_cpu0_starts_cpu1_which_shuts_down)
{
	CHECK_BOOT(7, "cpu1: up", NULL,
		   "--mem", "128M", "--cpus", "2", "--kernel", fixture("smp"));
}

Test(vmm_boot, misc_default_shuts_down_with_0)
{
	CHECK_BOOT(0, NULL, NULL,
		   "--mem", "64M", "--cmdline", "x",
		   "--kernel", fixture("misc"));
}

/* ---- crashes and protocol violations: exit 3 ----------------------------- */

Test(vmm_boot, badcpu_cpu_up_of_missing_vcpu)
{
	CHECK_BOOT(3, NULL, "HC_CPU_UP: vCPU 5 does not exist",
		   "--mem", "128M", "--cpus", "2",
		   "--kernel", fixture("badcpu"));
}

Test(vmm_boot, badport_unknown_io_port)
{
	CHECK_BOOT(3, NULL, "unknown I/O port 0x80",
		   "--mem", "128M", "--kernel", fixture("badport"));
}

Test(vmm_boot, badport_dumps_registers)
{
	CHECK_BOOT(3, NULL, "RBX: 0000000000001234",
		   "--mem", "128M", "--kernel", fixture("badport"));
}

Test(vmm_boot, mmio_write_to_unknown_address)
{
	CHECK_BOOT(3, NULL, "MMIO write of 4 bytes at 0x20000000",
		   "--mem", "64M", "--kernel", fixture("mmio"));
}

/*
 * A guest that kills itself is reported by KVM in its own way: a triple
 * fault (KVM_EXIT_SHUTDOWN), or, on a KVM that interprets guest kernel
 * code, sometimes an internal error. Each is a crash (exit 3) named on
 * stderr, then the state of every vCPU: @ran[i] says whether vCPU i ran.
 */
#define KVM_DEATH "(triple fault \\(KVM_EXIT_SHUTDOWN\\)|KVM internal error \\(KVM_EXIT_INTERNAL_ERROR\\), suberror [0-9]+, )"

static void expect_crash_dump(struct vmm_run *v, unsigned int crashed,
			      const bool *ran, unsigned int nr_cpus)
{
	char pattern[256];

	expect_status(v, 3);
	snprintf(pattern, sizeof(pattern), "^vmm: guest crashed on vCPU %u: " KVM_DEATH,
		 crashed);
	expect_err(v, pattern);
	expect_err(v, "^vmm: vCPU state after the crash:$");
	for (unsigned int i = 0; i < nr_cpus; i++) {
		snprintf(pattern, sizeof(pattern), "^  vCPU %u: %s", i,
			 ran[i] ? "RIP [0-9a-f]{16} RSP [0-9a-f]{16}" :
			 "never ran");
		expect_err(v, pattern);
	}
}

Test(vmm_boot, triple_fault)
{
	CHECK_BOOT(3, NULL, "^vmm: guest crashed on vCPU 0: " KVM_DEATH,
		   "--mem", "64M", "--kernel", fixture("triple"));
}

Test(vmm_boot, triple_fault_dumps_vcpu_state)
{
	static const bool ran[] = { true, false };
	struct vmm_run v;

	run_vmm(&v, (char *[]){ "--mem", "64M", "--cpus", "2",
				"--kernel", fixture("triple"), NULL });
	expect_crash_dump(&v, 0, ran, 2);
	run_result_free(&v.r);
}

/*
 * int3 on vCPU 1 with an empty IDT: a triple fault where KVM runs guest
 * code natively, an emulation failure that names int3 where KVM interprets
 * it. Both vCPUs' state either way.
 */
Test(vmm_boot, int3_crash_is_reported_on_every_kvm)
{
	static const bool ran[] = { true, true };
	struct vmm_run v;

	run_vmm(&v, (char *[]){ "--mem", "64M", "--cpus", "2",
				"--kernel", fixture("int3"), NULL });
	expect_crash_dump(&v, 1, ran, 2);
	if (matches(v.r.err, "KVM internal error"))
		expect_err(&v, "suberror 1, KVM_INTERNAL_ERROR_EMULATION \\(emulation failure\\).* bytes cc[ 0-9a-f]*: int3: this KVM .*cannot emulate int3");
	else
		expect_err(&v, "triple fault \\(KVM_EXIT_SHUTDOWN\\)");
	run_result_free(&v.r);
}

Test(vmm_boot, panic_after_warning_reports_page_fault)
{
	CHECK_BOOT(3, "still running after the warning",
		   "guest panic on CPU 0: unhandled exception: page fault in fixture",
		   "--mem", "64M", "--kernel", fixture("panic"));
}

Test(vmm_boot, panic_prints_call_trace)
{
	CHECK_BOOT(3, NULL, "\\[<ffffffff80100789>\\]",
		   "--mem", "64M", "--kernel", fixture("panic"));
}

Test(vmm_boot, guest_assertion_outside_a_test)
{
	CHECK_BOOT(3, NULL,
		   "guest assertion failed at fixture/misc.S:77: lock held",
		   "--mem", "64M", "--cmdline", "a",
		   "--kernel", fixture("misc"));
}

Test(vmm_boot, console_hypercall_too_long)
{
	CHECK_BOOT(3, NULL,
		   "HC_CONSOLE: len 1025 is more than MV_HC_CONSOLE_MAX",
		   "--mem", "64M", "--cmdline", "c",
		   "--kernel", fixture("misc"));
}

Test(vmm_boot, hypercall_port_read)
{
	CHECK_BOOT(3, NULL, "hypercalls are a single 32-bit out",
		   "--mem", "64M", "--cmdline", "i",
		   "--kernel", fixture("misc"));
}

/* HC_MMINFO is retired (the VMM reads the image's DWARF): 5 is unknown. */
Test(vmm_boot, retired_mminfo_hypercall)
{
	CHECK_BOOT(3, NULL, "unknown hypercall 5",
		   "--mem", "64M", "--cmdline", "m",
		   "--kernel", fixture("misc"));
}

/* ---- tests, timeout, signals --------------------------------------------- */

Test(vmm_boot, ktest_failed_test_gives_exit_5)
{
	CHECK_BOOT(5, "not ok 2 - demo.fail", "vmm: 1 of 2 guest tests failed",
		   "--mem", "64M", "--kernel", fixture("ktest"));
}

/* the guest's own code (1 here, vmm's "host error") does not hide it */
Test(vmm_boot, ktest_failed_test_gives_exit_5_whatever_the_guest_says)
{
	CHECK_BOOT(5, "not ok 2 - demo.fail", "vmm: 1 of 2 guest tests failed",
		   "--mem", "64M", "--cmdline", "1", "--kernel", fixture("ktest"));
}

/* a plan of 0 tests, though the guest says 0: one line, usage error */
Test(vmm_boot, ktest_glob_matching_nothing_is_a_usage_error)
{
	struct vmm_run v;

	run_vmm(&v, (char *[]){ "--mem", "64M", "--test", "nosuch.*",
				"--kernel", fixture("ktest"), NULL });
	expect_status(&v, 2);
	EXPECT_RUN(&v, !strcmp(vmm_err_past_info(v.r.err),
			       "vmm: --test 'nosuch.*' matches no in-guest test (list them with --cmdline ktest=list)\n"),
		   "want exactly one 'vmm: --test' line on stderr (after vmm's accelerator and control-socket lines)");
	run_result_free(&v.r);
}

Test(vmm_boot, timeout_stops_hung_guest)
{
	CHECK_BOOT(4, NULL, "vmm: timeout",
		   "--mem", "64M", "--timeout", "1",
		   "--kernel", fixture("hang"));
}

/* A hang says nothing by itself: the vmm shows where each vCPU was. */
Test(vmm_boot, timeout_dumps_vcpu_state)
{
	CHECK_BOOT(4, NULL, "vCPU 0: RIP [0-9a-f]{16} .*\\(IF off\\), halted",
		   "--mem", "64M", "--timeout", "1",
		   "--kernel", fixture("hang"));
}

/* ... and names the code from the kernel's symbols, as an oops does. */
Test(vmm_boot, timeout_dump_names_the_code)
{
	CHECK_BOOT(4, NULL, "^    at _start\\+0x1a/0x[0-9a-f]+$",
		   "--mem", "64M", "--timeout", "1",
		   "--kernel", fixture("hang"));
}

/* vmm must catch @signo, stop the guest and exit (not die) with @want. */
static void check_signal(int signo, int want, const char *name)
{
	struct run_opts o = {
		.timeout_s = RUN_TIMEOUT_S, .signo = signo,
		.signal_ms = SIGNAL_AFTER_MS,
	};
	char pattern[64];
	struct vmm_run v;

	run_vmm_opts(&v, &o, (char *[]){ "--mem", "64M", "--cpus", "2",
					 "--kernel", fixture("hang"), NULL });
	/* else the signal may have come before vmm was ready for it */
	expect_out(&v, "^hang: halting forever");
	expect_status(&v, want);
	snprintf(pattern, sizeof(pattern), "^vmm: %s: stopping the guest",
		 name);
	expect_err(&v, pattern);
	run_result_free(&v.r);
}

Test(vmm_boot, sigterm_stops_guest_with_143)
{
	check_signal(SIGTERM, 143, "SIGTERM");
}

Test(vmm_boot, sigint_stops_guest_with_130)
{
	check_signal(SIGINT, 130, "SIGINT");
}

/* ---- guest RAM is committed lazily --------------------------------------- */

static void expect_small_rss(struct vmm_run *v)
{
	char what[128];

	snprintf(what, sizeof(what), "peak RSS %ld KiB, want < %d KiB",
		 v->r.maxrss_kib, RSS_LIMIT_KIB);
	EXPECT_RUN(v, v->r.maxrss_kib > 0 && v->r.maxrss_kib < RSS_LIMIT_KIB,
		   what);
}

Test(vmm_boot, mem_64g_hung_guest_keeps_rss_small)
{
	struct vmm_run v;

	run_vmm(&v, (char *[]){ "--mem", "64G", "--cpus", "2", "--timeout", "3",
				"--kernel", fixture("hang"), NULL });
	expect_status(&v, 4);
	expect_small_rss(&v);
	run_result_free(&v.r);
}

Test(vmm_boot, mem_64g_hello_keeps_rss_small)
{
	struct vmm_run v;

	run_vmm(&v, (char *[]){ "--mem", "64G", "--kernel", fixture("hello"),
				NULL });
	expect_status(&v, 42);
	expect_out(&v, "hello from the fixture kernel");
	expect_small_rss(&v);
	run_result_free(&v.r);
}

/* ---- --cpus limits ------------------------------------------------------- */

/* Exit 2 with one "vmm: --cpus..." line, matching @reason, and no boot. */
static void check_cpus_rejected(const char *cpus, const char *reason)
{
	struct vmm_run v;
	const char *nl, *line;

	run_vmm(&v, (char *[]){ "--mem", "64M", "--cpus", (char *)cpus,
				"--kernel", fixture("hello"), NULL });
	expect_status(&v, 2);
	EXPECT_RUN(&v, !*v.r.out, "want nothing on stdout (no boot)");
	/*
	 * Past the parser's limit the error comes before any accelerator is
	 * chosen; past KVM's own, after vmm said which KVM it opened.
	 */
	line = v.r.err;
	if (!strncmp(line, "vmm: accelerator kvm: ", 22)) {
		nl = strchr(line, '\n');
		line = nl ? nl + 1 : line;
	}
	nl = strchr(line, '\n');
	EXPECT_RUN(&v, nl && !nl[1] && !strncmp(line, "vmm: --cpus", 11),
		   "want exactly one error line on stderr (after the accelerator's line, if any)");
	expect_err(&v, "^vmm: --cpus");
	expect_err(&v, reason);
	run_result_free(&v.r);
}

Test(vmm_boot, cpus_65_above_mv_max_cpus)
{
	check_cpus_rejected("65", "MV_MAX_CPUS");
}

Test(vmm_boot, cpus_1000_above_mv_max_cpus)
{
	check_cpus_rejected("1000", "maximum of 64");
}

Test(vmm_boot, cpus_100000_above_parse_limit)
{
	check_cpus_rejected("100000", "maximum of 64");
}

/* The vCPU limit as vmm reads it: KVM's documentation says 4 if unknown. */
static int kvm_max_vcpus(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int n;

	cr_assert_geq(fd, 0, "/dev/kvm: %s", strerror(errno));
	n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	close(fd);
	return n > 0 ? n : 4;
}

Test(vmm_boot, cpus_above_kvm_max_vcpus)
{
	int max = kvm_max_vcpus();
	char cpus[16];

	if (max >= MV_MAX_CPUS)
		cr_skip_test("this KVM allows %d vCPUs, not fewer than MV_MAX_CPUS (%d): --cpus cannot exceed it",
			     max, MV_MAX_CPUS);
	snprintf(cpus, sizeof(cpus), "%d", max + 1);
	check_cpus_rejected(cpus, "more than this host's KVM allows");
}

/*
 * One test at a time unless -jN or CRITERION_JOBS says otherwise: the nested
 * runner's VM has 2 vCPUs, and each test already runs a multi-vCPU guest
 * next to itself; in parallel they only add timing noise to the --timeout
 * and signal checks, and no speed.
 */
int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	int result = 0;

	if (criterion_handle_args(argc, argv, true)) {
		if (!criterion_options.jobs)
			criterion_options.jobs = 1;
		result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	return result;
}
