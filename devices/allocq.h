/* SPDX-License-Identifier: MIT */
/*
 * The allocation ring, the VMM's side (include/memvisor/allocreq.h), a
 * paravirtual device: a ring in guest RAM, an MSI (wired by
 * vmm/core/devices.c) and a hypercall back. Which slots hold which
 * request, posting a request into guest memory, and reading an answer
 * back: copied, then checked field by field against the request and
 * against what its kind allows, before anything of it is reported.
 *
 * No KVM here: the MSI is the kick callback; guest memory is a gmem. Every
 * field of struct allocq is guarded by its lock.
 */
#ifndef VMM_IO_ALLOCQ_H
#define VMM_IO_ALLOCQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <memvisor/allocreq.h>

#include "err.h"
#include "gmem.h"

/* What the guest's answers are checked against: the VM's layout. */
struct allocq_limits {
	uint64_t ram_end;	/* highest RAM address + 1 */
	uint64_t lowmem;	/* end of the direct map (ZONE_HIGHMEM above) */
	unsigned int nr_cpus;
};

/* A request as a client asks it (control/ fills it). */
struct allocq_req {
	enum mv_alloc_kind kind;
	uint32_t cpu;
	uint32_t flags;		/* MV_ALLOC_F_* */
	uint32_t gfp;
	uint32_t handle;
	uint64_t size, align, arg;
	char name[MV_ALLOC_NAME_MAX];
	char params[MV_WORKLOAD_PARAMS_MAX];	/* WORKLOAD_START */
};

/* A checked answer. */
struct allocq_result {
	uint64_t id;
	enum mv_alloc_kind kind;
	uint32_t cpu;
	bool atomic;
	int status;		/* 0 or -errno (the guest's) */
	bool refused;		/* the answer broke the rules: msg says how */
	char msg[600];
	uint32_t handle;	/* MV_ALLOC_NO_HANDLE: none */
	uint32_t obj;		/* enum mv_alloc_obj */
	uint64_t addr, pfn, bytes;
	uint64_t slab;		/* a slab object's slab, or 0 */
	uint32_t zone, order, count;
	bool in_interrupt;
	char cache[MV_ALLOC_NAME_MAX];	/* NUL-terminated, not yet escaped */
	/* LIST: count checked entries (owned: free() it) */
	struct mv_alloc_entry *list;
};

struct allocq_slot {
	bool busy;
	uint64_t id;
	struct allocq_req req;
};

struct allocq {
	pthread_mutex_t lock;
	const struct gmem *gm;
	struct allocq_limits lim;
	bool have_ring;
	uint64_t ring_gpa;
	struct allocq_slot slot[MV_ALLOC_SLOTS];
	uint64_t next_id;	/* the last id given; ids start at 1 */
	/* the MSI to @cpu, called without the lock after a request is posted */
	void (*kick)(void *opaque, unsigned int cpu);
	void *opaque;
};

void allocq_init(struct allocq *q, const struct gmem *gm,
		 const struct allocq_limits *lim,
		 void (*kick)(void *opaque, unsigned int cpu), void *opaque);
void allocq_destroy(struct allocq *q);

/* HC_ALLOC_RING op RING: 0, or -errno for the guest and the reason in @e. */
int allocq_set_ring(struct allocq *q, uint64_t gpa, uint64_t size,
		    struct errbuf *e);

/*
 * Checks @r (kind, CPU, name), writes it into a free slot and kicks its
 * CPU. 0 with the request's number in *@id, or -1 with a one-line reason
 * (no ring yet, ring full, a bad argument).
 */
int allocq_post(struct allocq *q, const struct allocq_req *r, uint64_t *id,
		struct errbuf *e);

/*
 * HC_ALLOC_RING op DONE of slot @index: copies and checks its answer and
 * frees the slot. 0 with the outcome in @res (res->refused when the answer
 * broke the rules), or -errno for the guest (no such slot posted) and @e.
 */
int allocq_done(struct allocq *q, uint32_t index, struct allocq_result *res,
		struct errbuf *e);

/*
 * The checks of allocq_done, pure: @s, a copy of the slot answering @r,
 * and for LIST @list, a copy of the ring's list area (MV_ALLOC_HANDLES
 * entries). 0, or -1 with the first broken rule in @e.
 */
int allocq_check_answer(const struct allocq_limits *lim,
			const struct allocq_req *r,
			const struct mv_alloc_slot *s,
			const struct mv_alloc_entry *list, struct errbuf *e);

/* Linux's zone name of enum zone_type @zone ("DMA", "Normal", "HighMem"). */
const char *allocq_zone_name(uint32_t zone);
/* The object kind's name ("kmalloc", "kmem_cache", ...). */
const char *allocq_obj_name(uint32_t obj);
/* The request kind's name ("kmalloc", "kfree", ...), or NULL. */
const char *allocq_kind_name(uint32_t kind);

#endif
