/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU variables, the Linux x86-64 way. DEFINE_PER_CPU puts the master
 * copy in the "percpu_data" section; setup_per_cpu_areas() makes the first
 * per-CPU chunk (mm/percpu.c): one unit per CPU, pcpu_unit_size apart, each
 * starting with a copy of the section, and __per_cpu_offset[cpu] is the
 * distance from the master to that CPU's copy. In the guest that distance is
 * the CPU's %gs base, so this_cpu_inc(var) is one `addl $1, %gs:var(%rip)`
 * (arch/x86_64/include/asm/percpu.h); the hosted build keeps it in a
 * thread-local word (a host thread is a CPU there).
 *
 * alloc_percpu() hands out more per-CPU space from chunks laid out the same
 * way, so per_cpu_ptr(), this_cpu_ptr() and the this_cpu_* operations work
 * on dynamic per-CPU pointers as on &var of a static one.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <memvisor/bootparams.h>

#define NR_CPUS MV_MAX_CPUS

/*
 * Per-CPU data area: the fields the fast paths reach through %gs. The
 * offsets are ABI for the arch's single-instruction accessors
 * (arch/x86_64/include/asm/pda.h). In the guest each CPU's PDA is its copy
 * of the per-CPU variable pcpu_pda (Linux's pcpu_hot); cpu_pda(cpu) finds it.
 */
struct task_struct;
struct cpu_pda {
	unsigned long percpu_offset;	/* +0: this CPU's __per_cpu_offset */
	int cpu;			/* +8 */
	int preempt_count;		/* +12 */
	struct task_struct *current;	/* +16 */
	struct cpu_pda *self;		/* +24 */
	int need_resched;		/* +32: set by the tick or a wake-up */
	int irqs_off;			/* +36: hosted build's virtual IF */
	unsigned long irq_count;	/* +40: interrupts taken */
	void *arch;			/* +48: arch-private (TSS, run queue, ...) */
} ____cacheline_aligned;

/* Sets a PDA's task (a function: <linux/sched.h> makes `current` a macro). */
static inline void pda_set_current(struct cpu_pda *pda, struct task_struct *p)
{
	pda->current = p;
}

#define PER_CPU_SECTION "percpu_data"

/* Marks a per-CPU pointer (sparse's __percpu; documentation here). */
#define __percpu

#define DEFINE_PER_CPU(type, name) \
	__section(PER_CPU_SECTION) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) \
	extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	__section(PER_CPU_SECTION) __typeof__(type) name ____cacheline_aligned
#define DECLARE_PER_CPU_ALIGNED(type, name) \
	extern __typeof__(type) name ____cacheline_aligned

/*
 * One image, no modules: nothing to export to. The macros check that the
 * name is a variable, and leave a record of what was exported in the image
 * ("percpu_exports": a name and its master address, GPL or not) for tools.
 */
