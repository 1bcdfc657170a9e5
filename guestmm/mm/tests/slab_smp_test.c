// SPDX-License-Identifier: MIT
/*
 * Per-CPU magazines under a multi-CPU stress: two threads on two CPUs each
 * allocate, stamp and send objects to the other, which checks and frees
 * them, so every object is freed on a CPU other than the one it came from;
 * both also churn locally. At the end every object is accounted for.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/completion.h>
#include <linux/ktest.h>
#include <asm/processor.h>
#include "../slab.h"

#define RING		256
#define PER_THREAD	40000

struct ring {
	void *slot[RING];
	unsigned long head;	/* written by the producer */
	unsigned long tail;	/* written by the consumer */
};

static bool ring_push(struct ring *r, void *p)
{
	unsigned long head = r->head;

	if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING)
		return false;
	r->slot[head % RING] = p;
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

static void *ring_pop(struct ring *r)
{
	unsigned long tail = r->tail;
	void *p;

	if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
		return NULL;
	p = r->slot[tail % RING];
	__atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
	return p;
}

struct stress {
	struct kmem_cache *cache;	/* NULL: kmalloc of varying sizes */
	struct ring ring[2];		/* ring[i]: thread i -> thread 1 - i */
	unsigned long bad[2];
	unsigned long cross_cpu[2];	/* frees on a CPU other than the allocator's */
	int cpu[2];
};

struct stamp {
	unsigned long seq;
	int from;
	int cpu;
};

struct worker {
	struct stress *st;
	int id;
};

static void *get(struct stress *st, unsigned long seq)
{
	if (st->cache)
		return kmem_cache_alloc(st->cache, GFP_KERNEL);
	return kmalloc(sizeof(struct stamp) + seq % 500, GFP_KERNEL);
}

static void put(struct stress *st, void *p)
{
	if (st->cache)
		kmem_cache_free(st->cache, p);
	else
		kfree(p);
}

/* Local churn: a short alloc/free burst on this CPU's magazine. */
static void churn(struct stress *st, unsigned long seq)
{
	void *local[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(local); i++)
		local[i] = get(st, seq + i);
	for (i = 0; i < ARRAY_SIZE(local); i++)
		put(st, local[i]);
}

static int stress_thread(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	struct ring *out = &st->ring[w->id], *in = &st->ring[1 - w->id];
	unsigned long sent = 0, got = 0, idle = 0;
	struct stamp *s;

	st->cpu[w->id] = raw_smp_processor_id();
	while (sent < PER_THREAD || got < PER_THREAD) {
		bool progress = false;

		if (sent < PER_THREAD) {
			s = get(st, sent);
			if (!s)
				return -1;
			*s = (struct stamp){ sent, w->id, raw_smp_processor_id() };
			if (ring_push(out, s)) {
				sent++;
				progress = true;
			} else {
				put(st, s);
			}
		}
		while ((s = ring_pop(in))) {
			if (s->seq != got || s->from != 1 - w->id)
				st->bad[w->id]++;
			st->cross_cpu[w->id] += s->cpu != raw_smp_processor_id();
			put(st, s);
			got++;
			progress = true;
		}
		if (sent % 64 == 0)
			churn(st, sent);
		if (!progress && ++idle % 256 == 0)
			yield();
		else
			cpu_relax();
	}
	return 0;
}

