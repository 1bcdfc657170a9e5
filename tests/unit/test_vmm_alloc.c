// SPDX-License-Identifier: MIT
/*
 * Allocations from outside, the VMM's side: the GFP parser against the
 * shared table, V alloc's argument checks, the ring's book (post, ring
 * full, DONE of a slot never posted) and every check of an answer against
 * a hostile guest: addresses out of what their kind allows, a bad handle,
 * an unterminated cache name, a list out of order; the event's JSON.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/gfp.h>
#include <memvisor/layout.h>

#include "alloc_cmds.h"
#include "allocq.h"
#include "gfp_parse.h"

static struct errbuf e;

/* ---- GFP flags ---- */

static uint32_t gfp_ok(const char *s)
{
	uint32_t v = 0xdeadbeef;

	cr_assert_eq(gfp_parse(s, &v, &e), 0, "'%s': %s", s, e.msg);
	return v;
}

static void gfp_bad(const char *s, const char *msg)
{
	uint32_t v;

	cr_assert_eq(gfp_parse(s, &v, &e), -1, "'%s' parsed", s ? s : "NULL");
	cr_assert_str_eq(e.msg, msg);
}

Test(gfp, c_spelling)
{
	cr_assert_eq(gfp_ok("GFP_KERNEL|__GFP_DMA"), MV_GFP_KERNEL | MV___GFP_DMA);
	cr_assert_eq(gfp_ok(" GFP_ATOMIC | __GFP_NOWARN "),
		     MV___GFP_HIGH | MV___GFP_ATOMIC | MV___GFP_NOWARN);
	cr_assert_eq(gfp_ok("GFP_NOWAIT"), 0);
	cr_assert_eq(gfp_ok("0x11|__GFP_ZERO"), 0x11 | MV___GFP_ZERO);
	cr_assert_eq(gfp_ok("GFP_HIGHUSER"), MV_GFP_USER | MV___GFP_HIGHMEM);
}

/* Every name of the shared table, and so every flag of the seeds, parses. */
Test(gfp, every_name_of_the_table)
{
#define CHECK_NAME(name, value) cr_assert_eq(gfp_ok(#name), (value), #name);
	MV_GFP_NAMES(CHECK_NAME)
#undef CHECK_NAME
	static const char *const seeds[] = { "GFP_ATOMIC", "GFP_HIGHUSER",
		"GFP_KERNEL", "GFP_NOFS", "GFP_NOIO", "GFP_USER", "__GFP_COLD",
		"__GFP_DMA", "__GFP_HIGH", "__GFP_HIGHMEM", "__GFP_NOFAIL",
		"__GFP_NORETRY", "__GFP_NOWARN", "__GFP_REPEAT" };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		gfp_ok(seeds[i]);
}

Test(gfp, bad_flags_named)
{
	gfp_bad("GFP_KERNEL|GFP_NOPE", "unknown GFP flag 'GFP_NOPE'");
	gfp_bad("gfp_kernel", "unknown GFP flag 'gfp_kernel'");
	gfp_bad("GFP_KERNEL||__GFP_DMA", "empty GFP flag (a stray '|'?)");
	gfp_bad("GFP_KERNEL|", "empty GFP flag (a stray '|'?)");
	gfp_bad("", "no GFP flags (write GFP_KERNEL, GFP_ATOMIC, ...)");
	gfp_bad("0x80000", "GFP value '0x80000' is not within __GFP_BITS_MASK (0x7ffff)");
	gfp_bad("12abc", "GFP value '12abc' is not within __GFP_BITS_MASK (0x7ffff)");
}

/* ---- V alloc's arguments ---- */

static int request(const char *json, struct allocq_req *r, struct qmp_error *err)
{
	json_t *args = json_loads(json, 0, NULL);
	int ret;

	cr_assert_not_null(args, "%s", json);
	memset(err, 0, sizeof(*err));
	ret = alloc_request(args, r, err);
	json_decref(args);
	return ret;
}

Test(alloc_request, kmalloc_and_defaults)
{
	struct allocq_req r;
	struct qmp_error err;

	cr_assert_eq(request("{\"op\": \"kmalloc\", \"size\": 100, \"flags\": "
			     "\"GFP_KERNEL|__GFP_DMA\", \"cpu\": 1, \"atomic\": true}",
			     &r, &err), 0);
	cr_assert_eq(r.kind, MV_ALLOC_KMALLOC);
	cr_assert_eq(r.size, 100);
	cr_assert_eq(r.gfp, MV_GFP_KERNEL | MV___GFP_DMA);
	cr_assert_eq(r.cpu, 1);
	cr_assert_eq(r.flags, MV_ALLOC_F_ATOMIC);
	cr_assert_eq(request("{\"op\": \"alloc_pages\", \"order\": 3, \"flags\": "
			     "\"GFP_HIGHUSER\"}", &r, &err), 0);
	cr_assert_eq(r.arg, 3);
	cr_assert_eq(request("{\"op\": \"mempool_alloc\", \"handle\": 7}", &r, &err), 0);
	cr_assert_eq(r.gfp, MV_GFP_KERNEL, "GFP_KERNEL when no flags are given");
	cr_assert_eq(r.handle, 7);
}

