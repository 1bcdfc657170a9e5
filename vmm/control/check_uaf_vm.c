// SPDX-License-Identifier: MIT
/*
 * The VM's use-after-free watch (check_uaf.h): one per VMM, its pages
 * written taken from the VM's dirty log (core/dirty.h) as one of its
 * clients, opened by the first check that watches (logging starts then:
 * the guest pays for it only once free pages are watched).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "check_uaf.h"
#include "console.h"
#include "dirty.h"
#include "dump.h"
#include "gmem.h"
#include "vm.h"

#ifndef KVM_CAP_MEMORY_FAULT_INFO
#define KVM_CAP_MEMORY_FAULT_INFO 232
#endif

#define PAGE_4K		((uint64_t)4096)
#define NO_GPA_NOTICE	"vmm: --watch-free-pages: this KVM does not say which page a faulting write hit; writes after a free are still reported by the dirty log, without the writer\n"

static struct {
	struct vm *vm;
	int client;
	uint64_t *bits;
	struct uaf_watch watch;
} uaf_vm = { .client = -1 };

static const uint64_t *take_dirty(void *opaque, uint64_t *nr_pfns)
{
	struct vm *vm = opaque;
	struct errbuf e;

	if (uaf_vm.client < 0) {
		uaf_vm.bits = calloc(dirty_words(vm) + 1, sizeof(uint64_t));
		if (!uaf_vm.bits)
			return NULL;
		uaf_vm.client = dirty_open(vm, &e);
		if (uaf_vm.client < 0) {
			console_err("vmm: free-page check: %s\n", e.msg);
			return NULL;
		}
	}
	if (dirty_take(vm, uaf_vm.client, uaf_vm.bits, &e)) {
		console_err("vmm: free-page check: %s\n", e.msg);
		return NULL;
	}
	*nr_pfns = dirty_words(vm) * 64;
	return uaf_vm.bits;
}

/*
 * --watch-free-pages: the pages whose host mapping is read-only now, and
 * the writes caught on them. The check thread changes @pfns only with the
 * vCPUs parked (wp_take, wp_protect); a vCPU takes a page out when it
 * writes it. The lock makes both sides see one list.
 */
static struct {
	pthread_mutex_t lock;
	bool on;
	struct vm *vm;
	uint64_t *pfns;			/* sorted, protected now */
	unsigned int nr;
	struct uaf_writer writers[UAF_MAX_WRITERS];
	unsigned int nr_writers;
	uint64_t cost_ns, runs;		/* protect + unprotect, for the summary */
	uint64_t faults;		/* writes that hit a protected page */
} wp = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Pages @pfn.. (@n of them, contiguous in the guest) to @prot. */
static void protect_run(struct vm *vm, uint64_t pfn, uint64_t n, int prot)
{
	void *host = gmem_ptr(&vm->gmem, pfn * PAGE_4K, n * PAGE_4K);

	if (host && mprotect(host, n * PAGE_4K, prot))
		console_err("vmm: --watch-free-pages: mprotect at 0x%" PRIx64 ": %s\n",
			    pfn * PAGE_4K, strerror(errno));
}

/* Every page of @pfns to @prot, adjacent ones in one call (lock held). */
static void protect_all(struct vm *vm, int prot)
{
	unsigned int i = 0;

	while (i < wp.nr) {
		unsigned int j = i + 1;

		while (j < wp.nr && wp.pfns[j] == wp.pfns[j - 1] + 1 &&
		       gmem_ptr(&vm->gmem, wp.pfns[i] * PAGE_4K,
				(wp.pfns[j] - wp.pfns[i] + 1) * PAGE_4K))
			j++;
		protect_run(vm, wp.pfns[i], j - i, prot);
		i = j;
	}
}

static void wp_take(void *opaque, struct uaf_watch *w)
{
	struct vm *vm = opaque;
	uint64_t t = now_ns();

	pthread_mutex_lock(&wp.lock);
	protect_all(vm, PROT_READ | PROT_WRITE);
	wp.nr = 0;
	memcpy(w->writers, wp.writers, sizeof(wp.writers));
	w->nr_writers = wp.nr_writers;
	wp.nr_writers = 0;
	wp.cost_ns += now_ns() - t;
	pthread_mutex_unlock(&wp.lock);
}

