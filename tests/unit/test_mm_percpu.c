// SPDX-License-Identifier: MIT
/*
 * Per-CPU variables and alloc_percpu in the hosted build, where each
 * thread running kernel code is a CPU: counters bumped from several "CPUs"
 * sum up, dynamic per-CPU memory is each thread's own, and the first chunk
 * starts with the static variables. (The KTEST cases in
 * guestmm/mm/tests/percpu_alloc_test.c run in test_mm_ktest too.)
 */
#include <criterion/criterion.h>

#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <memvisor/mminfo.h>
#include <asm/hosted.h>

static void boot(void)
{
	hosted_boot(NULL);
}

TestSuite(percpu, .init = boot, .timeout = 60);

#define THREADS	4
#define BUMPS	100000

static DEFINE_PER_CPU(unsigned long, hits);

struct bumper {
	unsigned long __percpu *dyn;
	int cpu;
	unsigned long own;
	struct completion done, go;
};

static int bump(void *arg)
{
	struct bumper *b = arg;

	b->cpu = get_cpu();
	put_cpu();
	for (int i = 0; i < BUMPS; i++) {
		this_cpu_inc(hits);
		this_cpu_add(*b->dyn, 2);
	}
	b->own = this_cpu_read(hits);
	complete(&b->done);
	wait_for_completion(&b->go);	/* stay a CPU until the sums are read */
	return 0;
}

Test(percpu, counters_from_every_cpu_sum_up)
{
	unsigned long __percpu *dyn = alloc_percpu(unsigned long);
	struct bumper b[THREADS];
	struct task_struct *k[THREADS];
	unsigned long sum = 0, dsum = 0;

	cr_assert_not_null(dyn);
	for (int i = 0; i < THREADS; i++) {
		b[i].dyn = dyn;
		init_completion(&b[i].done);
		init_completion(&b[i].go);
		k[i] = kthread_run(bump, &b[i], "bumper");
		cr_assert_not_null(k[i]);
	}
	for (int i = 0; i < THREADS; i++)
		wait_for_completion(&b[i].done);
	for (int i = 0; i < THREADS; i++) {
		cr_expect_neq(b[i].cpu, 0);
		cr_expect_eq(per_cpu(hits, b[i].cpu), BUMPS);
		cr_expect_eq(b[i].own, BUMPS);
		cr_expect_eq(*per_cpu_ptr(dyn, b[i].cpu), 2UL * BUMPS);
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		sum += per_cpu(hits, cpu);
		dsum += *per_cpu_ptr(dyn, cpu);
	}
	cr_expect_eq(sum, (unsigned long)THREADS * BUMPS);
	cr_expect_eq(dsum, 2UL * THREADS * BUMPS);
	for (int i = 0; i < THREADS; i++) {
		complete(&b[i].go);
		kthread_join(k[i]);
	}
	free_percpu(dyn);
}

Test(percpu, first_chunk_holds_the_static_variables)
{
	const struct mv_percpu_info *info = percpu_info();
	const struct mv_percpu_chunk *first;

	cr_assert_not_null(info);
	first = (const void *)(unsigned long)info->chunks;
	cr_assert_not_null(first);
	cr_expect(first->flags & MV_PERCPU_CHUNK_FIRST);
	cr_expect_eq(info->nr_units, NR_CPUS);
	cr_expect_geq(info->static_size, sizeof(unsigned long));
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		unsigned long a = (unsigned long)&per_cpu(hits, cpu);

		cr_expect(a >= first->base + cpu * PCPU_UNIT_SIZE &&
			  a < first->base + cpu * PCPU_UNIT_SIZE + info->static_size);
		cr_expect(is_kernel_percpu_address(a));
		cr_expect_eq(per_cpu(this_cpu_off, cpu), __per_cpu_offset[cpu]);
	}
	cr_expect_not(is_kernel_percpu_address((unsigned long)&hits));	/* the master */
}

/* Many sizes, in and out: the accounting returns to where it started. */
Test(percpu, random_pairs_leave_nothing_behind)
{
	static const size_t sizes[] = { 4, 8, 64, 256 };
	void __percpu *live[512] = { NULL };
	const struct mv_percpu_info *info = percpu_info();
	u64 cur0 = info->nr_cur_alloc;
	unsigned int seed = 1;

	for (int i = 0; i < 20000; i++) {
		unsigned int slot;

		seed = seed * 1103515245 + 12345;
		slot = (seed >> 8) % ARRAY_SIZE(live);
		free_percpu(live[slot]);
		live[slot] = __alloc_percpu(sizes[(seed >> 20) % 4], 4);
		cr_assert_not_null(live[slot]);
		*(u32 *)this_cpu_ptr(live[slot]) = slot;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(live); i++) {
		cr_expect_eq(*(u32 *)per_cpu_ptr(live[i], 0), i);
		free_percpu(live[i]);
	}
	cr_expect_eq(info->nr_cur_alloc, cur0);
	cr_expect_leq(info->nr_chunks, 2);
}
