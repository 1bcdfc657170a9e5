/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <asm/thread.h>

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2
#define TASK_DEAD		64

#define PF_KTHREAD	0x00200000	/* a kernel thread */
#define PF_MEMALLOC	0x00000800	/* in reclaim: don't recurse into it */
#define PF_IDLE		0x00000002	/* the idle task */

#define TASK_COMM_LEN	16

struct task_struct {
	volatile long state;
	unsigned int flags;		/* PF_* */
	int cpu;			/* the CPU whose run queue has it */
	int pid;
	char comm[TASK_COMM_LEN];

	int (*threadfn)(void *data);
	void *data;
	int exit_code;
	bool should_stop;		/* kthread_stop() asked */
	bool exited;
	struct list_head run_list;	/* on a run queue */
	struct list_head tasks;		/* on the list of all tasks */
	struct list_head join_waiters;	/* tasks sleeping in kthread_stop/join */
	unsigned long wakeup_at;	/* jiffies, for schedule_timeout */
	u64 nr_switches;
	u64 nvcsw;			/* switches away to sleep (Linux's) */

	struct arch_thread thread;	/* saved context */
};

#define current get_current()
struct task_struct *get_current(void);

#define __set_current_state(s)	do { current->state = (s); } while (0)
#define set_current_state(s)	do { WRITE_ONCE(current->state, (s)); \
				     __atomic_thread_fence(__ATOMIC_SEQ_CST); } while (0)

void schedule(void);
/* Sleeps until woken or timeout jiffies pass; returns jiffies left (0: timed out). */
long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);
/* Makes p runnable; returns 1 if it was asleep. */
int wake_up_process(struct task_struct *p);
void yield(void);
void msleep(unsigned int msecs);

/*
 * might_sleep(): a function that can sleep calls it first. In atomic context
 * (spinlock held, preemption or interrupts off, an interrupt handler) it
 * reports "BUG: sleeping function called from invalid context" naming the
 * caller; that is how GFP_KERNEL under a spinlock becomes a caught error.
 */
void __might_sleep(const char *file, int line);
#define might_sleep() __might_sleep(__FILE__, __LINE__)
/* Number of might_sleep reports so far (tests read it). */
extern unsigned long might_sleep_reports;

void cond_resched(void);

/* The scheduler's side of the kernel core and the arch. */
extern struct task_struct init_task;	/* the boot CPU's idle task */
extern char init_stack[];		/* its stack (THREAD_SIZE) */
void sched_init(void);
/* Makes idle the idle task of cpu (before the CPU runs it). */
void init_idle(struct task_struct *idle, int cpu);
/* Time-slice accounting, from the tick (hard-interrupt context). */
void scheduler_tick(void);
/*
 * Asks cpu to reschedule, interrupts off. If it isn't this one, the IPI is
 * owed until flush_resched_ipis(), so that it is sent after the waker's locks
 * are dropped.
 */
void resched_cpu(int cpu);
/* Sends the reschedule IPIs this CPU owes (any context). */
void flush_resched_ipis(void);
/* A task to preempt current is waiting on this CPU. */
static inline bool need_resched(void)
{
	return arch_need_resched();
}
/* Runnable tasks queued on cpu (not counting the running one). */
unsigned int nr_queued(int cpu);

#endif
