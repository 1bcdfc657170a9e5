// SPDX-License-Identifier: MIT
/*
 * Dynamic per-CPU memory (mm/percpu.c): zeroed and distinct on every CPU,
 * reached by this_cpu_* like a static variable, chunks that grow and give
 * space back, the descriptor the VMM reads. Runs in the guest and in the
 * hosted ktest runner.
 */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <memvisor/mminfo.h>

struct pcpu_test_obj {
	unsigned long a, b;
	u32 c[6];
};

static const struct mv_percpu_info *pinfo(void)
{
	return percpu_info();
}

KTEST(percpu_alloc, zeroed_and_distinct_per_cpu)
{
	struct pcpu_test_obj __percpu *p, __percpu *q;
	unsigned int cpu, other, units = pinfo()->nr_units;

	p = alloc_percpu(struct pcpu_test_obj);
	KTEST_ASSERT_NOT_NULL(t, p);
	for (cpu = 0; cpu < units; cpu++) {
		struct pcpu_test_obj *o = per_cpu_ptr(p, cpu);
		const char *bytes = (const char *)o;
		int nonzero = 0;

		for (size_t i = 0; i < sizeof(*o); i++)
			nonzero += bytes[i] != 0;
		KTEST_EXPECT_EQ(t, nonzero, 0);
		KTEST_EXPECT_TRUE(t, is_kernel_percpu_address((unsigned long)o));
		for (other = 0; other < cpu; other++)
			KTEST_EXPECT_GE(t, (unsigned long)o - (unsigned long)per_cpu_ptr(p, other),
					sizeof(*o));
		memset(o, 0xa5, sizeof(*o));
		o->a = cpu;
	}
	for (cpu = 0; cpu < units; cpu++)
		KTEST_EXPECT_EQ(t, per_cpu_ptr(p, cpu)->a, (unsigned long)cpu);
	free_percpu(p);
	/* The same place comes back zeroed, dirty as we left it. */
	q = alloc_percpu(struct pcpu_test_obj);
	KTEST_ASSERT_NOT_NULL(t, q);
	KTEST_EXPECT_EQ(t, (unsigned long)q, (unsigned long)p);
	for (cpu = 0; cpu < units; cpu++)
		KTEST_EXPECT_EQ(t, per_cpu_ptr(q, cpu)->b, 0UL);
	free_percpu(q);
}

static void bump_dynamic(void *info)
{
	unsigned long __percpu *p = info;

	for (int i = 0; i <= smp_processor_id(); i++)
		this_cpu_inc(*p);
	this_cpu_add(*p, 100);
}

KTEST(percpu_alloc, this_cpu_ops_on_dynamic_memory)
{
	unsigned long __percpu *p = alloc_percpu(unsigned long);
	unsigned int cpu;

	KTEST_ASSERT_NOT_NULL(t, p);
	on_each_cpu(bump_dynamic, (void *)p, true);
	for_each_online_cpu(cpu)
		KTEST_EXPECT_EQ(t, *per_cpu_ptr(p, cpu), 101UL + cpu);
	cpu = get_cpu();
	KTEST_EXPECT_EQ(t, (unsigned long)this_cpu_ptr(p), (unsigned long)per_cpu_ptr(p, cpu));
	put_cpu();
	free_percpu(p);
}

static unsigned int nr_chunks(void)
{
	return pinfo()->nr_chunks;
}

