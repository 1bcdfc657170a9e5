/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU variables, the Linux way: DEFINE_PER_CPU puts the master copy in
 * the "percpu_data" section; setup_per_cpu_areas() makes one copy per CPU and
 * __per_cpu_offset[cpu] is the distance from the master to that copy. Each
 * CPU reaches its own through its PDA (the guest: %gs; the hosted build: a
 * thread-local pointer), so this_cpu_* needs no locked instruction.
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <memvisor/bootparams.h>

#define NR_CPUS MV_MAX_CPUS

/*
 * Per-CPU data area: what %gs points at in the guest. The offsets are ABI
 * for the arch's single-instruction accessors (arch/x86_64/include/asm/pda.h).
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

/* One PDA per CPU, for the life of the kernel (the guest's %gs points here). */
extern struct cpu_pda cpu_pdas[NR_CPUS];

/* Sets a PDA's task (a function: <linux/sched.h> makes `current` a macro). */
static inline void pda_set_current(struct cpu_pda *pda, struct task_struct *p)
{
	pda->current = p;
}

#define PER_CPU_SECTION "percpu_data"

#define DEFINE_PER_CPU(type, name) \
	__section(PER_CPU_SECTION) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) \
	extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	__section(PER_CPU_SECTION) __typeof__(type) name ____cacheline_aligned
/* One image, no modules: exporting is a no-op kept for the API. */
#define EXPORT_PER_CPU_SYMBOL(var)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)

extern char __start_percpu_data[], __stop_percpu_data[];
extern unsigned long __per_cpu_offset[NR_CPUS];

#define SHIFT_PERCPU_PTR(ptr, off) \
	((__typeof__(ptr))((unsigned long)(ptr) + (off)))

#include <asm/pda.h>

#define per_cpu_ptr(ptr, cpu)	SHIFT_PERCPU_PTR(ptr, __per_cpu_offset[(cpu)])
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define this_cpu_ptr(ptr)	SHIFT_PERCPU_PTR(ptr, arch_this_cpu_offset())
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)
#define __this_cpu_read(var)	(*this_cpu_ptr(&(var)))
#define __this_cpu_write(var, v) (*this_cpu_ptr(&(var)) = (v))

#include <linux/preempt.h>

/* get_cpu_var: an lvalue for this CPU's copy, with preemption disabled. */
#define get_cpu_var(var)	(*({ preempt_disable(); this_cpu_ptr(&(var)); }))
#define put_cpu_var(var)	do { (void)&(var); preempt_enable(); } while (0)

/* Copies the master area for every possible CPU; called once at boot. */
int setup_per_cpu_areas(unsigned int nr_cpus);
/* Points this CPU's PDA at its area: the boot CPU and every AP call it. */
void percpu_init_cpu(unsigned int cpu);

#endif
