// SPDX-License-Identifier: MIT
/*
 * How fast does this KVM run guest kernel code? A real KVM runs it on the
 * CPU; some (kvm_pvm, say) interpret every CPL0 instruction, hundreds of
 * times slower. No capability tells them apart, so we time it: a throw-away
 * VM runs a two-instruction loop at CPL0 in 64-bit mode, N steps and then
 * one, and the difference divided by N is the cost of one step.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accel.h"
#include "kvm.h"

#define CAL_MEM_SIZE	0x10000
#define CAL_PML4	0x1000
#define CAL_PDPT	0x2000
#define CAL_PD		0x3000
#define CAL_CODE	0x4000
#define CAL_PORT	0x10
#define CAL_STEPS	4000	/* ~4 ms where each step is emulated */
#define CAL_TRIES	3	/* the best of three: host noise only adds */

#define PTE_P		0x1ULL
#define PTE_W		0x2ULL
#define PTE_PS		0x80ULL

struct cal_vm {
	int vm_fd, vcpu_fd;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
};

/* PML4 -> PDPT -> PD, one 2 MiB page mapping [0, 2 MiB) to itself. */
static void cal_page_tables(uint8_t *mem)
{
	uint64_t e;

	e = CAL_PDPT | PTE_P | PTE_W;
	memcpy(mem + CAL_PML4, &e, sizeof(e));
	e = CAL_PD | PTE_P | PTE_W;
	memcpy(mem + CAL_PDPT, &e, sizeof(e));
	e = 0 | PTE_P | PTE_W | PTE_PS;
	memcpy(mem + CAL_PD, &e, sizeof(e));
}

/* mov ecx, steps; 1: dec ecx; jnz 1b; out CAL_PORT, al; hlt */
static void cal_code(uint8_t *mem, uint32_t steps)
{
	uint8_t code[] = {
		0xb9, 0, 0, 0, 0, 0xff, 0xc9, 0x75, 0xfc,
		0xe6, CAL_PORT, 0xf4,
	};

	memcpy(code + 1, &steps, sizeof(steps));
	memcpy(mem + CAL_CODE, code, sizeof(code));
}

static void cal_segment(struct kvm_segment *s, uint8_t type, bool code)
{
	*s = (struct kvm_segment){
		.limit = 0xffffffff, .selector = code ? 0x8 : 0x10,
		.type = type, .present = 1, .s = 1, .g = 1,
		.l = code, .db = !code,
	};
}

static int cal_long_mode(int vcpu_fd)
{
	struct kvm_sregs s;

	if (kvm_ioctl(vcpu_fd, KVM_GET_SREGS, (unsigned long)&s))
		return -1;
	s.cr0 = 0x80000011;	/* PG, ET, PE */
	s.cr3 = CAL_PML4;
	s.cr4 = 0x20;		/* PAE */
	s.efer = 0x500;		/* LMA, LME */
	cal_segment(&s.cs, 0xb, true);
	cal_segment(&s.ds, 0x3, false);
	s.es = s.fs = s.gs = s.ss = s.ds;
	return kvm_ioctl(vcpu_fd, KVM_SET_SREGS, (unsigned long)&s);
}

static int cal_create(int kvm_fd, struct cal_vm *c, struct errbuf *e)
{
	struct kvm_userspace_memory_region r = { .memory_size = CAL_MEM_SIZE };
	int size;

	c->vm_fd = kvm_ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (c->vm_fd < 0)
		return errf(e, "KVM_CREATE_VM: %s", strerror(errno));
	/* Intel wants these even though we never run in real mode */
	kvm_ioctl(c->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA);
	c->mem = mmap(NULL, CAL_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return errf(e, "mmap: %s", strerror(errno));
	}
	cal_page_tables(c->mem);
	r.userspace_addr = (uintptr_t)c->mem;
	if (kvm_ioctl(c->vm_fd, KVM_SET_USER_MEMORY_REGION, (unsigned long)&r))
		return errf(e, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	c->vcpu_fd = kvm_ioctl(c->vm_fd, KVM_CREATE_VCPU, 0);
	if (c->vcpu_fd < 0)
		return errf(e, "KVM_CREATE_VCPU: %s", strerror(errno));
	size = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return errf(e, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	c->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->vcpu_fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		return errf(e, "mmap of kvm_run: %s", strerror(errno));
	}
	c->run_size = size;
	return 0;
}

static void cal_destroy(struct cal_vm *c)
{
	if (c->run)
		munmap(c->run, c->run_size);
	if (c->mem)
		munmap(c->mem, CAL_MEM_SIZE);
	if (c->vcpu_fd >= 0)
		close(c->vcpu_fd);
	if (c->vm_fd >= 0)
		close(c->vm_fd);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Runs the loop for @steps from the top; its wall time in ns, or 0. */
static uint64_t cal_time(struct cal_vm *c, uint32_t steps, struct errbuf *e)
{
	struct kvm_regs regs = { .rip = CAL_CODE, .rflags = 0x2 };
	uint64_t t0, t1;

	cal_code(c->mem, steps);
	if (cal_long_mode(c->vcpu_fd) ||
	    kvm_ioctl(c->vcpu_fd, KVM_SET_REGS, (unsigned long)&regs)) {
		errf(e, "setting the vCPU's registers: %s", strerror(errno));
		return 0;
	}
	t0 = now_ns();
	if (kvm_ioctl(c->vcpu_fd, KVM_RUN, 0)) {
		errf(e, "KVM_RUN: %s", strerror(errno));
		return 0;
	}
	t1 = now_ns();
	if (c->run->exit_reason != KVM_EXIT_IO || c->run->io.port != CAL_PORT) {
		errf(e, "the calibration loop ended with exit %u, not its port write",
		     c->run->exit_reason);
		return 0;
	}
	return t1 > t0 ? t1 - t0 : 1;
}

/* The best of CAL_TRIES runs of @steps steps. */
static uint64_t cal_best(struct cal_vm *c, uint32_t steps, struct errbuf *e)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < CAL_TRIES; i++) {
		uint64_t t = cal_time(c, steps, e);

		if (!t)
			return 0;
		if (t < best)
			best = t;
	}
	return best;
}

int accel_calibrate(const char *dev, double *step_ns, struct errbuf *e)
{
	struct cal_vm c = { .vm_fd = -1, .vcpu_fd = -1 };
	uint64_t one, many;
	int kvm_fd, ret = -1;

	kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		return errf(e, "%s: %s", dev, strerror(errno));
	if (cal_create(kvm_fd, &c, e))
		goto out;
	one = cal_best(&c, 1, e);
	many = one ? cal_best(&c, CAL_STEPS, e) : 0;
	if (!many)
		goto out;
	*step_ns = many > one ? (double)(many - one) / (CAL_STEPS - 1) : 0;
	ret = 0;
out:
	cal_destroy(&c);
	close(kvm_fd);
	return ret;
}
