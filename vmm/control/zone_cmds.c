// SPDX-License-Identifier: MIT
/*
 * The allocator-state commands: query-e820, query-zones, query-memblock,
 * query-memstats and query-dirty. Each but query-dirty parks every vCPU
 * (vm_pause), reads guest memory itself (zone_read.c, through inspect.h's
 * checked reads) and lets the vCPUs go (vm_resume), so it sees one state of
 * the allocator.
 *
 * query-dirty counts the pages KVM saw written in each zone's memslots since
 * the previous query: dirty logging is switched on by the first query (it
 * makes every first write to a page after a fetch exit to KVM, a cost the
 * guest pays only once someone asks), with manual re-protection
 * (KVM_CLEAR_DIRTY_LOG) where KVM has it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "inspect.h"
#include "inspect_query.h"
#include "zone_cmds.h"
#include "memmap.h"
#include "vm.h"

static json_t *read_e820(const struct insp_query *q, void *opaque,
			 struct qmp_error *err)
{
	return inspect_e820(q->gm, q->vm->mm);
}

static json_t *read_zones(const struct insp_query *q, void *opaque,
			  struct qmp_error *err)
{
	struct insp_bounds b = { .deadline_ns = q->deadline_ns };

	return inspect_zones(q->gm, q->boot_cr3, q->lay, &b);
}

static json_t *read_memblock(const struct insp_query *q, void *opaque,
			     struct qmp_error *err)
{
	struct insp_bounds b = { .deadline_ns = q->deadline_ns };

	return inspect_memblock(q->gm, q->boot_cr3, q->lay, &b);
}

static json_t *read_memstats(const struct insp_query *q, void *opaque,
			     struct qmp_error *err)
{
	struct insp_bounds b = { .deadline_ns = q->deadline_ns };

	return inspect_memstats(q->gm, q->boot_cr3, q->lay, q->vm->mm->mem_size,
				&b);
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
	return insp_query(ctx, name, attempts, reader, NULL, err);	\
}

ZONE_CMD(cmd_query_e820, read_e820, "query-e820", INSP_QUERY_ATTEMPTS)
ZONE_CMD(cmd_query_zones, read_zones, "query-zones", INSP_QUERY_ATTEMPTS)
ZONE_CMD(cmd_query_memblock, read_memblock, "query-memblock", INSP_QUERY_ATTEMPTS)
ZONE_CMD(cmd_query_memstats, read_memstats, "query-memstats", INSP_QUERY_ATTEMPTS)
/*
 * Without parking: KVM fetches and re-arms the dirty log of a running VM
 * (as QEMU's live migration does), and its cost grows with the RAM, not
 * with anything the guest holds, so it has no place in the 20 ms a query
 * may keep the guest still (nested, it took 24 ms for 256 MiB). Once:
 * each fetch also resets the log. The server's one thread serializes it.
 */
json_t *cmd_query_dirty(struct qmp_ctx *ctx, json_t *args,
			struct qmp_error *err)
{
	json_t *ret;

	(void)args;
	if (!ctx->vm) {
		qmp_errorf(err, "GenericError", "no guest to inspect");
		return NULL;
	}
	ret = read_dirty(ctx->vm);
	if (!ret)
		qmp_errorf(err, "GenericError", "query-dirty: out of memory");
	return ret;
}
