// SPDX-License-Identifier: MIT
/*
 * leaky: a module that leaks on purpose, one of each kind, so that
 * `vmmctl rmmod leaky` has something to report: objects of a cache it
 * destroys while they are still allocated (the cache is then kept, as
 * Linux keeps it), pages, a vmalloc area and a per-CPU allocation. Every
 * leak is made at load; unloading frees nothing.
 */
#include <linux/module.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static int objects = 3;		/* objects left in the destroyed cache */
static int order = 1;		/* the leaked pages: 2^order */
module_param(objects, int, 0444);
module_param(order, int, 0444);

static void *leaky_objects[16];
static unsigned long leaky_pages;
static void *leaky_area;
static unsigned long __percpu *leaky_counters;

static int __init leaky_init(void)
{
	struct kmem_cache *cache;

	if (objects < 1 || objects > (int)ARRAY_SIZE(leaky_objects) ||
	    order < 0 || order > 4) {
		pr_err("leaky: objects must be 1-16, order 0-4\n");
		return -EINVAL;
	}
	cache = kmem_cache_create("leaky", 96, 0, 0, NULL);
	if (!cache)
		return -ENOMEM;
	for (int i = 0; i < objects; i++)
		leaky_objects[i] = kmem_cache_alloc(cache, GFP_KERNEL);
	/* with live objects: reported, and the cache is kept */
	kmem_cache_destroy(cache);
	leaky_pages = __get_free_pages(GFP_KERNEL, order);
	leaky_area = vmalloc(3 * PAGE_SIZE);
	leaky_counters = alloc_percpu(unsigned long);
	pr_info("leaky: leaking %d objects, %lu pages, a vmalloc area and a per-CPU counter\n",
		objects, 1UL << order);
	return 0;
}

static void __exit leaky_exit(void)
{
	pr_info("leaky: unloading without freeing anything\n");
}

module_init(leaky_init);
module_exit(leaky_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("memvisor examples");
MODULE_DESCRIPTION("leaks one of each kind, for the unload report");
