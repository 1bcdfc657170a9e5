// SPDX-License-Identifier: MIT
/*
 * The allocator-state commands: query-e820, query-zones, query-memblock,
 * query-memstats and query-dirty. Each parks every vCPU (vm_pause), reads
 * guest memory itself (zone_read.c, through inspect.h's checked reads) and
 * lets the vCPUs go (vm_resume), so it sees one state of the allocator.
 *
 * query-dirty counts the pages KVM saw written in each zone's memslots since
 * the previous query: dirty logging is switched on by the first query (it
 * makes every first write to a page after a fetch exit to KVM, a cost the
 * guest pays only once someone asks), with manual re-protection
 * (KVM_CLEAR_DIRTY_LOG) where KVM has it.
 *
 * With MEMVISOR_INSPECT_TIMING set in its environment, vmm prints each
 * query's pause latency and time on stderr (bench/inspect-bench.sh reads it).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/kvm.h>

#include "inspect.h"
#include "zone_cmds.h"
#include "memmap.h"
#include "vm.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t mminfo_gpa(struct vm *vm)
{
	uint64_t gpa;

	pthread_mutex_lock(&vm->lock);
	gpa = vm->mminfo_gpa;
	pthread_mutex_unlock(&vm->lock);
	return gpa;
}

typedef json_t *(*reader_fn)(struct vm *vm);

static size_t nr_problems(json_t *ans)
{
	return json_array_size(json_object_get(ans, "inconsistencies"));
}

/*
 * Parks the vCPUs around @read. A vCPU may have been parked in the middle
 * of an update (holding zone->lock, or in an interrupts-off section that
 * moves pages to or from its per-CPU lists): an answer with inconsistencies
 * is read again, after the guest ran for READ_RETRY_US, up to READ_ATTEMPTS
 * times, and the answer with the fewest is kept. Real damage persists
 * through every attempt; a half-done update does not.
 */
#define READ_ATTEMPTS	3
#define READ_RETRY_US	1000

static json_t *read_paused(struct qmp_ctx *ctx, const char *name,
			   reader_fn read, unsigned int attempts,
			   struct qmp_error *err)
{
	struct vm *vm = ctx->vm;
	uint64_t pause_ns = 0, read_ns = 0, stopped_ns = 0;
	json_t *best = NULL;
	unsigned int attempt;
	struct errbuf e;

	if (!vm) {
		qmp_errorf(err, "GenericError", "no VM to inspect");
		return NULL;
	}
	for (attempt = 1; attempt <= attempts; attempt++) {
		uint64_t t0 = now_ns(), t1, t2;
		json_t *ans;

		if (attempt > 1) {
			struct timespec ts = { 0, READ_RETRY_US * 1000L };

			nanosleep(&ts, NULL);
			t0 = now_ns();
		}
		if (vm_pause(vm, &e)) {
			vm_resume(vm);
			json_decref(best);
			qmp_errorf(err, "GenericError",
				   "cannot park the vCPUs: %s", e.msg);
			return NULL;
		}
		t1 = now_ns();
		ans = read(vm);
		t2 = now_ns();
		vm_resume(vm);
		pause_ns += t1 - t0;
		read_ns += t2 - t1;
		stopped_ns += now_ns() - t0;
		if (!ans)
			break;
		if (!best || nr_problems(ans) < nr_problems(best)) {
			json_decref(best);
			best = ans;
		} else {
			json_decref(ans);
		}
		if (!nr_problems(best))
			break;
	}
	if (getenv("MEMVISOR_INSPECT_TIMING"))
		fprintf(stderr, "vmm: inspect %s: pause %" PRIu64 " us, read %" PRIu64 " us, guest stopped %" PRIu64 " us, attempts %u\n",
			name, pause_ns / 1000, read_ns / 1000, stopped_ns / 1000,
			attempt > attempts ? attempts : attempt);
	if (!best)
		qmp_errorf(err, "GenericError", "%s: out of memory", name);
	return best;
}

static json_t *read_e820(struct vm *vm)
{
	return inspect_e820(&vm->gmem, vm->mm);
}

static json_t *read_zones(struct vm *vm)
{
	return inspect_zones(&vm->gmem, mminfo_gpa(vm));
}

static json_t *read_memblock(struct vm *vm)
{
	return inspect_memblock(&vm->gmem, mminfo_gpa(vm));
}

static json_t *read_memstats(struct vm *vm)
{
	return inspect_memstats(&vm->gmem, mminfo_gpa(vm), vm->mm->mem_size);
}

/* ---- Dirty logging --------------------------------------------------------- */

static struct {
	bool on;		/* KVM_MEM_LOG_DIRTY_PAGES on every slot */
	bool manual;		/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 enabled */
} dirty;

