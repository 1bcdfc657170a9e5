/* SPDX-License-Identifier: MIT */
/*
 * One host thread per vCPU: it waits for its start (HC_CPU_UP for all but
 * vCPU 0), then runs KVM_RUN and handles each exit until the VM ends.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stdio.h>

#include "err.h"
#include "vm.h"

/* Installs the do-nothing handler for VM_KICK_SIGNAL (before any thread). */
int vcpu_setup_kick_signal(struct errbuf *e);

/* Starts the thread of every vCPU; vCPU 0 runs at once. */
int vcpu_start_threads(struct vm *vm, struct errbuf *e);

/* Waits for every vCPU thread (after the VM ended). */
void vcpu_join_threads(struct vm *vm);

/*
 * Ends the VM as a guest crash: prints "vmm: guest crashed on vCPU n: why"
 * and the register dump to stderr.
 */
__attribute__((format(printf, 2, 3)))
void vcpu_crash(struct vcpu *v, const char *fmt, ...);

/*
 * For a VM stopped from outside (timeout): where the vCPU was, whether it
 * was halted, its pending interrupts and a backtrace. Only once its thread
 * has left KVM_RUN.
 */
void vcpu_dump_stopped(FILE *f, struct vcpu *v);

#endif
