/* SPDX-License-Identifier: MIT */
/*
 * Workloads: named, parameterised sets of kernel threads that drive the
 * allocators until stopped (vmm --workload NAME[:k=v,...], which becomes
 * the guest's workload= option). Each keeps its counters in its slot of
 * workloads[], which the VMM reads from outside by the image's DWARF
 * (query-workloads): no request is needed to watch one.
 *
 * A type (one file each under mm/workloads/) gives its parameters and
 * three steps: setup (what the threads share), step (one operation of one
 * thread; it may sleep) and, for every thread, release (free all that
 * thread holds), then teardown. Stopping frees everything: held_bytes,
 * which the type keeps with workload_hold()/workload_unhold(), is 0 after
 * a stop, or the stop says how much leaked.
 */
#ifndef _LINUX_WORKLOAD_H
#define _LINUX_WORKLOAD_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <memvisor/workload.h>

#define WORKLOAD_MAX		MV_WORKLOAD_MAX		/* slots in workloads[] */
#define WORKLOAD_NAME_LEN	MV_WORKLOAD_NAME_MAX
#define WORKLOAD_PARAMS_LEN	MV_WORKLOAD_PARAMS_MAX	/* the k=v,... text as given */
#define WORKLOAD_THREADS_MAX	MV_WORKLOAD_THREADS_MAX
#define WORKLOAD_NR_PARAMS	6	/* a type's own keys, at most */

enum workload_state {
	WORKLOAD_FREE,		/* slot unused */
	WORKLOAD_STARTING,
	WORKLOAD_RUNNING,
	WORKLOAD_STOPPING,	/* threads releasing what they hold */
	WORKLOAD_STOPPED,	/* stopped; counters kept until the slot is reused */
	WORKLOAD_FAILED,	/* could not start */
};

struct task_struct;
struct workload;

struct workload_thread {
	struct workload *wl;
	struct task_struct *task;
	unsigned int id;
	u64 rand;		/* xorshift state */
	void *priv;		/* the type's per-thread state */
};

struct workload_param_def {
	const char *key;
	unsigned long def, min, max;
};

struct workload_type {
	const char *name;
	const struct workload_param_def *params;	/* ends with key NULL */
	int (*setup)(struct workload *wl);		/* optional */
	int (*thread_init)(struct workload_thread *t);
	/* one operation; 0, or -ENOMEM & co. (counted as a failure) */
	int (*step)(struct workload_thread *t);
	void (*release)(struct workload_thread *t);	/* free all it holds */
	void (*teardown)(struct workload *wl);		/* optional */
};

struct workload {
	char name[WORKLOAD_NAME_LEN];
	char params[WORKLOAD_PARAMS_LEN];
	enum workload_state state;
	unsigned int nr_threads;
	unsigned int hz;		/* the unit of the jiffies below */
	unsigned long start_jiffies;
	unsigned long stop_jiffies;	/* 0 while running */
	unsigned long seconds;		/* seconds=N: stops itself; 0: never */
	atomic_long_t ops;		/* operations done */
	atomic_long_t bytes;		/* bytes allocated, in total */
	atomic_long_t failures;		/* operations that failed */
	atomic_long_t held_bytes;	/* what it holds now */
	atomic_long_t leaked_bytes;	/* held_bytes left at the last stop */
	int error;			/* FAILED: why (-errno) */
	/* private to the guest */
	const struct workload_type *type;
	unsigned long param[WORKLOAD_NR_PARAMS];	/* the type's keys, in order */
	void *priv;			/* the type's shared state */
	struct workload_thread threads[WORKLOAD_THREADS_MAX];
};

extern struct workload workloads[WORKLOAD_MAX];

/*
 * Starts the workload @name with @params ("k=v,..." or ""): 0, -EINVAL
 * (unknown name or parameter, a value out of range: said on the console),
 * -EBUSY (already running), -ENOSPC (no free slot), -ENOMEM, -ENODEV.
 */
int workload_start(const char *name, const char *params);
/* Stops it and frees all it holds: 0, or -ENOENT (not running). */
int workload_stop(const char *name);
/* The running one named @name, or NULL. */
struct workload *workload_find(const char *name);
/* Starts the ones the command line asked for (workload=), after boot. */
void workload_boot_start(void);

/* For the types. */
u32 workload_rand(struct workload_thread *t);
/* A random value in [lo, hi]. */
unsigned long workload_rand_range(struct workload_thread *t, unsigned long lo,
				  unsigned long hi);
static inline void workload_hold(struct workload *wl, long bytes)
{
	atomic_long_add(bytes, &wl->held_bytes);
	atomic_long_add(bytes, &wl->bytes);
}
static inline void workload_unhold(struct workload *wl, long bytes)
{
	atomic_long_sub(bytes, &wl->held_bytes);
}

extern const struct workload_type workload_slab_churn, workload_fragment,
	workload_kmap_pressure, workload_dma_buffers, workload_vmalloc_churn;

#endif
