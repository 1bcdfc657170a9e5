// SPDX-License-Identifier: MIT
/*
 * The allocators' checker from outside (check_cmds.h): the quiet point,
 * one check run over the parked guest, and what is made of it.
 *
 * The quiet point: how vmm knows no CPU is inside an allocator.
 * The guest's allocators change their state only under a spinlock
 * (spin_lock raises preempt_count, spin_lock_irqsave also clears IF) or
 * with interrupts off (local_irq_save: the per-CPU page lists in
 * page_alloc.c, the slab magazines in slab.h's fast paths, percpu.c's and
 * mempool.c's paths under their locks): guestmm/mm/ has no other
 * writer of a free list, a counter, a slab freelist or a magazine. So once
 * vm_pause has parked every vCPU (each out of KVM_RUN, at an instruction
 * boundary), the guest is quiet when
 *   - every started vCPU has RFLAGS.IF set (KVM_GET_REGS; a vCPU halted in
 *     idle has it set too: sti; hlt) and a preempt_count of 0 (its
 *     struct cpu_pda at its %gs base (KVM_GET_SREGS) + the per-CPU
 *     variable pcpu_pda, the field's offset from the image's DWARF,
 *     mm_layout.h's quiet part), and
 *   - every allocator lock word is free (ticket spinlock: next == owner):
 *     each zone's lock, each kmem_cache's lock, slab_lock, vmap_area_lock,
 *     purge_lock, pcpu_lock and mempools_lock (a lock left held by a CPU
 *     that went on is damage the locks show and the counts do not).
 * Not quiet: the vCPUs run again for 0.2 to 1 ms and are
 * parked again, CHECK_QUIET_TRIES times at most within CHECK_QUIET_NS;
 * a check that found no quiet point says so (quiet false, no violation).
 * Each mempool's own lock is not read (mempool_t's lock is not in the
 * layout): its holder is inside spin_lock_irqsave, seen by IF and
 * preempt_count.
 *
 * A check parks the guest at most its budget (CHECK_PARK_NS, 200 ms, by
 * default; --check-budget or the command's budget-ms): the run reads until
 * then and says "incomplete" if it did not finish.
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

#include <linux/kvm.h>

#include "check.h"
#include "check_cmds.h"
#include "check_uaf.h"
#include "console.h"
#include "slab_cmds.h"
#include "vm.h"

#define RFLAGS_IF		(1ULL << 9)
/* the guest runs 0.2-1 ms between tries (varied: no lock-step with its loops) */
#define QUIET_RUN_MIN_US	200
#define QUIET_RUN_SPREAD_US	800
#define CHECK_SAMPLES		4096	/* parked times kept for the median */

static struct check_config config = { .budget_ns = CHECK_PARK_NS };
/* One check at a time: the periodic thread's and the commands'. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

void check_configure(const struct check_config *cfg)
{
	config = *cfg;
	if (!config.budget_ns)
		config.budget_ns = CHECK_PARK_NS;
}

/* What one check found, besides the run's violations. */
struct check_outcome {
	bool quiet;
	unsigned int tries;
	uint64_t parked_ns;
	char busy[512];			/* the last reason it was not quiet */
	bool incomplete;
	char why[512];
};

/* ---- The quiet point ------------------------------------------------------ */

/* Is the ticket lock at @va free? A lock not readable is not counted busy. */
static bool lock_busy(struct insp *in, uint64_t va, struct field next,
		      struct field owner)
{
	uint64_t n, o;

	if (!va || insp_read_field(in, va, next, &n) ||
	    insp_read_field(in, va, owner, &o))
		return false;
	return n != o;
}

static bool cpu_busy(struct vm *vm, struct insp *in, unsigned int i,
		     char *why, size_t size)
{
	const struct mm_layout *l = vm->layout;
	struct vcpu *v = &vm->vcpu[i];
	struct kvm_regs regs;
	struct kvm_sregs sr;
	uint32_t count;
	bool started;

	pthread_mutex_lock(&vm->lock);
	started = v->started && v->fd >= 0;
	pthread_mutex_unlock(&vm->lock);
	if (!started)
		return false;
	if (ioctl(v->fd, KVM_GET_REGS, &regs) ||
	    ioctl(v->fd, KVM_GET_SREGS, &sr)) {
		snprintf(why, size, "cpu %u: registers: %s", i, strerror(errno));
		return true;
	}
	if (!(regs.rflags & RFLAGS_IF)) {
		snprintf(why, size, "cpu %u: interrupts off (rip 0x%llx)", i,
			 regs.rip);
		return true;
	}
	if (!l->quiet.present)
		return false;
	if (insp_read_u32(in, sr.gs.base + l->quiet.pcpu_pda +
			  l->quiet.preempt_count.off, &count))
		return false;	/* no per-CPU area yet: early boot, IF says */
	if (count) {
		snprintf(why, size, "cpu %u: preempt_count %u (rip 0x%llx)", i,
			 count, regs.rip);
		return true;
	}
	return false;
}

