// SPDX-License-Identifier: MIT
/*
 * Slab debugging: each detection fires on its bug, once, and never on
 * correct code. Every case checks the error counters relative to its start,
 * so the cases can run in any order in one guest.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/bug.h>
#include <linux/ktest.h>
#include "../slab.h"

#define DEBUG_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

struct counts {
	unsigned long err[SLAB_ERR_NR];
	unsigned long warns;
};

static void snap(struct counts *c)
{
	int e;

	for (e = 0; e < SLAB_ERR_NR; e++)
		c->err[e] = slab_error_count(e);
	c->warns = warn_count;
}

/* Exactly `n` new detections of kind e, none of another kind, n WARNs. */
static bool only(struct ktest *t, const struct counts *before,
		 enum slab_error e, unsigned long n)
{
	bool ok = true;
	int k;

	for (k = 0; k < SLAB_ERR_NR; k++) {
		unsigned long got = slab_error_count(k) - before->err[k];

		if (got != (k == (int)e ? n : 0)) {
			ktest_fail(t, __FILE__, __LINE__,
				   "slab error %d: %lu new, expected %lu", k, got,
				   k == (int)e ? n : 0UL);
			ok = false;
		}
	}
	ok &= KTEST_EXPECT_EQ(t, warn_count - before->warns, n);
	return ok;
}

static struct kmem_cache *debug_cache(const char *name, size_t size)
{
	return kmem_cache_create(name, size, 0, DEBUG_FLAGS, NULL);
}

