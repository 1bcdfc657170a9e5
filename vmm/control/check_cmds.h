/* SPDX-License-Identifier: MIT */
/*
 * The allocators' checker from outside (issue 18): the quiet point, one
 * check over the parked guest (check.h's run), and what is made of it:
 * the QMP command __org.memvisor_check, an event
 * __org.memvisor_CHECK_VIOLATION and a vmm line per violation, a stop of
 * the guest on a violation (--check-stop), and the periodic thread of
 * vmm --check-every MS with its summary line at exit.
 */
#ifndef VMM_CONTROL_CHECK_CMDS_H
#define VMM_CONTROL_CHECK_CMDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "qmp.h"

struct vm;

/* Tries at finding a quiet point, and the time they may take together. */
#define CHECK_QUIET_TRIES	64
#define CHECK_QUIET_NS		2000000000ULL

/* How vmm checks: set once before the vCPUs start (main.c). */
struct check_config {
	uint64_t budget_ns;	/* parked time a check may take */
	bool stop;		/* --check-stop */
};
void check_configure(const struct check_config *cfg);

/* --check-every MS: starts the periodic thread (0, or -1 with @e). */
int check_periodic_start(struct vm *vm, unsigned int every_ms,
			 struct errbuf *e);
/* Stops it and prints the summary line (checks, violations, parked time). */
void check_periodic_stop(void);

json_t *cmd_check(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err);

#define CHECK_COMMANDS							\
	{ .name = QMP_VENDOR "check", .fn = cmd_check,			\
	  .args = { { "budget-ms", QMP_ARG_INT, true } } },

#endif
