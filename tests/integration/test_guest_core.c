// SPDX-License-Identifier: MIT
/*
 * The guest kernel core, booted for real: vmm runs as a child process (the
 * binary from $MEMVISOR_VMM, else $MEMVISOR_BUILD_TOP/vmm/vmm: run_cmd.h's
 * vmm_path()) and each test checks its exit status and output.
 *
 *   boot     the e820 map and the zone ranges are printed; exit 0, 1-4 CPUs
 *            (with exit=0: a plain boot keeps running, see test_lifecycle)
 *   exit     exit=N ends the run with status N
 *   crash    crash=KIND ends it with status 3 and a register dump (pf: the
 *            RIP and CR2 the guest announced); crash=warn reports and goes on
 *   runner   a guest case failing on purpose is reported with its name and
 *            file:line, and vmm's status says the tests failed
 *   guest    every in-guest ktest case of the core (from `ktest=list`),
 *            on 1, 2 and 4 vCPUs ($MEMVISOR_GUEST_CPUS: others), in one boot
 *            per CPU count: one Criterion test each, failing
 *            with the case's name and its assertions' file:line
 *
 * Environment: MEMVISOR_GUEST_TESTS (globs, ',' between) picks other guest
 * cases than the core's; MEMVISOR_WAKE_ROUNDS passes wake_rounds=N to the
 * guest (the wake-up stress tests default to 10^5 hand-offs).
 *
 * Needs /dev/kvm (run it under tools/nested/nested-run without one); the
 * tests skip when it is missing. Links against Criterion only.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "run_cmd.h"
#include <errno.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define GUEST_MEM		"256M"
#define BOOT_TIMEOUT_S		120	/* a plain boot, nested under TCG */
/*
 * The longest case (10^5 wake-ups) takes ~20 s nested on 2 vCPUs, a whole
 * batch ~40 s: a batch that hangs is cut short and its unreported cases
 * booted alone, well inside the nested runner's own limit.
 */
#define CASE_TIMEOUT_S		300
#define BATCH_TIMEOUT_S		300
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define EXIT_CRASH		3
/* vmm's status when a case failed (exitstatus.h; the guest says it too). */
#define EXIT_GUEST_TESTS_FAILED	5
#define EXIT_USAGE		2
#define MAX_ARGS		16
#define CASE_NAME_MAX		96
/* The kernel core's suites; mm/ has its own. */
/* The build makes a second program of this file for the mm suites (-D). */
#ifndef CORE_SUITES
#define CORE_SUITES	"sched.*,wake.*,smp.*,might_sleep.*,timer.*,kthread.*,percpu.*,ktest.*,vsprintf.*,module.*"
#endif
/*
 * 1, 2 and 4 vCPUs. Nested under QEMU 7.2's TCG, a 4-vCPU guest in a
 * 2-vCPU runner now and then took a triple fault or a second delivery of an
 * interrupt it was still handling, with the guest's own state intact (see
 * tools/nested/README.md): kvm-test-wrapper gives the runner 4 vCPUs.
 */
#ifndef GUEST_CPUS
#define GUEST_CPUS	1, 2, 4
#endif

struct vmm_run {
	int status;		/* exit status, or -1: killed by a signal / timeout */
	char *out;		/* stdout: the guest console and TAP */
	char *err;		/* stderr: vmm's messages and register dumps */
};

static void skip_without_kvm(void)
{
	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no usable /dev/kvm (run under tools/nested/nested-run)");
}

struct buf {
	char *data;
	size_t len, cap;
};

