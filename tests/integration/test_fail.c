// SPDX-License-Identifier: MIT
/*
 * Failure injection from outside (vmmctl fail, QMP fail and query-fail),
 * on a running 2-vCPU guest:
 *   - fail kmalloc --probability 100 --times 2: kmalloc 64 fails twice
 *     with -ENOMEM, then succeeds; vmmctl fail counts 2 failures in 3
 *     calls, and the console shows Linux's FAULT_INJECTION line;
 *   - --gfp-mask GFP_ATOMIC fails GFP_ATOMIC kmallocs, not GFP_KERNEL ones;
 *   - fail cache NAME fails that cache only (another cache and kmalloc of
 *     the same size still allocate);
 *   - fail pages 3 fails an order-3 alloc_pages, not an order-0 one;
 *   - a driver's error path: fail cache scullc before its insmod makes
 *     scullc's init fail with its own -ENOMEM, and the loader's leak check
 *     after a failed init finds nothing left behind;
 *   - bad input is one line naming what was wrong.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_cmd.h"
#include "vmm_qmp.h"
#include "vmmctl_run.h"

#define VMMCTL_S	120	/* an insmod copies the module in */

static struct vq v;

/* vmmctl ARGS... must succeed: its stdout and stderr (free it). */
static char *ok(const char *const args[])
{
	return vmmctl_ok(&v, VMMCTL_S, true, args);
}

/* vmmctl ARGS... must fail saying @why. */
static void fails(const char *const args[], const char *why)
{
	vmmctl_fails(&v, VMMCTL_S, args, why);
}

/* vmmctl ARGS... must succeed, its output holding @want. */
static void ok_with(const char *const args[], const char *want)
{
	vmmctl_ok_with(&v, VMMCTL_S, args, want);
}

static void boot(void)
{
	cr_assert_eq(vq_boot(&v, "256M", 2, NULL, "boot complete"), 0,
		     "%s:\n%s", v.why, v.log ? v.log : "");
}

static void finish(void)
{
	vq_stop(&v);
}

TestSuite(fail, .init = boot, .fini = finish, .timeout = 600);

#define KMALLOC_64	(const char *[]){ "kmalloc", "64", "GFP_KERNEL", NULL }

static void kmalloc_twice(void)
{
	ok_with((const char *[]){ "fail", "kmalloc", "--probability", "100",
				  "--times", "2", NULL },
		"failslab: on kmalloc, probability 100%, interval 1, times 2");
	fails(KMALLOC_64, "-ENOMEM");
	fails(KMALLOC_64, "-ENOMEM");
	ok_with(KMALLOC_64, "cache kmalloc-64");
	ok_with((const char *[]){ "fail", NULL },
		"3 calls seen, 2 failures injected");
	cr_expect_eq(vq_wait_for(&v, "FAULT_INJECTION: forcing a failure.", 10),
		     0, "no FAULT_INJECTION line on the console:\n%s",
		     v.log ? v.log : "");
	ok_with((const char *[]){ "fail", "off", NULL }, "failslab: off");
}

/* --gfp-mask GFP_ATOMIC: only allocations whose flags hold all of it. */
static void gfp_mask_filters(void)
{
	ok_with((const char *[]){ "fail", "kmalloc", "--times", "-1",
				  "--gfp-mask", "GFP_ATOMIC", NULL },
		"gfp-mask 0x");
	ok_with(KMALLOC_64, "cache kmalloc-64");
	fails((const char *[]){ "kmalloc", "64", "GFP_ATOMIC", NULL }, "-ENOMEM");
	/* the GFP_KERNEL one never reached should_fail(): the filter is first */
	ok_with((const char *[]){ "fail", NULL }, "1 calls seen, 1 failures injected");
	ok((const char *[]){ "fail", "off", NULL });
}

static void one_cache_only(void)
{
	ok((const char *[]){ "kmem_cache", "create", "fi_target", "48", NULL });
	ok((const char *[]){ "kmem_cache", "create", "fi_bystander", "48", NULL });
	ok_with((const char *[]){ "fail", "cache", "fi_target", "--times", "-1",
				  NULL }, "failslab: on cache fi_target");
	ok_with((const char *[]){ "kmem_cache", "alloc", "fi_bystander", NULL },
		"cache fi_bystander");
	ok_with((const char *[]){ "kmalloc", "48", "GFP_KERNEL", NULL },
		"cache kmalloc-64");
	fails((const char *[]){ "kmem_cache", "alloc", "fi_target", NULL },
	      "-ENOMEM");
	fails((const char *[]){ "kmem_cache", "alloc", "fi_target", NULL },
	      "-ENOMEM");
	ok_with((const char *[]){ "fail", NULL },
		"2 calls seen, 2 failures injected");
	ok((const char *[]){ "fail", "--off", NULL });
	ok_with((const char *[]){ "kmem_cache", "alloc", "fi_target", NULL },
		"cache fi_target");
}

static void pages_from_order(void)
{
	ok_with((const char *[]){ "fail", "pages", "3", "--times", "-1", NULL },
		"fail_page_alloc: on pages order >= 3");
	ok_with((const char *[]){ "alloc_pages", "0", "GFP_KERNEL", NULL },
		"(order 0)");
	fails((const char *[]){ "alloc_pages", "3", "GFP_KERNEL", NULL },
	      "-ENOMEM");
	ok_with((const char *[]){ "fail", NULL }, "1 calls seen, 1 failures injected");
	ok((const char *[]){ "fail", "off", "pages", NULL });
	ok_with((const char *[]){ "alloc_pages", "3", "GFP_KERNEL", NULL },
		"(order 3)");
}

/* Bad input: one line naming what was wrong, nothing armed. */
static void bad_input(void)
{
	fails((const char *[]){ "fail", "kmalloc", "--probability", "101", NULL },
	      "not a number in 0..100");
	fails((const char *[]){ "fail", "pages", NULL }, "pages needs ORDER");
	fails((const char *[]){ "fail", "kmalloc", "--gfp-mask", "GFP_BOGUS", NULL },
	      "unknown GFP flag 'GFP_BOGUS'");
	fails((const char *[]){ "fail", "cache", "a_name_longer_than_31_bytes_of_cache",
				NULL }, "'name' must be 1 to 31 bytes");
	ok_with((const char *[]){ "fail", NULL }, "failslab: off");
}

/* One boot for all of them: CI's time. */
Test(fail, kmalloc_cache_and_pages)
{
	bad_input();
	kmalloc_twice();
	gfp_mask_filters();
	one_cache_only();
	pages_from_order();
}

/*
 * scullc's init creates its cache, then fills a mempool from it: the
 * first fill fails, and the init's error path (scullc_cleanup) must undo
 * the rest. The loader reports what a failed init left behind.
 */
Test(fail, driver_error_path)
{
	char *out;

	ok_with((const char *[]){ "fail", "cache", "scullc", NULL },
		"cache scullc (not created yet)");
	cr_assert_neq(vmmctl_out(&v, VMMCTL_S, true, &out, (const char *[]){
			"insmod", example_ko("scullc"), NULL }),
		      0, "insmod scullc should fail: %s", out);
	cr_expect(strstr(out, "scullc: init_module failed: -12"),
		  "want scullc's own -ENOMEM, got: %s", out);
	cr_expect(!strstr(out, "leak"), "scullc's error path leaked: %s", out);
	free(out);
	ok_with((const char *[]){ "fail", NULL }, "1 calls seen, 1 failures injected");
	out = ok((const char *[]){ "slabinfo", NULL });
	cr_expect(!strstr(out, "scullc "), "scullc's cache outlived its failed init:\n%s",
		  out);
	free(out);
}
