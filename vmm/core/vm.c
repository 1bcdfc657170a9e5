// SPDX-License-Identifier: MIT
/* The running VM's lifecycle: starting vCPUs and ending the VM. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "exitstatus.h"
#include "vm.h"

void vm_init(struct vm *vm, const struct memmap *mm, unsigned int nr_cpus)
{
	pthread_condattr_t ca;
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->mm = mm;
	vm->nr_cpus = nr_cpus;
	for (i = 0; i < MV_MAX_CPUS; i++) {
		vm->vcpu[i].vm = vm;
		vm->vcpu[i].index = i;
		vm->vcpu[i].fd = -1;
	}
	gmem_init(&vm->gmem);
	dirty_init(&vm->dirty);
	pthread_mutex_init(&vm->lock, NULL);
	/* timeouts are measured on the monotonic clock, immune to date changes */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->cond, &ca);
	pthread_condattr_destroy(&ca);
}

void vm_destroy(struct vm *vm)
{
	ksyms_free(&vm->ksyms);
	dirty_destroy(&vm->dirty);
	pthread_cond_destroy(&vm->cond);
	pthread_mutex_destroy(&vm->lock);
}

/* Called with vm->lock held. */
static void kick_all(struct vm *vm)
{
	pthread_t self = pthread_self();
	unsigned int i;

	for (i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpu[i];

		/*
		 * immediate_exit covers a thread that is about to enter
		 * KVM_RUN; the signal covers one that is already inside.
		 */
		if (v->run)
			__atomic_store_n(&v->run->immediate_exit, 1,
					 __ATOMIC_SEQ_CST);
		if (v->has_thread && !pthread_equal(v->thread, self))
			pthread_kill(v->thread, VM_KICK_SIGNAL);
	}
}

void vm_end(struct vm *vm, enum vm_end why, int status)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->end == VM_RUNNING) {
		vm->end = why;
		vm->status = status;
		kick_all(vm);
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

bool vm_ended(struct vm *vm)
{
	bool ended;

	pthread_mutex_lock(&vm->lock);
	ended = vm->end != VM_RUNNING;
	pthread_mutex_unlock(&vm->lock);
	return ended;
}

int vm_start_cpu(struct vm *vm, uint32_t n, struct errbuf *e)
{
	int ret = 0;

	if (!n || n >= vm->nr_cpus)
		return errf(e, "HC_CPU_UP: vCPU %u does not exist (this VM has vCPUs 1..%u to start)",
			    n, vm->nr_cpus - 1);
	pthread_mutex_lock(&vm->lock);
	if (vm->vcpu[n].started) {
		ret = errf(e, "HC_CPU_UP: vCPU %u was already started", n);
	} else {
		vm->vcpu[n].started = true;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

bool vm_wait_start(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool go;

	pthread_mutex_lock(&vm->lock);
	while (!v->started && vm->end == VM_RUNNING)
		pthread_cond_wait(&vm->cond, &vm->lock);
	go = vm->end == VM_RUNNING;
	pthread_mutex_unlock(&vm->lock);
	return go;
}

static void deadline_after(struct timespec *ts, unsigned int secs)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += secs;
}

enum vm_end vm_wait_end(struct vm *vm, unsigned int timeout)
{
	struct timespec deadline;
	enum vm_end end;
	bool timed_out = false;

	if (timeout)
		deadline_after(&deadline, timeout);
	pthread_mutex_lock(&vm->lock);
	while (vm->end == VM_RUNNING && !timed_out) {
		if (!timeout)
			pthread_cond_wait(&vm->cond, &vm->lock);
		else if (pthread_cond_timedwait(&vm->cond, &vm->lock,
						&deadline) == ETIMEDOUT)
			timed_out = true;
	}
	pthread_mutex_unlock(&vm->lock);
	if (timed_out)
		vm_end(vm, VM_END_TIMEOUT, VMM_EXIT_TIMEOUT);
	pthread_mutex_lock(&vm->lock);
	end = vm->end;
	pthread_mutex_unlock(&vm->lock);
	return end;
}

void vm_count_warning(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	vm->warnings++;
	pthread_mutex_unlock(&vm->lock);
}

#define VM_PAUSE_WAIT_MS	1000

bool vm_pause_point(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool go;

	pthread_mutex_lock(&vm->lock);
	v->in_loop = true;
	if (vm->pause_requests && vm->end == VM_RUNNING) {
		v->paused = true;
		if (!vm->parked_since_ns)
			vm->parked_since_ns = monotonic_ns();
		pthread_cond_broadcast(&vm->cond);
		while (vm->pause_requests && vm->end == VM_RUNNING)
			pthread_cond_wait(&vm->cond, &vm->lock);
		v->paused = false;
	}
	go = vm->end == VM_RUNNING;
	/*
	 * A pause's kick set it (maybe before this vCPU ever ran); vm_end and
	 * vm_pause set it again under this lock, so no kick is lost.
	 */
	if (go && v->run)
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vm->lock);
	return go;
}

void vm_vcpu_exited(struct vcpu *v)
{
	pthread_mutex_lock(&v->vm->lock);
	v->in_loop = false;
	pthread_cond_broadcast(&v->vm->cond);
	pthread_mutex_unlock(&v->vm->lock);
}

/* Called with vm->lock held: the first running vCPU not yet parked, or -1. */
static int first_unpaused(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		if (vm->vcpu[i].in_loop && !vm->vcpu[i].paused)
			return i;
	return -1;
}

int vm_pause(struct vm *vm, struct errbuf *e)
{
	struct timespec deadline;
	int late, ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += VM_PAUSE_WAIT_MS * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&vm->lock);
	if (vm->pause_requests++ == 0)
		kick_all(vm);
	while (vm->end == VM_RUNNING && (late = first_unpaused(vm)) >= 0) {
		if (pthread_cond_timedwait(&vm->cond, &vm->lock, &deadline) ==
		    ETIMEDOUT) {
			ret = errf(e, "vCPU %d did not stop within %d ms", late,
				   VM_PAUSE_WAIT_MS);
			break;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->pause_requests && --vm->pause_requests == 0) {
		vm->run_gen++;
		vm->parked_since_ns = 0;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

void vm_start_stopped(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->stopped) {
		vm->stopped = true;
		vm->pause_requests++;	/* cont's vm_resume() drops it */
	}
	pthread_mutex_unlock(&vm->lock);
}