static void buf_append(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		cr_assert_not_null(b->data, "out of memory");
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Runs vmm with args (NULL-terminated) and collects everything. */
static struct vmm_run run_vmm(const char *const *args, unsigned int timeout_s)
{
	const char *argv[MAX_ARGS + 2] = { vmm_path() };
	struct run_result res;
	struct vmm_run r;

	for (size_t n = 0; args[n]; n++) {
		cr_assert_lt(n, MAX_ARGS, "too many vmm arguments");
		argv[n + 1] = args[n];
	}
	cr_assert_eq(run_cmd((char *const *)argv, timeout_s, &res), 0,
		     "cannot run %s: %s", argv[0], strerror(errno));
	if (res.timed_out)
		cr_log_warn("%s killed after %u s", argv[0], timeout_s);
	r = (struct vmm_run){ .status = res.status, .out = res.out, .err = res.err };
	return r;
}

static void free_run(struct vmm_run *r)
{
	free(r->out);
	free(r->err);
}

/* The last 1500 bytes of s: enough context for a failure message. */
static const char *tail(const char *s)
{
	size_t n = strlen(s);

	return n > 1500 ? s + n - 1500 : s;
}

#define expect_contains(hay, needle, what)				\
	cr_expect_not_null(strstr(hay, needle),				\
			   "%s: no \"%s\" in its output:\n%s", what,	\
			   needle, tail(hay))

/*
 * The boot, exit, crash and runner tests belong to the core's program; the
 * mm program (-DGUEST_SUITES_ONLY) only runs its in-guest suites.
 */
#ifndef GUEST_SUITES_ONLY
/* ---- boot ---------------------------------------------------------------- */

static void check_boot(unsigned int cpus)
{
	char ncpus[8], line[64], what[32];
	const char *args[] = { "--mem", GUEST_MEM, "--cpus", ncpus,
			       "--cmdline", "exit=0", "--timeout", "60", NULL };
	struct vmm_run r;

	skip_without_kvm();
	snprintf(ncpus, sizeof(ncpus), "%u", cpus);
	snprintf(what, sizeof(what), "boot on %u CPUs", cpus);
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, 0, "%s: exit status %d, not 0; stderr:\n%s", what,
		     r.status, tail(r.err));
	expect_contains(r.out, "BIOS-provided physical RAM map:", what);
	expect_contains(r.out, "BIOS-e820: [mem 0x0000000000100000-", what);
	expect_contains(r.out, "] usable\n", what);
	expect_contains(r.out, "] reserved\n", what);
	expect_contains(r.out, "Zone ranges:\n", what);
	expect_contains(r.out, "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n", what);
	expect_contains(r.out, "  Normal   [mem 0x0000000001000000-", what);
	expect_contains(r.out, "  HighMem  [mem ", what);
	snprintf(line, sizeof(line), "smp: Brought up 1 node, %u CPU", cpus);
	expect_contains(r.out, line, what);
	free_run(&r);
}

Test(boot, one_cpu, .timeout = BOOT_TIMEOUT_S + 10) { check_boot(1); }
Test(boot, two_cpus, .timeout = BOOT_TIMEOUT_S + 10) { check_boot(2); }
Test(boot, four_cpus, .timeout = BOOT_TIMEOUT_S + 10) { check_boot(4); }

Test(boot, bad_cmdline_option_is_reported, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", GUEST_MEM, "--cmdline", "no_such_option=1 exit=0",
			       "--timeout", "60", NULL };
	struct vmm_run r;

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, 0, "exit status %d; stderr:\n%s", r.status, tail(r.err));
	expect_contains(r.out, "Unknown kernel command line parameter \"no_such_option=1\"",
			"unknown option");
	free_run(&r);
}

/*
 * The guest checks the CPU features it uses in CPUID at run time (some KVMs
 * ignore KVM_SET_CPUID2): with them hidden (clearcpuid=) it names each
 * missing one and falls back, on every CPU.
 */
Test(boot, missing_features_fall_back, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", GUEST_MEM, "--cpus", "2", "--cmdline",
			       "clearcpuid=x2apic,tsc_deadline_timer,nx exit=0",
			       "--timeout", "60", NULL };
	const char *what = "clearcpuid=x2apic,tsc_deadline_timer,nx";
	struct vmm_run r;

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, 0, "exit status %d; stderr:\n%s", r.status,
		     tail(r.err));
	expect_contains(r.out, "CPU: no x2apic (CPUID.01H:ECX[21], cleared by clearcpuid=): using the xAPIC", what);
	expect_contains(r.out, "CPU: no tsc_deadline_timer (CPUID.01H:ECX[24], cleared by clearcpuid=): the APIC timer runs in periodic mode", what);
	expect_contains(r.out, "CPU: no nx (CPUID.80000001H:EDX[20], cleared by clearcpuid=)", what);
	expect_contains(r.out, "APIC: xapic", what);
	expect_contains(r.out, "clockevent: lapic periodic", what);
	expect_contains(r.out, "smp: Brought up 1 node, 2 CPU", what);
	free_run(&r);
}

