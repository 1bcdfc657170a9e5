/* SPDX-License-Identifier: MIT */
/*
 * Reading the guest's memory manager from the VMM, without the guest's help.
 *
 * An inspection starts from the descriptor the guest published (HC_MMINFO,
 * include/memvisor/mminfo.h): it is copied out of guest memory, and the copy
 * is checked (magic, version, every layout table: sizes bounded, every field
 * inside its struct) before anything it says is used. Every guest-virtual
 * pointer is then translated by the VMM's own page walk from the kernel's
 * page-table root (kernel_pgd_gpa) and read through gmem's checked
 * accessors. Lists are walked with a step limit and Brent's cycle check, and
 * every read counts against a budget, so a corrupted or hostile guest gives
 * an answer with its "inconsistencies" named, never a crash or a hang.
 * Pure: no KVM, no threads (unit-tested over a hosted guest allocator).
 */
#ifndef VMM_CONTROL_INSPECT_H
#define VMM_CONTROL_INSPECT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <memvisor/mminfo.h>

#include "err.h"
#include "gmem.h"

struct memmap;

#define INSP_MAX_PROBLEMS	64	/* inconsistencies reported per answer */
#define INSP_READ_BUDGET	(64UL << 20)	/* bytes read per inspection */
#define INSP_MAX_STRUCT		(1U << 20)	/* a struct the descriptor sizes */

struct insp {
	const struct gmem *gm;
	uint64_t cr3;
	struct mv_mminfo mi;		/* the checked copy */
	json_t *problems;		/* array of strings */
	unsigned long nr_problems;	/* including those not kept */
	uint64_t budget;		/* bytes left to read */
	char err[160];			/* why the last read failed */
};

/*
 * Copies the descriptor at @mminfo_gpa and checks it; 0, or -1 with the
 * reason in @e (then the inspection can go no further).
 */
int insp_open(struct insp *in, const struct gmem *gm, uint64_t mminfo_gpa,
	      struct errbuf *e);
/* Starts an inspection without a descriptor (e820 only). */
void insp_init(struct insp *in, const struct gmem *gm);
/* Gives the problems array (a new reference) and forgets it. */
json_t *insp_take_problems(struct insp *in);
void insp_close(struct insp *in);

/* The descriptor's checks, on a copy (also used by hcreq_mminfo). */
int mminfo_check(const struct mv_mminfo *mi, struct errbuf *e);

/* Records an inconsistency (at most INSP_MAX_PROBLEMS are kept). */
void insp_problem(struct insp *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Reads [va, va+len) of the kernel's address space, a page walk per page.
 * 0, or -1 with the reason in in->err (not mapped, not RAM, over budget).
 */
int insp_read(struct insp *in, uint64_t va, void *dst, size_t len);
/*
 * A C string of at most @max - 1 (and INSP_STR_MAX - 1) bytes; always
 * terminated, always valid UTF-8: bytes that are not are shown as \xHH
 * (guest_str.h) and named as an inconsistency. The string stays.
 */
#define INSP_STR_MAX	256
int insp_read_str(struct insp *in, uint64_t va, char *dst, size_t max);

/* The value of @f in @buf (a copy of the struct), 1, 2, 4 or 8 bytes. */
uint64_t insp_field(const void *buf, struct mv_field f);

/* The 8 or 4 bytes at @off of @buf (a copy of a struct, @off checked). */
static inline uint64_t insp_u64(const void *buf, uint32_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)buf + off, sizeof(v));
	return v;
}

static inline uint32_t insp_u32(const void *buf, uint32_t off)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)buf + off, sizeof(v));
	return v;
}

/*
 * A bounded walk of a struct list_head list from its head at @head_va:
 * @fn sees each node's address (not the head's) and returns false to stop.
 * Stops after @limit nodes (truncated), at a node it cannot read (broken),
 * or at a cycle that does not pass through the head (Brent: found within
 * twice the cycle's reach): -1 then, with why. A prev link that is not the
 * node before is noted (bad_prev) and the walk goes on.
 */
struct insp_walk {
	unsigned long nodes;
	bool truncated, cycle, broken, bad_prev;
	char why[256];			/* what ended it, if not the head */
	char prev_why[256];		/* the first bad prev link */
};

typedef bool (*insp_node_fn)(struct insp *in, uint64_t node_va, void *opaque);

int insp_list_walk(struct insp *in, uint64_t head_va, unsigned long limit,
		   insp_node_fn fn, void *opaque, struct insp_walk *w);

/* The readers behind the commands: each returns the command's answer. */
json_t *inspect_zones(const struct gmem *gm, uint64_t mminfo_gpa);
json_t *inspect_memblock(const struct gmem *gm, uint64_t mminfo_gpa);
/* @ram_bytes: the RAM the VMM gave the guest ("actual"). */
json_t *inspect_memstats(const struct gmem *gm, uint64_t mminfo_gpa,
			 uint64_t ram_bytes);
/* virsh dommemstat's name of libvirt's tag @tag, or NULL. */
const char *memstat_tag_name(unsigned int tag);
/* The VMM's own e820 map, and the copy in the boot params checked against it. */
json_t *inspect_e820(const struct gmem *gm, const struct memmap *mm);

#endif
