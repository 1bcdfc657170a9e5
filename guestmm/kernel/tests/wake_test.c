// SPDX-License-Identifier: MIT
/*
 * Sleep and wake-up under load: a token goes round a ring of threads, one
 * or more per CPU, through completions and through a wait queue. Each wait
 * has a generous timeout; one that expires is a lost wake-up.
 * wake_rounds=N on the command line changes the number of hand-offs.
 */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/atomic.h>
#include <linux/wait.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define WAKE_ROUNDS_DEFAULT	100000	/* hand-offs per test */
#define WAKE_TIMEOUT		(10 * HZ)
#define MAX_RING		(2 * NR_CPUS)

static int wake_rounds = WAKE_ROUNDS_DEFAULT;

static int __init_wake_rounds(char *val)
{
	return param_get_int(val, &wake_rounds) && wake_rounds > 0 ? 0 : -1;
}
__setup("wake_rounds=", __init_wake_rounds);

struct ring {
	struct ktest *t;
	unsigned int n;			/* threads */
	unsigned int laps;		/* hand-offs per thread */
	struct completion done[MAX_RING];
	wait_queue_head_t wq[MAX_RING];	/* each thread sleeps on its own */
	unsigned int turn;		/* waitqueue variant: whose turn */
	unsigned long handoffs;
	unsigned int lost;
};

struct ring_member {
	struct ring *r;
	unsigned int i;
};

static struct ring ring;
static struct ring_member members[MAX_RING];
static struct task_struct *threads[MAX_RING];

/* At least two threads, so that even one CPU really sleeps and wakes. */
static unsigned int ring_size(void)
{
	return max(2U, num_online_cpus());
}

static int completion_member(void *arg)
{
	struct ring_member *m = arg;
	struct ring *r = m->r;

	for (unsigned int lap = 0; lap < r->laps; lap++) {
		if (!wait_for_completion_timeout(&r->done[m->i], WAKE_TIMEOUT)) {
			ktest_fail(r->t, __FILE__, __LINE__,
				   "thread %u on CPU%d: lost wake-up at lap %u",
				   m->i, raw_smp_processor_id(), lap);
			__atomic_add_fetch(&r->lost, 1, __ATOMIC_RELAXED);
			return -1;
		}
		__atomic_add_fetch(&r->handoffs, 1, __ATOMIC_RELAXED);
		complete(&r->done[(m->i + 1) % r->n]);
	}
	return 0;
}

static int waitqueue_member(void *arg)
{
	struct ring_member *m = arg;
	struct ring *r = m->r;

	for (unsigned int lap = 0; lap < r->laps; lap++) {
		if (!wait_event_timeout(r->wq[m->i], READ_ONCE(r->turn) == m->i,
					WAKE_TIMEOUT)) {
			ktest_fail(r->t, __FILE__, __LINE__,
				   "thread %u on CPU%d: lost wake-up at lap %u (turn %u)",
				   m->i, raw_smp_processor_id(), lap, READ_ONCE(r->turn));
			__atomic_add_fetch(&r->lost, 1, __ATOMIC_RELAXED);
			return -1;
		}
		__atomic_add_fetch(&r->handoffs, 1, __ATOMIC_RELAXED);
		smp_store_release(&r->turn, (m->i + 1) % r->n);
		wake_up(&r->wq[(m->i + 1) % r->n]);
	}
	return 0;
}

static void ring_init(struct ktest *t)
{
	memset(&ring, 0, sizeof(ring));
	ring.t = t;
	ring.n = ring_size();
	ring.laps = max(1U, (unsigned int)wake_rounds / ring.n);
	for (unsigned int i = 0; i < ring.n; i++) {
		init_waitqueue_head(&ring.wq[i]);
		init_completion(&ring.done[i]);
	}
}

static void ring_run(struct ktest *t, int (*fn)(void *), const char *what)
{
	unsigned int started = 0;
	u64 t0 = rdtsc();

	for (unsigned int i = 0; i < ring.n; i++) {
		members[i] = (struct ring_member){ &ring, i };
		threads[i] = kthread_create_on_cpu(fn, &members[i],
						   i % num_online_cpus(), "ring");
		if (!threads[i]) {
			ktest_fail(t, __FILE__, __LINE__, "cannot create thread %u", i);
			break;
		}
		started++;
	}
	for (unsigned int i = 0; i < started; i++)
		wake_up_process(threads[i]);
	if (started == ring.n && fn == completion_member)
		complete(&ring.done[0]);	/* the token */
	for (unsigned int i = 0; i < started; i++)
		kthread_join(threads[i]);
	if (started != ring.n)
		return;
	KTEST_EXPECT_EQ(t, ring.lost, 0);
	KTEST_EXPECT_EQ(t, ring.handoffs, (unsigned long)ring.n * ring.laps);
	ktest_diag("%s: %lu hand-offs among %u threads on %u CPUs in %llu ms",
		   what, ring.handoffs, ring.n, num_online_cpus(),
		   (unsigned long long)cycles_to_ns(rdtsc() - t0) / 1000000);
}

KTEST(wake, completion_ring)
{
	ring_init(t);
	ring_run(t, completion_member, "completion ring");
}

KTEST(wake, waitqueue_ring)
{
	ring_init(t);
	ring_run(t, waitqueue_member, "wait queue ring");
}

/* complete_all releases every waiter, present and future. */
static int all_waiter(void *arg)
{
	struct ring_member *m = arg;

	return wait_for_completion_timeout(&m->r->done[0], WAKE_TIMEOUT) ? 0 : -1;
}

KTEST(wake, complete_all)
{
	unsigned int n = ring_size();

	ring_init(t);
	for (unsigned int i = 0; i < n; i++) {
		members[i] = (struct ring_member){ &ring, i };
		threads[i] = kthread_run_on_cpu(all_waiter, &members[i],
						i % num_online_cpus(), "waiter");
		KTEST_ASSERT_NOT_NULL(t, threads[i]);
	}
	msleep(20);
	complete_all(&ring.done[0]);
	for (unsigned int i = 0; i < n; i++)
		KTEST_EXPECT_EQ(t, kthread_join(threads[i]), 0);
	KTEST_EXPECT_TRUE(t, completion_done(&ring.done[0]));
	KTEST_EXPECT_TRUE(t, try_wait_for_completion(&ring.done[0]));
}

KTEST(wake, completion_timeout)
{
	DECLARE_COMPLETION(c);
	unsigned long left;

	left = wait_for_completion_timeout(&c, 3);
	KTEST_EXPECT_EQ(t, left, 0);
	complete(&c);
	left = wait_for_completion_timeout(&c, 3);
	KTEST_EXPECT_GT(t, left, 0);
}
