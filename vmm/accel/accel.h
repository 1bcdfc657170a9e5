/* SPDX-License-Identifier: MIT */
/*
 * Which accelerator runs the guest: this host's KVM, or KVM nested inside
 * QEMU's TCG (tools/nested/nested-run). auto measures rather than assumes:
 * a KVM that interprets guest kernel code (kvm_pvm, say) is hundreds of
 * times slower than one that runs it, and no capability says which it is.
 */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "err.h"

#define ACCEL_ENV		"MEMVISOR_ACCEL"
#define ACCEL_KVM_DEV_ENV	"MEMVISOR_KVM_DEV"
#define ACCEL_KVM_DEV		"/dev/kvm"

/*
 * A CPL0 loop step (dec; jnz) costs well under 1 ns where KVM runs guest
 * code, 1-3 µs where it interprets it, and a few ns under QEMU's TCG: 50 ns
 * is far from all three.
 */
#define ACCEL_NATIVE_STEP_NS	50.0
#define ACCEL_NATIVE_REF_NS	0.5	/* a native step, for "N times slower" */

struct accel_choice {
	enum vmm_accel kind;	/* VMM_ACCEL_KVM, _NESTED or _NONE */
	char why[400];
};

/* The KVM device: $MEMVISOR_KVM_DEV (tests hide /dev/kvm), else /dev/kvm. */
const char *accel_kvm_dev(void);

/* ns per step of a CPL0 loop in a throw-away VM on @dev. */
int accel_calibrate(const char *dev, double *step_ns, struct errbuf *e);

/*
 * Picks the accelerator for @want (auto measures). Returns -1 with a
 * message when @want cannot be had (--accel nested with no runner).
 */
int accel_choose(enum vmm_accel want, struct accel_choice *c,
		 struct errbuf *e);

/*
 * The accelerator's name for reports (the guest's bench table): the KVM
 * module behind the device (kvm-amd, kvm-intel, kvm_pvm: the one that
 * emulates guest kernel code), prefixed "TCG+" inside the nested runner.
 */
void accel_name(char *buf, size_t len);

/* True inside the nested runner: its /dev/kvm is the one to use. */
bool nested_inside(void);

/* Can tools/nested/nested-run run here? If not, @why says what it lacks. */
bool nested_runner_usable(char *why, size_t len);

/*
 * Runs this very command again inside the nested runner with @cpus vCPUs
 * for the runner, which is to reach the file @kernel (NULL: none) as well
 * as vmm itself and the cwd, and stays its parent: serves the control socket @control
 * on this host, each client multiplexed to the vmm inside over the runner's
 * link (nested-run --control-link, ctlmux.h); passes SIGINT, SIGTERM and
 * SIGHUP on; exits with the runner's status. Returns only when it cannot
 * start it, with the reason in @e.
 */
int nested_reexec(int argc, char **argv, unsigned int cpus,
		  const char *const *files, const char *control,
		  struct errbuf *e);

#endif
