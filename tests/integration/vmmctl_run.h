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

/*
 * vmmctl ARGS... must exit 0, else the test fails showing the command, its
 * output and the guest's console: its output as vmmctl_out's (free it).
 */
char *vmmctl_ok(struct vq *v, unsigned int secs, bool with_err,
		const char *const args[]);

/* vmmctl ARGS... must exit 0, its stdout or stderr holding @want. */
void vmmctl_ok_with(struct vq *v, unsigned int secs, const char *const args[],
		    const char *want);

/* vmmctl ARGS... must fail, its stdout or stderr holding @why. */
void vmmctl_fails(struct vq *v, unsigned int secs, const char *const args[],
		  const char *why);

/*
 * build_top()/tests/modules/NAME/NAME.ko, an example module built through
 * the installed tree, asserted readable. A static buffer: one at a time.
 */
const char *example_ko(const char *name);

#endif
