/* SPDX-License-Identifier: MIT */
/*
 * The running VM: its vCPUs, memory, I/O handlers and test ledger, and how
 * it ends. Any thread may end the VM (a vCPU on shutdown or crash, main on
 * timeout or a signal): the first reason wins, every vCPU is kicked out of
 * KVM_RUN (immediate_exit plus a signal whose handler does nothing) and
 * every thread waiting for a start is woken. Nothing ever spins or hangs.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>
#include <memvisor/bootparams.h>

#include "boot.h"
#include "dirty.h"
#include "err.h"
#include "gmem.h"
#include "iobus.h"
#include "ksyms.h"
#include "memmap.h"

/* Kicks a vCPU thread out of KVM_RUN; its handler does nothing. */
#define VM_KICK_SIGNAL	SIGUSR1

enum vm_end {
	VM_RUNNING,
	VM_END_GUEST,		/* HC_SHUTDOWN: status is the guest's code */
	VM_END_CRASH,
	VM_END_HOST,
	VM_END_TIMEOUT,
	VM_END_SIGNAL,
	VM_END_QUIT,		/* the control socket's quit */
};

struct vm;
struct dmadev;
struct ktestlog;
struct mm_layout;
struct modq;
struct allocq;

struct vcpu {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool has_thread;
	bool started;		/* under vm->lock */
	bool in_loop;		/* in its run loop, under vm->lock */
	bool paused;		/* parked at its pause point, under vm->lock */
};

struct vm {
	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;	/* what KVM supports, for every vCPU */
	unsigned int nr_cpus;
	struct vcpu vcpu[MV_MAX_CPUS];

	const struct memmap *mm;
	struct gmem gmem;
	struct boot_info boot;
	struct iobus pio;
	struct iobus mmio;
	/* the in-guest test ledger (hypercall/ktestlog.h): main owns it */
	struct ktestlog *tests;
	struct ksyms ksyms;		/* the kernel's code symbols, maybe none */
	/*
	 * The inspector's struct layouts and roots, from the kernel image's
	 * DWARF (control/mm_layout.h): resolved once before any thread
	 * starts, read-only after, so read without the lock. Never NULL once
	 * the VM runs; ->present is false (with the reason) for an image
	 * without a memory manager.
	 */
	const struct mm_layout *layout;

	pthread_mutex_t lock;
	pthread_cond_t cond;		/* end of the VM, vCPU starts */
	enum vm_end end;
	int status;
	unsigned long warnings;		/* WARN and SLEEP_BUG reports */
	unsigned long alloc_failures;	/* HC_ALLOC_FAILURE reports */
	/*
	 * A crash the guest could not report (KVM_EXIT_SHUTDOWN, an internal
	 * error, a failed entry...): show every vCPU.
	 */
	bool dump_vcpus;
	/* stop, and inspections that read a still guest: nest, under lock */
	unsigned int pause_requests;
	/*
	 * CLOCK_MONOTONIC ns when the first vCPU parked for the pause now
	 * held, 0 while none is: how long a query kept the guest still.
	 */
	uint64_t parked_since_ns;	/* under lock */
	bool stopped;			/* QMP stop without cont */
	/* bumped whenever the vCPUs may run again: guest memory may change */
	uint64_t run_gen;		/* under lock */
	struct qmp_server *qmp;		/* the control socket, or NULL */
	struct dmadev *dmadev;		/* the DMA engine (devices/), or NULL */
	/*
	 * Module requests for the guest's loader (io/modq.h), set by
	 * devices_create before any thread starts; guarded by its own lock.
	 */
	struct modq *modules;
	/*
	 * The allocation ring's book (devices/allocq.h), set by devices_create
	 * before any thread starts; guarded by its own lock.
	 */
	struct allocq *allocs;
	/* KVM's dirty log and its clients (dirty.h): guarded by its own lock */
	struct dirty_log dirty;
	/*
	 * The free pages write-protected (--watch-free-pages, control/'s
	 * check_uaf_vm.c, set before the vCPUs start; NULL: none): a write
	 * exit at RAM goes to write_fault (true: the write was done there),
	 * KVM_RUN's EFAULT to run_efault (true: the watch is off now, re-run).
	 */
	bool (*write_fault)(struct vcpu *v, uint64_t gpa, const void *data,
			    unsigned int len);
	bool (*run_efault)(struct vcpu *v);
};

void vm_init(struct vm *vm, const struct memmap *mm, unsigned int nr_cpus);
void vm_destroy(struct vm *vm);

/* Ends the VM with @status unless it already ended. */
void vm_end(struct vm *vm, enum vm_end why, int status);
bool vm_ended(struct vm *vm);

/*
 * HC_CPU_UP: lets vCPU @n run. A bad @n (0, out of range, already started)
 * is the guest's protocol violation: -1 with the message in @e.
 */
int vm_start_cpu(struct vm *vm, uint32_t n, struct errbuf *e);

/* Blocks until @v may run (true) or the VM ended (false). */
bool vm_wait_start(struct vcpu *v);

/*
 * Blocks until the VM ends; after @timeout seconds (0: never) ends it with
 * VM_END_TIMEOUT. Returns the end reason.
 */
enum vm_end vm_wait_end(struct vm *vm, unsigned int timeout);

void vm_count_warning(struct vm *vm);

/*
 * Parks every running vCPU at its pause point (out of KVM_RUN) and returns
 * once they all are, so guest memory holds still. Requests nest: the vCPUs
 * run again when every vm_pause() has had its vm_resume(). Returns -1 with
 * a message if a vCPU did not stop within a second (then call vm_resume()
 * all the same).
 */
int vm_pause(struct vm *vm, struct errbuf *e);

/* Before the vCPUs start: they park at once, as after QMP stop (-S). */
void vm_start_stopped(struct vm *vm);
void vm_resume(struct vm *vm);

/*
 * A vCPU thread's pause point, at the top of its run loop: blocks while a
 * pause is requested. False when the VM has ended.
 */
bool vm_pause_point(struct vcpu *v);

/* The vCPU left its run loop for good. */
void vm_vcpu_exited(struct vcpu *v);

#endif
