// SPDX-License-Identifier: MIT
/*
 * Random operation sequences: one CPU with every invariant checked after
 * every step, and N CPUs for 10^6 operations (with interrupt handlers
 * allocating GFP_ATOMIC on the same CPUs) with no page lost or handed out
 * twice. Ownership is tracked in a bitmap of pfns, and each block carries a
 * tag checked when it is freed.
 */
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/mmdebug.h>
#include <linux/ktest.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "mm_test_util.h"

#ifdef __HOSTED__
#define CHECKED_OPS	2000
#else
#define CHECKED_OPS	300	/* each check walks all of mem_map */
#endif
#define SMP_TOTAL_OPS	1000000UL
#define SMP_HELD	64

/*
 * stress_checked_ops=N and stress_smp_ops=N: fewer operations, for runs
 * that only need the allocators busy (vmm --check-every in test_check).
 */
static int checked_ops = CHECKED_OPS;
static int smp_total_ops = (int)SMP_TOTAL_OPS;

#ifndef __HOSTED__	/* the hosted runner parses no command line */
static int __init_stress_checked_ops(char *val)
{
	return param_get_int(val, &checked_ops) && checked_ops > 0 ? 0 : -1;
}
__setup("stress_checked_ops=", __init_stress_checked_ops);

static int __init_stress_smp_ops(char *val)
{
	return param_get_int(val, &smp_total_ops) && smp_total_ops >= 16 ?
	       0 : -1;
}
__setup("stress_smp_ops=", __init_stress_smp_ops);
#endif

/* ---- Ownership: a bit per pfn, set while some test holds the page ------- */

struct owners {
	unsigned long *bits;
	unsigned int order;		/* of the pages holding the bitmap */
};

static bool owners_init(struct owners *o)
{
	unsigned long bytes = ALIGN(DIV_ROUND_UP(max_pfn, 8), sizeof(long));

	o->order = get_order(bytes);
	if (o->order >= MAX_ORDER)
		return false;
	o->bits = (unsigned long *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
						    o->order);
	return o->bits != NULL;
}

static void owners_free(struct owners *o)
{
	free_pages((unsigned long)o->bits, o->order);
}

/* Claims every pfn of the block; false if one was already claimed. */
static bool owners_claim(struct owners *o, struct page *page)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << page->order;
	bool ok = true;

	for (unsigned long i = pfn; i < pfn + n; i++) {
		unsigned long bit = 1UL << (i % (8 * sizeof(long)));

		if (__atomic_fetch_or(&o->bits[i / (8 * sizeof(long))], bit,
				      __ATOMIC_RELAXED) & bit)
			ok = false;
	}
	return ok;
}

static void owners_release(struct owners *o, struct page *page)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << page->order;

	for (unsigned long i = pfn; i < pfn + n; i++)
		__atomic_fetch_and(&o->bits[i / (8 * sizeof(long))],
				   ~(1UL << (i % (8 * sizeof(long)))),
				   __ATOMIC_RELAXED);
}

/* ---- Tags: the first and last word of a block name its owner ------------ */

static void tag_word(struct page *page, size_t off, u64 *val, bool write)
{
	u64 *p = kmap_atomic(page);

	if (write)
		p[off] = *val;
	else
		*val = p[off];
	kunmap_atomic(p);
}

static void tag_block(struct page *page, u64 tag)
{
	struct page *last = page + (1UL << page->order) - 1;

	tag_word(page, 0, &tag, true);
	tag_word(last, PAGE_SIZE / 8 - 1, &tag, true);
}

static bool tag_ok(struct page *page, u64 tag)
{
	struct page *last = page + (1UL << page->order) - 1;
	u64 a, b;

	tag_word(page, 0, &a, false);
	tag_word(last, PAGE_SIZE / 8 - 1, &b, false);
	return a == tag && b == tag;
}

static u64 tag_of(struct page *page, u64 salt)
{
	return (page_to_pfn(page) * 0x9E3779B97F4A7C15ULL) ^ salt;
}

