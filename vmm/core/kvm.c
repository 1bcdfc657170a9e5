// SPDX-License-Identifier: MIT
/* KVM: /dev/kvm, the VM, its memslots and vCPUs. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memvisor/layout.h>

#include "args.h"
#include "boot.h"
#include "kvm.h"

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_PGE		(1ULL << 7)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

static void explain_open_error(const char *dev, int err, int argc, char **argv)
{
	char cmd[2048];

	if (err == ENOENT || err == ENXIO || err == ENODEV) {
		fprintf(stderr, "vmm: %s not found: this host has no KVM (no hardware virtualization, or the kvm module isn't loaded); run it nested with: tools/nested/nested-run -- vmm/vmm --mem 256M\n",
			dev);
		if (args_shell_join(argc, argv, cmd, sizeof(cmd)) >= 0)
			fprintf(stderr, "vmm: this command, nested: tools/nested/nested-run -- %s\n",
				cmd);
		return;
	}
	if (err == EACCES || err == EPERM) {
		fprintf(stderr, "vmm: %s: permission denied: add your user to the kvm group or run as root\n",
			dev);
		return;
	}
	fprintf(stderr, "vmm: cannot open %s: %s\n", dev, strerror(err));
}

int kvm_open(struct vm *vm, const char *dev, int argc, char **argv)
{
	vm->kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		explain_open_error(dev, errno, argc, argv);
		return -1;
	}
	return 0;
}

static int get_supported_cpuid(struct vm *vm, struct errbuf *e)
{
	unsigned int n;

	/* KVM says E2BIG until the buffer is big enough */
	for (n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

		if (!c)
			return errf(e, "vmm: out of memory");
		c->nent = n;
		if (!kvm_ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, (unsigned long)c)) {
			vm->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			break;
	}
	return errf(e, "vmm: KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
}

int kvm_check(struct vm *vm, struct errbuf *e)
{
	static const struct {
		int cap;
		const char *name;
	} required[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
		{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	unsigned int i;
	int v;

	v = kvm_ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION)
		return errf(e, "vmm: KVM API version %d, this vmm needs %d", v,
			    KVM_API_VERSION);
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, required[i].cap) <= 0)
			return errf(e, "vmm: this host's KVM lacks %s",
				    required[i].name);
	v = kvm_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (v < (int)sizeof(struct kvm_run))
		return errf(e, "vmm: KVM_GET_VCPU_MMAP_SIZE: %s",
			    v < 0 ? strerror(errno) : "too small");
	vm->run_size = v;
	return get_supported_cpuid(vm, e);
}

unsigned int kvm_max_vcpus(struct vm *vm)
{
	int n = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (n <= 0)
		n = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	/* KVM's documentation: without either capability, assume 4 */
	return n > 0 ? (unsigned int)n : 4;
}

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
					   uint32_t function)
{
	unsigned int i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == function)
			return &c->entries[i];
	return NULL;
}

unsigned int kvm_guest_phys_bits(struct vm *vm)
{
	struct kvm_cpuid_entry2 *x = cpuid_find(vm->cpuid, 0x80000008);

	return x && (x->eax & 0xff) ? x->eax & 0xff : 36;
}

static int set_slots(struct vm *vm, struct errbuf *e)
{
	const struct memmap *mm = vm->mm;
	unsigned int i;

	for (i = 0; i < mm->nr_slots; i++) {
		const struct mm_slot *s = &mm->slot[i];
		struct kvm_userspace_memory_region r = {
			.slot = i,
			.guest_phys_addr = s->gpa,
			.memory_size = s->size,
			.userspace_addr = (uintptr_t)gmem_ptr(&vm->gmem, s->gpa,
							      s->size),
		};

		if (!r.userspace_addr)
			return errf(e, "vmm: internal error: slot %u has no memory",
				    i);
		if (kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION,
			   (unsigned long)&r))
			return errf(e, "vmm: KVM_SET_USER_MEMORY_REGION slot %u (zone %s, [0x%" PRIx64 "-0x%" PRIx64 ")): %s",
				    i, memmap_zone_name(s->zone), s->gpa,
				    s->gpa + s->size, strerror(errno));
	}
	return 0;
}

/*
 * Where KVM offers it, KVM_GET_VCPU_EVENTS then says whether a triple fault
 * is pending: the crash dump shows it for every vCPU. Optional: without it
 * the dump just has one fact less.
 */
static void enable_triple_fault_event(struct vm *vm)
{
#ifdef KVM_CAP_X86_TRIPLE_FAULT_EVENT
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_TRIPLE_FAULT_EVENT,
		.args[0] = 1,
	};

	if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
		   KVM_CAP_X86_TRIPLE_FAULT_EVENT) <= 0)
		return;
	kvm_ioctl(vm->vm_fd, KVM_ENABLE_CAP, (unsigned long)&cap);
#else
	(void)vm;
#endif
}

int kvm_create_vm(struct vm *vm, struct errbuf *e)
{
	uint64_t idmap = KVM_IDENTITY_MAP_GPA;

	vm->vm_fd = kvm_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return errf(e, "vmm: KVM_CREATE_VM: %s", strerror(errno));
	/* Intel needs both pages for its real-mode tricks; AMD ignores them */
	if (kvm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA))
		return errf(e, "vmm: KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
		   KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
	    kvm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, (unsigned long)&idmap))
		return errf(e, "vmm: KVM_SET_IDENTITY_MAP_ADDR: %s",
			    strerror(errno));
	if (kvm_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return errf(e, "vmm: KVM_CREATE_IRQCHIP: %s", strerror(errno));
	enable_triple_fault_event(vm);
	return set_slots(vm, e);
}

