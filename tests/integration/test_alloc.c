// SPDX-License-Identifier: MIT
/*
 * Allocations from outside (vmmctl kmalloc and the other allocation verbs,
 * over V alloc and the guest's ring), on a running 2-vCPU guest:
 * `kmalloc 100 'GFP_KERNEL|__GFP_DMA'` answers an address below 16 MiB whose
 * page-owner (vmmctl owner) names the DMA kmalloc-128 cache in zone DMA,
 * kfree frees it; --atomic with GFP_KERNEL raises SLEEP_BUG (and the
 * console's "sleeping function called from invalid context") while
 * GFP_ATOMIC from the interrupt works on the CPU asked; one case per other
 * family (kmem_cache, alloc_pages, vmalloc, mempool, alloc_percpu,
 * dma_fill); allocs lists and free --all empties.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_cmd.h"
#include "vmm_qmp.h"
#include "vmmctl_run.h"

#define VMMCTL_S	60
#define DIRECT_MAP	0xffff888000000000ULL
#define DMA_LIMIT	(16ULL << 20)

static struct vq v;

/* vmmctl ARGS... on our socket: its status; stdout and stderr in *@out. */
static int vmmctl(char **out, const char *const args[])
{
	return vmmctl_out(&v, VMMCTL_S, true, out, args);
}