struct cache_locks {
	bool busy;
	uint64_t at;
};

static bool cache_lock_node(struct insp *in, uint64_t node, void *opaque)
{
	const struct mm_layout *l = in->lay;
	struct cache_locks *c = opaque;
	uint64_t va = node - l->cache.list.off, n, o;

	if (insp_read_field(in, va, l->cache.lock_next, &n) ||
	    insp_read_field(in, va, l->cache.lock_owner, &o) || n == o)
		return true;
	c->busy = true;
	c->at = va;
	return false;
}

static bool locks_busy(struct insp *in, char *why, size_t size)
{
	const struct mm_layout *l = in->lay;
	const uint64_t globals[] = {
		l->quiet.slab_lock, l->quiet.vmap_area_lock,
		l->quiet.purge_lock, l->quiet.pcpu_lock, l->quiet.mempools_lock,
	};
	struct cache_locks c = { false, 0 };
	struct insp_walk w;

	for (unsigned int i = 0; i < l->root.nr_zones; i++) {
		uint64_t z = l->root.zones + (uint64_t)i * l->zone.size;

		if (lock_busy(in, z, l->zone.lock_next, l->zone.lock_owner)) {
			snprintf(why, size, "zone %u's lock held", i);
			return true;
		}
	}
	for (unsigned int i = 0; l->quiet.present && i < 5; i++)
		if (lock_busy(in, globals[i], l->quiet.lock_next,
			      l->quiet.lock_owner)) {
			snprintf(why, size, "lock at 0x%" PRIx64 " held",
				 globals[i]);
			return true;
		}
	insp_list_walk(in, l->root.slab_caches, SLAB_MAX_CACHES,
		       cache_lock_node, &c, &w);
	if (c.busy)
		snprintf(why, size, "kmem_cache 0x%" PRIx64 "'s lock held", c.at);
	return c.busy;
}

/* With the vCPUs parked: is no CPU inside an allocator? */
static bool quiet_now(struct vm *vm, char *why, size_t size)
{
	struct insp in;
	struct errbuf e;
	bool busy = false;

	if (insp_open(&in, &vm->gmem, vm->layout, vm->boot.pml4, &e)) {
		snprintf(why, size, "%s", e.msg);
		insp_close(&in);
		return false;
	}
	for (unsigned int i = 0; i < vm->nr_cpus && !busy; i++)
		busy = cpu_busy(vm, &in, i, why, size);
	if (!busy)
		busy = locks_busy(&in, why, size);
	insp_close(&in);
	return !busy;
}

/*
 * Parks the vCPUs at a quiet point: true with them parked (the caller
 * resumes), false with them running when none was found in the tries.
 */
static bool park_quiet(struct vm *vm, struct check_outcome *out)
{
	uint64_t t0 = monotonic_ns();
	struct errbuf e;

	for (out->tries = 1; out->tries <= CHECK_QUIET_TRIES; out->tries++) {
		struct timespec ts = {
			0, (QUIET_RUN_MIN_US +
			    (long)((t0 >> 10) * out->tries % QUIET_RUN_SPREAD_US)) * 1000L
		};

		if (vm_pause(vm, &e)) {
			vm_resume(vm);
			snprintf(out->busy, sizeof(out->busy), "%s", e.msg);
			return false;
		}
		if (quiet_now(vm, out->busy, sizeof(out->busy)))
			return true;
		vm_resume(vm);
		if (monotonic_ns() - t0 > CHECK_QUIET_NS)
			break;
		nanosleep(&ts, NULL);
	}
	if (out->tries > CHECK_QUIET_TRIES)
		out->tries = CHECK_QUIET_TRIES;
	return false;
}

/* ---- One check -------------------------------------------------------------- */

static json_t *violation_json(const struct check_violation *v)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:s}", "structure", v->structure,
			 "addr", qmp_addr(v->addr), "expected", v->expected,
			 "found", v->found, "what", v->what);
}