KTEST(slab_debug, double_free)
{
	struct kmem_cache *c = debug_cache("ktest-dbl", 100);
	struct counts before;
	void *a, *b, *x, *y;

	KTEST_ASSERT_NOT_NULL(t, c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	snap(&before);
	kmem_cache_free(c, a);		/* not the last one freed: still caught */
	only(t, &before, SLAB_ERR_DOUBLE_FREE, 1);
	/* The second free was dropped: the freelist is sound. */
	x = kmem_cache_alloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_EXPECT_NE(t, x, y);
	kmem_cache_free(c, x);
	kmem_cache_free(c, y);
	KTEST_EXPECT_EQ(t, kmem_cache_validate(c), 0);
	kmem_cache_destroy(c);
}

/* Without debugging the fast path still catches an immediate repeat. */
KTEST(slab_debug, double_free_fast_path)
{
	struct kmem_cache *c = kmem_cache_create("ktest-dbl-fast", 64, 0, 0, NULL);
	struct counts before;
	void *a, *b;

	KTEST_ASSERT_NOT_NULL(t, c);
	if (slab_debug(c)) {
		kmem_cache_destroy(c);
		ktest_skip(t, "slub_debug= made this cache a debug cache");
		return;
	}
	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	kmem_cache_free(c, a);
	snap(&before);
	kmem_cache_free(c, a);
	only(t, &before, SLAB_ERR_DOUBLE_FREE, 1);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_EXPECT_NE(t, a, b);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
}

static char not_heap[64];

KTEST(slab_debug, invalid_free)
{
	struct kmem_cache *c = debug_cache("ktest-inval", 100);
	struct kmem_cache *other = debug_cache("ktest-inval-other", 100);
	struct counts before;
	u8 *a, *b;

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_ASSERT_NOT_NULL(t, other);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(other, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	KTEST_ASSERT_NOT_NULL(t, b);

	snap(&before);
	kmem_cache_free(c, a + 8);	/* inside an object */
	only(t, &before, SLAB_ERR_INVALID_FREE, 1);
	snap(&before);
	kmem_cache_free(c, b);		/* another cache's object */
	only(t, &before, SLAB_ERR_INVALID_FREE, 1);
	snap(&before);
	kfree(not_heap);		/* no slab, no heap at all */
	only(t, &before, SLAB_ERR_INVALID_FREE, 1);

	snap(&before);
	kmem_cache_free(c, a);
	kmem_cache_free(other, b);
	only(t, &before, SLAB_ERR_NR, 0);
	kmem_cache_destroy(c);
	kmem_cache_destroy(other);
}

KTEST(slab_debug, redzone_overwrite)
{
	struct kmem_cache *c = debug_cache("ktest-rz", 100);
	struct counts before;
	u8 *a;

	KTEST_ASSERT_NOT_NULL(t, c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	snap(&before);
	a[100] = 0;			/* one byte past the end */
	kmem_cache_free(c, a);
	only(t, &before, SLAB_ERR_REDZONE, 1);

	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	snap(&before);
	a[-1] = 0;			/* one byte before the start */
	kmem_cache_free(c, a);
	only(t, &before, SLAB_ERR_REDZONE, 1);
	/* Repaired: the cache is sound again. */
	KTEST_EXPECT_EQ(t, kmem_cache_validate(c), 0);
	kmem_cache_destroy(c);
}

KTEST(slab_debug, kmalloc_redzone_via_slub_debug)
{
	char saved[SLUB_DEBUG_STR_LEN];
	bool given = slub_debug_given;
	struct kmem_cache *c;
	struct counts before;
	u8 *a;

	/* A kmalloc-like cache made while slub_debug=Z names it. */
	memcpy(saved, slub_debug_str, sizeof(saved));
	slab_debug_setup("Z,ktest-kmalloc-rz");
	c = kmem_cache_create("ktest-kmalloc-rz", 64, 64, 0, NULL);
	memcpy(slub_debug_str, saved, sizeof(saved));
	slub_debug_given = given;
	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_EXPECT_TRUE(t, c->flags & SLAB_RED_ZONE);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	KTEST_EXPECT_EQ(t, (unsigned long)a % 64, 0);
	snap(&before);
	a[64] = 1;
	kfree(a);
	only(t, &before, SLAB_ERR_REDZONE, 1);
	kmem_cache_destroy(c);
}

KTEST(slab_debug, write_after_free)
{
	struct kmem_cache *c = debug_cache("ktest-uaf", 100);
	struct counts before;
	u8 *a, *b;

	KTEST_ASSERT_NOT_NULL(t, c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	kmem_cache_free(c, a);
	snap(&before);
	a[10] = 0x42;			/* the bug */
	KTEST_EXPECT_EQ(t, kmem_cache_validate(c), 1);
	only(t, &before, SLAB_ERR_POISON, 1);

	/*
	 * Repaired by the check; a new write is caught when the object would
	 * be reused (LIFO: it is next), and it is not: its slab is retired.
	 */
	a[99] = 0x42;
	snap(&before);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, b);
	KTEST_EXPECT_NE(t, b, a);
	KTEST_EXPECT_NE(t, virt_to_slab(c, b), virt_to_slab(c, a));
	only(t, &before, SLAB_ERR_POISON, 1);
	KTEST_EXPECT_FALSE(t, list_empty(&c->slabs_retired));
	kmem_cache_free(c, b);
	KTEST_EXPECT_EQ(t, kmem_cache_validate(c), 0);
	kmem_cache_destroy(c);
}

KTEST(slab_debug, leaks_at_destroy)
{
	struct kmem_cache *c = debug_cache("ktest-leak", 32);
	struct counts before;
	void *objs[3];
	unsigned int i;

	KTEST_ASSERT_NOT_NULL(t, c);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	snap(&before);
	kmem_cache_destroy(c);
	only(t, &before, SLAB_ERR_LEAK, 1);
	/* Kept, so the leaked objects stay valid memory; freeable later. */
	KTEST_EXPECT_TRUE(t, c->leaked);
	KTEST_EXPECT_EQ(t, c->magic, KMEM_CACHE_MAGIC);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(c, objs[i]);
	snap(&before);
	kmem_cache_destroy(c);
	only(t, &before, SLAB_ERR_NR, 0);
}

/* Leaks are found without debug flags too: the count is always kept. */
KTEST(slab_debug, leaks_at_destroy_plain_cache)
{
	struct kmem_cache *c = kmem_cache_create("ktest-leak-plain", 32, 0, 0, NULL);
	struct counts before;
	void *obj;

	KTEST_ASSERT_NOT_NULL(t, c);
	obj = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, obj);
	snap(&before);
	kmem_cache_destroy(c);
	only(t, &before, SLAB_ERR_LEAK, 1);
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
}

/* The alloc and free tracks hold the callers: this function. */
KTEST(slab_debug, tracks_name_the_call_sites)
{
	struct kmem_cache *c = debug_cache("ktest-track", 48);
	unsigned long here = (unsigned long)ktest_slab_debug_tracks_name_the_call_sites;
	struct slab_track *tr;
	void *a;

	KTEST_ASSERT_NOT_NULL(t, c);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, a);
	tr = (struct slab_track *)((char *)a - c->red_left_pad + c->track_offset);
	KTEST_EXPECT_GE(t, tr[TRACK_ALLOC].addr, here);
	KTEST_EXPECT_LT(t, tr[TRACK_ALLOC].addr, here + 4096);
	KTEST_EXPECT_EQ(t, tr[TRACK_FREE].addr, 0);
	kmem_cache_free(c, a);
	KTEST_EXPECT_GE(t, tr[TRACK_FREE].addr, here);
	KTEST_EXPECT_LT(t, tr[TRACK_FREE].addr, here + 4096);
	kmem_cache_destroy(c);
}

/* Correct code on debug caches: many objects, every size, no report. */
KTEST(slab_debug, silent_on_correct_code)
{
	struct kmem_cache *caches[4];
	static const size_t sizes[] = { 8, 100, 1000, 5000 };
	struct counts before;
	void *objs[4][100];
	unsigned int i, j, round;

	snap(&before);
	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		caches[i] = kmem_cache_create("ktest-clean", sizes[i], 0, DEBUG_FLAGS, NULL);
		KTEST_ASSERT_NOT_NULL(t, caches[i]);
	}
	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(caches); i++)
			for (j = 0; j < 100; j++) {
				objs[i][j] = kmem_cache_alloc(caches[i], GFP_KERNEL);
				memset(objs[i][j], j, sizes[i]);	/* all of it, no more */
			}
		for (i = 0; i < ARRAY_SIZE(caches); i++)
			for (j = 0; j < 100; j++)
				kmem_cache_free(caches[i], objs[i][(j * 37) % 100]);
	}
	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		KTEST_EXPECT_EQ(t, kmem_cache_validate(caches[i]), 0);
		kmem_cache_destroy(caches[i]);
	}
	only(t, &before, SLAB_ERR_NR, 0);
}

