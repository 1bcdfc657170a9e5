// SPDX-License-Identifier: MIT
/*
 * slab_churn: caches=N kmem_caches of random object sizes (8..max_size),
 * shared by the threads; each thread holds up to objs objects and, at
 * every step, frees a random one it holds or allocates one from a random
 * cache. The caches are destroyed at stop, after every thread freed its
 * objects (a leak there is kmem_cache_destroy's report).
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/workload.h>

#define SLAB_CHURN_CACHES_MAX	64

enum { P_CACHES, P_MAX_SIZE, P_OBJS };
static const struct workload_param_def slab_churn_params[] = {
	[P_CACHES] = { "caches", 16, 1, SLAB_CHURN_CACHES_MAX },
	[P_MAX_SIZE] = { "max_size", 2048, 8, 65536 },
	[P_OBJS] = { "objs", 64, 1, 4096 },
	{ NULL }
};

struct slab_churn {
	unsigned int nr;
	struct kmem_cache *cache[SLAB_CHURN_CACHES_MAX];
	char names[SLAB_CHURN_CACHES_MAX][16];
};

struct slab_obj {
	void *p;
	unsigned int cache;
};

static void slab_churn_teardown(struct workload *wl)
{
	struct slab_churn *sc = wl->priv;

	for (unsigned int i = 0; sc && i < sc->nr; i++)
		kmem_cache_destroy(sc->cache[i]);
	kfree(sc);
	wl->priv = NULL;
}

static int slab_churn_setup(struct workload *wl)
{
	struct workload_thread sizes = { .rand = jiffies * 2654435761UL + 1 };
	struct slab_churn *sc = kzalloc(sizeof(*sc), GFP_KERNEL);

	if (!sc)
		return -ENOMEM;
	wl->priv = sc;
	for (sc->nr = 0; sc->nr < wl->param[P_CACHES]; sc->nr++) {
		size_t size = workload_rand_range(&sizes, 8, wl->param[P_MAX_SIZE]);

		snprintf(sc->names[sc->nr], sizeof(sc->names[0]), "wl_slab_%02u",
			 sc->nr);
		sc->cache[sc->nr] = kmem_cache_create(sc->names[sc->nr], size,
						      0, 0, NULL);
		if (!sc->cache[sc->nr]) {
			slab_churn_teardown(wl);
			return -ENOMEM;
		}
	}
	return 0;
}

static int slab_churn_thread_init(struct workload_thread *t)
{
	t->priv = kcalloc(t->wl->param[P_OBJS], sizeof(struct slab_obj),
			  GFP_KERNEL);
	return t->priv ? 0 : -ENOMEM;
}

static int slab_churn_step(struct workload_thread *t)
{
	struct slab_churn *sc = t->wl->priv;
	struct slab_obj *o = t->priv;
	unsigned int i = workload_rand(t) % t->wl->param[P_OBJS];
	struct kmem_cache *c;

	if (o[i].p) {
		c = sc->cache[o[i].cache];
		kmem_cache_free(c, o[i].p);
		workload_unhold(t->wl, kmem_cache_size(c));
		o[i].p = NULL;
		return 0;
	}
	o[i].cache = workload_rand(t) % sc->nr;
	c = sc->cache[o[i].cache];
	o[i].p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
	if (!o[i].p)
		return -ENOMEM;
	*(u8 *)o[i].p = (u8)i;
	workload_hold(t->wl, kmem_cache_size(c));
	return 0;
}

static void slab_churn_release(struct workload_thread *t)
{
	struct slab_churn *sc = t->wl->priv;
	struct slab_obj *o = t->priv;

	for (unsigned long i = 0; o && i < t->wl->param[P_OBJS]; i++) {
		if (!o[i].p)
			continue;
		kmem_cache_free(sc->cache[o[i].cache], o[i].p);
		workload_unhold(t->wl, kmem_cache_size(sc->cache[o[i].cache]));
	}
	kfree(o);
	t->priv = NULL;
}

const struct workload_type workload_slab_churn = {
	.name = "slab_churn",
	.params = slab_churn_params,
	.setup = slab_churn_setup,
	.thread_init = slab_churn_thread_init,
	.step = slab_churn_step,
	.release = slab_churn_release,
	.teardown = slab_churn_teardown,
};
