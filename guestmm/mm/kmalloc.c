// SPDX-License-Identifier: MIT
/*
 * kmalloc and friends: size classes over slab caches (slab.h explains the
 * classes), and the page allocator beyond KMALLOC_MAX_CACHE_SIZE.
 *
 * A kmalloc block knows where it came from by its page: PG_slab pages name
 * their cache; a large block is the head of a compound (__GFP_COMP)
 * allocation, whose order the page allocator keeps. kfree needs no header.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "slab.h"
#include "internal.h"

enum kmalloc_type { KMALLOC_NORMAL, KMALLOC_DMA, NR_KMALLOC_TYPES };

/*
 * Indexed by kmalloc_index(): [1] is 96 bytes, [2] is 192, [n] is 2^n. A
 * row is 16 entries, a power of two, so that the type's row is a shift.
 */
struct kmem_cache *kmalloc_caches[2][KMALLOC_ROW];
BUILD_BUG_ON(NR_KMALLOC_TYPES != 2);
BUILD_BUG_ON(KMALLOC_ROW < KMALLOC_SHIFT_HIGH + 1);

/*
 * Sizes up to 192 in steps of 8, from 0: their cache index (Linux's
 * size_index). Size 0 has index 0, never a cache: kmalloc(0) takes the
 * no-cache path, which answers ZERO_SIZE_PTR, so the fast path tests the
 * cache it found and not the size as well.
 */
static const u8 size_index[25] = {
	0,				/* 0 */
	3, 4, 5, 5, 6, 6, 6, 6,		/* 8 16 32 32 64 64 64 64 */
	1, 1, 1, 1, 7, 7, 7, 7,		/* 96 x4, 128 x4 */
	2, 2, 2, 2, 2, 2, 2, 2,		/* 192 x8 */
};

static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (likely(size <= 192))
		return size_index[(size + 7) / 8];
	return 64 - __builtin_clzl(size - 1);
}

static __always_inline enum kmalloc_type kmalloc_type(gfp_t flags)
{
	return (flags & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_NORMAL;
}

static unsigned int class_size(unsigned int idx)
{
	if (idx == 1)
		return 96;
	if (idx == 2)
		return 192;
	return 1U << idx;
}

/* ---- large blocks: straight from the page allocator ------------------- */

/*
 * The pages are the caller's: the page owner names it, not kmalloc. Blocks
 * up to 128 KiB come off this CPU's per-CPU list of their order.
 */
static noinline void *kmalloc_large(size_t size, gfp_t flags,
				    unsigned long caller)
{
	struct page *page;

	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	/* Must be direct-mapped: no highmem, whatever the caller allowed. */
	flags = (flags & ~__GFP_HIGHMEM) | __GFP_COMP;
	page = alloc_pages_caller(flags, get_order(size), caller);
	if (!page)
		return NULL;
	return page_address(page);
}

/* page is virt_to_page(p), p a direct-map address: a block starts a page. */
static noinline void kfree_large(struct page *page, const void *p,
				 unsigned long caller)
{
	if (!PageHead(page) || ((unsigned long)p & ~PAGE_MASK)) {
		slab_report_invalid_free(NULL, p, caller,
					 "neither a slab object nor a large kmalloc block");
		return;
	}
	/* The last reference: a plain block, for __free_pages' fast path. */
	if (likely(page_count(page) == 1))
		__ClearPageHead(page);
	__free_pages(page, page->order);
}

/* ---- the size classes --------------------------------------------------- */

static __always_inline void *do_kmalloc(size_t size, gfp_t flags,
					unsigned long caller);

/*
 * No cache for the size: kmalloc(0) (ZERO_SIZE_PTR), or kmalloc before
 * kmem_cache_init(), which sets slab up if the page allocator is (a hosted
 * program that only called hosted_boot()), else fails loudly.
 */
static noinline void *kmalloc_no_cache(size_t size, gfp_t flags,
				       unsigned long caller)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (WARN_ON_ONCE(slab_is_up || !page_alloc_ready))
		return NULL;
	kmem_cache_init();
	return do_kmalloc(size, flags, caller);
}

/*
 * A DMA-zone or zeroed allocation: off the fast path, whose test of both
 * flags is one instruction (Linux's kmalloc_type() tests its not-normal
 * bits together the same way).
 */
static noinline void *kmalloc_special(size_t size, gfp_t flags,
				      unsigned long caller)
{
	struct kmem_cache *s;
	void *p;

	s = kmalloc_caches[kmalloc_type(flags)][kmalloc_index(size)];
	if (unlikely(!s))
		return kmalloc_no_cache(size, flags, caller);
	p = slab_alloc(s, flags, caller);
	if (p && (flags & __GFP_ZERO))
		memset(p, 0, s->object_size);
	return p;
}

