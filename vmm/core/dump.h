/* SPDX-License-Identifier: MIT */
/* A vCPU's register state, printed when the guest crashes. */
#ifndef VMM_DUMP_H
#define VMM_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#include "ksyms.h"

void dump_regs(FILE *f, const struct kvm_regs *r, const struct kvm_sregs *s);

struct gmem;

/*
 * One line for a vCPU stopped while running: where it was, whether
 * interrupts were on and whether KVM had it halted (mp_state).
 */
void dump_where(FILE *f, unsigned int index, const struct kvm_regs *r,
		const struct kvm_mp_state *mp);

/*
 * KVM_GET_VCPU_EVENTS: the interrupt and NMI state, any exception injected
 * or pending, and a pending triple fault where KVM reports it
 * (KVM_CAP_X86_TRIPLE_FAULT_EVENT enabled).
 */
void dump_events(FILE *f, const struct kvm_vcpu_events *ev);

/* The local APIC's in-service and requested vectors and its timer. */
void dump_lapic(FILE *f, const struct kvm_lapic_state *s);

/*
 * The guest's frame-pointer chain from rbp, return addresses only, read
 * through the guest's page tables at cr3 (at most 16 frames), then the same
 * addresses named by @ks (may be NULL), when it names any.
 */
void dump_backtrace(FILE *f, const struct gmem *gm, uint64_t cr3,
		    uint64_t rip, uint64_t rbp, const struct ksyms *ks);

/* The 8-byte-aligned u64 at guest virtual @va (page tables at @cr3)? */
bool dump_guest_u64(const struct gmem *gm, uint64_t cr3, uint64_t va,
		    uint64_t *val);

/* "KVM_EXIT_MMIO" etc., or NULL. */
const char *dump_exit_name(unsigned int reason);

#endif