/* More than a chunk holds: the list grows; freed, it shrinks and is reused. */
KTEST(percpu_alloc, chunks_grow_and_free_returns_space)
{
	enum { OBJ = 256 };
	unsigned int n = 2 * PCPU_UNIT_SIZE / OBJ + 8, chunks0 = nr_chunks();
	u64 cur0 = pinfo()->nr_cur_alloc;
	void __percpu **p = kmalloc_array(n, sizeof(*p), GFP_KERNEL);
	void __percpu *again;
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < n; i++) {
		p[i] = __alloc_percpu(OBJ, 8);
		if (!KTEST_EXPECT_NOT_NULL(t, p[i]))
			break;
		memset(this_cpu_ptr(p[i]), 0x5a, OBJ);
	}
	n = i;
	KTEST_EXPECT_GE(t, nr_chunks(), chunks0 + 2);
	KTEST_EXPECT_EQ(t, pinfo()->nr_cur_alloc, cur0 + n);
	for (i = 0; i < n; i += 2)
		free_percpu(p[i]);
	/* Space freed in the middle is handed out again. */
	again = __alloc_percpu(OBJ, 8);
	KTEST_EXPECT_EQ(t, (unsigned long)again, (unsigned long)p[0]);
	free_percpu(again);
	for (i = 1; i < n; i += 2)
		free_percpu(p[i]);
	/* Everything back: one spare empty chunk at most is kept. */
	KTEST_EXPECT_LE(t, nr_chunks(), chunks0 + 1);
	KTEST_EXPECT_EQ(t, pinfo()->nr_cur_alloc, cur0);
	kfree(p);
}

KTEST(percpu_alloc, rejects_bad_requests)
{
	u64 failed = pinfo()->nr_failed;

	KTEST_EXPECT_NULL(t, __alloc_percpu(0, 4));
	KTEST_EXPECT_NULL(t, __alloc_percpu(8, 12));	/* not a power of 2 */
	KTEST_EXPECT_NULL(t, __alloc_percpu(8, 2 * PAGE_SIZE));
	KTEST_EXPECT_NULL(t, __alloc_percpu(PCPU_UNIT_SIZE + 1, 8));
	KTEST_EXPECT_EQ(t, pinfo()->nr_failed, failed + 4);
	free_percpu(NULL);
}

KTEST(percpu_alloc, alignment_honoured)
{
	static const size_t aligns[] = { 4, 8, 16, 64, 256, 4096 };

	for (unsigned int i = 0; i < ARRAY_SIZE(aligns); i++) {
		void __percpu *odd = __alloc_percpu(4, 4);
		void __percpu *p = __alloc_percpu(12, aligns[i]);

		KTEST_ASSERT_NOT_NULL(t, p);
		KTEST_EXPECT_EQ(t, (unsigned long)per_cpu_ptr(p, 0) % aligns[i], 0UL);
		free_percpu(p);
		free_percpu(odd);
	}
}

/* The plain structs the VMM reads add up. */
KTEST(percpu_alloc, descriptor_consistent)
{
	const struct mv_percpu_info *info = pinfo();
	const struct mv_percpu_chunk *c;
	void __percpu *p = __alloc_percpu(64, 8);
	unsigned int n = 0, live = 0;

	KTEST_ASSERT_NOT_NULL(t, info);
	KTEST_EXPECT_EQ(t, info->magic, MV_PERCPU_MAGIC);
	KTEST_EXPECT_EQ(t, info->unit_size, (u32)PCPU_UNIT_SIZE);
	KTEST_EXPECT_EQ(t, info->per_cpu_offset, (u64)(unsigned long)__per_cpu_offset);
	for (c = (const void *)(unsigned long)info->chunks; c && n < 1000;
	     c = (const void *)(unsigned long)c->next, n++) {
		KTEST_EXPECT_EQ(t, c->magic, MV_PERCPU_CHUNK_MAGIC);
		KTEST_EXPECT_LE(t, c->free_bytes + c->start_offset, info->unit_size);
		KTEST_EXPECT_LE(t, c->contig_bytes, info->unit_size);
		KTEST_EXPECT_EQ(t, (bool)(c->flags & MV_PERCPU_CHUNK_FIRST), n == 0);
		live += c->nr_alloc;
	}
	KTEST_EXPECT_EQ(t, n, info->nr_chunks);
	KTEST_EXPECT_EQ(t, (u64)live, info->nr_cur_alloc);
	KTEST_EXPECT_EQ(t, ((const struct mv_percpu_chunk *)(unsigned long)info->chunks)->base,
			(u64)per_cpu_ptr((char *)__start_percpu_data, 0));
	free_percpu(p);
}