Test(alloc_request, refusals)
{
	struct allocq_req r;
	struct qmp_error err;

	cr_assert_eq(request("{\"op\": \"kmalloc\", \"size\": 100}", &r, &err), -1);
	cr_assert_str_eq(err.desc, "kmalloc needs 'flags'");
	cr_assert_eq(request("{\"op\": \"kzalloc\"}", &r, &err), -1);
	cr_assert_str_eq(err.desc, "unknown op 'kzalloc'");
	cr_assert_eq(request("{\"op\": \"kfree\", \"handle\": 256}", &r, &err), -1);
	cr_assert_str_eq(err.desc, "'handle' is 256, not in 0..255");
	cr_assert_eq(request("{\"op\": \"kmalloc\", \"size\": 1, \"flags\": \"GFP_X\"}",
			     &r, &err), -1);
	cr_assert_str_eq(err.desc, "unknown GFP flag 'GFP_X'");
	cr_assert_eq(request("{\"op\": \"kmem_cache_create\", \"size\": 1, \"name\": "
			     "\"0123456789012345678901234567890123\"}", &r, &err), -1);
	cr_assert_str_eq(err.desc, "'name' must be 1 to 31 bytes without NUL");
	cr_assert_eq(request("{\"op\": \"vmalloc\", \"size\": 4096, \"atomic\": true}",
			     &r, &err), -1);
	cr_assert_str_eq(err.desc, "vmalloc cannot run in an interrupt (--atomic): "
			 "it may sleep or wait whatever its flags");
	cr_assert_eq(request("{\"op\": \"dma_fill\", \"handle\": 0, \"value\": 1, "
			     "\"atomic\": true}", &r, &err), -1);
	cr_assert_eq(request("{\"op\": \"mempool_alloc\", \"handle\": 0, "
			     "\"atomic\": true}", &r, &err), 0, "%s", err.desc);
	cr_assert_eq(r.flags, MV_ALLOC_F_ATOMIC);
}

/* ---- the ring's book, over fake guest memory ---- */

#define RAM_SIZE	(64ULL << 20)
#define RING_GPA	0x100000ULL
#define LOWMEM		(32ULL << 20)

static struct gmem gm;
static void *ram;
static struct allocq q;
static unsigned int kicks, kicked_cpu;

static void kick(void *opaque, unsigned int cpu)
{
	kicks++;
	kicked_cpu = cpu;
}

static void setup(void)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM,
				     .nr_cpus = 2 };

	ram = calloc(1, RAM_SIZE);
	cr_assert_not_null(ram);
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, RAM_SIZE, ram), 0);
	allocq_init(&q, &gm, &lim, kick, NULL);
	kicks = 0;
}

static void teardown(void)
{
	allocq_destroy(&q);
	free(ram);
}

static struct mv_alloc_ring *ring(void)
{
	return (struct mv_alloc_ring *)((char *)ram + RING_GPA);
}

TestSuite(allocq, .init = setup, .fini = teardown);

Test(allocq, ring_announcement)
{
	cr_assert_eq(allocq_set_ring(&q, RING_GPA, 100, &e), -EINVAL);
	cr_assert(strstr(e.msg, "a ring of 100 bytes"), "%s", e.msg);
	cr_assert_eq(allocq_set_ring(&q, RING_GPA + 8, MV_ALLOC_RING_SIZE, &e), -EINVAL);
	cr_assert_eq(allocq_set_ring(&q, RAM_SIZE - 4096, MV_ALLOC_RING_SIZE, &e),
		     -EINVAL, "a ring past the end of RAM");
	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	cr_assert_eq(allocq_set_ring(&q, 0x200000, MV_ALLOC_RING_SIZE, &e), -EBUSY,
		     "a second ring");
}

static struct allocq_req kmalloc_req(uint32_t cpu)
{
	struct allocq_req r = { .kind = MV_ALLOC_KMALLOC, .cpu = cpu,
				.gfp = MV_GFP_KERNEL, .size = 100 };
	return r;
}