/* Without a feature it cannot do without, the guest panics naming it. */
Test(boot, missing_required_feature_panics, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", GUEST_MEM, "--cmdline",
			       "clearcpuid=apic", "--timeout", "60", NULL };
	struct vmm_run r;

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, EXIT_CRASH, "exit status %d, not %d; stderr:\n%s",
		     r.status, EXIT_CRASH, tail(r.err));
	expect_contains(r.err, "guest panic on CPU 0: CPU: no apic (CPUID.01H:EDX[9], cleared by clearcpuid=): this kernel cannot run without it",
			"clearcpuid=apic");
	free_run(&r);
}

/* ---- exit=N ----------------------------------------------------------------- */

static void check_exit(int code)
{
	char opt[16];
	const char *args[] = { "--mem", GUEST_MEM, "--cpus", "2", "--cmdline",
			       opt, "--timeout", "60", NULL };
	struct vmm_run r;

	skip_without_kvm();
	snprintf(opt, sizeof(opt), "exit=%d", code);
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, code, "%s: exit status %d; stderr:\n%s", opt,
		     r.status, tail(r.err));
	free_run(&r);
}

ParameterizedTestParameters(exit, status_passes_through)
{
	static int codes[] = { 0, 1, 7, 42, 200, 255 };

	return cr_make_param_array(int, codes, sizeof(codes) / sizeof(codes[0]));
}

ParameterizedTest(int *code, exit, status_passes_through,
		  .timeout = BOOT_TIMEOUT_S + 10)
{
	check_exit(*code);
}

/* ---- crash=KIND -------------------------------------------------------------- */

static struct vmm_run run_crash(const char *kind)
{
	char opt[32];
	const char *args[] = { "--mem", GUEST_MEM, "--cpus", "2", "--cmdline",
			       opt, "--timeout", "60", NULL };

	skip_without_kvm();
	/* crash=warn goes on: exit=0 ends that run */
	snprintf(opt, sizeof(opt), "crash=%s exit=0", kind);
	return run_vmm(args, BOOT_TIMEOUT_S);
}

/* Status 3, with the VMM's register dump and, for the guest's own reports, a call trace. */
static void check_fatal_crash(const char *kind, const char *headline, bool trace)
{
	struct vmm_run r = run_crash(kind);
	char what[32];

	snprintf(what, sizeof(what), "crash=%s", kind);
	cr_expect_eq(r.status, EXIT_CRASH, "%s: exit status %d, not %d; stderr:\n%s",
		     what, r.status, EXIT_CRASH, tail(r.err));
	expect_contains(r.err, headline, what);
	expect_contains(r.err, "RIP: ", what);
	expect_contains(r.err, "RSP: ", what);
	expect_contains(r.err, "CR3: ", what);
	if (trace)
		expect_contains(r.err, "Call trace:\n  [<ffffffff8", what);
	free_run(&r);
}

Test(crash, gp, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("gp", "exception 13 (#GP", true);
}

Test(crash, ud, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("ud", "exception 6 (#UD", true);
}

Test(crash, df, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("df", "exception 8 (#DF", true);
}

Test(crash, bug, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("bug", "kernel BUG: BUG() at ", true);
}

Test(crash, panic, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("panic", "crash=panic requested on the command line", true);
}

Test(crash, assert_outside_a_test, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("assert", "guest assertion failed at ", false);
}

Test(crash, unknown_port, .timeout = BOOT_TIMEOUT_S + 10)
{
	check_fatal_crash("port", "unknown I/O port", false);
}