static int cmp_pfn(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void wp_protect(void *opaque, const struct uaf_watch *w)
{
	struct vm *vm = opaque;
	uint64_t t = now_ns();

	pthread_mutex_lock(&wp.lock);
	if (wp.on && w->wp_nr) {
		memcpy(wp.pfns, w->wp_pfns, w->wp_nr * sizeof(uint64_t));
		wp.nr = w->wp_nr;
		qsort(wp.pfns, wp.nr, sizeof(uint64_t), cmp_pfn);
		protect_all(vm, PROT_READ);
	}
	wp.cost_ns += now_ns() - t;
	wp.runs++;
	pthread_mutex_unlock(&wp.lock);
}

/* Takes @pfn out of the list and makes it writable: was it in (lock held)? */
static bool unwatch(struct vm *vm, uint64_t pfn)
{
	uint64_t *hit = bsearch(&pfn, wp.pfns, wp.nr, sizeof(uint64_t), cmp_pfn);
	unsigned int i;

	if (!hit)
		return false;
	i = (unsigned int)(hit - wp.pfns);
	protect_run(vm, pfn, 1, PROT_READ | PROT_WRITE);
	memmove(hit, hit + 1, (wp.nr - i - 1) * sizeof(uint64_t));
	wp.nr--;
	return true;
}

/* RIP (KVM counted the instruction done: after it) and the callers. */
static void writer_regs(struct vcpu *v, struct uaf_writer *w)
{
	const struct gmem *gm = &v->vm->gmem;
	struct kvm_regs regs;
	struct kvm_sregs sr;
	uint64_t rbp, next;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) ||
	    ioctl(v->fd, KVM_GET_SREGS, &sr))
		return;
	w->rip = regs.rip;
	dump_guest_u64(gm, sr.cr3, regs.rsp, &w->callers[0]);
	rbp = regs.rbp;
	for (unsigned int i = 1; i < UAF_WRITER_CALLERS && rbp; i++) {
		if (!dump_guest_u64(gm, sr.cr3, rbp + 8, &w->callers[i]) ||
		    !dump_guest_u64(gm, sr.cr3, rbp, &next) || next <= rbp)
			break;
		rbp = next;
	}
}

static bool wp_write_fault(struct vcpu *v, uint64_t gpa, const void *data,
			   unsigned int len)
{
	struct vm *vm = v->vm;
	void *host;
	bool hit;

	if (!len || len > 8 || gpa + len < gpa)
		return false;
	pthread_mutex_lock(&wp.lock);
	hit = unwatch(vm, gpa / PAGE_4K);
	/* a write across a page end may have hit the page after */
	hit = unwatch(vm, (gpa + len - 1) / PAGE_4K) || hit;
	/*
	 * Not in the list: another vCPU's write to the same page took it out
	 * first. Either way the page is writable now and KVM counted the
	 * instruction done: the write is ours to do (not gmem_write: its
	 * before_write takes this lock).
	 */
	host = gmem_ptr(&vm->gmem, gpa, len);
	if (host)
		memcpy(host, data, len);
	wp.faults += hit;
	if (host && hit && wp.nr_writers < UAF_MAX_WRITERS) {
		struct uaf_writer *w = &wp.writers[wp.nr_writers++];

		*w = (struct uaf_writer){ .pfn = gpa / PAGE_4K, .cpu = v->index };
		writer_regs(v, w);
	}
	pthread_mutex_unlock(&wp.lock);
	return host != NULL;
}

/* The VMM's own writes (a hypercall's answer, a device's) are no bug. */
static void wp_before_write(uint64_t gpa, size_t len)
{
	pthread_mutex_lock(&wp.lock);
	for (unsigned int i = 0; i < wp.nr; ) {
		uint64_t at = wp.pfns[i] * PAGE_4K;

		if (at < gpa + len && gpa < at + PAGE_4K && wp.vm)
			unwatch(wp.vm, wp.pfns[i]);
		else
			i++;
	}
	pthread_mutex_unlock(&wp.lock);
}

static bool wp_run_efault(struct vcpu *v)
{
	bool was_on;

	pthread_mutex_lock(&wp.lock);
	was_on = wp.on;
	if (was_on) {
		protect_all(v->vm, PROT_READ | PROT_WRITE);
		wp.nr = 0;
		wp.on = false;
		console_err(NO_GPA_NOTICE);
	}
	pthread_mutex_unlock(&wp.lock);
	return was_on;
}

void uaf_vm_watch_writes(struct vm *vm, unsigned int n)
{
	struct uaf_watch *w = uaf_watch_of_vm(vm);

	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MEMORY_FAULT_INFO) <= 0) {
		console_err(NO_GPA_NOTICE);
		return;
	}
	wp.pfns = calloc(n, sizeof(uint64_t));
	if (!wp.pfns) {
		console_err("vmm: --watch-free-pages: out of memory; nothing watched\n");
		return;
	}
	wp.on = true;
	wp.vm = vm;
	vm->gmem.before_write = wp_before_write;
	w->wp_max = n;
	w->wp_take = wp_take;
	w->wp_protect = wp_protect;
	vm->write_fault = wp_write_fault;
	vm->run_efault = wp_run_efault;
}

void uaf_vm_watch_summary(void)
{
	if (!wp.runs)
		return;
	console_err("vmm: --watch-free-pages: %" PRIu64 " runs, protecting and unprotecting took %" PRIu64 " us a run on average; %" PRIu64 " writes hit a watched page (most by its next owner)\n",
		    wp.runs, wp.cost_ns / wp.runs / 1000, wp.faults);
}

struct uaf_watch *uaf_watch_of_vm(struct vm *vm)
{
	if (!uaf_vm.vm) {
		uaf_vm.vm = vm;
		uaf_watch_init(&uaf_vm.watch);
		uaf_vm.watch.take_dirty = take_dirty;
		uaf_vm.watch.take_opaque = vm;
	}
	return &uaf_vm.watch;
}
