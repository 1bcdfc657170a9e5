// SPDX-License-Identifier: MIT
/*
 * test_kmodd: a module that leaves behind a cache with an object, two
 * pages and a vmalloc area; rmmod must name each, with its caller here.
 */
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static struct kmem_cache *cache;
static void *object, *area;
static struct page *pages;

static int __init mt_leaky_init(void)
{
	cache = kmem_cache_create("mt_leaky", 40, 0, 0, NULL);
	if (!cache)
		return -ENOMEM;
	object = kmem_cache_alloc(cache, GFP_KERNEL);
	pages = alloc_pages(GFP_KERNEL, 1);
	area = vmalloc(2 * PAGE_SIZE);
	return object && pages && area ? 0 : -ENOMEM;
}

static void __exit mt_leaky_exit(void)
{
}

module_init(mt_leaky_init);
module_exit(mt_leaky_exit);
MODULE_LICENSE("GPL");