static const gfp_t stress_gfps[] = {
	GFP_KERNEL | __GFP_NORETRY, GFP_ATOMIC, GFP_DMA, GFP_NOWAIT,
	GFP_HIGHUSER | __GFP_NORETRY, GFP_KERNEL | __GFP_NORETRY | __GFP_COLD,
	GFP_NOIO | __GFP_NORETRY | __GFP_ZERO, GFP_ATOMIC | __GFP_HIGHMEM,
};

/* Mostly small orders, sometimes the largest. */
static unsigned int random_order(u64 *seed, unsigned int max)
{
	u64 r = mm_rand(seed);

	if (r % 64 == 0)
		return r / 64 % (max + 1);
	return r / 64 % 4;
}

static void free_block(struct page *page, u64 *seed)
{
	switch (mm_rand(seed) % 4) {
	case 0:
		if (!page->order) {
			free_cold_page(page);
			return;
		}
		break;
	case 1:
		if (!page->order) {
			free_hot_page(page);
			return;
		}
		break;
	case 2:
		if (!PageHighMem(page)) {
			free_pages((unsigned long)page_address(page), page->order);
			return;
		}
		break;
	}
	__free_pages(page, page->order);
}

/* ---- One CPU, checked after every step ---------------------------------- */

KTEST(stress, random_ops_checked)
{
	static struct page *held[256];
	unsigned long before = mm_free_now(), nr = 0;
	struct owners own;
	u64 seed = 0x1234567;

	KTEST_ASSERT_TRUE(t, owners_init(&own));
	for (int op = 0; op < checked_ops; op++) {
		bool alloc = nr < ARRAY_SIZE(held) && (!nr || mm_rand(&seed) % 100 < 55);

		if (alloc) {
			gfp_t gfp = stress_gfps[mm_rand(&seed) % ARRAY_SIZE(stress_gfps)];
			struct page *page = alloc_pages(gfp | __GFP_NOWARN,
							random_order(&seed, MAX_ORDER - 1));

			if (page) {
				if (!owners_claim(&own, page))
					ktest_fail(t, __FILE__, __LINE__,
						   "op %d: pfn %#lx handed out twice", op,
						   page_to_pfn(page));
				for (unsigned long i = 0; i < (1UL << page->order); i++)
					if (page_is_free(page + i))
						ktest_fail(t, __FILE__, __LINE__,
							   "op %d: allocated pfn %#lx is still free",
							   op, page_to_pfn(page) + i);
				tag_block(page, tag_of(page, 1));
				held[nr++] = page;
			}
		} else {
			unsigned long i = mm_rand(&seed) % nr;
			struct page *page = held[i];

			held[i] = held[--nr];
			KTEST_EXPECT_TRUE(t, tag_ok(page, tag_of(page, 1)));
			owners_release(&own, page);
			free_block(page, &seed);
		}
		if (!KTEST_EXPECT_MM_CONSISTENT(t)) {
			ktest_diag("after op %d", op);
			break;
		}
	}
	while (nr) {
		struct page *page = held[--nr];

		owners_release(&own, page);
		free_block(page, &seed);
	}
	owners_free(&own);
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
	KTEST_EXPECT_MM_CONSISTENT(t);
}

/* ---- N CPUs, 10^6 operations ---------------------------------------------- */

struct stress_ctx {
	struct owners own;
	unsigned long ops_per_thread;
	unsigned long errors;
	unsigned long allocs, frees, failures;
	unsigned long irq_allocs, irq_calls;
	struct completion done;
	int running;
};

struct stress_thread {
	struct stress_ctx *ctx;
	u64 seed;
	int cpu;
};

static void stress_error(struct stress_ctx *ctx)
{
	__atomic_add_fetch(&ctx->errors, 1, __ATOMIC_RELAXED);
}

