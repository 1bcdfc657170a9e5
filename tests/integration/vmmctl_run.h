/* SPDX-License-Identifier: MIT */
/*
 * vmmctl run against a test's vmm (vmm_qmp.h): the one place the
 * integration tests build its command line and wait for it.
 */
#ifndef TESTS_INTEGRATION_VMMCTL_RUN_H
#define TESTS_INTEGRATION_VMMCTL_RUN_H

#include "run_cmd.h"
#include "vmm_qmp.h"

#define VMMCTL_MAX_ARGS	16	/* @args given, the socket's included */

/*
 * Runs the build's vmmctl --socket (@v's) ARGS... (NULL-ended), at most
 * @secs seconds; asserts it ran and answered in time. Its exit status;
 * @r holds its output (run_result_free() it).
 */
int vmmctl_run(const struct vq *v, unsigned int secs, struct run_result *r,
	       const char *const args[]);

/*
 * The same; *@out is its stdout, followed by its stderr when @with_err
 * (free it). A failure's output goes to stderr when @with_err is false, so
 * the test's log shows why.
 */
int vmmctl_out(const struct vq *v, unsigned int secs, bool with_err,
	       char **out, const char *const args[]);

#endif
