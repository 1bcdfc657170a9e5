// SPDX-License-Identifier: MIT
/*
 * Hosted tasks: each task is a host thread that is also its own CPU, so the
 * host does the scheduling; schedule() only has to sleep until woken.
 * Sleeping and waking use a futex word per task (async-signal-safe, so an
 * IPI handler may wake a task), with the usual protocol: the sleeper reads
 * the word, checks its state, and waits only if the word is unchanged.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/kthread.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/smp.h>
#include <asm/hosted.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hosted_internal.h"

/* <linux/futex.h> would pull the kernel's uapi types over ours. */
#define FUTEX_WAIT_PRIVATE	(0 | 128)
#define FUTEX_WAKE_PRIVATE	(1 | 128)

static int next_pid = 1;

static void futex_wait(int *word, int val, const struct timespec *timeout)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, timeout, NULL, 0);
}

static void futex_wake(int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

struct task_struct *hosted_task_alloc(const char *name)
{
	struct task_struct *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	p->state = TASK_RUNNING;
	p->thread.want_cpu = -1;
	strscpy_len(p->comm, name ? name : "hosted", sizeof(p->comm));
	INIT_LIST_HEAD(&p->run_list);
	INIT_LIST_HEAD(&p->tasks);
	INIT_LIST_HEAD(&p->join_waiters);
	return p;
}

void hosted_task_free(struct task_struct *p)
{
	free(p);
}

struct task_struct *get_current(void)
{
	return hosted_pda ? arch_get_current() : NULL;
}

void preempt_schedule(void)
{
}

/* Hosted wake-ups are futex wakes, made at once: no IPI is ever owed. */
void flush_resched_ipis(void)
{
}

void preempt_schedule_irq(void)
{
}

/* Sleeps until state is TASK_RUNNING; with deadline_ns, not past it. */
static bool sleep_until_running(struct task_struct *p, u64 deadline_ns)
{
	for (;;) {
		int seq = __atomic_load_n(&p->thread.wake_seq, __ATOMIC_ACQUIRE);
		struct timespec ts, *tsp = NULL;

		if (READ_ONCE(p->state) == TASK_RUNNING)
			return true;
		if (deadline_ns) {
			u64 now = hosted_now_ns();

			if (now >= deadline_ns)
				return false;
			ts.tv_sec = (deadline_ns - now) / 1000000000ULL;
			ts.tv_nsec = (deadline_ns - now) % 1000000000ULL;
			tsp = &ts;
		}
		futex_wait(&p->thread.wake_seq, seq, tsp);
	}
}

void schedule(void)
{
	struct task_struct *p = current;

	p->nr_switches++;
	if (READ_ONCE(p->state) == TASK_RUNNING) {
		sched_yield();
		return;
	}
	sleep_until_running(p, 0);
}

long schedule_timeout(long timeout)
{
	struct task_struct *p = current;
	u64 start, deadline, left_ns;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0)
		timeout = 0;
	start = hosted_now_ns();
	deadline = start + (u64)timeout * (1000000000ULL / HZ);
	p->nr_switches++;
	if (!sleep_until_running(p, deadline)) {
		/* Timed out: running again, as when the timer wakes a task. */
		__atomic_store_n(&p->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
		hosted_jiffies_sync();
		return 0;
	}
	left_ns = deadline - min(deadline, hosted_now_ns());
	return (long)DIV_ROUND_UP(left_ns, 1000000000ULL / HZ);
}

long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

int wake_up_process(struct task_struct *p)
{
	long state = __atomic_load_n(&p->state, __ATOMIC_SEQ_CST);

	do {
		if (state == TASK_RUNNING || state == TASK_DEAD)
			return 0;
	} while (!__atomic_compare_exchange_n(&p->state, &state, TASK_RUNNING,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	__atomic_add_fetch(&p->thread.wake_seq, 1, __ATOMIC_SEQ_CST);
	futex_wake(&p->thread.wake_seq);
	return 1;
}

void yield(void)
{
	sched_yield();
}

void cond_resched(void)
{
	sched_yield();
}

void msleep(unsigned int msecs)
{
	long left = msecs_to_jiffies(msecs);

	while (left)
		left = schedule_timeout_uninterruptible(left);
}

/* ---- Kernel threads ---------------------------------------------------------- */

static void *kthread_trampoline(void *arg)
{
	struct task_struct *p = arg;
	int ret = -EINTR;

	hosted_cpu_attach_task(p, p->thread.want_cpu);
	/* Created stopped: wait for wake_up_process() (or kthread_stop()). */
	sleep_until_running(p, 0);
	if (!READ_ONCE(p->should_stop))
		ret = p->threadfn(p->data);
	kthread_exit(ret);
}

struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data),
					  void *data, int cpu,
					  const char *name)
{
	struct task_struct *p = hosted_task_alloc(name);

	if (!p)
		return NULL;
	p->threadfn = threadfn;
	p->data = data;
	p->flags = PF_KTHREAD;
	p->state = TASK_UNINTERRUPTIBLE;
	p->thread.want_cpu = cpu;
	p->thread.started = true;
	if (pthread_create(&p->thread.thread, NULL, kthread_trampoline, p)) {
		hosted_task_free(p);
		return NULL;
	}
	return p;
}

void kthread_exit(int code)
{
	struct task_struct *p = current;

	p->exit_code = code;
	hosted_cpu_detach();
	__atomic_store_n(&p->exited, true, __ATOMIC_RELEASE);
	p->state = TASK_DEAD;
	pthread_exit(NULL);
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int kthread_join(struct task_struct *k)
{
	int code;

	might_sleep();
	pthread_join(k->thread.thread, NULL);
	code = k->exit_code;
	hosted_task_free(k);
	return code;
}

int kthread_stop(struct task_struct *k)
{
	WRITE_ONCE(k->should_stop, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wake_up_process(k);
	return kthread_join(k);
}

/* ---- Attaching other threads ------------------------------------------------- */

int hosted_cpu_attach(const char *name)
{
	struct task_struct *p = hosted_task_alloc(name);

	if (!p)
		return -ENOMEM;
	hosted_time_init();
	return hosted_cpu_attach_task(p, -1);
}
