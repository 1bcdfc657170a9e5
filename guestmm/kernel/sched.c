// SPDX-License-Identifier: MIT
/*
 * The scheduler: per-CPU run queues, round robin with a one-tick slice,
 * an idle task per CPU. Tasks stay on the CPU they were created for (no
 * migration), which keeps wake-ups simple: a task's run queue is always
 * cpu_rq(p->cpu), and its lock orders every state change.
 *
 * Run-queue locks are raw (arch_spin_lock with interrupts off): schedule()
 * itself holds the one preempt count a switch is made with. The lock taken
 * in __schedule() is released by the task switched to (finish_task_switch).
 *
 * A remote wake-up's reschedule IPI is sent only once the waker has dropped
 * its locks (flush_resched_ipis): the IPI makes the target run at once, and
 * the first thing it does is take its run-queue lock, then the wait-queue
 * lock of the waiter it wakes. Sent under those locks, the target spins for
 * as long as the waker holds them; nested, with more vCPUs than host CPUs,
 * the vCPU that sent the IPI is often descheduled right there in favour of
 * the one it woke, so every hand-off cost a host time slice of spinning.
 */
#include <linux/kernel.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/smp.h>
#include <asm/switch_to.h>
#include "sched.h"

#define SCHED_SLICE_TICKS	1	/* round robin every tick (10 ms) */

struct rq {
	spinlock_t lock;
	struct list_head queue;		/* runnable, not running */
	unsigned int nr_queued;
	struct task_struct *curr, *idle;
	unsigned int slice_ticks;
	u64 nr_switches;
};

static DEFINE_PER_CPU_ALIGNED(struct rq, runqueues);

#define cpu_rq(cpu)	per_cpu_ptr(&runqueues, cpu)
#define this_rq()	this_cpu_ptr(&runqueues)

static void enqueue(struct rq *rq, struct task_struct *p)
{
	list_add_tail(&p->run_list, &rq->queue);
	rq->nr_queued++;
}

static struct task_struct *dequeue_first(struct rq *rq)
{
	struct task_struct *p = list_first_entry_or_null(&rq->queue,
							 struct task_struct, run_list);

	if (p) {
		list_del_init(&p->run_list);
		rq->nr_queued--;
	}
	return p;
}

/* Per CPU: the CPUs its wake-ups owe a reschedule IPI, one bit each. */
static DEFINE_PER_CPU(unsigned long, resched_ipis_owed);

/* Interrupts off: the IPI is owed until flush_resched_ipis(). */
void resched_cpu(int cpu)
{
	struct cpu_pda *pda = cpu_pda(cpu);

	BUILD_BUG_ON(NR_CPUS > 8 * sizeof(unsigned long));
	if (READ_ONCE(pda->need_resched))
		return;		/* already asked: its IPI is sent, or owed */
	WRITE_ONCE(pda->need_resched, 1);
	if (cpu != raw_smp_processor_id())
		__this_cpu_write(resched_ipis_owed,
				 __this_cpu_read(resched_ipis_owed) | 1UL << cpu);
}

/*
 * Sends the IPIs this CPU owes. Every path that wakes with interrupts off
 * ends in one of these calls (wake_up_process, __wake_up, irq exit, the
 * switch): an IPI left owed would still only delay the target to its tick.
 */
void flush_resched_ipis(void)
{
	unsigned long flags, owed;

	if (!READ_ONCE(*this_cpu_ptr(&resched_ipis_owed)))
		return;
	local_irq_save(flags);
	owed = __this_cpu_read(resched_ipis_owed);
	__this_cpu_write(resched_ipis_owed, 0);
	local_irq_restore(flags);
	while (owed) {
		arch_send_reschedule(__builtin_ctzl(owed));
		owed &= owed - 1;
	}
}

int wake_up_process(struct task_struct *p)
{
	struct rq *rq = cpu_rq(p->cpu);
	unsigned long flags;
	int ret = 0;

	local_irq_save(flags);
	arch_spin_lock(&rq->lock);
	if (p->state == TASK_RUNNING || p->state == TASK_DEAD)
		goto out;
	WRITE_ONCE(p->state, TASK_RUNNING);
	ret = 1;
	/* Still on its CPU on the way into schedule(): it will see RUNNING. */
	if (rq->curr == p || !list_empty(&p->run_list))
		goto out;
	enqueue(rq, p);
	if (rq->curr == rq->idle)
		resched_cpu(p->cpu);
out:
	arch_spin_unlock(&rq->lock);
	/* Interrupts were on: the caller holds no lock a target could want. */
	if (!arch_irqs_disabled_flags(flags))
		flush_resched_ipis();
	local_irq_restore(flags);
	return ret;
}

