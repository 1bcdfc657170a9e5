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
 * guest pays only once someone asks). The log has one owner, core/dirty.c:
 * query-dirty is one of its clients, so the checker's and the DMA device's
 * takes do not steal its bits.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirty.h"
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

/* query-dirty's client of the VM's dirty log (core/dirty.h); -1: not yet. */
static int dirty_client = -1;
static struct errbuf dirty_err;

static json_t *dirty_failed(void)
{
	return json_pack("{s:[],s:[s]}", "zones", "inconsistencies",
			 dirty_err.msg);
}

static json_t *read_dirty(struct vm *vm)
{
	uint64_t count[MM_NR_ZONES] = { 0 };
	uint64_t *bits = calloc(dirty_words(vm) + 1, sizeof(uint64_t));
	json_t *zones;

	if (!bits)
		return NULL;
	dirty_err.msg[0] = '\0';
	/* The first query starts the log: nothing is counted before it. */
	if (dirty_client < 0)
		dirty_client = dirty_open(vm, &dirty_err);
	if (dirty_client < 0 || dirty_take(vm, dirty_client, bits, &dirty_err)) {
		free(bits);
		return dirty_failed();
	}
	for (unsigned int i = 0; i < vm->mm->nr_slots; i++) {
		const struct mm_slot *s = &vm->mm->slot[i];

		if (s->zone < MM_NR_ZONES)
			count[s->zone] += dirty_count(bits, s->gpa >> 12,
						      s->size >> 12);
	}
	free(bits);
	zones = json_array();
	for (unsigned int z = 0; z < MM_NR_ZONES; z++) {
		if (vm->mm->zone[z].start == vm->mm->zone[z].end)
			continue;
		json_array_append_new(zones, json_pack("{s:s,s:I}", "name",
			memmap_zone_name(z), "dirty_pages", (json_int_t)count[z]));
	}
	return json_pack("{s:o}", "zones", zones);
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