/* Posts @r; the slot it went to. */
static unsigned int post(const struct allocq_req *r, uint64_t *id)
{
	cr_assert_eq(allocq_post(&q, r, id, &e), 0, "%s", e.msg);
	for (unsigned int i = 0; i < MV_ALLOC_SLOTS; i++)
		if (ring()->slot[i].seq == *id)
			return i;
	cr_assert_fail("request %llu is in no slot", (unsigned long long)*id);
	return 0;
}

/* A good guest's answer to a kmalloc of 100 bytes on CPU 0, in DMA. */
static void answer_kmalloc(struct mv_alloc_slot *s)
{
	s->state = MV_SLOT_ANSWERED;
	s->status = 0;
	s->served_cpu = s->cpu;
	s->ans_handle = 5;
	s->obj = MV_OBJ_KMALLOC;
	s->addr = MV_DIRECT_MAP_BASE + 0x25080;
	s->pfn = 0x25;
	s->zone = 0;
	s->bytes = 128;
	s->slab = MV_DIRECT_MAP_BASE + 0x25000;
	strcpy(s->cache, "dma-kmalloc-128");
}

Test(allocq, post_and_answer)
{
	struct allocq_req r = kmalloc_req(1);
	struct allocq_result res;
	unsigned int i;
	uint64_t id;

	cr_assert_eq(allocq_post(&q, &r, &id, &e), -1, "no ring yet");
	cr_assert_str_eq(e.msg, "the guest has no allocation ring (yet)");
	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	i = post(&r, &id);
	cr_assert_eq(ring()->slot[i].state, MV_SLOT_POSTED);
	cr_assert_eq(ring()->slot[i].kind, MV_ALLOC_KMALLOC);
	cr_assert_eq(kicks, 1);
	cr_assert_eq(kicked_cpu, 1);
	answer_kmalloc(&ring()->slot[i]);
	cr_assert_eq(allocq_done(&q, i, &res, &e), 0);
	cr_assert_not(res.refused, "%s", res.msg);
	cr_assert_eq(res.id, id);
	cr_assert_eq(res.handle, 5);
	cr_assert_eq(res.pfn, 0x25);
	cr_assert_str_eq(res.cache, "dma-kmalloc-128");
	cr_assert_eq(allocq_done(&q, i, &res, &e), -ENOENT, "DONE twice");
	cr_assert_eq(allocq_done(&q, 1000, &res, &e), -ENOENT);
}

Test(allocq, ring_full_and_bad_requests)
{
	struct allocq_req r = kmalloc_req(0);
	uint64_t id;

	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	for (int i = 0; i < MV_ALLOC_SLOTS; i++)
		post(&r, &id);
	cr_assert_eq(allocq_post(&q, &r, &id, &e), -1);
	cr_assert_str_eq(e.msg, "allocation ring full (16 requests outstanding)");
	r.cpu = 2;
	cr_assert_eq(allocq_post(&q, &r, &id, &e), -1);
	cr_assert_str_eq(e.msg, "no CPU 2: the guest has 2");
	r.cpu = 0;
	r.kind = MV_ALLOC_KIND_NR;
	cr_assert_eq(allocq_post(&q, &r, &id, &e), -1);
}

/* The ring has one list area: one LIST at a time. */
Test(allocq, one_list_at_a_time)
{
	struct allocq_req r = { .kind = MV_ALLOC_LIST };
	struct allocq_result res;
	unsigned int i;
	uint64_t id;

	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	i = post(&r, &id);
	r.cpu = 1;
	cr_assert_eq(allocq_post(&q, &r, &id, &e), -1);
	cr_assert_str_eq(e.msg, "a list of the allocations is already being made");
	ring()->slot[i].state = MV_SLOT_ANSWERED;
	cr_assert_eq(allocq_done(&q, i, &res, &e), 0);
	free(res.list);
	post(&r, &id);
}

/* The checks alone: @mangle breaks a good answer; the reason must match. */
static void refused(void (*mangle)(struct mv_alloc_slot *), const char *why)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM,
				     .nr_cpus = 2 };
	struct allocq_req r = kmalloc_req(0);
	struct mv_alloc_slot s = { .kind = MV_ALLOC_KMALLOC, .cpu = 0 };

	answer_kmalloc(&s);
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), 0, "%s", e.msg);
	mangle(&s);
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), -1,
		     "accepted: %s", why);
	cr_assert(strstr(e.msg, why), "'%s' does not say '%s'", e.msg, why);
}