/* In the task switched to: release the run queue, reap a dead predecessor. */
static void finish_task_switch(struct task_struct *prev)
{
	arch_spin_unlock(&this_rq()->lock);
	if (unlikely(prev->state == TASK_DEAD))
		kthread_exited(prev);
	flush_resched_ipis();	/* the joiner's, or any a preempted waker owed */
	arch_local_irq_enable();
}

/*
 * Picks the next task and switches to it. preempt: current is being
 * preempted (an interrupt, preempt_enable, yield) and stays runnable
 * whatever its state; otherwise a task not TASK_RUNNING goes to sleep.
 * Called with exactly one preempt count; returns with interrupts on.
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next;
	struct rq *rq;

	arch_local_irq_disable();
	rq = this_rq();
	arch_spin_lock(&rq->lock);
	arch_set_need_resched(0);
	if (prev != rq->idle && (preempt || prev->state == TASK_RUNNING))
		enqueue(rq, prev);
	next = dequeue_first(rq);
	if (!next)
		next = rq->idle;
	rq->slice_ticks = 0;
	if (next == prev) {
		arch_spin_unlock(&rq->lock);
		arch_local_irq_enable();
		return;
	}
	rq->curr = next;
	rq->nr_switches++;
	next->nr_switches++;
	if (!preempt && prev->state != TASK_RUNNING)
		prev->nvcsw++;
	prev = switch_to(prev, next);
	finish_task_switch(prev);
}

static void schedule_bug(void)
{
	pr_err("BUG: scheduling while atomic: %s/%d/%#010x\n", current->comm,
	       current->pid, preempt_count());
	__warn(__FILE__, __LINE__, "scheduling while atomic");
}

void schedule(void)
{
	if (unlikely(preempt_count()))
		schedule_bug();
	do {
		arch_preempt_count_add(PREEMPT_OFFSET);
		__schedule(false);
		arch_preempt_count_add(-(int)PREEMPT_OFFSET);
	} while (need_resched());
}

void preempt_schedule(void)
{
	if (preempt_count() || irqs_disabled())
		return;
	do {
		arch_preempt_count_add(PREEMPT_OFFSET);
		__schedule(true);
		arch_preempt_count_add(-(int)PREEMPT_OFFSET);
	} while (need_resched());
}

void preempt_schedule_irq(void)
{
	do {
		arch_preempt_count_add(PREEMPT_OFFSET);
		__schedule(true);
		arch_local_irq_disable();
		arch_preempt_count_add(-(int)PREEMPT_OFFSET);
	} while (need_resched());
}

/* A new thread's first C: it was switched to from inside __schedule(). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

__noreturn void do_task_dead(void)
{
	/* No preemption from here: a dead task must never be queued again. */
	preempt_disable();
	set_current_state(TASK_DEAD);
	__schedule(false);
	BUG();
}

void yield(void)
{
	__set_current_state(TASK_RUNNING);
	arch_preempt_count_add(PREEMPT_OFFSET);
	__schedule(true);
	arch_preempt_count_add(-(int)PREEMPT_OFFSET);
}

void cond_resched(void)
{
	if (need_resched())
		preempt_schedule();
}

void scheduler_tick(void)
{
	struct rq *rq = this_rq();

	arch_spin_lock(&rq->lock);
	if (rq->nr_queued &&
	    (rq->curr == rq->idle || ++rq->slice_ticks >= SCHED_SLICE_TICKS))
		arch_set_need_resched(1);
	arch_spin_unlock(&rq->lock);
}

unsigned int nr_queued(int cpu)
{
	return READ_ONCE(cpu_rq(cpu)->nr_queued);
}

u64 nr_context_switches(int cpu)
{
	return READ_ONCE(cpu_rq(cpu)->nr_switches);
}

void init_idle(struct task_struct *idle, int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	idle->state = TASK_RUNNING;
	idle->flags |= PF_IDLE | PF_KTHREAD;
	idle->cpu = cpu;
	idle->thread.preempt_count = 0;
	rq->idle = idle;
	rq->curr = idle;
}

void sched_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);

		spin_lock_init(&rq->lock);
		INIT_LIST_HEAD(&rq->queue);
		rq->nr_queued = 0;
	}
	init_idle(&init_task, 0);
}
