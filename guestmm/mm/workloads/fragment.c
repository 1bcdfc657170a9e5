// SPDX-License-Identifier: MIT
/*
 * fragment: each thread allocates blocks=N blocks of random orders
 * (0..max_order), one a step, then frees a random half of them, one a
 * step, and repeats: the survivors pin their neighbours' buddies, so the
 * free lists drift towards small orders (watch query-zones' free_area).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workload.h>

enum { P_MAX_ORDER, P_BLOCKS };
static const struct workload_param_def fragment_params[] = {
	[P_MAX_ORDER] = { "max_order", 5, 0, MAX_ORDER - 1 },
	[P_BLOCKS] = { "blocks", 64, 2, 4096 },
	{ NULL }
};

struct fragment_block {
	struct page *page;
	unsigned int order;
};

struct fragment {
	unsigned int held, to_free;	/* to_free > 0: the freeing half */
	struct fragment_block b[];
};

static int fragment_thread_init(struct workload_thread *t)
{
	t->priv = kzalloc(sizeof(struct fragment) + t->wl->param[P_BLOCKS] *
			  sizeof(struct fragment_block), GFP_KERNEL);
	return t->priv ? 0 : -ENOMEM;
}

static void free_block(struct workload_thread *t, struct fragment_block *b)
{
	struct fragment *f = t->priv;

	__free_pages(b->page, b->order);
	workload_unhold(t->wl, PAGE_SIZE << b->order);
	b->page = NULL;
	f->held--;
}

/* The first block from a random index that is (@used) or is not in use. */
static struct fragment_block *pick(struct workload_thread *t, bool used)
{
	struct fragment *f = t->priv;
	unsigned long n = t->wl->param[P_BLOCKS];
	unsigned long i = workload_rand(t) % n;

	for (unsigned long k = 0; k < n; k++, i = (i + 1) % n)
		if (!f->b[i].page == !used)
			return &f->b[i];
	return NULL;
}

static int fragment_step(struct workload_thread *t)
{
	struct fragment *f = t->priv;
	struct fragment_block *b;

	if (f->to_free) {
		f->to_free--;
		free_block(t, pick(t, true));
		return 0;
	}
	b = pick(t, false);
	b->order = workload_rand_range(t, 0, t->wl->param[P_MAX_ORDER]);
	b->page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, b->order);
	if (!b->page)
		return -ENOMEM;
	workload_hold(t->wl, PAGE_SIZE << b->order);
	if (++f->held == t->wl->param[P_BLOCKS])
		f->to_free = f->held / 2;
	return 0;
}

static void fragment_release(struct workload_thread *t)
{
	struct fragment *f = t->priv;

	for (unsigned long i = 0; f && i < t->wl->param[P_BLOCKS]; i++)
		if (f->b[i].page)
			free_block(t, &f->b[i]);
	kfree(f);
	t->priv = NULL;
}

const struct workload_type workload_fragment = {
	.name = "fragment",
	.params = fragment_params,
	.thread_init = fragment_thread_init,
	.step = fragment_step,
	.release = fragment_release,
};
