// SPDX-License-Identifier: MIT
/*
 * Writes after a free, on purpose, for the VMM's checker to catch (issue
 * 18 items 2 and 5; tests/integration/test_check_uaf.c asserts the
 * report). Not part of any normal suite: run them with
 * `vmm --check-every MS --test 'checkbug.uaf_*'`.
 *
 *   checkbug.uaf_page   frees a 2 MiB block (to the buddy lists: no CPU
 *                       cache hands it out again soon), waits for a check
 *                       to see it free, writes 64 bytes into its 6th page
 *   checkbug.uaf_object frees an object of a SLAB_POISON | SLAB_STORE_USER
 *                       cache, waits, writes one byte at offset 8 of it,
 *                       waits, and puts the poison back (the guest's own
 *                       check would report it too when the cache goes)
 *
 * Each waits checkbug_wait=MS (default 2000) after the free and again
 * after the write, so that a check run falls in each wait, and prints
 * "checkbug uaf_page: wrote pa 0x..." (the page's physical address) or
 * "checkbug uaf_object: wrote 0x... cache checkbug-poison" (the object's
 * address) for the host to match the report's address with.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

static int checkbug_wait_ms = 2000;

static int __init_checkbug_wait(char *val)
{
	if (!param_get_int(val, &checkbug_wait_ms) || checkbug_wait_ms < 0)
		return -1;
	return 0;
}
__setup("checkbug_wait=", __init_checkbug_wait);

#define UAF_PAGE_ORDER	9	/* above the per-CPU lists' orders */
#define UAF_PAGE_INDEX	5

KTEST(checkbug, uaf_page)
{
	struct page *block = alloc_pages(GFP_KERNEL, UAF_PAGE_ORDER);
	char *victim;

	KTEST_ASSERT_NOT_NULL(t, block);
	victim = page_address(block + UAF_PAGE_INDEX);
	memset(victim, 0, PAGE_SIZE);
	__free_pages(block, UAF_PAGE_ORDER);
	ktest_diag("checkbug uaf_page: freed pa %#lx order %d",
		   page_to_pfn(block) << PAGE_SHIFT, UAF_PAGE_ORDER);
	msleep(checkbug_wait_ms);
	memset(victim, 0x6b, 64);	/* the bug */
	ktest_diag("checkbug uaf_page: wrote pa %#lx",
		   page_to_pfn(block + UAF_PAGE_INDEX) << PAGE_SHIFT);
	msleep(checkbug_wait_ms);
}

#define UAF_OBJECT_SIZE		128
#define UAF_OBJECT_OFFSET	8

KTEST(checkbug, uaf_object)
{
	struct kmem_cache *s = kmem_cache_create("checkbug-poison",
						 UAF_OBJECT_SIZE, 0,
						 SLAB_POISON | SLAB_STORE_USER,
						 NULL);
	u8 *obj;

	KTEST_ASSERT_NOT_NULL(t, s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, obj);
	kmem_cache_free(s, obj);
	ktest_diag("checkbug uaf_object: freed %p", obj);
	msleep(checkbug_wait_ms);
	obj[UAF_OBJECT_OFFSET] = 0x42;	/* the bug */
	ktest_diag("checkbug uaf_object: wrote %#lx cache checkbug-poison",
		   (unsigned long)obj);
	msleep(checkbug_wait_ms);
	obj[UAF_OBJECT_OFFSET] = POISON_FREE;
	kmem_cache_destroy(s);
}
