/* SPDX-License-Identifier: MIT */
/* A vCPU's register state, printed when the guest crashes. */
#ifndef VMM_DUMP_H
#define VMM_DUMP_H

#include <stdio.h>

#include <linux/kvm.h>

void dump_regs(FILE *f, const struct kvm_regs *r, const struct kvm_sregs *s);

/* "KVM_EXIT_MMIO" etc., or NULL. */
const char *dump_exit_name(unsigned int reason);

#endif