/* Each violation as found: a vmm line and an event. */
static void report_violation(const struct check_violation *v, void *opaque)
{
	struct vm *vm = opaque;

	console_err("vmm: check: %s 0x%" PRIx64 ": %s (expected %s, found %s)\n",
		    v->structure, v->addr, v->what, v->expected, v->found);
	if (vm->qmp)
		qmp_server_broadcast(vm->qmp,
				     qmp_event_new(QMP_VENDOR "CHECK_VIOLATION",
						   violation_json(v)));
}

/* --check-stop: the guest stays stopped as after QMP stop; cont goes on. */
static void stop_guest(struct vm *vm)
{
	struct errbuf e;
	bool was;

	pthread_mutex_lock(&vm->lock);
	was = vm->stopped;
	vm->stopped = true;
	pthread_mutex_unlock(&vm->lock);
	if (was)
		return;
	if (vm_pause(vm, &e)) {
		console_err("vmm: check: cannot stop the guest: %s\n", e.msg);
		return;
	}
	console_err("vmm: check: guest stopped on a violation (--check-stop); cont goes on\n");
	if (vm->qmp)
		qmp_server_broadcast(vm->qmp, qmp_event_new("STOP", NULL));
}

/* Runs the checkers over the parked guest within @budget_ns of parking. */
static void run_parked(struct vm *vm, struct check_run *run,
		       uint64_t budget_ns, struct check_outcome *out)
{
	struct errbuf e;
	uint64_t parked;

	pthread_mutex_lock(&vm->lock);
	parked = vm->parked_since_ns;
	pthread_mutex_unlock(&vm->lock);
	if (!parked)
		parked = monotonic_ns();
	if (check_run_open(run, &vm->gmem, vm->layout, vm->boot.pml4,
			   &vm->ksyms, parked + budget_ns, &e)) {
		out->incomplete = true;
		snprintf(out->why, sizeof(out->why), "%s", e.msg);
		return;
	}
	check_run_all(run);
	out->incomplete = check_run_incomplete(run, out->why, sizeof(out->why));
	if (run->nr_violations && config.stop)
		stop_guest(vm);
	out->parked_ns = monotonic_ns() - parked;
}

/* One check: -1 with @e when there is nothing to check. */
static int check_once(struct vm *vm, uint64_t budget_ns, struct check_run *run,
		      struct check_outcome *out, struct errbuf *e)
{
	memset(out, 0, sizeof(*out));
	memset(run, 0, sizeof(*run));
	if (!vm->layout || !vm->layout->present)
		return errf(e, "no memory manager to check: %s",
			    vm->layout ? vm->layout->absent_why : "no layout");
	run->on_violation = report_violation;
	run->opaque = vm;
	run->uaf = config.free_pages ? uaf_watch_of_vm(vm) : NULL;
	pthread_mutex_lock(&check_lock);
	out->quiet = park_quiet(vm, out);
	if (out->quiet) {
		run_parked(vm, run, budget_ns, out);
		vm_resume(vm);
		check_run_close(run);
	}
	pthread_mutex_unlock(&check_lock);
	return 0;
}

static json_t *outcome_json(const struct check_run *run,
			    const struct check_outcome *out)
{
	json_t *ans = json_object(), *vs = json_array(), *cov = json_object();

	for (unsigned int i = 0; i < run->nr_kept; i++)
		json_array_append_new(vs, violation_json(&run->kept[i]));
	for (unsigned int i = 0; i < run->nr_cover; i++)
		json_object_set_new(cov, run->cover[i].what,
				    json_integer((json_int_t)run->cover[i].n));
	json_object_set_new(ans, "violations", vs);
	json_object_set_new(ans, "violations-total",
			    json_integer((json_int_t)run->nr_violations));
	json_object_set_new(ans, "checked", cov);
	json_object_set_new(ans, "quiet", json_boolean(out->quiet));
	json_object_set_new(ans, "quiet-tries", json_integer(out->tries));
	json_object_set_new(ans, "parked-ns",
			    json_integer((json_int_t)out->parked_ns));
	if (!out->quiet)
		json_object_set_new(ans, "not-quiet", json_string(out->busy));
	if (out->incomplete)
		json_object_set_new(ans, "incomplete", json_string(out->why));
	return ans;
}