/* The #PF report carries the RIP and CR2 the guest printed before faulting. */
Test(crash, pf_reports_rip_and_cr2, .timeout = BOOT_TIMEOUT_S + 10)
{
	struct vmm_run r = run_crash("pf");
	uint64_t g_rip = 0, g_cr2 = 0, v_rip = 0, v_cr2 = 0;
	const char *p;

	cr_expect_eq(r.status, EXIT_CRASH, "crash=pf: exit status %d; stderr:\n%s",
		     r.status, tail(r.err));
	p = strstr(r.out, "crash: faulting at rip=");
	cr_assert_not_null(p, "the guest did not announce the fault:\n%s", tail(r.out));
	cr_assert_eq(sscanf(p, "crash: faulting at rip=%" SCNx64 " cr2=%" SCNx64,
			    &g_rip, &g_cr2), 2, "unparsable: %.80s", p);
	p = strstr(r.err, "exception 14 (#PF");
	cr_assert_not_null(p, "no #PF report:\n%s", tail(r.err));
	p = strstr(p, "CR2 0x");
	cr_assert_not_null(p, "no CR2 in the #PF report:\n%s", tail(r.err));
	sscanf(p, "CR2 0x%" SCNx64, &v_cr2);
	p = strstr(p, "RIP: ");
	cr_assert_not_null(p, "no RIP in the register dump:\n%s", tail(r.err));
	sscanf(p, "RIP: %" SCNx64, &v_rip);
	cr_expect_eq(v_rip, g_rip, "RIP: the VMM reports %#" PRIx64 ", the guest faulted at %#" PRIx64,
		     v_rip, g_rip);
	cr_expect_eq(v_cr2, g_cr2, "CR2: the VMM reports %#" PRIx64 ", the guest touched %#" PRIx64,
		     v_cr2, g_cr2);
	/* named from the kernel's symbols, as Linux's oops does */
	expect_contains(r.err, "RIP is at crash_pf_insn+0x0/", "crash=pf");
	expect_contains(r.err, "] crash_run+0x", "crash=pf's call trace");
	free_run(&r);
}

/* WARN is reported with registers, and the guest goes on to a clean exit. */
Test(crash, warn_is_reported_and_not_fatal, .timeout = BOOT_TIMEOUT_S + 10)
{
	struct vmm_run r = run_crash("warn");

	cr_expect_eq(r.status, 0, "crash=warn: exit status %d; stderr:\n%s",
		     r.status, tail(r.err));
	expect_contains(r.err, "guest warning on CPU 0: warn_requested at ", "crash=warn");
	expect_contains(r.err, "RIP: ", "crash=warn");
	expect_contains(r.err, "the guest reported 1 warning", "crash=warn");
	expect_contains(r.out, "boot complete, 2 CPUs online; exit=0: shutting down",
			"crash=warn");
	free_run(&r);
}

/* ---- the in-guest test runner ------------------------------------------------- */


Test(runner, failure_is_reported, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", GUEST_MEM, "--test", "ktest.selftest",
			       "--cmdline", "ktest_selftest=fail", "--timeout", "60", NULL };
	struct vmm_run r;
	const char *what = "ktest_selftest=fail";

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, EXIT_GUEST_TESTS_FAILED, "%s: exit status %d, not %d; stderr:\n%s",
		     what, r.status, EXIT_GUEST_TESTS_FAILED, tail(r.err));
	expect_contains(r.err, "vmm: 1 of 1 guest tests failed", what);
	expect_contains(r.out, "1..1\n", what);
	expect_contains(r.out, "\nnot ok 1 - ktest.selftest\n", what);
	expect_contains(r.out, "# ASSERTION FAILED at guestmm/kernel/tests/ktest_selftest.c:", what);
	expect_contains(r.out, "expected 1 + 1 == 3, got 2 vs 3", what);
	expect_contains(r.out, "GUEST_ASSERT(selftest_fail == false) failed", what);
	cr_expect_null(strstr(r.out, "not reached"), "%s: the test went on after GUEST_ASSERT:\n%s",
		       what, tail(r.out));
	free_run(&r);
}

