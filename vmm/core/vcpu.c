// SPDX-License-Identifier: MIT
/* vCPU threads and the run loop: every exit ends up here. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "console.h"
#include "dump.h"
#include "exitstatus.h"
#include "kvm.h"
#include "kvmexit.h"
#include "vcpu.h"

static void kick_handler(int sig)
{
	(void)sig;	/* its only job is to make KVM_RUN return EINTR */
}

int vcpu_setup_kick_signal(struct errbuf *e)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: KVM_RUN must return */
	if (sigaction(VM_KICK_SIGNAL, &sa, NULL))
		return errf(e, "vmm: sigaction: %s", strerror(errno));
	return 0;
}

static void print_dump(FILE *f, struct vcpu *v)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (ioctl(v->fd, KVM_GET_REGS, &regs)) {
		fprintf(f, "  (registers unavailable: %s)\n", strerror(errno));
		return;
	}
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs)) {
		dump_regs(f, &regs, NULL);
		return;
	}
	dump_regs(f, &regs, &sregs);
}

void vcpu_dump_stopped(FILE *f, struct vcpu *v)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_mp_state mp;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events ev;
	bool have_mp;

	if (ioctl(v->fd, KVM_GET_REGS, &regs)) {
		fprintf(f, "  vCPU %u: registers unavailable: %s\n", v->index,
			strerror(errno));
		return;
	}
	have_mp = !ioctl(v->fd, KVM_GET_MP_STATE, &mp);
	dump_where(f, v->index, &regs, have_mp ? &mp : NULL);
	if (!ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev))
		dump_events(f, &ev);
	if (!ioctl(v->fd, KVM_GET_LAPIC, &lapic))
		dump_lapic(f, &lapic);
	if (!ioctl(v->fd, KVM_GET_SREGS, &sregs))
		dump_backtrace(f, &v->vm->gmem, sregs.cr3, regs.rip, regs.rbp,
			       &v->vm->ksyms);
}

static void vcrash(struct vcpu *v, enum vm_end why, int status,
		   const char *what, const char *fmt, va_list ap)
{
	FILE *f;

	/* once the VM is ending, later exits are its side effects */
	if (vm_ended(v->vm))
		return;
	f = console_lock_err();
	fprintf(f, "vmm: %s on vCPU %u: ", what, v->index);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	print_dump(f, v);
	console_unlock();
	vm_end(v->vm, why, status);
}

void vcpu_crash(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcrash(v, VM_END_CRASH, VMM_EXIT_CRASH, "guest crashed", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void host_error(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcrash(v, VM_END_HOST, VMM_EXIT_HOST, "host error", fmt, ap);
	va_end(ap);
}

/* Runs a device handler; false when this vCPU must stop. */
static bool dispatch(struct vcpu *v, const struct io_range *r,
		     struct io_access *a, const char *kind)
{
	enum io_result res;

	res = r->fn(r->opaque, a);
	if (res == IO_DONE)
		return true;
	if (res == IO_FATAL)
		vcpu_crash(v, "guest protocol violation (%s %s 0x%" PRIx64 "): %s",
			   r->name, kind, a->addr, a->err->msg);
	return false;
}

static bool handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct errbuf err = { "" };
	struct io_access a = {
		.vcpu = v,
		.addr = run->io.port,
		.data = (uint8_t *)run + run->io.data_offset,
		.size = run->io.size,
		.count = run->io.count,
		.write = run->io.direction == KVM_EXIT_IO_OUT,
		.err = &err,
	};
	/* ports are numbers, not bytes: a 4-byte outl at 0x503 is port 0x503 */
	const struct io_range *r = iobus_find(&v->vm->pio, a.addr, 1);

	if (!r) {
		uint32_t val = 0;

		memcpy(&val, a.data, a.size <= 4 ? a.size : 4);
		if (a.write)
			vcpu_crash(v, "out of %u byte%s (value 0x%x, count %u) to unknown I/O port 0x%" PRIx64,
				   a.size, a.size == 1 ? "" : "s", val, a.count,
				   a.addr);
		else
			vcpu_crash(v, "in of %u byte%s (count %u) from unknown I/O port 0x%" PRIx64,
				   a.size, a.size == 1 ? "" : "s", a.count,
				   a.addr);
		return false;
	}
	return dispatch(v, r, &a, "port");
}

static bool handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct errbuf err = { "" };
	struct io_access a = {
		.vcpu = v,
		.addr = run->mmio.phys_addr,
		.data = run->mmio.data,
		.size = run->mmio.len,
		.count = 1,
		.write = run->mmio.is_write,
		.err = &err,
	};
	const struct io_range *r = iobus_find(&v->vm->mmio, a.addr, a.size);

	if (!r && a.write && v->vm->write_fault &&
	    v->vm->write_fault(v, a.addr, a.data, a.size))
		return true;
	if (!r) {
		vcpu_crash(v, "MMIO %s of %u bytes at 0x%" PRIx64 ", where there is no RAM and no device",
			   a.write ? "write" : "read", a.size, a.addr);
		return false;
	}
	return dispatch(v, r, &a, "MMIO");
}

