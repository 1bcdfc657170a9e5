/* SPDX-License-Identifier: MIT */
/*
 * KVM itself: /dev/kvm, the VM (in-kernel irqchip, memslots), the vCPUs
 * (CPUID, and the 64-bit state they start in). The run loop is in vcpu.c.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "err.h"
#include "vm.h"

/* Retries an ioctl that a signal interrupted. */
static inline int kvm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

#define KVM_TSS_GPA		0xfffbd000ULL	/* 3 pages, in the PCI hole */
#define KVM_IDENTITY_MAP_GPA	0xfffbc000ULL	/* 1 page, just below */

/*
 * Opens @dev (main passes accel_kvm_dev(): core/ asks accel/ nothing) into
 * vm->kvm_fd. On failure prints why and what to do (including the nested
 * command for this very argv) and returns -1.
 */
int kvm_open(struct vm *vm, const char *dev, int argc, char **argv);

/* API version, required capabilities, supported CPUID. */
int kvm_check(struct vm *vm, struct errbuf *e);

/* The most vCPUs KVM gives one VM. */
unsigned int kvm_max_vcpus(struct vm *vm);

/* The guest-physical address width KVM's CPUID reports (36 if unknown). */
unsigned int kvm_guest_phys_bits(struct vm *vm);

/* The VM, its irqchip, TSS and identity-map pages, and one slot per zone. */
int kvm_create_vm(struct vm *vm, struct errbuf *e);

/* Creates vm->nr_cpus vCPUs with their kvm_run and CPUID. */
int kvm_create_vcpus(struct vm *vm, struct errbuf *e);

/* The TSC frequency KVM gives vCPU 0, or 0 when unknown. */
uint32_t kvm_tsc_khz(struct vm *vm);

/* Long mode, paging on, CS:RIP at the entry, RSP on this vCPU's stack. */
int kvm_init_vcpu(struct vcpu *v, const struct boot_info *bi,
		  struct errbuf *e);

/* vCPUs > 0 wait for INIT/SIPI under the in-kernel irqchip: not ours. */
int kvm_make_runnable(struct vcpu *v, struct errbuf *e);

void kvm_close(struct vm *vm);

#endif