/* ktest=GLOB that matches nothing is an error, not a pass of 0 cases. */
Test(runner, glob_matching_nothing_is_a_usage_error, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", "64M", "--test", "nosuch.*,nor.this",
			       "--timeout", "60", NULL };
	const char *what = "--test nosuch.*,nor.this";
	struct vmm_run r;

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, EXIT_USAGE, "%s: exit status %d, not %d; stderr:\n%s",
		     what, r.status, EXIT_USAGE, tail(r.err));
	cr_expect_str_eq(vmm_err_past_info(r.err),
			 "vmm: --test 'nosuch.*,nor.this' matches no in-guest test (list them with --cmdline ktest=list)\n",
			 "%s: want exactly that one line on stderr (after vmm's accelerator and control-socket lines)", what);
	expect_contains(r.out, "1..0\n", what);
	expect_contains(r.out, "ktest: no case matches \"nosuch.*,nor.this\"", what);
	free_run(&r);
}

Test(runner, list_names_every_case, .timeout = BOOT_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", GUEST_MEM, "--cmdline", "ktest=list",
			       "--timeout", "60", NULL };
	struct vmm_run r;

	skip_without_kvm();
	r = run_vmm(args, BOOT_TIMEOUT_S);
	cr_expect_eq(r.status, 0, "ktest=list: exit status %d; stderr:\n%s", r.status,
		     tail(r.err));
	expect_contains(r.out, "\nsched.preemption\n", "ktest=list");
	expect_contains(r.out, "\nwake.completion_ring\n", "ktest=list");
	expect_contains(r.out, "\nktest.selftest\n", "ktest=list");
	cr_expect_null(strstr(r.out, "TAP version"), "ktest=list ran tests:\n%s", tail(r.out));
	free_run(&r);
}

#endif /* GUEST_SUITES_ONLY */

/* ---- the in-guest tests --------------------------------------------------------- */

/*
 * One vmm boot per CPU count runs every chosen case (a boot per case would
 * cost minutes nested); the first Criterion test of a CPU count runs that
 * batch under a lock and leaves its console in PROGRAM.cpusN.{out,err,status}
 * beside the test log, the others read their own case's TAP from it. A case
 * the batch never reported (the batch crashed or hung before it) is booted
 * alone, so a crash is pinned on the case that caused it.
 */
static const unsigned int default_guest_cpus[] = { GUEST_CPUS };
#define MAX_CPU_COUNTS	8
static unsigned int guest_cpus[MAX_CPU_COUNTS];
static size_t nr_guest_cpus;

/* $MEMVISOR_GUEST_CPUS ("1,2,4"), else the build's default; runner only. */
static void choose_guest_cpus(void)
{
	const char *env = getenv("MEMVISOR_GUEST_CPUS");
	char *end;

	nr_guest_cpus = 0;
	for (const char *p = env && *env ? env : ""; *p && nr_guest_cpus < MAX_CPU_COUNTS;
	     p = *end ? end + 1 : end) {
		unsigned long n = strtoul(p, &end, 10);

		if (end == p || n < 1 || n > 64 || (*end && *end != ',')) {
			fprintf(stderr, "MEMVISOR_GUEST_CPUS=%s: want CPU counts like 1,2,4; using the default\n",
				env);
			nr_guest_cpus = 0;
			break;
		}
		guest_cpus[nr_guest_cpus++] = n;
	}
	if (nr_guest_cpus)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(default_guest_cpus); i++)
		guest_cpus[nr_guest_cpus++] = default_guest_cpus[i];
}

struct guest_case {
	char name[CASE_NAME_MAX];	/* "suite.case"; "" if the list failed */
	unsigned int cpus;
	char batch_prefix[256];		/* PROGRAM: the batch's files start so */
	char error[512];		/* why there is no list */
};

/* Set by the runner process: the test workers are named "boxfort-worker". */
static char batch_prefix[256];

static const char *guest_globs(void)
{
	const char *g = getenv("MEMVISOR_GUEST_TESTS");

	return g && *g ? g : CORE_SUITES;
}