/* After a triple fault, KVM on AMD re-initializes the vCPU (CS:IP f000:fff0). */
static bool was_reset(struct vcpu *v)
{
	struct kvm_sregs sregs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return false;
	return sregs.cs.selector == 0xf000 && !(sregs.cr0 & 1);
}

/*
 * KVM says the guest died: the guest could not report it, and the faulting
 * vCPU's state may be gone (AMD resets it after a triple fault), so after
 * this vCPU's registers show every vCPU's.
 */
static void guest_died(struct vcpu *v)
{
	char why[1024];
	bool reset;

	kvmexit_describe(v->run, why, sizeof(why));
	reset = v->run->exit_reason == KVM_EXIT_SHUTDOWN && was_reset(v);
	if (!vm_ended(v->vm))
		__atomic_store_n(&v->vm->dump_vcpus, true, __ATOMIC_RELAXED);
	vcpu_crash(v, "%s%s", why,
		   reset ? "; KVM reset this vCPU (as it does on AMD), so the registers below are its reset state, not the faulting one" : "");
}

/* Handles one exit; false when this vCPU's loop must end. */
static bool handle_exit(struct vcpu *v)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(v);
	case KVM_EXIT_MMIO:
		return handle_mmio(v);
	case KVM_EXIT_INTR:
		return true;
	}
	/* SHUTDOWN, INTERNAL_ERROR, FAIL_ENTRY, SYSTEM_EVENT, anything else */
	guest_died(v);
	return false;
}

static void run_loop(struct vcpu *v)
{
	for (;;) {
		if (!vm_pause_point(v))
			return;
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EFAULT && v->vm->run_efault &&
			    v->vm->run_efault(v))
				continue;
			host_error(v, "KVM_RUN: %s", strerror(errno));
			return;
		}
		if (!handle_exit(v))
			return;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct errbuf e;

	if (!vm_wait_start(v))
		return NULL;
	if (v->index && kvm_make_runnable(v, &e)) {
		host_error(v, "%s", e.msg);
		return NULL;
	}
	run_loop(v);
	vm_vcpu_exited(v);
	return NULL;
}

int vcpu_start_threads(struct vm *vm, struct errbuf *e)
{
	unsigned int i;
	int ret;

	pthread_mutex_lock(&vm->lock);
	vm->vcpu[0].started = true;
	for (i = 0; i < vm->nr_cpus; i++) {
		ret = pthread_create(&vm->vcpu[i].thread, NULL, vcpu_thread,
				     &vm->vcpu[i]);
		if (ret) {
			pthread_mutex_unlock(&vm->lock);
			vm_end(vm, VM_END_HOST, VMM_EXIT_HOST);
			return errf(e, "vmm: cannot start the thread of vCPU %u: %s",
				    i, strerror(ret));
		}
		vm->vcpu[i].has_thread = true;
	}
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

void vcpu_join_threads(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++)
		if (vm->vcpu[i].has_thread)
			pthread_join(vm->vcpu[i].thread, NULL);
}