static __always_inline void *do_kmalloc(size_t size, gfp_t flags,
					unsigned long caller)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, flags, caller);
	if (unlikely(flags & (__GFP_DMA | __GFP_ZERO)))
		return kmalloc_special(size, flags, caller);
	s = kmalloc_caches[KMALLOC_NORMAL][kmalloc_index(size)];
	if (unlikely(!s))
		return kmalloc_no_cache(size, flags, caller);
	return slab_alloc(s, flags, caller);
}

__fastpath void *kmalloc(size_t size, int flags)
{
	return do_kmalloc(size, flags, _RET_IP_);
}

void *kzalloc(size_t size, int flags)
{
	return do_kmalloc(size, flags | __GFP_ZERO, _RET_IP_);
}

void *kmalloc_array(size_t n, size_t size, int flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_kmalloc(bytes, flags, _RET_IP_);
}

void *kcalloc(size_t n, size_t size, int flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return do_kmalloc(bytes, flags | __GFP_ZERO, _RET_IP_);
}

static __always_inline void do_kfree(const void *p, unsigned long caller)
{
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	if (unlikely(!virt_addr_valid(p))) {
		slab_report_invalid_free(NULL, p, caller, "not a direct-map address");
		return;
	}
	page = virt_to_page(p);
	if (likely(PageSlab(page))) {
		slab_free(page->slab_cache, p, caller);
		return;
	}
	kfree_large(page, p, caller);
}

__fastpath void kfree(const void *p)
{
	do_kfree(p, _RET_IP_);
}

size_t ksize(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	page = virt_to_page(p);
	if (PageSlab(page))
		return page->slab_cache->object_size;
	return PAGE_SIZE << compound_order(page);
}

void *krealloc(const void *p, size_t new_size, int flags)
{
	size_t have;
	void *n;

	if (unlikely(!new_size)) {
		do_kfree(p, _RET_IP_);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return do_kmalloc(new_size, flags, _RET_IP_);
	have = ksize(p);
	if (new_size <= have)
		return (void *)p;
	n = do_kmalloc(new_size, flags, _RET_IP_);
	if (!n)
		return NULL;	/* p is untouched, as on Linux */
	memcpy(n, p, have);
	do_kfree(p, _RET_IP_);
	return n;
}

void kfree_sensitive(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return;
	/* the whole block, not just what was asked: ksize() bytes */
	memset((void *)p, 0, ksize(p));
	barrier();	/* the stores happen: the block is read after free */
	do_kfree(p, _RET_IP_);
}

void *kmemdup(const void *src, size_t len, int flags)
{
	void *p = do_kmalloc(len, flags, _RET_IP_);

	if (p)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, int flags)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	p = do_kmalloc(len, flags, _RET_IP_);
	if (p)
		memcpy(p, s, len);
	return p;
}

/* ---- kmem_cache_init() ---------------------------------------------------- */

static void create_kmalloc_cache(enum kmalloc_type type, unsigned int idx)
{
	static const char *const prefix[NR_KMALLOC_TYPES] = { "", "dma-" };
	unsigned int size = class_size(idx);
	unsigned long flags = SLAB_KMALLOC | SLAB_PANIC;
	/* A power of two is aligned to itself, as Linux promises. */
	size_t align = (size & (size - 1)) ? ARCH_KMALLOC_MINALIGN :
		       min_t(size_t, size, PAGE_SIZE);
	char name[KMEM_CACHE_NAME_LEN];

	if (type == KMALLOC_DMA)
		flags |= SLAB_CACHE_DMA;
	if (size >= 1024)
		snprintf(name, sizeof(name), "%skmalloc-%uk", prefix[type], size >> 10);
	else
		snprintf(name, sizeof(name), "%skmalloc-%u", prefix[type], size);
	kmalloc_caches[type][idx] = __kmem_cache_create(name, size, align, flags,
							NULL, _RET_IP_);
}

void kmalloc_caches_init(void)
{
	unsigned int type, idx;

	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));

	for (type = 0; type < NR_KMALLOC_TYPES; type++) {
		for (idx = KMALLOC_SHIFT_LOW; idx <= KMALLOC_SHIFT_HIGH; idx++) {
			create_kmalloc_cache(type, idx);
			if (idx == 6)
				create_kmalloc_cache(type, 1);	/* 96 */
			if (idx == 7)
				create_kmalloc_cache(type, 2);	/* 192 */
		}
	}
}