/* Does name match one of the ','-separated globs? */
static bool chosen(const char *name)
{
	char globs[512], *save = NULL;

	snprintf(globs, sizeof(globs), "%s", guest_globs());
	for (char *g = strtok_r(globs, ",", &save); g; g = strtok_r(NULL, ",", &save))
		if (!fnmatch(g, name, 0))
			return true;
	return false;
}

/* "suite.case" lines of `ktest=list`, and nothing else from the boot. */
static unsigned int parse_case_list(const char *out, char (*names)[CASE_NAME_MAX],
				    unsigned int max)
{
	regex_t re;
	regmatch_t m;
	unsigned int n = 0;
	const char *p = out;

	regcomp(&re, "^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+$", REG_EXTENDED | REG_NEWLINE);
	while (n < max && !regexec(&re, p, 1, &m, 0)) {
		int len = (int)(m.rm_eo - m.rm_so);

		snprintf(names[n], CASE_NAME_MAX, "%.*s", len, p + m.rm_so);
		if (chosen(names[n]))
			n++;
		p += m.rm_eo;
	}
	regfree(&re);
	return n;
}

/* PROGRAM.cpusN.SUFFIX, beside the program (the build tree). */
static void batch_path(char *path, size_t size, const char *prefix, unsigned int cpus,
		       const char *suffix)
{
	snprintf(path, size, "%s.cpus%u.%s", prefix, cpus, suffix);
}

/* Results of an earlier `make check` must never count for this one. */
static void remove_old_batches(void)
{
	static const char *const suffixes[] = { "out", "err", "status", "lock" };
	char path[PATH_MAX];

	for (size_t c = 0; c < nr_guest_cpus; c++) {
		for (size_t s = 0; s < ARRAY_SIZE(suffixes); s++) {
			batch_path(path, sizeof(path), batch_prefix, guest_cpus[c],
				   suffixes[s]);
			unlink(path);
		}
	}
}

#define MAX_CASES	512

static void free_cases(struct criterion_test_params *crp)
{
	cr_free(crp->params);
}

static struct criterion_test_params no_cases(const char *fmt, ...)
{
	struct guest_case *cases = cr_malloc(sizeof(*cases));
	va_list ap;

	memset(cases, 0, sizeof(*cases));
	va_start(ap, fmt);
	vsnprintf(cases->error, sizeof(cases->error), fmt, ap);
	va_end(ap);
	return cr_make_param_array(struct guest_case, cases, 1, free_cases);
}

/* Runs in Criterion's runner process, once, before any test forks. */
ParameterizedTestParameters(guest, ktest)
{
	static char names[MAX_CASES][CASE_NAME_MAX];
	const char *args[] = { "--mem", GUEST_MEM, "--cmdline", "ktest=list",
			       "--timeout", "60", NULL };
	size_t ncpus;
	struct guest_case *cases;
	struct vmm_run r;
	unsigned int n;

	snprintf(batch_prefix, sizeof(batch_prefix), "%s", program_invocation_name);
	choose_guest_cpus();
	ncpus = nr_guest_cpus;
	remove_old_batches();
	if (access("/dev/kvm", R_OK | W_OK))
		return no_cases("no usable /dev/kvm");
	r = run_vmm(args, BOOT_TIMEOUT_S);
	n = r.status == 0 ? parse_case_list(r.out, names, MAX_CASES) : 0;
	if (!n) {
		struct criterion_test_params none = no_cases(
			"`%s --cmdline ktest=list` gave status %d and no cases matching %s: %.100s",
			vmm_path(), r.status, guest_globs(), tail(r.err));

		free_run(&r);
		return none;
	}
	free_run(&r);
	cases = cr_malloc(n * ncpus * sizeof(*cases));
	for (size_t c = 0; c < ncpus; c++) {
		for (unsigned int i = 0; i < n; i++) {
			struct guest_case *g = &cases[c * n + i];

			memset(g, 0, sizeof(*g));
			memcpy(g->name, names[i], CASE_NAME_MAX);
			g->cpus = guest_cpus[c];
			memcpy(g->batch_prefix, batch_prefix, sizeof(batch_prefix));
		}
	}
	return cr_make_param_array(struct guest_case, cases, n * ncpus, free_cases);
}

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s: %s", path, strerror(errno));
	fputs(data, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s: %s", path, strerror(errno));
}