static void addr_beyond_lowmem(struct mv_alloc_slot *s) { s->addr = MV_DIRECT_MAP_BASE + LOWMEM; }
static void addr_user(struct mv_alloc_slot *s) { s->addr = 0x400000; }
static void pfn_not_addr(struct mv_alloc_slot *s) { s->pfn = 0x26; }
static void pfn_beyond_ram(struct mv_alloc_slot *s) { s->pfn = RAM_SIZE >> 12; }
static void wrong_zone(struct mv_alloc_slot *s) { s->zone = 1; }
static void bad_handle(struct mv_alloc_slot *s) { s->ans_handle = MV_ALLOC_HANDLES; }
static void wrong_obj(struct mv_alloc_slot *s) { s->obj = MV_OBJ_VMALLOC; }
static void unterminated(struct mv_alloc_slot *s) { memset(s->cache, 'A', sizeof(s->cache)); }
static void positive_status(struct mv_alloc_slot *s) { s->status = 12; }
static void huge_errno(struct mv_alloc_slot *s) { s->status = -100000; }
static void other_cpu(struct mv_alloc_slot *s) { s->served_cpu = 1; }
static void not_answered(struct mv_alloc_slot *s) { s->state = MV_SLOT_TAKEN; }
static void other_kind(struct mv_alloc_slot *s) { s->kind = MV_ALLOC_VMALLOC; }
static void too_few_bytes(struct mv_alloc_slot *s) { s->bytes = 64; }
static void slab_elsewhere(struct mv_alloc_slot *s) { s->slab += 0x1000; }
static void slab_unaligned(struct mv_alloc_slot *s) { s->slab += 0x40; }

Test(allocq_check, hostile_answers)
{
	refused(addr_beyond_lowmem, "is not in the direct map");
	refused(addr_user, "is not in the direct map");
	refused(pfn_not_addr, "is not the page of");
	refused(pfn_beyond_ram, "is beyond guest RAM");
	refused(wrong_zone, "is in zone DMA, not zone 1");
	refused(bad_handle, "handle 256 is not below 256");
	refused(wrong_obj, "a kmalloc answered with a vmalloc");
	refused(unterminated, "the cache name is not NUL-terminated");
	refused(positive_status, "status 12 is neither 0 nor -errno");
	refused(huge_errno, "status -100000 is neither 0 nor -errno");
	refused(other_cpu, "served on CPU 1, asked of CPU 0");
	refused(not_answered, "slot state 2, not ANSWERED");
	refused(other_kind, "kind 9 answered for kind 1");
	refused(too_few_bytes, "64 bytes answered for 100");
	refused(slab_elsewhere, "slab 0xffff888000026000 of order 0 does not hold 0xffff888000025080");
	refused(slab_unaligned, "does not hold");
}

Test(allocq_check, an_error_needs_no_object)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM, .nr_cpus = 1 };
	struct allocq_req r = kmalloc_req(0);
	struct mv_alloc_slot s = { .state = MV_SLOT_ANSWERED, .kind = MV_ALLOC_KMALLOC,
				   .status = -ENOMEM, .ans_handle = 9999,
				   .addr = 0x1234 };

	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), 0, "%s", e.msg);
}

Test(allocq_check, pages_and_atomic)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM, .nr_cpus = 1 };
	struct allocq_req r = { .kind = MV_ALLOC_PAGES, .arg = 2,
				.flags = MV_ALLOC_F_ATOMIC };
	struct mv_alloc_slot s = { .state = MV_SLOT_ANSWERED, .kind = MV_ALLOC_PAGES,
				   .ans_handle = 0, .obj = MV_OBJ_PAGES, .order = 2,
				   .pfn = 0x3000, .zone = 2, .bytes = 16384,
				   .in_interrupt = 1 };

	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), 0, "%s", e.msg);
	s.pfn = 0x3001;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), -1, "unaligned block");
	s.pfn = (RAM_SIZE >> 12) - 2;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), -1, "a block past RAM");
	s.pfn = 0x3000;
	s.in_interrupt = 0;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), -1);
	cr_assert_str_eq(e.msg, "an --atomic request served outside the interrupt");
}