struct percpu_export {
	const char *name;
	const void *addr;
	bool gpl;
};
#define __EXPORT_PER_CPU(var, is_gpl)					\
	static const struct percpu_export __pcpu_export_##var		\
	__used __section("percpu_exports") __aligned(8) =		\
		{ #var, &(var), is_gpl }
#define EXPORT_PER_CPU_SYMBOL(var)	__EXPORT_PER_CPU(var, false)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)	__EXPORT_PER_CPU(var, true)

extern char __start_percpu_data[], __stop_percpu_data[];
extern unsigned long __per_cpu_offset[NR_CPUS];

#define SHIFT_PERCPU_PTR(ptr, off) \
	((__typeof__(ptr))((unsigned long)(ptr) + (off)))

#include <asm/pda.h>

#define per_cpu_offset(cpu)	(__per_cpu_offset[(cpu)])
#define per_cpu_ptr(ptr, cpu)	SHIFT_PERCPU_PTR(ptr, per_cpu_offset(cpu))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define raw_cpu_ptr(ptr)	SHIFT_PERCPU_PTR(ptr, arch_this_cpu_offset())
#define this_cpu_ptr(ptr)	raw_cpu_ptr(ptr)

#include <linux/preempt.h>
/* this_cpu_*, __this_cpu_*, raw_cpu_*: one instruction each in the guest. */
#include <asm/percpu.h>

/* The caller has preemption (or interrupts) off: the same operations. */
#define __this_cpu_read(pcp)		raw_cpu_read(pcp)
#define __this_cpu_write(pcp, val)	raw_cpu_write(pcp, val)
#define __this_cpu_add(pcp, val)	raw_cpu_add(pcp, val)
#define __this_cpu_sub(pcp, val)	raw_cpu_sub(pcp, val)
#define __this_cpu_and(pcp, val)	raw_cpu_and(pcp, val)
#define __this_cpu_or(pcp, val)		raw_cpu_or(pcp, val)
#define __this_cpu_inc(pcp)		raw_cpu_inc(pcp)
#define __this_cpu_dec(pcp)		raw_cpu_dec(pcp)
#define __this_cpu_add_return(pcp, val)	raw_cpu_add_return(pcp, val)
#define __this_cpu_inc_return(pcp)	raw_cpu_inc_return(pcp)
#define __this_cpu_dec_return(pcp)	raw_cpu_dec_return(pcp)
#define __this_cpu_cmpxchg(pcp, o, n)	raw_cpu_cmpxchg(pcp, o, n)
#define __this_cpu_xchg(pcp, n)		raw_cpu_xchg(pcp, n)

/* get_cpu_var: an lvalue for this CPU's copy, with preemption disabled. */
#define get_cpu_var(var)	(*({ preempt_disable(); this_cpu_ptr(&(var)); }))
#define put_cpu_var(var)	do { (void)&(var); preempt_enable(); } while (0)
#define get_cpu_ptr(ptr)	({ preempt_disable(); this_cpu_ptr(ptr); })
#define put_cpu_ptr(ptr)	do { (void)(ptr); preempt_enable(); } while (0)

/* Makes the first chunk, a copy of percpu_data per CPU; once at boot. */
int setup_per_cpu_areas(unsigned int nr_cpus);
/* Points this CPU at its unit (its %gs base): the boot CPU and every AP. */
void percpu_init_cpu(unsigned int cpu);

/* ---- dynamic per-CPU memory (mm/percpu.c) ------------------------------ */

#define PCPU_MIN_ALLOC_SIZE	4	/* the allocation map's granule */
#define PCPU_UNIT_SIZE		(32UL << 10)	/* each CPU's share of a chunk */
#define PCPU_MIN_UNIT_SIZE	PCPU_UNIT_SIZE

/*
 * Zeroed per-CPU memory: one copy of size bytes for every possible CPU, at
 * the same offset in each CPU's unit. NULL when size is 0, larger than a
 * unit's free room, or align is not a power of two up to PAGE_SIZE.
 */
void __percpu *__alloc_percpu(size_t size, size_t align);
void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp);
void free_percpu(void __percpu *ptr);

#define alloc_percpu_gfp(type, gfp) \
	((__typeof__(type) __percpu *)__alloc_percpu_gfp(sizeof(type), \
						__alignof__(type), gfp))
#define alloc_percpu(type) \
	((__typeof__(type) __percpu *)__alloc_percpu(sizeof(type), \
						     __alignof__(type)))

/* This CPU's __per_cpu_offset, in its own unit (Linux's this_cpu_off). */
DECLARE_PER_CPU(unsigned long, this_cpu_off);

/* True if addr lies in some CPU's unit of some chunk (static or dynamic). */
bool is_kernel_percpu_address(unsigned long addr);

/*
 * Called by setup_per_cpu_areas() with nr_units units of unit_size bytes
 * at base, each already holding a copy of the static section: makes them the
 * first chunk, sets __per_cpu_offset[] and publishes the chunk list.
 */
void pcpu_setup_first_chunk(void *base, size_t unit_size,
			    unsigned int nr_units, size_t static_size);

struct mv_percpu_info;
/* The allocator's state as the VMM reads it (mminfo.h), NULL until set up. */
const struct mv_percpu_info *percpu_info(void);

#endif