/* The whole file as a string, or NULL if it does not exist. */
static char *read_whole_file(const char *path)
{
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return b.data;
}

/* Options a program's batches boot with (-DGUEST_CMDLINE: test_guest_dma's). */
#ifndef GUEST_CMDLINE
#define GUEST_CMDLINE	""
#endif

/*
 * The optional "--cmdline wake_rounds=N" from $MEMVISOR_WAKE_ROUNDS, and
 * GUEST_CMDLINE.
 */
static void add_wake_rounds(const char **args, char *opt, size_t size)
{
	const char *wake_rounds = getenv("MEMVISOR_WAKE_ROUNDS");
	bool rounds = wake_rounds && *wake_rounds;

	if (!rounds && !*GUEST_CMDLINE)
		return;
	snprintf(opt, size, "%s%s%s%s", rounds ? "wake_rounds=" : "",
		 rounds ? wake_rounds : "", rounds && *GUEST_CMDLINE ? " " : "",
		 GUEST_CMDLINE);
	args[0] = "--cmdline";
	args[1] = opt;
}

/* Boots vmm on cpus CPUs with --test GLOBS (one case, or the whole batch). */
static struct vmm_run run_guest_tests(const char *globs, unsigned int cpus,
				      unsigned int timeout_s)
{
	char ncpus[8], timeout[16], rounds[160];
	/* the last two slots: an optional --cmdline wake_rounds=N */
	const char *args[] = { "--mem", GUEST_MEM, "--cpus", ncpus, "--test",
			       globs, "--timeout", timeout, NULL, NULL, NULL };

	snprintf(ncpus, sizeof(ncpus), "%u", cpus);
	snprintf(timeout, sizeof(timeout), "%u", timeout_s);
	add_wake_rounds(&args[8], rounds, sizeof(rounds));
	return run_vmm(args, timeout_s + 20);
}

/* The batch for g->cpus: run by the first test to get here, read by the rest. */
static struct vmm_run batch_run(const struct guest_case *g)
{
	char path[PATH_MAX], status[16];
	struct vmm_run r = { .status = -1 };
	char *s;
	int lock;

	batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "lock");
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(lock, 0, "cannot open %s: %s", path, strerror(errno));
	cr_assert_eq(flock(lock, LOCK_EX), 0, "flock %s: %s", path, strerror(errno));
	batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "status");
	s = read_whole_file(path);
	if (!s) {
		cr_log_info("running the batch of %s on %u CPUs", guest_globs(), g->cpus);
		r = run_guest_tests(guest_globs(), g->cpus, BATCH_TIMEOUT_S);
		batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "out");
		write_file(path, r.out);
		batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "err");
		write_file(path, r.err);
		snprintf(status, sizeof(status), "%d\n", r.status);
		batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "status");
		write_file(path, status);	/* last: it marks the batch complete */
		close(lock);
		return r;
	}
	r.status = atoi(s);
	free(s);
	batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "out");
	r.out = read_whole_file(path);
	batch_path(path, sizeof(path), g->batch_prefix, g->cpus, "err");
	r.err = read_whole_file(path);
	close(lock);
	cr_assert(r.out && r.err, "the batch on %u CPUs left no output", g->cpus);
	return r;
}

/*
 * The case's part of the TAP stream: from the line after the previous result
 * (or the plan) to the end of its own "ok"/"not ok" line. NULL if absent.
 */
static char *case_section(const char *out, const char *name)
{
	regex_t re;
	regmatch_t m;
	char pattern[CASE_NAME_MAX + 64];
	const char *start, *p;

	snprintf(pattern, sizeof(pattern), "^(not )?ok [0-9]+ - %s( #.*)?$", name);
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE | REG_NOSUB))
		return NULL;
	start = out;
	for (p = out; *p; p++) {
		bool bol = p == out || p[-1] == '\n';

		if (bol && (!strncmp(p, "ok ", 3) || !strncmp(p, "not ok ", 7) ||
			    !strncmp(p, "1..", 3))) {
			const char *eol = strchrnul(p, '\n');
			char line[CASE_NAME_MAX + 64];

			snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
			if (!regexec(&re, line, 1, &m, 0)) {
				regfree(&re);
				return strndup(start, eol - start);
			}
			start = *eol ? eol + 1 : eol;
		}
	}
	regfree(&re);
	return NULL;
}