json_t *cmd_check(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	json_t *ms = json_object_get(args, "budget-ms");
	uint64_t budget = config.budget_ns;
	struct check_run *run;
	struct check_outcome out;
	struct errbuf e;
	json_t *ans;

	if (!ctx->vm) {
		qmp_errorf(err, "GenericError", "no guest to check");
		return NULL;
	}
	if (ms) {
		if (json_integer_value(ms) < 1 || json_integer_value(ms) > 10000) {
			qmp_errorf(err, "GenericError",
				   "Parameter 'budget-ms' expects an integer in 1..10000");
			return NULL;
		}
		budget = (uint64_t)json_integer_value(ms) * 1000000ULL;
	}
	run = malloc(sizeof(*run));
	if (!run) {
		qmp_errorf(err, "GenericError", "check: out of memory");
		return NULL;
	}
	if (check_once(ctx->vm, budget, run, &out, &e)) {
		free(run);
		qmp_errorf(err, "GenericError", "%s", e.msg);
		return NULL;
	}
	ans = outcome_json(run, &out);
	free(run);
	return ans;
}

/* ---- vmm --check-every MS --------------------------------------------------- */

static struct {
	pthread_t thread;
	bool running, stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vm *vm;
	unsigned int every_ms;
	unsigned long checks, complete, not_quiet, violations;
	unsigned int nr_samples;
	uint64_t samples[CHECK_SAMPLES];	/* parked ns of complete checks */
	uint64_t worst_ns;
} periodic = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
};

static bool periodic_wait(void)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += periodic.every_ms / 1000;
	ts.tv_nsec += (long)(periodic.every_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&periodic.lock);
	while (!periodic.stopping &&
	       pthread_cond_timedwait(&periodic.cond, &periodic.lock, &ts) !=
	       ETIMEDOUT)
		;
	stop = periodic.stopping;
	pthread_mutex_unlock(&periodic.lock);
	return !stop;
}

static bool guest_stopped(struct vm *vm)
{
	bool stopped;

	pthread_mutex_lock(&vm->lock);
	stopped = vm->stopped;
	pthread_mutex_unlock(&vm->lock);
	return stopped;
}

static void periodic_note(const struct check_run *run,
			  const struct check_outcome *out)
{
	pthread_mutex_lock(&periodic.lock);
	periodic.checks++;
	periodic.violations += run->nr_violations;
	if (!out->quiet)
		periodic.not_quiet++;
	if (out->quiet && !out->incomplete) {
		periodic.complete++;
		if (periodic.nr_samples < CHECK_SAMPLES)
			periodic.samples[periodic.nr_samples++] = out->parked_ns;
		if (out->parked_ns > periodic.worst_ns)
			periodic.worst_ns = out->parked_ns;
	}
	pthread_mutex_unlock(&periodic.lock);
	if (out->quiet && out->incomplete)
		console_err("vmm: check: incomplete: %s\n", out->why);
}

static void *periodic_thread(void *arg)
{
	struct vm *vm = arg;
	struct check_run *run = malloc(sizeof(*run));
	struct check_outcome out;
	struct errbuf e;

	if (!run) {
		console_err("vmm: check: out of memory; no periodic checks\n");
		return NULL;
	}
	while (periodic_wait() && !vm_ended(vm)) {
		/* a stopped guest (--check-stop) is the user's to look at */
		if (guest_stopped(vm))
			continue;
		if (check_once(vm, config.budget_ns, run, &out, &e)) {
			console_err("vmm: check: %s; no periodic checks\n", e.msg);
			break;
		}
		periodic_note(run, &out);
	}
	free(run);
	return NULL;
}

int check_periodic_start(struct vm *vm, unsigned int every_ms,
			 struct errbuf *e)
{
	int ret;

	periodic.vm = vm;
	periodic.every_ms = every_ms;
	ret = pthread_create(&periodic.thread, NULL, periodic_thread, vm);
	if (ret)
		return errf(e, "vmm: cannot start the check thread: %s",
			    strerror(ret));
	periodic.running = true;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void check_periodic_stop(void)
{
	uint64_t median = 0;

	if (!periodic.running)
		return;
	pthread_mutex_lock(&periodic.lock);
	periodic.stopping = true;
	pthread_cond_broadcast(&periodic.cond);
	pthread_mutex_unlock(&periodic.lock);
	pthread_join(periodic.thread, NULL);
	periodic.running = false;
	if (periodic.nr_samples) {
		qsort(periodic.samples, periodic.nr_samples,
		      sizeof(periodic.samples[0]), cmp_u64);
		median = periodic.samples[periodic.nr_samples / 2];
	}
	console_err("vmm: check: %lu checks (%lu complete, %lu found no quiet point), %lu violations, parked median %" PRIu64 " us, worst %" PRIu64 " us\n",
		    periodic.checks, periodic.complete, periodic.not_quiet,
		    periodic.violations, median / 1000,
		    periodic.worst_ns / 1000);
}