static int slot_flags(struct vm *vm, unsigned int i, uint32_t flags,
		      struct errbuf *e)
{
	const struct mm_slot *s = &vm->mm->slot[i];
	struct kvm_userspace_memory_region r = {
		.slot = i,
		.flags = flags,
		.guest_phys_addr = s->gpa,
		.memory_size = s->size,
		.userspace_addr = (uintptr_t)gmem_ptr(&vm->gmem, s->gpa, s->size),
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return errf(e, "KVM_SET_USER_MEMORY_REGION slot %u with dirty logging: %s",
			    i, strerror(errno));
	return 0;
}

static int dirty_enable(struct vm *vm, struct errbuf *e)
{
#ifdef KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
	};

	/* Before any slot logs; without it GET_DIRTY_LOG clears as it reads. */
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
		  KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) > 0 &&
	    !ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		dirty.manual = true;
#endif
	for (unsigned int i = 0; i < vm->mm->nr_slots; i++)
		if (slot_flags(vm, i, KVM_MEM_LOG_DIRTY_PAGES, e)) {
			while (i--)
				slot_flags(vm, i, 0, e);
			return -1;
		}
	dirty.on = true;
	return 0;
}

/* Pages of slot @i written since the last fetch; -1 on failure. */
static int64_t slot_dirty(struct vm *vm, unsigned int i, struct errbuf *e)
{
	const struct mm_slot *s = &vm->mm->slot[i];
	uint64_t pages = s->size >> 12, words = (pages + 63) / 64, n = 0;
	uint64_t *bitmap = calloc(words ? words : 1, sizeof(uint64_t));
	struct kvm_dirty_log log = { .slot = i, .dirty_bitmap = bitmap };

	if (!bitmap)
		return errf(e, "out of memory");
	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log)) {
		free(bitmap);
		return errf(e, "KVM_GET_DIRTY_LOG slot %u: %s", i,
			    strerror(errno));
	}
	for (uint64_t w = 0; w < words; w++)
		n += (uint64_t)__builtin_popcountll(bitmap[w]);
#ifdef KVM_CLEAR_DIRTY_LOG
	if (dirty.manual && n) {
		/* The whole slot: a num_pages that ends it may be any count. */
		struct kvm_clear_dirty_log clr = {
			.slot = i, .num_pages = (uint32_t)pages,
			.first_page = 0, .dirty_bitmap = bitmap,
		};

		if (ioctl(vm->vm_fd, KVM_CLEAR_DIRTY_LOG, &clr)) {
			free(bitmap);
			return errf(e, "KVM_CLEAR_DIRTY_LOG slot %u: %s", i,
				    strerror(errno));
		}
	}
#endif
	free(bitmap);
	return (int64_t)n;
}

static struct errbuf dirty_err;

static json_t *read_dirty(struct vm *vm)
{
	uint64_t count[MM_NR_ZONES] = { 0 };
	json_t *zones = json_array(), *ans;
	bool first = !dirty.on;

	dirty_err.msg[0] = '\0';
	if (first && dirty_enable(vm, &dirty_err)) {
		json_decref(zones);
		return json_pack("{s:[],s:[s]}", "zones", "inconsistencies",
				 dirty_err.msg);
	}
	for (unsigned int i = 0; i < vm->mm->nr_slots; i++) {
		int64_t n = slot_dirty(vm, i, &dirty_err);

		if (n < 0) {
			json_decref(zones);
			return json_pack("{s:[],s:[s]}", "zones",
					 "inconsistencies", dirty_err.msg);
		}
		if (vm->mm->slot[i].zone < MM_NR_ZONES)
			count[vm->mm->slot[i].zone] += (uint64_t)n;
	}
	for (unsigned int z = 0; z < MM_NR_ZONES; z++) {
		if (vm->mm->zone[z].start == vm->mm->zone[z].end)
			continue;
		/* The first query starts the log: nothing is counted before it. */
		json_array_append_new(zones, json_pack("{s:s,s:I}", "name",
			memmap_zone_name(z), "dirty_pages",
			(json_int_t)(first ? 0 : count[z])));
	}
	ans = json_pack("{s:o}", "zones", zones);
	return ans;
}

/* ---- The commands ---------------------------------------------------------- */

#define ZONE_CMD(fn, reader, name, attempts)				\
json_t *fn(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)	\
{									\
	return read_paused(ctx, name, reader, attempts, err);		\
}

ZONE_CMD(cmd_query_e820, read_e820, "query-e820", READ_ATTEMPTS)
ZONE_CMD(cmd_query_zones, read_zones, "query-zones", READ_ATTEMPTS)
ZONE_CMD(cmd_query_memblock, read_memblock, "query-memblock", READ_ATTEMPTS)
ZONE_CMD(cmd_query_memstats, read_memstats, "query-memstats", READ_ATTEMPTS)
/* Once: each fetch of the dirty log also resets it. */
ZONE_CMD(cmd_query_dirty, read_dirty, "query-dirty", 1)
