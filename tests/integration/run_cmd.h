/* SPDX-License-Identifier: MIT */
/*
 * run_cmd: run a program as a child, capture its stdout and stderr, wait for
 * it with a timeout. For tests that drive vmm (or anything else) from the
 * outside.
 *
 *	struct run_result r;
 *
 *	if (run_cmd((char *[]){ "vmm/vmm", "--help", NULL }, 60, &r))
 *		... could not even start it (errno says why) ...
 *	... r.status, r.out, r.err ...
 *	run_result_free(&r);
 *
 * The child gets /dev/null as stdin and runs in a process group of its own,
 * so that a timeout kills everything it started, not just the child.
 */
#ifndef TESTS_RUN_CMD_H
#define TESTS_RUN_CMD_H

#include <stdbool.h>

/* Captured output beyond this is dropped (r->truncated says so). */
#define RUN_CMD_OUTPUT_MAX	(16u << 20)

struct run_result {
	int status;		/* exit status 0-255; -1: died of a signal */
	int signo;		/* the signal that killed it, else 0 */
	bool timed_out;		/* run_cmd SIGKILLed it at the timeout */
	bool truncated;		/* out or err hit RUN_CMD_OUTPUT_MAX */
	long maxrss_kib;	/* the child's peak RSS (wait4's ru_maxrss) */
	char *out, *err;	/* NUL-terminated; never NULL after run_cmd */
};

struct run_opts {
	unsigned int timeout_s;	/* seconds, then SIGKILL the group; 0: no */
	const char *cwd;	/* run there; NULL: our own cwd */
	int signo;		/* send this signal to the child ... */
	unsigned int signal_ms;	/* ... after this long; 0: never */
};

/*
 * Runs argv[0] (looked up in PATH if it has no '/') with @argv. Returns 0
 * when the child ran and was reaped, whatever its status; -1 with errno if
 * it could not be started. A child that cannot exec exits 127 and says why
 * on its stderr.
 */
int run_cmd(char *const argv[], unsigned int timeout_s, struct run_result *r);
int run_cmd_opts(char *const argv[], const struct run_opts *o,
		 struct run_result *r);
void run_result_free(struct run_result *r);

/*
 * vmm's stderr past the lines every booted vmm prints first (its
 * accelerator, its control socket): what is left is what went wrong.
 */
const char *vmm_err_past_info(const char *err);

/* Where the build is: $MEMVISOR_BUILD_TOP, else ".". */
const char *build_top(void);

/* The vmm binary: $MEMVISOR_VMM, else build_top()/vmm/vmm. */
const char *vmm_path(void);

/*
 * The fixture kernel @name (hello, smp, ...):
 * build_top()/tests/unit/fixtures/NAME.elf, asserted readable (Criterion).
 * A static buffer: one at a time.
 */
char *fixture(const char *name);

#endif
