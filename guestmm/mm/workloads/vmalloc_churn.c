// SPDX-License-Identifier: MIT
/*
 * vmalloc_churn: each thread holds up to areas=N vmalloc() areas of
 * random sizes (a page..max_size) and at every step frees a random one
 * it holds or maps a new one, touching its first and last byte: the vmap
 * area tree and the page tables under VMALLOC_START churn
 * (query-vmallocinfo).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workload.h>

enum { P_MAX_SIZE, P_AREAS };
static const struct workload_param_def vmalloc_params[] = {
	[P_MAX_SIZE] = { "max_size", 65536, PAGE_SIZE, 4UL << 20 },
	[P_AREAS] = { "areas", 16, 1, 1024 },
	{ NULL }
};

struct vm_area_slot {
	u8 *p;
	unsigned long size;	/* page-rounded */
};

static int vmalloc_thread_init(struct workload_thread *t)
{
	t->priv = kcalloc(t->wl->param[P_AREAS], sizeof(struct vm_area_slot),
			  GFP_KERNEL);
	return t->priv ? 0 : -ENOMEM;
}

static int vmalloc_step(struct workload_thread *t)
{
	struct vm_area_slot *s = t->priv;

	s += workload_rand(t) % t->wl->param[P_AREAS];
	if (s->p) {
		vfree(s->p);
		workload_unhold(t->wl, s->size);
		s->p = NULL;
		return 0;
	}
	s->size = PAGE_ALIGN(workload_rand_range(t, PAGE_SIZE,
						 t->wl->param[P_MAX_SIZE]));
	s->p = vmalloc(s->size);
	if (!s->p)
		return -ENOMEM;
	s->p[0] = 1;
	s->p[s->size - 1] = 1;
	workload_hold(t->wl, s->size);
	return 0;
}

static void vmalloc_release(struct workload_thread *t)
{
	struct vm_area_slot *s = t->priv;

	for (unsigned long i = 0; s && i < t->wl->param[P_AREAS]; i++) {
		if (!s[i].p)
			continue;
		vfree(s[i].p);
		workload_unhold(t->wl, s[i].size);
	}
	kfree(s);
	t->priv = NULL;
}

const struct workload_type workload_vmalloc_churn = {
	.name = "vmalloc_churn",
	.params = vmalloc_params,
	.thread_init = vmalloc_thread_init,
	.step = vmalloc_step,
	.release = vmalloc_release,
};