Test(allocq_check, list_entries)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM, .nr_cpus = 2 };
	struct allocq_req r = { .kind = MV_ALLOC_LIST };
	struct mv_alloc_slot s = { .state = MV_SLOT_ANSWERED, .kind = MV_ALLOC_LIST,
				   .count = 2 };
	static struct mv_alloc_entry list[MV_ALLOC_HANDLES];

	list[0] = (struct mv_alloc_entry){ .handle = 1, .obj = MV_OBJ_VMALLOC,
		.parent = MV_ALLOC_NO_HANDLE, .addr = MV_VMALLOC_BASE + 0x2000,
		.pfn = MV_ALLOC_NO_PFN };
	list[1] = (struct mv_alloc_entry){ .handle = 4, .obj = MV_OBJ_KMALLOC,
		.parent = MV_ALLOC_NO_HANDLE, .addr = MV_DIRECT_MAP_BASE + 0x5000,
		.pfn = 5 };
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, list, &e), 0, "%s", e.msg);
	list[1].handle = 1;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, list, &e), -1, "a repeated handle");
	list[1].handle = 4;
	memset(list[1].cache, 'x', sizeof(list[1].cache));
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, list, &e), -1, "an unterminated name");
	list[1].cache[0] = '\0';
	list[1].cpu = 7;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, list, &e), -1, "no CPU 7");
	list[1].cpu = 0;
	s.count = MV_ALLOC_HANDLES + 1;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, list, &e), -1);
	cr_assert_str_eq(e.msg, "count 257 is more than 256");
}

/* A refused answer is reported (EPROTO and why), and the slot freed. */
Test(allocq, refused_answer_frees_the_slot)
{
	struct allocq_req r = kmalloc_req(0);
	struct allocq_result res;
	unsigned int i;
	uint64_t id;

	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	i = post(&r, &id);
	answer_kmalloc(&ring()->slot[i]);
	ring()->slot[i].addr = 0xdead;
	cr_assert_eq(allocq_done(&q, i, &res, &e), 0);
	cr_assert(res.refused);
	cr_assert_eq(res.status, -EPROTO);
	cr_assert(strstr(res.msg, "the guest's answer was refused: address 0xdead"),
		  "%s", res.msg);
	cr_assert_eq(res.handle, MV_ALLOC_NO_HANDLE, "no handle from a refused answer");
	cr_assert_eq(allocq_done(&q, i, &res, &e), -ENOENT, "the slot is free again");
}

/* ---- the event ---- */

Test(alloc_event, error_and_escaped_cache)
{
	struct allocq_result r = { .id = 3, .kind = MV_ALLOC_KMALLOC,
				   .status = -ENOMEM, .handle = MV_ALLOC_NO_HANDLE };
	json_t *d = alloc_event_data(&r);

	cr_assert_str_eq(json_string_value(json_object_get(d, "error")), "-ENOMEM");
	cr_assert_eq(json_integer_value(json_object_get(d, "errno")), -ENOMEM);
	cr_assert_null(json_object_get(d, "handle"));
	json_decref(d);
	r.status = 0;
	r.handle = 2;
	r.obj = MV_OBJ_CACHE_OBJ;
	r.pfn = 0x25;
	strcpy(r.cache, "bad\xff" "name");
	d = alloc_event_data(&r);
	cr_assert_str_eq(json_string_value(json_object_get(d, "cache")), "bad\\xffname");
	cr_assert_str_eq(json_string_value(json_object_get(d, "zone")), "DMA");
	cr_assert_str_eq(json_string_value(json_object_get(d, "object")), "cache_object");
	json_decref(d);
}

/* Only what was checked for the kind reaches the result: a LIST's pfn does not. */
Test(allocq, unchecked_fields_stay_out)
{
	struct allocq_req r = { .kind = MV_ALLOC_LIST };
	struct allocq_result res;
	unsigned int i;
	uint64_t id;

	cr_assert_eq(allocq_set_ring(&q, RING_GPA, MV_ALLOC_RING_SIZE, &e), 0);
	i = post(&r, &id);
	ring()->slot[i].state = MV_SLOT_ANSWERED;
	ring()->slot[i].pfn = 0x125000;
	ring()->slot[i].addr = 0x1234;
	cr_assert_eq(allocq_done(&q, i, &res, &e), 0);
	cr_assert_not(res.refused, "%s", res.msg);
	cr_assert_eq(res.pfn, MV_ALLOC_NO_PFN);
	cr_assert_eq(res.addr, 0);
	free(res.list);
}

Test(allocq_check, dma_buffer_in_ram)
{
	struct allocq_limits lim = { .ram_end = RAM_SIZE, .lowmem = LOWMEM, .nr_cpus = 1 };
	struct allocq_req r = { .kind = MV_ALLOC_DMA_FILL };
	struct mv_alloc_slot s = { .state = MV_SLOT_ANSWERED, .kind = MV_ALLOC_DMA_FILL,
				   .addr = 0x25000, .bytes = 128 };

	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), 0, "%s", e.msg);
	s.bytes = UINT64_MAX;
	cr_assert_eq(allocq_check_answer(&lim, &r, &s, NULL, &e), -1, "wraps");
	cr_assert_str_eq(e.msg, "DMA buffer [0x25000+0xffffffffffffffff) is not in guest RAM");
}