KTEST(slab_debug, slub_debug_cmdline)
{
	char saved[SLUB_DEBUG_STR_LEN];
	bool given = slub_debug_given;

	memcpy(saved, slub_debug_str, sizeof(saved));

	slab_debug_setup("PZU,ktest-cmd-*,other");
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("ktest-cmd-a"),
			SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER);
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("other"),
			SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER);
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("otherwise"), 0);
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("kmalloc-64"), 0);

	slab_debug_setup("Z;P,ktest-p");
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("ktest-p"), SLAB_POISON);
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("ktest-q"), SLAB_RED_ZONE);

	slab_debug_setup("fu");
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("any"),
			SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER);

	slab_debug_setup(NULL);		/* bare "slub_debug": everything */
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("any"),
			SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
			SLAB_STORE_USER);
	slab_debug_setup(",kmalloc-8");	/* no letters: everything, named only */
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("kmalloc-8") & SLAB_POISON, SLAB_POISON);
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("kmalloc-16"), 0);

	slab_debug_setup("-");
	KTEST_EXPECT_EQ(t, slab_debug_flags_for("any"), 0);

	memcpy(slub_debug_str, saved, sizeof(saved));
	slub_debug_given = given;
}

/* A ctor forbids poison (it would destroy the constructed state). */
static void ctor_noop(void *p)
{
	*(unsigned long *)p = 0x1234;
}

KTEST(slab_debug, ctor_cache_keeps_state_under_debug)
{
	struct kmem_cache *c = kmem_cache_create("ktest-dbg-ctor", 64, 0,
						 DEBUG_FLAGS, ctor_noop);
	struct counts before;
	unsigned long *p;

	KTEST_ASSERT_NOT_NULL(t, c);
	KTEST_EXPECT_FALSE(t, c->flags & SLAB_POISON);
	snap(&before);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_EXPECT_EQ(t, *p, 0x1234);
	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	KTEST_EXPECT_EQ(t, *p, 0x1234);
	kmem_cache_free(c, p);
	only(t, &before, SLAB_ERR_NR, 0);
	kmem_cache_destroy(c);
}