/*
 * What KVM supports, with the vCPU's APIC ID (KVM makes it the vCPU id) in
 * every topology leaf. Nothing depends on it taking effect: some KVMs show
 * the guest the host's CPUID whatever we set, so the guest reads its APIC
 * ID from the APIC and checks every feature it uses in CPUID itself.
 */
static int set_cpuid(struct vcpu *v, struct errbuf *e)
{
	struct kvm_cpuid2 *src = v->vm->cpuid, *c;
	size_t size = sizeof(*c) + src->nent * sizeof(c->entries[0]);
	unsigned int i;
	int ret = 0;

	c = malloc(size);
	if (!c)
		return errf(e, "vmm: out of memory");
	memcpy(c, src, size);
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *x = &c->entries[i];

		if (x->function == 1)
			x->ebx = (x->ebx & 0x00ffffff) | (v->index << 24);
		else if (x->function == 0xb || x->function == 0x1f)
			x->edx = v->index;
	}
	if (kvm_ioctl(v->fd, KVM_SET_CPUID2, (unsigned long)c))
		ret = errf(e, "vmm: KVM_SET_CPUID2 on vCPU %u: %s", v->index,
			   strerror(errno));
	free(c);
	return ret;
}

static int create_vcpu(struct vcpu *v, struct errbuf *e)
{
	struct vm *vm = v->vm;
	void *run;

	v->fd = kvm_ioctl(vm->vm_fd, KVM_CREATE_VCPU, v->index);
	if (v->fd < 0)
		return errf(e, "vmm: KVM_CREATE_VCPU %u: %s", v->index,
			    strerror(errno));
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->fd, 0);
	if (run == MAP_FAILED)
		return errf(e, "vmm: mmap of vCPU %u's kvm_run: %s", v->index,
			    strerror(errno));
	v->run = run;
	return set_cpuid(v, e);
}

int kvm_create_vcpus(struct vm *vm, struct errbuf *e)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		if (create_vcpu(&vm->vcpu[i], e))
			return -1;
	return 0;
}

uint32_t kvm_tsc_khz(struct vm *vm)
{
	int khz;

	if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) <= 0)
		return 0;
	khz = kvm_ioctl(vm->vcpu[0].fd, KVM_GET_TSC_KHZ, 0);
	return khz > 0 ? (uint32_t)khz : 0;
}

static void flat_segment(struct kvm_segment *s, uint16_t sel, uint8_t type,
			 bool code)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .s = 1, .g = 1,
		.l = code, .db = !code,
	};
}

#define CPUID_1_EDX_PGE		(1U << 13)
#define CPUID_80000001_EDX_NX	(1U << 20)

/* Does KVM support @bit of EDX in leaf @function for its guests? */
static bool kvm_has_edx(struct vm *vm, uint32_t function, uint32_t bit)
{
	struct kvm_cpuid_entry2 *x = cpuid_find(vm->cpuid, function);

	return x && (x->edx & bit);
}

/*
 * Long mode, paging on. CR4.PGE and EFER.NXE only where KVM supports them:
 * KVM_SET_SREGS refuses what the vCPU's CPUID lacks. The guest checks
 * CPUID again itself before it relies on either.
 */
static void long_mode_sregs(struct vm *vm, struct kvm_sregs *s,
			    const struct boot_info *bi)
{
	/* apic_base, TR and LDT keep KVM's reset values */
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = bi->pml4;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (kvm_has_edx(vm, 1, CPUID_1_EDX_PGE))
		s->cr4 |= CR4_PGE;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA;
	if (kvm_has_edx(vm, 0x80000001, CPUID_80000001_EDX_NX))
		s->efer |= EFER_NXE;
	flat_segment(&s->cs, BOOT_CS, 0xb, true);	/* code, read, accessed */
	flat_segment(&s->ds, BOOT_DS, 0x3, false);	/* data, write, accessed */
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = boot_gdt_virt(bi);
	s->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	/* no IDT until the guest loads one: any exception triple-faults */
	s->idt.base = 0;
	s->idt.limit = 0;
}

int kvm_init_vcpu(struct vcpu *v, const struct boot_info *bi,
		  struct errbuf *e)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = bi->entry,
		.rsp = boot_stack_top(bi, v->index),
		.rdi = MV_BOOT_PARAMS_GPA,
		.rsi = v->index,
		.rflags = 0x2,
	};

	if (kvm_ioctl(v->fd, KVM_GET_SREGS, (unsigned long)&sregs))
		return errf(e, "vmm: KVM_GET_SREGS on vCPU %u: %s", v->index,
			    strerror(errno));
	long_mode_sregs(v->vm, &sregs, bi);
	if (kvm_ioctl(v->fd, KVM_SET_SREGS, (unsigned long)&sregs))
		return errf(e, "vmm: KVM_SET_SREGS on vCPU %u: %s", v->index,
			    strerror(errno));
	if (kvm_ioctl(v->fd, KVM_SET_REGS, (unsigned long)&regs))
		return errf(e, "vmm: KVM_SET_REGS on vCPU %u: %s", v->index,
			    strerror(errno));
	return 0;
}

int kvm_make_runnable(struct vcpu *v, struct errbuf *e)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (kvm_ioctl(v->fd, KVM_SET_MP_STATE, (unsigned long)&mp))
		return errf(e, "vmm: KVM_SET_MP_STATE on vCPU %u: %s", v->index,
			    strerror(errno));
	return 0;
}

void kvm_close(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		if (v->run)
			munmap(v->run, vm->run_size);
		if (v->fd >= 0)
			close(v->fd);
		v->run = NULL;
		v->fd = -1;
	}
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	free(vm->cpuid);
	vm->cpuid = NULL;
}