static void run_stress(struct ktest *t, struct stress *st)
{
	struct worker w[2] = { { st, 0 }, { st, 1 } };
	struct task_struct *k[2];
	unsigned long errs = slab_error_total();
	int i;

	for (i = 0; i < 2; i++) {
		k[i] = kthread_run_on_cpu(stress_thread, &w[i], i, "slab-stress");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	for (i = 0; i < 2; i++)
		KTEST_EXPECT_EQ(t, kthread_join(k[i]), 0);
	KTEST_EXPECT_NE(t, st->cpu[0], st->cpu[1]);
	for (i = 0; i < 2; i++) {
		KTEST_EXPECT_EQ(t, st->bad[i], 0);
		/* Every object crossed CPUs (both threads stayed put). */
		KTEST_EXPECT_EQ(t, st->cross_cpu[i], PER_THREAD);
	}
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
}

KTEST_SMP(slab_smp, cross_cpu_free_cache, 2)
{
	struct stress *st = kzalloc(sizeof(*st), GFP_KERNEL);
	struct slabinfo si;
	unsigned long errs = slab_error_total();

	KTEST_ASSERT_NOT_NULL(t, st);
	st->cache = kmem_cache_create("ktest-smp", sizeof(struct stamp) + 40, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, st->cache);
	run_stress(t, st);
	/* All objects are back: in magazines or on the slabs, none in use. */
	kmem_cache_get_info(st->cache, &si);
	KTEST_EXPECT_EQ(t, si.active_objs, si.cpu_cached + si.shared_cached);
	kmem_cache_destroy(st->cache);	/* reports leaks if any were lost */
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
	kfree(st);
}

KTEST_SMP(slab_smp, cross_cpu_free_kmalloc, 2)
{
	struct stress *st = kzalloc(sizeof(*st), GFP_KERNEL);

	KTEST_ASSERT_NOT_NULL(t, st);
	run_stress(t, st);
	kfree(st);
}

KTEST_SMP(slab_smp, cross_cpu_free_debug_cache, 2)
{
	struct stress *st = kzalloc(sizeof(*st), GFP_KERNEL);
	unsigned long errs = slab_error_total();

	KTEST_ASSERT_NOT_NULL(t, st);
	st->cache = kmem_cache_create("ktest-smp-debug", sizeof(struct stamp), 0,
				      SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
				      NULL);
	KTEST_ASSERT_NOT_NULL(t, st->cache);
	run_stress(t, st);
	KTEST_EXPECT_EQ(t, kmem_cache_validate(st->cache), 0);
	kmem_cache_destroy(st->cache);
	KTEST_EXPECT_EQ(t, slab_error_total(), errs);
	kfree(st);
}

/*
 * kmem_cache_shrink() empties other CPUs' magazines too: each drains its
 * own on an IPI. A thread on CPU 1 parks objects in its magazine and
 * sleeps; the shrink from CPU 0 must still give every slab back.
 */
struct parker {
	struct kmem_cache *cache;
	struct completion parked;
	struct completion done;
};

static int park_objects(void *arg)
{
	struct parker *pk = arg;
	void *objs[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(pk->cache, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(pk->cache, objs[i]);
	complete(&pk->parked);
	wait_for_completion(&pk->done);
	return 0;
}

KTEST_SMP(slab_smp, shrink_drains_remote_magazines, 2)
{
	struct parker pk;
	struct task_struct *k;
	struct slabinfo si;
	int cpu = raw_smp_processor_id() == 0 ? 1 : 0;

	pk.cache = kmem_cache_create("ktest-remote", 128, 0, 0, NULL);
	KTEST_ASSERT_NOT_NULL(t, pk.cache);
	if (slab_debug(pk.cache)) {
		kmem_cache_destroy(pk.cache);
		ktest_skip(t, "slub_debug= made this cache a debug cache (no magazines)");
		return;
	}
	init_completion(&pk.parked);
	init_completion(&pk.done);
	k = kthread_run_on_cpu(park_objects, &pk, cpu, "slab-parker");
	KTEST_ASSERT_NOT_NULL(t, k);
	wait_for_completion(&pk.parked);
	kmem_cache_get_info(pk.cache, &si);
	KTEST_EXPECT_GE(t, si.cpu_cached, 16);	/* and the rest of the refill */
	KTEST_EXPECT_GT(t, si.num_slabs, 0);
	KTEST_EXPECT_EQ(t, kmem_cache_shrink(pk.cache), 0);
	kmem_cache_get_info(pk.cache, &si);
	KTEST_EXPECT_EQ(t, si.cpu_cached, 0);
	KTEST_EXPECT_EQ(t, si.num_slabs, 0);
	complete(&pk.done);
	KTEST_EXPECT_EQ(t, kthread_join(k), 0);
	kmem_cache_destroy(pk.cache);
}
