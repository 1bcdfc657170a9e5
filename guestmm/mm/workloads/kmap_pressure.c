// SPDX-License-Identifier: MIT
/*
 * kmap_pressure: each thread holds up to pages=N pages from HIGHMEM
 * (GFP_HIGHUSER; lower zones when the guest has none, see vmm --lowmem)
 * and maps them one at a time, in turn with kmap() (the shared window,
 * which may sleep for a slot) and kmap_atomic() (this CPU's slots),
 * checking that each page still holds the stamp written through the
 * previous mapping. One step in eight frees a page instead.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workload.h>

enum { P_PAGES };
static const struct workload_param_def kmap_params[] = {
	[P_PAGES] = { "pages", 32, 1, 4096 },
	{ NULL }
};

struct kmap_slot {
	struct page *page;
	u32 stamp;	/* what the page's first word must hold */
};

static int kmap_thread_init(struct workload_thread *t)
{
	t->priv = kcalloc(t->wl->param[P_PAGES], sizeof(struct kmap_slot),
			  GFP_KERNEL);
	return t->priv ? 0 : -ENOMEM;
}

/* Checks the stamp through a mapping of one kind and writes a new one. */
static int remap(struct workload_thread *t, struct kmap_slot *s, bool atomic)
{
	u32 *p = atomic ? kmap_atomic(s->page) : kmap(s->page);
	int err = p[0] == s->stamp ? 0 : -EIO;

	s->stamp = workload_rand(t);
	p[0] = s->stamp;
	if (atomic)
		kunmap_atomic(p);
	else
		kunmap(s->page);
	return err;
}

static int kmap_step(struct workload_thread *t)
{
	struct kmap_slot *s = t->priv;
	unsigned int r = workload_rand(t);
	u32 *p;

	s += r % t->wl->param[P_PAGES];
	if (!s->page) {
		s->page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
		if (!s->page)
			return -ENOMEM;
		workload_hold(t->wl, PAGE_SIZE);
		s->stamp = 0;
		p = kmap_atomic(s->page);
		p[0] = 0;
		kunmap_atomic(p);
		return 0;
	}
	if ((r >> 8) % 8 == 0) {
		__free_page(s->page);
		workload_unhold(t->wl, PAGE_SIZE);
		s->page = NULL;
		return 0;
	}
	return remap(t, s, (r >> 12) & 1);
}

static void kmap_release(struct workload_thread *t)
{
	struct kmap_slot *s = t->priv;

	for (unsigned long i = 0; s && i < t->wl->param[P_PAGES]; i++) {
		if (!s[i].page)
			continue;
		__free_page(s[i].page);
		workload_unhold(t->wl, PAGE_SIZE);
	}
	kfree(s);
	t->priv = NULL;
}

const struct workload_type workload_kmap_pressure = {
	.name = "kmap_pressure",
	.params = kmap_params,
	.thread_init = kmap_thread_init,
	.step = kmap_step,
	.release = kmap_release,
};