/* Each "# ASSERTION FAILED at file:line: msg" of the section, as a failure. */
static unsigned int report_assertions(const struct guest_case *g, const char *out)
{
	static const char tag[] = "    # ASSERTION FAILED at ";
	unsigned int n = 0;

	for (const char *p = strstr(out, tag); p; p = strstr(p + 1, tag)) {
		const char *eol = strchr(p, '\n');
		int len = eol ? (int)(eol - p) : (int)strlen(p);

		cr_expect_fail("%s on %u CPU%s: %.*s", g->name, g->cpus,
			       g->cpus > 1 ? "s" : "", len - 6, p + 6);
		n++;
	}
	return n;
}

/* Diagnostics ("# ..." lines: measurements) go to the log. */
static void log_diagnostics(const struct guest_case *g, const char *section)
{
	for (const char *p = section; p; p = strchr(p, '\n')) {
		const char *eol;

		p += *p == '\n';
		if (strncmp(p, "# ", 2))
			continue;
		eol = strchrnul(p, '\n');
		cr_log_info("%s on %u CPUs: %.*s", g->name, g->cpus, (int)(eol - p), p);
	}
}

/*
 * Judges one case from its TAP section; status is the exit status of a boot
 * that ran this case alone (0 for a batch: a later case may end it badly).
 */
static void judge_case(const struct guest_case *g, const char *section, int status,
		       const char *err)
{
	char skip[CASE_NAME_MAX + 24];
	unsigned int asserts;

	log_diagnostics(g, section);
	snprintf(skip, sizeof(skip), " - %s # SKIP", g->name);
	if (strstr(section, skip) && !strstr(section, "not ok "))
		cr_skip_test("%s on %u CPUs: skipped by the guest", g->name, g->cpus);
	asserts = report_assertions(g, section);
	if (asserts)
		return;
	if (strstr(section, "\nnot ok ") || !strncmp(section, "not ok ", 7)) {
		cr_expect_fail("%s on %u CPUs: not ok (status %d):\n%s", g->name, g->cpus,
			       status, tail(section));
		return;
	}
	/* an ok case alone must give 0: any other status is a failure */
	cr_expect_eq(status, 0, "%s on %u CPUs: ok, but vmm exit status %d:\n%s",
		     g->name, g->cpus, status, tail(err));
}

ParameterizedTest(struct guest_case *g, guest, ktest, .timeout = BATCH_TIMEOUT_S + CASE_TIMEOUT_S + 60)
{
	struct vmm_run r;
	bool alone = false;
	char *section;

	skip_without_kvm();
	if (!g->name[0])
		cr_assert_fail("cannot list the in-guest tests: %s", g->error);
	cr_log_info("%s on %u CPU%s", g->name, g->cpus, g->cpus > 1 ? "s" : "");
	r = batch_run(g);
	section = case_section(r.out, g->name);
	if (!section) {
		/* info, not warn: Criterion 2.4 exits 1 after any warning */
		cr_log_info("%s on %u CPUs: the batch (status %d) never reported it; booting it alone",
			    g->name, g->cpus, r.status);
		free_run(&r);
		r = run_guest_tests(g->name, g->cpus, CASE_TIMEOUT_S);
		alone = true;
		section = case_section(r.out, g->name);
		if (!section) {
			cr_expect_fail("%s on %u CPUs: no result; vmm exit status %d%s:\n%s",
				       g->name, g->cpus, r.status,
				       r.status == EXIT_CRASH ? " (the guest crashed)" : "",
				       tail(r.err));
			free_run(&r);
			return;
		}
	}
	judge_case(g, section, alone ? r.status : 0, r.err);
	free(section);
	free_run(&r);
}