/* vmmctl ARGS... must succeed: its stdout and stderr (free it). */
static char *ok(const char *const args[])
{
	return vmmctl_ok(&v, VMMCTL_S, true, args);
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

TestSuite(alloc, .init = boot, .fini = finish, .timeout = 600);

/* "handle H: OBJECT ..." of an allocation's answer: H. */
static unsigned int handle_of(const char *out)
{
	unsigned int h;

	cr_assert_eq(sscanf(out, "handle %u:", &h), 1, "no handle in: %s", out);
	return h;
}

static uint64_t hex_after(const char *out, const char *key)
{
	const char *p = strstr(out, key);

	cr_assert_not_null(p, "no '%s' in: %s", key, out);
	return strtoull(p + strlen(key), NULL, 16);
}

/* An event named @name (with the vendor prefix) within @secs, or NULL. */
static json_t *event(const char *name, double secs)
{
	double end = vq_now() + secs;
	json_t *m;

	while (vq_now() < end && (m = vq_recv(&v, end - vq_now()))) {
		const char *ev = json_string_value(json_object_get(m, "event"));

		if (ev && strstr(ev, name))
			return m;
		json_decref(m);
	}
	return NULL;
}

Test(alloc, kmalloc_dma_owner_kfree_and_atomic)
{
	char *out, *owner, h[16], phys[32];
	uint64_t addr, pfn;
	json_t *ev;

	out = ok((const char *[]){ "kmalloc", "100", "GFP_KERNEL|__GFP_DMA", NULL });
	addr = hex_after(out, " at 0x");
	pfn = hex_after(out, "pfn 0x");
	cr_expect(addr >= DIRECT_MAP && addr - DIRECT_MAP < DMA_LIMIT,
		  "not below 16 MiB: %s", out);
	cr_expect_eq(pfn, (addr - DIRECT_MAP) >> 12, "%s", out);
	cr_expect(strstr(out, "zone DMA, cache dma-kmalloc-128"), "%s", out);
	snprintf(h, sizeof(h), "%u", handle_of(out));
	snprintf(phys, sizeof(phys), "0x%" PRIx64, (uint64_t)(addr - DIRECT_MAP));
	owner = ok((const char *[]){ "owner", phys, NULL });
	cr_expect(strstr(owner, "slab cache=dma-kmalloc-128") &&
		  strstr(owner, "zone=DMA"),
		  "page-owner of %s names no kmalloc-128 in DMA: %s", phys, owner);
	free(owner);
	free(out);

	out = ok((const char *[]){ "kfree", h, NULL });
	cr_expect_str_eq(out, "kfree: done [CPU 0]\n");
	free(out);
	cr_expect_neq(vmmctl(&out, (const char *[]){ "kfree", h, NULL }), 0);
	cr_expect(strstr(out, "vmmctl: kfree: -ENOENT"), "twice: %s", out);
	free(out);

	out = ok((const char *[]){ "kmalloc", "64", "GFP_ATOMIC", "--atomic",
				   "--cpu", "1", NULL });
	cr_expect(strstr(out, "[CPU 1, in interrupt]"), "GFP_ATOMIC: %s", out);
	cr_expect_null(strstr(v.log ? v.log : "", "sleeping function"),
		       "GFP_ATOMIC in the interrupt reported as sleeping");
	free(out);

	out = ok((const char *[]){ "kmalloc", "64", "GFP_KERNEL", "--atomic", NULL });
	cr_expect(strstr(out, "in interrupt"), "%s", out);
	cr_expect(strstr(out, "vmmctl: kmalloc: the guest reported: BUG: sleeping "
			 "function called from invalid context"),
		  "vmmctl did not pass the guest's report on: %s", out);
	free(out);
	ev = event("SLEEP_BUG", 30);
	cr_expect_not_null(ev, "--atomic GFP_KERNEL raised no SLEEP_BUG event");
	json_decref(ev);
	cr_expect_eq(vq_wait_for(&v, "sleeping function called from invalid context", 10),
		     0, "console:\n%s", v.log);
}

/* @args must answer a line holding @want; the line's handle as a string. */
static char *alloc_handle(const char *const args[], const char *want)
{
	static char h[8][16];
	static int next;
	char *out = ok(args), *s = h[next++ % 8];

	cr_expect(strstr(out, want), "vmmctl %s: want '%s' in: %s", args[0], want, out);
	snprintf(s, 16, "%u", handle_of(out));
	free(out);
	return s;
}

static void done(const char *const args[], const char *want)
{
	char *out = ok(args);

	cr_expect(strstr(out, want), "vmmctl %s %s: want '%s' in: %s", args[0],
		  args[1], want, out);
	free(out);
}

Test(alloc, every_family_allocs_and_free_all)
{
	char *c, *o, *p, *vm, *pool, *e, *pc, *buf, *out;

	c = alloc_handle((const char *[]){ "kmem_cache", "create", "outside", "200",
					   "64", NULL }, "kmem_cache 200 bytes");
	o = alloc_handle((const char *[]){ "kmem_cache", "alloc", c, NULL },
			 "cache outside");
	done((const char *[]){ "kmem_cache", "free", o, NULL }, "kmem_cache_free: done");
	o = alloc_handle((const char *[]){ "kmem_cache", "alloc", "outside", NULL },
			 "cache outside");
	p = alloc_handle((const char *[]){ "alloc_pages", "2", "GFP_HIGHUSER", NULL },
			 "(order 2)");
	done((const char *[]){ "free_pages", p, NULL }, "free_pages: done");
	p = alloc_handle((const char *[]){ "alloc_pages", "1", "GFP_KERNEL", "--cpu",
					   "1", NULL }, "zone Normal");
	vm = alloc_handle((const char *[]){ "vmalloc", "20000", NULL },
			  "vmalloc 20480 bytes at 0xffffc9");
	pool = alloc_handle((const char *[]){ "mempool", "create", "4", "512", NULL },
			    "mempool 512 bytes");
	e = alloc_handle((const char *[]){ "mempool", "alloc", pool, NULL },
			 "mempool_element 512 bytes");
	done((const char *[]){ "mempool", "resize", pool, "8", NULL },
	     "mempool_resize: done");
	pc = alloc_handle((const char *[]){ "alloc_percpu", "64", NULL }, "percpu 64 bytes");
	buf = alloc_handle((const char *[]){ "kmalloc", "256", "GFP_DMA", NULL },
			   "zone DMA");
	done((const char *[]){ "dma_fill", buf, "0xa5", NULL },
	     "dma_fill: 256 bytes at phys 0x");

	out = ok((const char *[]){ "allocs", NULL });
	cr_expect(strstr(out, "kmem_cache ") && strstr(out, "cache_object ") &&
		  strstr(out, "pages ") && strstr(out, "vmalloc ") &&
		  strstr(out, "mempool ") && strstr(out, "mempool_element ") &&
		  strstr(out, "percpu ") && strstr(out, "dma-kmalloc-256"),
		  "allocs misses a kind:\n%s", out);
	free(out);
	done((const char *[]){ "vfree", vm, NULL }, "vfree: done");
	done((const char *[]){ "free_percpu", pc, NULL }, "free_percpu: done");
	cr_expect_neq(vmmctl(&out, (const char *[]){ "kmem_cache", "destroy", o, NULL }), 0);
	cr_expect(strstr(out, "-EINVAL"), "destroy of an object: %s", out);
	free(out);
	done((const char *[]){ "mempool", "free", e, NULL }, "mempool_free: done");
	(void)p;

	cr_expect_neq(vmmctl(&out, (const char *[]){ "kmem_cache", "alloc", "nosuch", NULL }), 0);
	cr_expect(strstr(out, "-ENOENT"), "alloc from a cache no one created: %s", out);
	free(out);

	/* left: the cache, its object, the pages, the pool, the DMA buffer */
	done((const char *[]){ "free", "--all", NULL }, "freed 5 objects");
	out = ok((const char *[]){ "allocs", NULL });
	cr_expect(!strncmp(out, "HANDLE ", 7) && strchr(out, '\n') &&
		  !strchr(out, '\n')[1], "allocs after free --all, not only its header:\n%s",
		  out);
	free(out);
}