static int stress_thread_fn(void *data)
{
	struct stress_thread *st = data;
	struct stress_ctx *ctx = st->ctx;
	struct page *held[SMP_HELD];
	unsigned long nr = 0, allocs = 0, frees = 0, fails = 0;

	WRITE_ONCE(st->cpu, raw_smp_processor_id());
	for (unsigned long op = 0; op < ctx->ops_per_thread; op++) {
		bool alloc = nr < SMP_HELD && (!nr || mm_rand(&st->seed) % 2);

		if (alloc) {
			gfp_t gfp = stress_gfps[mm_rand(&st->seed) % ARRAY_SIZE(stress_gfps)];
			struct page *page = alloc_pages(gfp | __GFP_NOWARN,
							random_order(&st->seed, 6));

			if (!page) {
				fails++;
				continue;
			}
			allocs++;
			if (!owners_claim(&ctx->own, page))
				stress_error(ctx);
			tag_block(page, tag_of(page, st->seed & 0xff00));
			page->private = st->seed & 0xff00;	/* the owner's salt */
			held[nr++] = page;
		} else {
			unsigned long i = mm_rand(&st->seed) % nr;
			struct page *page = held[i];

			held[i] = held[--nr];
			if (!tag_ok(page, tag_of(page, page->private)))
				stress_error(ctx);
			owners_release(&ctx->own, page);
			free_block(page, &st->seed);
			frees++;
		}
		if (!(op & 1023))
			cond_resched();
	}
	while (nr) {
		struct page *page = held[--nr];

		owners_release(&ctx->own, page);
		free_block(page, &st->seed);
		frees++;
	}
	__atomic_add_fetch(&ctx->allocs, allocs, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ctx->frees, frees, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ctx->failures, fails, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&ctx->running, 1, __ATOMIC_SEQ_CST) == 0)
		complete(&ctx->done);
	return 0;
}

/* Runs in interrupt context on a stressed CPU, in the middle of its work. */
static void stress_irq(void *info)
{
	struct stress_ctx *ctx = info;
	struct page *p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, ctx->irq_calls % 3);

	ctx->irq_calls++;
	if (!p)
		return;
	if (!owners_claim(&ctx->own, p))
		stress_error(ctx);
	tag_block(p, tag_of(p, 7));
	if (!tag_ok(p, tag_of(p, 7)))
		stress_error(ctx);
	owners_release(&ctx->own, p);
	__free_pages(p, p->order);
	ctx->irq_allocs++;
}

KTEST(stress, smp_million_ops)
{
	struct stress_thread st[NR_CPUS];
	struct task_struct *k[NR_CPUS];
	struct stress_ctx ctx;
	unsigned int n = num_online_cpus(), self = raw_smp_processor_id();
	unsigned long before = mm_free_now();

	if (n < 2)
		n = 4;		/* hosted: each thread is its own CPU */
	memset(&ctx, 0, sizeof(ctx));
	KTEST_ASSERT_TRUE(t, owners_init(&ctx.own));
	init_completion(&ctx.done);
	ctx.ops_per_thread = (unsigned long)smp_total_ops / n;
	ctx.running = n;
	for (unsigned int i = 0; i < n; i++) {
		st[i].ctx = &ctx;
		st[i].seed = 0x9876543210ULL * (i + 1);
		st[i].cpu = -1;
		k[i] = kthread_run_on_cpu(stress_thread_fn, &st[i],
					  num_online_cpus() > 1 ? (int)(i % num_online_cpus()) : -1,
					  "mm-stress");
		KTEST_ASSERT_NOT_NULL(t, k[i]);
	}
	/* Interrupt the workers now and then with atomic allocations. */
	while (!completion_done(&ctx.done)) {
		for (unsigned int i = 0; i < n; i++) {
			int cpu = READ_ONCE(st[i].cpu);

			if (cpu >= 0 && cpu != (int)self && cpu_online(cpu))
				smp_call_function_single(cpu, stress_irq, &ctx, true);
		}
		schedule_timeout_uninterruptible(1);
	}
	for (unsigned int i = 0; i < n; i++)
		kthread_join(k[i]);
	ktest_diag("%u CPUs: %lu allocations, %lu frees, %lu failed, %lu in interrupts",
		   n, ctx.allocs, ctx.frees, ctx.failures, ctx.irq_allocs);
	KTEST_EXPECT_EQ(t, ctx.errors, 0);
	KTEST_EXPECT_EQ(t, ctx.allocs, ctx.frees);
	KTEST_EXPECT_GT(t, ctx.allocs, (unsigned long)smp_total_ops / 4);
	owners_free(&ctx.own);
	KTEST_EXPECT_EQ(t, mm_free_now(), before);
	KTEST_EXPECT_MM_CONSISTENT(t);
}
