/* SPDX-License-Identifier: MIT */
/*
 * The DMA engine's device model (register ABI: include/memvisor/dmadev.h).
 *
 * Registers are written by vCPU threads (dmadev_mmio, under dev->lock); the
 * transfers run on the device's own thread, concurrently with the vCPUs,
 * on a private copy of the command or of the descriptors. Every guest
 * address goes through gmem and the 24-bit mask before a byte moves; a
 * command that fails a check moves nothing. Work per command is bounded
 * (MV_DMADEV_MAX_LEN bytes, MV_DMADEV_RING_MAX chains of at most
 * MV_DMADEV_CHAIN_MAX descriptors, a latency of at most latency_limit µs),
 * so the thread always comes back to its loop and dmadev_stop() returns.
 *
 * The device knows nothing of KVM or QMP: it calls its ops for the
 * interrupt, for each fault, and to learn who owns guest pages (the
 * inspector's O(1) look, 64 pages at a time, vmm/io/page_state.h) and
 * which slab object a range lies in (NULL in unit tests: no checks). It
 * checks for a stop between looks and between descriptors, so
 * dmadev_stop() returns within one look (64 pages, or one object: at
 * most 10 ms) or one bounded copy.
 */
#ifndef DEVICES_DMADEV_H
#define DEVICES_DMADEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <memvisor/dmadev.h>

#include "gmem.h"
#include "iobus.h"
#include "page_state.h"

#define DMADEV_FAULT_LOG	16	/* the last faults, kept for queries */

struct dmadev_fault {
	uint64_t seq;			/* 1, 2, ... */
	uint64_t addr;
	uint64_t len;
	unsigned int reason;		/* MV_DMADEV_ERR_* */
	unsigned int op;		/* MV_DMADEV_OP_*, or 0 for the ring */
	/*
	 * FREED, UNALLOCATED, OBJECT, UNWRITTEN: who owned the page at addr
	 * at submit and at transfer (NONE: not looked at, or nobody could
	 * tell); OBJECT, UNWRITTEN, and FREED of a slab range: the object
	 * the range lies in, at submit and at transfer.
	 */
	struct page_state owner_then;
	struct page_state owner_now;
	struct object_state obj_then;
	struct object_state obj_now;
};

struct dmadev_ops {
	void (*irq)(void *opaque);
	void (*fault)(void *opaque, const struct dmadev_fault *f);
	/*
	 * Who owns @n (at most PAGE_STATES_MAX) guest frames from @pfn, O(1)
	 * each; -1 when nobody can tell. NULL: no owner checks.
	 */
	int (*owners)(void *opaque, uint64_t pfn, unsigned int n,
		      struct page_state *s);
	/*
	 * The slab object [@gpa, +@len) lies in (a range over slab pages);
	 * -1 when nobody can tell. NULL: no object checks.
	 */
	int (*object)(void *opaque, uint64_t gpa, uint64_t len,
		      struct object_state *o);
};

struct dmadev_stats {
	uint64_t completed, rejected, faults, bad_accesses, irqs;
	uint64_t bytes, chains, descriptors;
	uint64_t freed_checks;		/* commands and chains whose owners were compared */
	uint64_t owner_pages;		/* page looks, at submit and at transfer */
	uint64_t object_checks;		/* slab object looks */
	uint64_t owner_ns, object_ns;	/* the time they took */
};

/*
 * The owners of a command's or a chain's memory ranges, taken at submit
 * and compared just before the bytes move: every page of every range
 * (a COPY's two ranges of up to MV_DMADEV_MAX_LEN are the most pages),
 * and for a range over slab pages, its object.
 */
#define DMADEV_RANGES		(MV_DMADEV_CHAIN_MAX + 1)
#define DMADEV_OWNER_PAGES	(2 * (MV_DMADEV_MAX_LEN / 4096 + 1))

struct dmadev_range {
	uint64_t addr, len;
	bool reads;			/* the device reads it (memory to device) */
	unsigned int first, n;		/* its pages: who[first, first + n) */
	bool slab;			/* over slab pages: obj was looked at */
	struct object_state obj;
};

struct dmadev_owners {
	unsigned int nr, pages;
	struct dmadev_range r[DMADEV_RANGES];
	struct page_state who[DMADEV_OWNER_PAGES];	/* NONE: nobody could tell */
};

struct dmadev {
	const struct gmem *gm;
	const struct dmadev_ops *ops;
	void *opaque;
	unsigned int latency_limit;
	uint64_t mmio_base;		/* where dmadev_register put the window */	/* µs: MV_DMADEV_LATENCY_MAX by default */

	pthread_mutex_t lock;
	pthread_cond_t cond;		/* work, stop, and idle */
	pthread_t thread;
	bool has_thread;
	bool stop;

	/* registers, under lock */
	uint64_t src, dst, len, cmd, status, int_enable;
	uint64_t ring_base, ring_size, ring_head, ring_tail, latency;

	/* work handed to the thread, under lock */
	bool cmd_pending;		/* STATUS is BUSY until it is done */
	bool ring_busy;			/* the thread is on the ring */
	bool working;			/* the thread is running a job */

	struct dmadev_stats st;		/* under lock */
	struct dmadev_fault faults[DMADEV_FAULT_LOG];
	uint64_t nr_faults;		/* = st.faults: faults[(n - 1) % LOG] is the last */

	uint8_t buf[MV_DMADEV_BUF_SIZE];	/* the thread's alone */
	struct dmadev_owners own;		/* the thread's alone */
};

void dmadev_init(struct dmadev *dev, const struct gmem *gm,
		 const struct dmadev_ops *ops, void *opaque);
/* Starts the device's thread: 0 or an errno. */
int dmadev_start(struct dmadev *dev);
/*
 * Stops the thread and joins it: a chain under way is left between two
 * pages or descriptors (its slot keeps its status), a latency wait ends.
 */
void dmadev_stop(struct dmadev *dev);
void dmadev_destroy(struct dmadev *dev);

/*
 * A register access at @off in the window: @size 4 or 8 bytes, aligned;
 * anything else is ignored (reads 0) and counted.
 */
void dmadev_mmio(struct dmadev *dev, uint64_t off, uint8_t *data,
		 unsigned int size, bool write);
uint64_t dmadev_read(struct dmadev *dev, uint64_t off);
void dmadev_write(struct dmadev *dev, uint64_t off, uint64_t val);

/* Without a thread (fuzzing): runs what is pending, on the caller's thread. */
void dmadev_run_pending(struct dmadev *dev);

/* Waits until nothing is pending or running: 0, or -1 after @ms. */
int dmadev_wait_idle(struct dmadev *dev, unsigned int ms);

/* The device thread's CPU time in ns (0 without a thread). */
uint64_t dmadev_thread_cpu_ns(struct dmadev *dev);

/* A consistent copy of the state for queries (faults: the last ones). */
struct dmadev_snapshot {
	uint64_t regs[MV_DMADEV_NR_REGS];
	struct dmadev_stats st;
	unsigned int nr_faults;		/* in faults[], oldest first */
	struct dmadev_fault faults[DMADEV_FAULT_LOG];
	bool busy;
	uint64_t thread_cpu_ns;
};
void dmadev_snapshot(struct dmadev *dev, struct dmadev_snapshot *s);

const char *dmadev_err_name(unsigned int err);
const char *dmadev_op_name(unsigned int op);
const char *dmadev_reg_name(uint64_t off);

/* The window on @bus at @base: the io handler is dmadev_mmio. */
int dmadev_register(struct dmadev *dev, struct iobus *bus, uint64_t base,
		    uint64_t len);

#endif
